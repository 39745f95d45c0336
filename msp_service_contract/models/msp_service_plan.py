# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.addons.msp_it_audit.models.msp_asset import ASSET_KINDS
from odoo.exceptions import ValidationError

BILLING_MODES = [
    ("flat", "Flat fee"),
    ("per_device", "Per device"),
    ("per_user", "Per covered user"),
]
ROLLOVER_RULES = [
    ("none", "No rollover: unused hours expire"),
    ("periods", "Roll over for N periods"),
    ("cap", "Roll over, capped at N hours"),
]


class MspServicePlan(models.Model):
    """A sellable managed-service tier: what the customer pays every month and what it gets."""

    _name = "msp.service.plan"
    _description = "Managed Service Plan"
    _inherit = ["mail.thread", "mail.activity.mixin", "msp.input.limits"]
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(
        "res.currency", compute="_compute_currency_id", help="The company's currency."
    )
    description = fields.Html(help="What the plan covers, in the customer's words.")
    sla_policy_id = fields.Many2one(
        "msp.sla.policy", string="SLA Policy", check_company=True, tracking=True
    )
    sla_required = fields.Boolean(
        string="Requires an SLA Policy",
        default=True,
        help="A plan that promises response times must name the SLA policy that measures them.",
    )
    line_ids = fields.One2many(
        "msp.service.plan.line", "plan_id", string="Recurring Prices", copy=True
    )
    included_hours = fields.Float(
        string="Included Hours / Period", tracking=True, help="Hours of covered work per month."
    )
    overage_product_id = fields.Many2one(
        "product.product",
        string="Overage Product",
        check_company=True,
        domain=[("type", "=", "service")],
        help="Invoiced for hours beyond the balance and for billable (not covered) work.",
    )
    overage_rate = fields.Monetary(
        string="Hourly Rate",
        currency_field="currency_id",
        tracking=True,
        groups="msp_service_contract.msp_service_contract_group_manager",
        help="Price of an hour of overage or of billable work.",
    )
    rollover_rule = fields.Selection(ROLLOVER_RULES, required=True, default="none", tracking=True)
    rollover_periods = fields.Integer(
        string="Roll Over For (periods)", default=1, help="How many periods unused hours live on."
    )
    rollover_cap_hours = fields.Float(
        string="Rollover Cap (hours)", help="The most unused hours carried into the next period."
    )
    covered_category_ids = fields.Many2many(
        "helpdesk.ticket.category",
        "msp_service_plan_covered_category_rel",
        string="Covered Categories",
        help="Ticket categories the plan covers. Empty: every category not excluded.",
    )
    excluded_category_ids = fields.Many2many(
        "helpdesk.ticket.category",
        "msp_service_plan_excluded_category_rel",
        string="Excluded Categories",
        help="Ticket categories never covered: their time is billable.",
    )
    covered_asset_kinds = fields.Char(
        compute="_compute_covered_asset_kinds",
        help="Asset kinds the plan covers: those of its per-device lines.",
    )
    exclusions = fields.Html(help="What the plan does not cover, as told to the customer.")
    uncovered_invoicing = fields.Selection(
        [("next", "On the contract's next invoice"), ("own", "On an invoice of its own")],
        string="Billable Work Invoiced",
        required=True,
        default="next",
    )
    sla_credit_percent = fields.Float(
        string="Credit per Breach (%)",
        groups="msp_service_contract.msp_service_contract_group_manager",
        help="Service credit per SLA breach in the period, as a share of the period's recurring "
        "fee.",
    )
    sla_credit_cap_percent = fields.Float(
        string="Credit Cap (%)",
        default=100.0,
        groups="msp_service_contract.msp_service_contract_group_manager",
        help="The most a period's credits can reach.",
    )
    minimum_term_months = fields.Integer(string="Minimum Term (months)", default=12)
    auto_renew = fields.Boolean(
        default=True,
        help="At the end of a term the contract renews for the renewal term, with the yearly "
        "increase; otherwise it expires.",
    )
    renewal_term_months = fields.Integer(string="Renewal Term (months)", default=12)
    user_id = fields.Many2one(
        "res.users",
        string="Account Manager",
        domain="[('share', '=', False)]",
        tracking=True,
        help="Handles the renewals of this plan's contracts that have no responsible of their own.",
    )
    notice_days = fields.Integer(string="Notice Period (days)", default=60)
    yearly_increase_percent = fields.Float(
        string="Yearly Price Increase (%)",
        groups="msp_service_contract.msp_service_contract_group_manager",
    )

    _hours_not_negative = models.Constraint(
        "CHECK(included_hours >= 0)", "Included hours cannot be negative."
    )
    _rate_not_negative = models.Constraint(
        "CHECK(overage_rate >= 0)", "The hourly rate cannot be negative."
    )
    _cap_not_negative = models.Constraint(
        "CHECK(rollover_cap_hours >= 0)", "The rollover cap cannot be below zero."
    )
    _credit_range = models.Constraint(
        "CHECK(sla_credit_percent >= 0 AND sla_credit_cap_percent >= 0)",
        "Service credit percentages cannot be negative.",
    )

    @api.depends("company_id")
    def _compute_currency_id(self):
        for plan in self:
            plan.currency_id = (plan.company_id or self.env.company).currency_id

    @api.depends("line_ids.billing_mode", "line_ids.asset_kind")
    def _compute_covered_asset_kinds(self):
        labels = dict(ASSET_KINDS)
        for plan in self:
            kinds = plan._msp_covered_kinds()
            plan.covered_asset_kinds = ", ".join(labels[k] for k in sorted(kinds)) or False

    def _msp_covered_kinds(self):
        self.ensure_one()
        return {line.asset_kind for line in self.line_ids if line.billing_mode == "per_device"}

    @api.constrains(
        "yearly_increase_percent", "notice_days", "minimum_term_months", "renewal_term_months"
    )
    def _check_renewal_terms(self):
        cap = self._msp_max_increase_percent()
        for plan in self:
            if not -100 <= plan.yearly_increase_percent <= cap:
                raise ValidationError(
                    self.env._(
                        "Plan %(plan)s: the yearly increase must be between -100%% and %(cap)s%% "
                        "(system parameter msp_service_contract.max_increase_percent).",
                        plan=plan.name,
                        cap=cap,
                    )
                )
            term_days = (
                min(plan.minimum_term_months, plan.renewal_term_months or plan.minimum_term_months)
                * 28
            )
            if (
                plan.minimum_term_months <= 0
                or plan.notice_days < 0
                or plan.notice_days >= term_days
            ):
                raise ValidationError(
                    self.env._(
                        "Plan %(plan)s: the notice period (%(notice)s days) must be shorter than "
                        "its terms (%(term)s months), which must be at least a month.",
                        plan=plan.name,
                        notice=plan.notice_days,
                        term=plan.minimum_term_months,
                    )
                )

    @api.model
    def _msp_max_increase_percent(self):
        return float(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("msp_service_contract.max_increase_percent", 25)
        )

    @api.constrains("sla_required", "sla_policy_id")
    def _check_sla_policy(self):
        for plan in self:
            if plan.sla_required and not plan.sla_policy_id:
                raise ValidationError(
                    self.env._(
                        "Plan %(plan)s promises response times: choose the SLA policy that "
                        "measures them, or untick 'Requires an SLA Policy'.",
                        plan=plan.name,
                    )
                )


class MspServicePlanLine(models.Model):
    _name = "msp.service.plan.line"
    _description = "Managed Service Plan Price"
    _inherit = ["msp.input.limits"]
    _order = "plan_id, sequence, id"

    plan_id = fields.Many2one("msp.service.plan", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    product_id = fields.Many2one(
        "product.product", required=True, domain=[("type", "=", "service")]
    )
    name = fields.Char(string="Description")
    billing_mode = fields.Selection(BILLING_MODES, required=True, default="flat")
    asset_kind = fields.Selection(
        ASSET_KINDS, string="Device Kind", help="For per-device prices: the kind of asset counted."
    )
    price_unit = fields.Monetary(
        string="Price / Month",
        currency_field="currency_id",
        groups="msp_service_contract.msp_service_contract_group_manager",
    )
    currency_id = fields.Many2one(related="plan_id.currency_id")

    _price_not_negative = models.Constraint(
        "CHECK(price_unit >= 0)", "A plan price cannot be negative."
    )
    _device_kind_required = models.Constraint(
        "CHECK(billing_mode != 'per_device' OR asset_kind IS NOT NULL)",
        "A per-device price needs the kind of device it counts.",
    )

    @api.constrains("billing_mode", "asset_kind")
    def _check_line(self):
        for line in self:
            if line.billing_mode == "per_device" and not line.asset_kind:
                raise ValidationError(
                    self.env._(
                        "The per-device price %(product)s needs the kind of device it counts.",
                        product=line.product_id.display_name,
                    )
                )
