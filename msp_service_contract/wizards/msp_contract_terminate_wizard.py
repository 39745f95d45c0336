# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class MspContractTerminateWizard(models.TransientModel):
    _name = "msp.contract.terminate.wizard"
    _description = "Terminate a Service Contract"
    _inherit = ["msp.input.limits"]

    contract_id = fields.Many2one("contract.contract", required=True, readonly=True)
    date = fields.Date(string="End Date", required=True, default=fields.Date.context_today)
    reason = fields.Text(required=True)
    minimum_term_end = fields.Date(related="contract_id.msp_term_end", string="Current Term Ends")
    force = fields.Boolean(
        string="Force Before the Minimum Term",
        help="Managers only, with a reason: end the contract before its minimum term.",
    )

    def action_confirm(self):
        self.ensure_one()
        self.contract_id._msp_terminate(self.date, self.reason, force=self.force)
        return {"type": "ir.actions.act_window_close"}
