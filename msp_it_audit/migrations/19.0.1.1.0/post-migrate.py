# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """Loopback, link-local and other shared addresses and placeholder host names stopped
    being matching keys: assets stored before keep theirs until their address changes, and a
    GLPI switch listing 127.0.0.1 would still be merged into a scanned 'localhost'. Compute
    every asset's keys again (in batches; only the assets whose keys differ are written)."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["msp.asset"]._recompute_match_keys()
