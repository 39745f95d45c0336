# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Command

from .msp_customer_mixin import check_same_customer
from .selections import AREAS, SEVERITIES

SEVERITY_ORDER = [key for key, _label in SEVERITIES]


class MspAuditFinding(models.Model):
    _name = "msp.audit.finding"
    _description = "IT audit finding"
    _inherit = ["msp.it.audit.input.limits", "mail.thread", "mail.activity.mixin"]
    _order = "audit_id, severity_rank, id"
    _check_company_auto = True

    name = fields.Char(string="Title", required=True, tracking=True)
    audit_id = fields.Many2one(
        "msp.audit", required=True, ondelete="cascade", index=True, check_company=True
    )
    company_id = fields.Many2one(related="audit_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(
        related="audit_id.partner_id", string="Customer", store=True, index=True
    )
    currency_id = fields.Many2one(related="audit_id.currency_id")
    area = fields.Selection(AREAS, required=True, default="security")
    severity = fields.Selection(SEVERITIES, tracking=True)
    severity_rank = fields.Integer(compute="_compute_severity_rank", store=True)
    description = fields.Text()
    recommendation = fields.Text()
    evidence = fields.Text(help="What the auditor or the scan saw, one line per observation.")
    asset_ids = fields.Many2many(
        "msp.asset",
        "msp_asset_msp_audit_finding_rel",
        "finding_id",
        "asset_id",
        string="Affected assets",
    )
    asset_count = fields.Integer(compute="_compute_asset_count")
    product_id = fields.Many2one(
        "product.product", string="Remediation product", check_company=True
    )
    estimated_hours = fields.Float()
    price = fields.Monetary(
        compute="_compute_price",
        store=True,
        readonly=False,
        tracking=True,
        help="The remediation's price: the product's sales price times the estimated hours "
        "(or the price itself with no hours). It can be changed by hand.",
    )
    state = fields.Selection(
        [
            ("open", "Open"),
            ("accepted", "Accepted"),
            ("declined", "Declined"),
            ("resolved", "Resolved"),
        ],
        default="open",
        required=True,
        tracking=True,
        group_expand=True,
    )
    source = fields.Selection(
        [
            ("manual", "Manual"),
            ("check", "Checklist"),
            ("scan", "Scan rule"),
            ("eol", "End of life"),
        ],
        default="manual",
        required=True,
        readonly=True,
    )
    source_key = fields.Char(
        readonly=True, copy=False, help="Identifies an imported finding in its audit."
    )
    check_id = fields.Many2one("msp.audit.check", readonly=True, index="btree_not_null")
    rule_id = fields.Many2one("msp.audit.scan.rule", readonly=True)
    eol_entry_id = fields.Many2one("msp.eol.entry", string="End-of-life entry", readonly=True)
    sale_line_ids = fields.One2many("sale.order.line", "msp_finding_id", string="Quotation lines")

    _source_key_unique = models.UniqueIndex(
        "(audit_id, source_key) WHERE source_key IS NOT NULL",
        "This finding was already raised in this audit.",
    )
    _price_positive = models.Constraint(
        "CHECK(price >= 0)", "The price of a remediation cannot be negative."
    )
    _hours_positive = models.Constraint(
        "CHECK(estimated_hours >= 0)", "Estimated hours cannot be negative."
    )

    @api.depends("severity")
    def _compute_severity_rank(self):
        for finding in self:
            finding.severity_rank = finding._severity_rank()

    def _severity_rank(self):
        self.ensure_one()
        if self.severity in SEVERITY_ORDER:
            return SEVERITY_ORDER.index(self.severity)
        return len(SEVERITY_ORDER)

    @api.depends("asset_ids")
    def _compute_asset_count(self):
        for finding in self:
            finding.asset_count = len(finding.asset_ids)

    @api.depends("product_id", "estimated_hours")
    def _compute_price(self):
        for finding in self:
            unit = finding.product_id.lst_price
            finding.price = unit * finding.estimated_hours if finding.estimated_hours else unit

    def _severity_error(self):
        return ValidationError(
            self.env._(
                "A finding needs a severity (critical, high, medium, low or info): set one "
                "before saving."
            )
        )

    @api.model_create_multi
    def create(self, vals_list):
        default = self.env.context.get("default_severity")
        if any(not (vals.get("severity") or default) for vals in vals_list):
            raise self._severity_error()
        return super().create(vals_list)

    @api.constrains("severity")
    def _check_severity(self):
        if any(not finding.severity for finding in self):
            raise self._severity_error()

    @api.constrains("check_id", "audit_id")
    def _check_check_customer(self):
        check_same_customer(self, "check_id", "audit_id.partner_id", "audit_id.partner_id")

    @api.constrains("asset_ids", "audit_id")
    def _check_assets_customer(self):
        check_same_customer(self, "asset_ids", "audit_id.partner_id")

    def action_accept(self):
        self.write({"state": "accepted"})

    def action_decline(self):
        self.write({"state": "declined"})

    def action_resolve(self):
        self.write({"state": "resolved"})

    def action_reopen(self):
        self.write({"state": "open"})

    def _prepare_sale_line_values(self, product):
        """The one-time quotation line of an accepted finding, traced back to it.

        Priced by the hour (quantity: the estimated hours) when the product is sold by the hour
        and the price divides evenly; otherwise one unit at the finding's price.
        """
        self.ensure_one()
        quantity, price_unit, name = 1.0, self.price, self.name
        hour = self.env.ref("uom.product_uom_hour", raise_if_not_found=False)
        if self.estimated_hours and product.uom_id == hour:
            per_hour = self.currency_id.round(self.price / self.estimated_hours)
            if self.currency_id.compare_amounts(per_hour * self.estimated_hours, self.price) == 0:
                quantity, price_unit = self.estimated_hours, per_hour
        if quantity == 1.0 and self.estimated_hours:
            name = self.env._(
                "%(title)s (estimated %(hours)s h)", title=self.name, hours=self.estimated_hours
            )
        if self.recommendation:
            name = f"{name}\n{self.recommendation}"
        return {
            "product_id": product.id,
            "name": name,
            "product_uom_qty": quantity,
            "price_unit": price_unit,
            "msp_finding_id": self.id,
            "msp_asset_ids": [Command.set(self.asset_ids.ids)],
        }
