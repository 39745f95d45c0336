# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

LINE_KINDS = [
    ("overage", "Overage hours"),
    ("billable", "Billable work"),
    ("sla_credit", "SLA service credit"),
    ("prepaid", "Prepaid hours block"),
    ("after_hours", "After-hours emergency work"),
]


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    msp_line_kind = fields.Selection(
        LINE_KINDS, string="Contract Line Source", readonly=True, copy=False
    )
    msp_contract_id = fields.Many2one(
        "contract.contract",
        string="Service Contract",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The contract an overage, billable work, credit or prepaid line bills.",
    )
    msp_hours_period_id = fields.Many2one(
        "msp.contract.hours.period",
        string="Hours Period",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    msp_hours_entry_id = fields.Many2one(
        "msp.contract.hours.entry",
        string="Hours Ledger Line",
        readonly=True,
        copy=False,
        help="The overage or prepaid block this line bills; deleting the draft invoice makes "
        "it billable again.",
    )
    msp_timesheet_ids = fields.One2many(
        "account.analytic.line", "msp_invoice_line_id", string="Billable Time", readonly=True
    )


class AccountMove(models.Model):
    _inherit = "account.move"

    def _msp_link_ledger(self):
        """Point the ledger at the invoice lines that billed it (overage, credits, prepaid)."""
        lines = self.line_ids.filtered("msp_line_kind")
        # sudo: only the ledger's engine links its lines (the mixin refuses it otherwise); the
        # link written is the invoice line that was just created for that ledger line
        for line in lines.filtered(lambda ln: ln.msp_line_kind in ("overage", "prepaid")):
            line.msp_hours_entry_id.sudo().invoice_line_id = line
        for line in lines.filtered(lambda ln: ln.msp_line_kind == "sla_credit"):
            line.msp_hours_period_id.sudo().credit_line_id = line
