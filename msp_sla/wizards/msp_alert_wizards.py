# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class MspAlertTokenWizard(models.TransientModel):
    _name = "msp.alert.token.wizard"
    _description = "New Alert Source Token"

    source_id = fields.Many2one("msp.alert.source", required=True, readonly=True)
    token = fields.Char(readonly=True, help="Shown once: copy it into the sender's settings.")
    webhook_url = fields.Char(string="Webhook URL", compute="_compute_webhook_url")

    @api.depends("source_id")
    def _compute_webhook_url(self):
        for wizard in self:
            wizard.webhook_url = f"{wizard.get_base_url()}{wizard.source_id.webhook_path}"

    def action_done(self):
        """Forget the token: the dialog was the only place it was shown."""
        self.unlink()
        return {"type": "ir.actions.act_window_close"}


class MspAlertAssignWizard(models.TransientModel):
    _name = "msp.alert.assign.wizard"
    _description = "Assign Alerts to a Customer"

    alert_ids = fields.Many2many(
        "msp.alert",
        string="Alerts",
        default=lambda self: self.env.context.get("active_ids"),
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        domain="[('is_company', '=', True)]",
    )

    def action_assign(self):
        self.ensure_one()
        self.alert_ids._msp_assign_customer(self.partner_id)
        return {"type": "ir.actions.act_window_close"}
