# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """The hours ledger became tamper-evident: seal the lines written before, in order, and
    name the consumption each existing reversal gives back."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    cr.execute(
        """
        UPDATE msp_contract_hours_entry reversal
           SET reversal_of_id = consumed.id
          FROM msp_contract_hours_entry consumed
         WHERE reversal.kind = 'reversal'
           AND reversal.reversal_of_id IS NULL
           AND reversal.ledger_sequence IS NULL
           AND consumed.kind = 'consumption'
           AND consumed.timesheet_id = reversal.timesheet_id
           AND consumed.timesheet_version = reversal.timesheet_version
        """
    )
    env["msp.contract.hours.entry"]._msp_ledger_seal_pending()
