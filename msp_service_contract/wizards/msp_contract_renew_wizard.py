# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.fields import Command

from ..models.contract_renewal import NO_RENEWAL_REASONS


class MspContractRenewWizard(models.TransientModel):
    """Renew now: the next term's dates and prices, then the renewal on confirm."""

    _name = "msp.contract.renew.wizard"
    _description = "Renew a Service Contract Now"

    contract_id = fields.Many2one("contract.contract", required=True, readonly=True)
    currency_id = fields.Many2one(related="contract_id.currency_id")
    # Stored computes: the preview is built once, when the wizard opens.
    increase_percent = fields.Float(
        string="Price Change (%)", compute="_compute_preview", store=True
    )
    term_start = fields.Date(string="New Term Starts", compute="_compute_preview", store=True)
    term_end = fields.Date(string="New Term Ends", compute="_compute_preview", store=True)
    line_ids = fields.One2many(
        "msp.contract.renew.wizard.line",
        "wizard_id",
        compute="_compute_preview",
        store=True,
        string="Prices",
    )

    @api.depends("contract_id")
    def _compute_preview(self):
        for wizard in self:
            contract = wizard.contract_id
            if not contract.msp_term_end:
                wizard.update(
                    {
                        "increase_percent": 0,
                        "term_start": False,
                        "term_end": False,
                        "line_ids": False,
                    }
                )
                continue
            wizard.term_start, wizard.term_end = contract._msp_next_term()
            wizard.increase_percent = (
                contract.msp_renewal_increase_percent
                if contract.msp_renewal_state == "renewal_due"
                else contract.msp_plan_id.yearly_increase_percent
            )
            wizard.line_ids = [Command.clear()] + [
                Command.create(
                    {
                        "contract_line_id": line.id,
                        "quantity": line.quantity,
                        "current_price": line.price_unit,
                        "new_price": price,
                    }
                )
                for line, price in contract._msp_next_term_prices().items()
            ]

    def action_confirm(self):
        self.ensure_one()
        self.contract_id._msp_renew_now()
        return {"type": "ir.actions.act_window_close"}


class MspContractRenewWizardLine(models.TransientModel):
    _name = "msp.contract.renew.wizard.line"
    _description = "Next Term Price of a Contract Line"

    wizard_id = fields.Many2one("msp.contract.renew.wizard", required=True, ondelete="cascade")
    currency_id = fields.Many2one(related="wizard_id.currency_id")
    contract_line_id = fields.Many2one("contract.line", string="Service", readonly=True)
    quantity = fields.Float(readonly=True)
    current_price = fields.Monetary(readonly=True)
    new_price = fields.Monetary(readonly=True)


class MspContractNoRenewalWizard(models.TransientModel):
    """Do not renew: the contract expires at its term end, for a reason."""

    _name = "msp.contract.no.renewal.wizard"
    _description = "Do Not Renew a Service Contract"

    contract_id = fields.Many2one("contract.contract", required=True, readonly=True)
    term_end = fields.Date(related="contract_id.msp_term_end", string="Expires On")
    reason_kind = fields.Selection(NO_RENEWAL_REASONS, string="Reason", required=True)
    reason = fields.Text(string="Details", required=True)

    def action_confirm(self):
        self.ensure_one()
        self.contract_id._msp_mark_no_renewal(self.reason_kind, self.reason)
        return {"type": "ir.actions.act_window_close"}
