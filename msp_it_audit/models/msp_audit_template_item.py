# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from .selections import AREAS, SEVERITIES


class MspAuditTemplateItem(models.Model):
    _name = "msp.audit.template.item"
    _inherit = ["msp.it.audit.input.limits"]
    _description = "IT audit checklist item"
    _order = "template_id, sequence, id"

    template_id = fields.Many2one(
        "msp.audit.template", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    area = fields.Selection(AREAS, required=True, default="network")
    name = fields.Char(string="Check", required=True, translate=True)
    guidance = fields.Text(translate=True, help="How the auditor verifies this check.")
    weight = fields.Integer(default=1, required=True, help="Weight in the risk score (1-10).")
    finding_title = fields.Char(translate=True, help="Title of the finding a failure raises.")
    finding_severity = fields.Selection(SEVERITIES, required=True, default="medium")
    finding_description = fields.Text(translate=True)
    recommendation = fields.Text(translate=True)
    product_id = fields.Many2one("product.product", string="Remediation product")
    estimated_hours = fields.Float(default=1.0)

    _weight_range = models.Constraint(
        "CHECK(weight BETWEEN 1 AND 10)", "The weight of a check is between 1 and 10."
    )

    def _prepare_check_values(self):
        """Values of the check line this item becomes on an audit."""
        self.ensure_one()
        return {
            "item_id": self.id,
            "sequence": self.sequence,
            "area": self.area,
            "name": self.name,
            "guidance": self.guidance,
            "weight": self.weight,
            "finding_title": self.finding_title or self.name,
            "finding_severity": self.finding_severity,
            "finding_description": self.finding_description,
            "recommendation": self.recommendation,
            "product_id": self.product_id.id,
            "estimated_hours": self.estimated_hours,
        }
