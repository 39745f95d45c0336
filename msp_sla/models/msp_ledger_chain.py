# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import time

from odoo import api, fields, models

MIXIN = "msp.ledger.hash.mixin"


class MspLedgerChain(models.Model):
    """The head of one hash chain: the last sequence and hash of a ledger in a company.

    Written only by msp.ledger.hash.mixin, in SQL, under a row lock: the row is the lock that
    orders concurrent transactions appending to the same chain, and it remembers how long the
    chain was, so that deleting its last lines is detected too."""

    _name = "msp.ledger.chain"
    _description = "Ledger Hash Chain"
    _rec_name = "ledger"

    ledger = fields.Char(required=True, readonly=True, help="The technical name of the ledger.")
    company_id = fields.Many2one("res.company", required=True, readonly=True, ondelete="cascade")
    sequence = fields.Integer(readonly=True, help="The sequence of the last line in the chain.")
    last_hash = fields.Char(readonly=True, help="The hash of the last line in the chain.")

    _one_chain = models.UniqueIndex(
        "(ledger, company_id)", "A ledger has one hash chain per company."
    )

    @api.model
    def _msp_ledger_models(self):
        """The tamper-evident ledgers installed: the models that use this mixin."""
        return [
            self.env[name]
            for name in self.env.registry[MIXIN]._inherit_children
            if name in self.env and not self.env[name]._abstract
        ]

    @api.model
    def _cron_msp_ledger_seal(self, batch_size=5000):
        """Seal the new lines of every ledger, in batches that commit (woken by each commit
        that writes ledger lines, and every few minutes in case a wake-up was missed)."""
        for ledger in self._msp_ledger_models():
            while True:
                started = time.monotonic()
                done = ledger._msp_ledger_seal_pending(limit=batch_size)
                if done < batch_size:  # this ledger is sealed: the next one
                    self.env["ir.cron"]._commit_progress(done, remaining=0)
                    break
                time_left = self.env["ir.cron"]._commit_progress(done, remaining=1)
                if time_left <= 2 * (time.monotonic() - started):
                    return  # lines left: the scheduler runs the action again at once
