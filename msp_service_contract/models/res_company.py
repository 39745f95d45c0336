# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    msp_timer_rounding_minutes = fields.Integer(
        string="Round Ticket Timers Up To (minutes)",
        default=15,
        help="A stopped ticket timer logs its time rounded up to this many minutes "
        "(0: to the minute).",
    )

    _msp_timer_rounding_range = models.Constraint(
        "CHECK(msp_timer_rounding_minutes BETWEEN 0 AND 240)",
        "The timer rounding is between 0 and 240 minutes.",
    )
