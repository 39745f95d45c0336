# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError


class MspContractTrueupWizard(models.TransientModel):
    """Before an invoice: the per-device and per-user quantities against the covered assets
    and users, with what changed since the last true-up. The manager confirms."""

    _name = "msp.contract.trueup.wizard"
    _description = "Contract Quantity True-up"

    contract_id = fields.Many2one("contract.contract", required=True, readonly=True)
    line_ids = fields.One2many("msp.contract.trueup.wizard.line", "wizard_id", readonly=True)
    has_changes = fields.Boolean(compute="_compute_has_changes")

    @api.depends("line_ids.difference")
    def _compute_has_changes(self):
        for wizard in self:
            wizard.has_changes = any(wizard.line_ids.mapped("difference"))

    @api.model
    def _prepare_lines(self, contract):
        return [
            {
                "contract_line_id": line.id,
                "billing_mode": mode,
                "current_quantity": line.quantity,
                "expected_quantity": len(counted),
                "added": ", ".join(added.mapped("display_name")),
                "removed": ", ".join(removed.mapped("display_name")),
            }
            for line, mode, counted, added, removed in contract._msp_trueup_changes()
        ]

    def action_confirm(self):
        self.ensure_one()
        contract = self.contract_id
        changed = self.line_ids.filtered("difference")
        if not changed:
            raise UserError(
                self.env._("The quantities already match the covered assets and users.")
            )
        rows = Markup("").join(
            Markup("<li>%s: %s &rarr; %s%s%s</li>")
            % (
                row.contract_line_id.name,
                row.current_quantity,
                row.expected_quantity,
                Markup("; added: %s") % row.added if row.added else "",
                Markup("; removed: %s") % row.removed if row.removed else "",
            )
            for row in changed
        )
        for row in changed:
            row.contract_line_id.quantity = row.expected_quantity
        contract._msp_trueup_snapshot()
        contract.message_post(
            body=Markup("<p>%s</p><ul>%s</ul>") % (self.env._("Quantity true-up"), rows)
        )
        return {"type": "ir.actions.act_window_close"}


class MspContractTrueupWizardLine(models.TransientModel):
    _name = "msp.contract.trueup.wizard.line"
    _description = "Contract Quantity True-up Line"

    wizard_id = fields.Many2one("msp.contract.trueup.wizard", required=True, ondelete="cascade")
    contract_line_id = fields.Many2one("contract.line", string="Contract Line", readonly=True)
    billing_mode = fields.Selection(
        [("per_device", "Per device"), ("per_user", "Per user")], readonly=True
    )
    current_quantity = fields.Float(readonly=True)
    expected_quantity = fields.Float(readonly=True)
    difference = fields.Float(compute="_compute_difference")
    added = fields.Char(string="Added Since Last True-up", readonly=True)
    removed = fields.Char(string="Retired or Removed Since Last True-up", readonly=True)

    @api.depends("current_quantity", "expected_quantity")
    def _compute_difference(self):
        for line in self:
            line.difference = line.expected_quantity - line.current_quantity
