# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class HelpdeskTicketTeam(models.Model):
    _inherit = "helpdesk.ticket.team"

    msp_sla_policy_id = fields.Many2one(
        "msp.sla.policy",
        string="Default SLA Policy",
        check_company=True,
        help="Used for the team's tickets when neither a contract nor the customer gives one.",
    )
