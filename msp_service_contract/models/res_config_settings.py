# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    msp_timer_rounding_minutes = fields.Integer(
        related="company_id.msp_timer_rounding_minutes", readonly=False
    )
    msp_expiry_thresholds = fields.Char(related="company_id.msp_expiry_thresholds", readonly=False)
    msp_expiry_reminder_mode = fields.Selection(
        related="company_id.msp_expiry_reminder_mode", readonly=False
    )
