# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    msp_sla_policy_id = fields.Many2one(
        "msp.sla.policy",
        string="SLA Policy",
        company_dependent=True,
        help="The customer's default SLA policy, used for its tickets when no contract supplies "
        "one. Set on the company: its contacts use their company's.",
    )

    def _commercial_fields(self):
        return [*super()._commercial_fields(), "msp_sla_policy_id"]
