# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import importlib.util
from pathlib import Path

from odoo.tools import SQL

from .common import MspItAuditCommon

MIGRATION = Path(__file__).resolve().parents[1] / "migrations" / "19.0.1.1.0" / "post-migrate.py"


class TestKeyMigration(MspItAuditCommon):
    """Assets stored before addresses that identify no device stopped being matching keys
    (127.0.0.1, link-local, 'localhost'...) lose those keys on upgrade; real keys stay."""

    def store_old_keys(self, asset, **values):
        """Write values and keys the way versions before 19.0.1.1.0 stored them (every
        address and host name was a key), behind the ORM's back."""
        self.env.flush_all()
        assignments = SQL(", ").join(
            SQL("%s = %s", SQL.identifier(column), value) for column, value in values.items()
        )
        self.env.cr.execute(SQL("UPDATE msp_asset SET %s WHERE id = %s", assignments, asset.id))
        self.env.invalidate_all()

    def setUp(self):
        super().setUp()
        Asset = self.env["msp.asset"]
        self.switch = Asset.create(
            {"name": "core-sw", "partner_id": self.customer.id, "ip_address": "10.0.0.2"}
        )
        self.store_old_keys(
            self.switch,
            ip_address="127.0.0.1",
            ip_key="127.0.0.1",
            hostname="localhost",
            hostname_key="localhost",
        )
        self.archived = Asset.create(
            {"name": "old-ws", "partner_id": self.customer.id, "active": False}
        )
        self.store_old_keys(self.archived, ip_address="fe80::1", ip_key="fe80::1")
        self.server = Asset.create(
            {
                "name": "srv",
                "partner_id": self.customer.id,
                "hostname": "srv01.corp.example",
                "ip_address": "10.0.0.10",
                "serial_number": "CZJ1234",
            }
        )

    def assertKeysCleared(self):
        self.assertFalse(self.switch.ip_key)
        self.assertFalse(self.switch.hostname_key)
        self.assertEqual(self.switch.ip_address, "127.0.0.1", "the address itself is kept")
        self.assertFalse(self.archived.ip_key)
        self.assertEqual(
            (self.server.ip_key, self.server.hostname_key, self.server.serial_key),
            ("10.0.0.10", "srv01", "CZJ1234"),
        )

    def test_recompute_clears_shared_address_and_placeholder_keys(self):
        self.assertEqual(self.switch.ip_key, "127.0.0.1")
        changed = self.env["msp.asset"]._recompute_match_keys(batch_size=1)
        self.assertEqual(changed, 2)
        self.assertKeysCleared()
        self.assertEqual(self.env["msp.asset"]._recompute_match_keys(), 0, "runs once")

    def test_upgrade_script_recomputes_the_keys(self):
        spec = importlib.util.spec_from_file_location("msp_it_audit_post_migrate", MIGRATION)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.migrate(self.env.cr, "19.0.1.0.0")
        self.env.invalidate_all()
        self.assertKeysCleared()
