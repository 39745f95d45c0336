# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """The SLA ledger became tamper-evident: seal the lines written before, in order."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["msp.sla.event"]._msp_ledger_seal_pending()
