# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from .msp_customer_mixin import check_same_customer
from .selections import AREAS, SEVERITIES


class MspAuditCheck(models.Model):
    """One check of an audit's checklist. A failed check raises its finding."""

    _name = "msp.audit.check"
    _inherit = ["msp.it.audit.input.limits"]
    _description = "IT audit check"
    _order = "audit_id, sequence, id"

    audit_id = fields.Many2one("msp.audit", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="audit_id.company_id", store=True)
    item_id = fields.Many2one("msp.audit.template.item", string="Checklist item", index=True)
    sequence = fields.Integer(default=10)
    area = fields.Selection(AREAS, required=True, default="network")
    name = fields.Char(string="Check", required=True)
    guidance = fields.Text()
    weight = fields.Integer(default=1, required=True)
    result = fields.Selection(
        [
            ("todo", "To check"),
            ("pass", "Pass"),
            ("warning", "Warning"),
            ("fail", "Fail"),
            ("na", "Not applicable"),
        ],
        default="todo",
        required=True,
    )
    notes = fields.Text()
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "msp_audit_check_ir_attachment_rel",
        "check_id",
        "attachment_id",
        string="Evidence",
    )
    finding_title = fields.Char()
    finding_severity = fields.Selection(SEVERITIES, required=True, default="medium")
    finding_description = fields.Text()
    recommendation = fields.Text()
    product_id = fields.Many2one("product.product", string="Remediation product")
    estimated_hours = fields.Float(default=1.0)
    finding_id = fields.Many2one("msp.audit.finding", readonly=True, copy=False)

    _weight_range = models.Constraint(
        "CHECK(weight BETWEEN 1 AND 10)", "The weight of a check is between 1 and 10."
    )

    @api.constrains("finding_id", "audit_id")
    def _check_finding_customer(self):
        check_same_customer(self, "finding_id", "audit_id.partner_id", "audit_id.partner_id")

    @api.model_create_multi
    def create(self, vals_list):
        checks = super().create(vals_list)
        checks._sync_findings()
        return checks

    def write(self, vals):
        res = super().write(vals)
        if "result" in vals:
            self._sync_findings()
        return res

    def _sync_findings(self):
        """A failed check raises its finding; a check that no longer fails removes the finding
        it raised while that finding is still open (a decided finding is kept)."""
        failed = self.filtered(lambda c: c.result == "fail" and not c.finding_id)
        if failed:
            findings = self.env["msp.audit.finding"].create(
                [check._prepare_finding_values() for check in failed]
            )
            for check, finding in zip(failed, findings, strict=True):
                check.finding_id = finding
        cleared = self.filtered(
            lambda c: c.result != "fail" and c.finding_id and c.finding_id.state == "open"
        )
        if cleared:
            findings = cleared.finding_id
            cleared.finding_id = False
            findings.unlink()

    def _prepare_finding_values(self):
        self.ensure_one()
        return {
            "audit_id": self.audit_id.id,
            "name": self.finding_title or self.name,
            "area": self.area,
            "severity": self.finding_severity,
            "description": self.finding_description,
            "recommendation": self.recommendation,
            "product_id": self.product_id.id,
            "estimated_hours": self.estimated_hours,
            "source": "check",
            "check_id": self.id,
            "evidence": self.notes,
        }
