# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError


class MspLedgerIntegrityWizard(models.TransientModel):
    """The integrity report of one tamper-evident ledger: per company, the lines checked and
    the first line that does not match its hash chain, or "all N lines intact"."""

    _name = "msp.ledger.integrity.wizard"
    _description = "Ledger Integrity Report"

    ledger = fields.Selection(selection="_selection_ledger", required=True, readonly=True)
    date = fields.Datetime(string="Verified On", readonly=True, default=fields.Datetime.now)
    intact = fields.Boolean(readonly=True, help="Every chain of the ledger verified.")
    result_ids = fields.One2many(
        "msp.ledger.integrity.result", "wizard_id", string="Companies", readonly=True
    )

    @api.model
    def _selection_ledger(self):
        return [
            (ledger._name, ledger._description)
            for ledger in self.env["msp.ledger.chain"]._msp_ledger_models()
        ]

    @api.model
    def action_verify_ledger(self, ledger):
        """Verify ``ledger`` (the technical name of a tamper-evident ledger) in the companies
        of the user and open the report. For the ledger's managers."""
        if ledger not in dict(self._selection_ledger()):
            raise UserError(
                self.env._(
                    "%(ledger)s is not a tamper-evident ledger: choose one of %(ledgers)s.",
                    ledger=ledger,
                    ledgers=", ".join(dict(self._selection_ledger())),
                )
            )
        results = self.env[ledger].verify_ledger_integrity()
        wizard = self.create(
            {
                "ledger": ledger,
                "intact": all(result["intact"] for result in results),
                "result_ids": [
                    fields.Command.create(
                        {
                            "company_id": result["company_id"],
                            "checked": result["checked"],
                            "total": result["total"],
                            "intact": result["intact"],
                            "line_id": result["line_id"],
                            "line_sequence": result["line_sequence"],
                            "line_date": result["line_date"],
                            "line_description": result["line_description"],
                            "reason": result["reason"],
                            "message": result["message"],
                        }
                    )
                    for result in results
                ],
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Ledger Integrity: %s", self.env[ledger]._description),
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }
