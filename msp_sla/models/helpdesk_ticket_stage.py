# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class HelpdeskTicketStage(models.Model):
    _inherit = "helpdesk.ticket.stage"

    msp_sla_third_party_wait = fields.Boolean(
        string="Third-Party Wait",
        help="Tickets in this stage wait for a third party (a vendor, a carrier, a software "
        "publisher). An SLA policy that excludes third-party delays pauses their resolution "
        "clock here.",
    )
