# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class MspContractPrepaidWizard(models.TransientModel):
    """Sell a block of prepaid hours: credited to the month of its date, invoiced once on the
    contract's next invoice."""

    _name = "msp.contract.prepaid.wizard"
    _description = "Sell Prepaid Hours"
    _inherit = ["msp.input.limits"]

    contract_id = fields.Many2one("contract.contract", required=True, readonly=True)
    hours = fields.Float(required=True, default=10)
    amount = fields.Float(string="Price", required=True)
    date = fields.Date(required=True, default=fields.Date.context_today)

    def action_confirm(self):
        self.ensure_one()
        contract = self.contract_id
        period = contract._msp_period(self.date)
        period._msp_lock()
        contract._msp_log_hours(
            period,
            "prepaid",
            self.hours,
            self.date,
            amount=self.amount,
            note=self.env._("Prepaid block sold by %s", self.env.user.name),
        )
        contract.message_post(
            body=self.env._(
                "Prepaid block of %(hours).2f hours sold (%(amount).2f), credited to %(month)s.",
                hours=self.hours,
                amount=self.amount,
                month=f"{period.date_start:%Y-%m}",
            )
        )
        return {"type": "ir.actions.act_window_close"}
