# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


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
