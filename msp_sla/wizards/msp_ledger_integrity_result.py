# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class MspLedgerIntegrityResult(models.TransientModel):
    """One company's chain in a ledger integrity report."""

    _name = "msp.ledger.integrity.result"
    _description = "Ledger Integrity per Company"
    _order = "company_id"

    wizard_id = fields.Many2one("msp.ledger.integrity.wizard", required=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", readonly=True)
    checked = fields.Integer(string="Lines Intact", readonly=True)
    total = fields.Integer(string="Lines", readonly=True)
    intact = fields.Boolean(readonly=True)
    line_id = fields.Integer(string="First Broken Line", readonly=True)
    line_sequence = fields.Integer(string="Its Sequence", readonly=True)
    line_date = fields.Char(string="Its Date", readonly=True)
    line_description = fields.Char(string="What It Is", readonly=True)
    reason = fields.Char(readonly=True)
    message = fields.Char(readonly=True)

    def action_open_line(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.wizard_id.ledger,
            "res_id": self.line_id,
            "view_mode": "form",
        }
