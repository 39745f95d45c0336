# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import MspItAuditCommon

SERVER = {
    "name": "HD-SRV01",
    "kind": "server",
    "hostname": "hd-srv01.harbour.lan",
    "serial_number": "CZJ1234ABC",
    "mac_address": "00:1A:2B:3C:4D:5E",
    "ip_address": "10.0.0.10",
    "os_name": "Windows Server 2012 R2",
    "software": [{"name": "Veeam Agent", "version": "6.1", "publisher": "Veeam"}],
}
LAPTOP = {"kind": "laptop", "hostname": "hd-lt07", "mac_address": "00-1a-2b-00-00-07"}


@tagged("post_install", "-at_install")
class TestAssetSync(MspItAuditCommon):
    """msp.asset.sync_assets: an RMM's create-or-update of a customer's devices, in one call."""

    def sync(self, devices, user=None):
        Asset = self.env["msp.asset"].with_user(user or self.auditor)
        return Asset.sync_assets(self.customer.id, devices)

    def test_creates_then_changes_nothing_when_called_again(self):
        first = self.sync([SERVER, LAPTOP])
        self.assertEqual((first["created"], first["updated"], first["unchanged"]), (2, 0, 0))
        server, laptop = self.env["msp.asset"].browse(first["asset_ids"])
        self.assertEqual(server.name, "HD-SRV01")
        self.assertEqual(server.kind, "server")
        self.assertEqual(server.source, "api")
        self.assertFalse(server.source_audit_id)
        self.assertFalse(server.audit_ids, "a sync links no audit")
        self.assertEqual(server.partner_id, self.customer)
        self.assertEqual(server.software_ids.mapped("name"), ["Veeam Agent"])
        self.assertEqual(server.eol_date, date(2023, 10, 10), "from the end-of-life table")
        self.assertEqual(laptop.name, "hd-lt07", "named after its host name")

        again = self.sync([LAPTOP, SERVER])
        self.assertEqual((again["created"], again["updated"], again["unchanged"]), (0, 0, 2))
        self.assertEqual(again["asset_ids"], [laptop.id, server.id])
        self.assertEqual(len(self.customer_assets()), 2)

    def test_matches_on_serial_mac_or_host_name_and_updates(self):
        existing = self.env["msp.asset"].create(
            {
                "name": "Reception PC",
                "partner_id": self.customer.id,
                "serial_number": "cz j1234abc",
                "os_name": "Windows Server 2012 R2",
            }
        )
        theirs = self.env["msp.asset"].create(
            {
                "name": "Bakery server",
                "partner_id": self.other_customer.id,
                "serial_number": "CZJ1234ABC",
                "os_name": "Windows Server 2012 R2",
            }
        )
        by_mac = self.env["msp.asset"].create(
            {"name": "Old laptop", "partner_id": self.customer.id, "mac_address": "001A2B000007"}
        )
        result = self.sync(
            [
                {**SERVER, "os_name": "Windows Server 2022"},
                {**LAPTOP, "hostname": "HD-LT07-NEW"},
            ]
        )
        self.assertEqual((result["created"], result["updated"]), (0, 2))
        self.assertEqual(result["asset_ids"], [existing.id, by_mac.id])
        self.assertEqual(existing.os_name, "Windows Server 2022")
        self.assertEqual(existing.name, "Reception PC", "a name given by hand is kept")
        self.assertEqual(by_mac.hostname, "HD-LT07-NEW")
        self.assertEqual(len(self.customer_assets()), 2)
        self.assertEqual(theirs.os_name, "Windows Server 2012 R2", "another customer's device")

    def test_same_device_twice_in_one_call_is_one_asset(self):
        result = self.sync([LAPTOP, {**LAPTOP, "os_name": "Windows 11"}])
        self.assertEqual(result["created"], 1)
        self.assertEqual(result["asset_ids"][0], result["asset_ids"][1])
        asset = self.env["msp.asset"].browse(result["asset_ids"][0])
        self.assertEqual(asset.os_name, "Windows 11", "blanks are filled from the second")

    def assertRefusedWhole(self, devices, message):
        """The call is refused with ``message``, and the valid devices were not written."""
        try:
            self.sync(devices)
        except UserError as error:
            self.assertIn(message, str(error))
            self.assertIn("Nothing was synced", str(error))
        else:
            self.fail(f"{devices!r} was accepted")
        self.assertFalse(self.customer_assets())

    def test_bad_input_is_refused_whole(self):
        self.assertRefusedWhole([SERVER, {**LAPTOP, "colour": "red"}], "Device 2: unknown")
        self.assertRefusedWhole([SERVER, {**LAPTOP, "kind": "toaster"}], "Device 2: kind")
        self.assertRefusedWhole([SERVER, {"name": "no keys"}], "Device 2: it has no serial")
        self.assertRefusedWhole([{**SERVER, "serial_number": 1234}], "serial_number must be text")
        self.assertRefusedWhole([SERVER, "hd-lt07"], "Device 2: expected an object")
        self.assertRefusedWhole([{**SERVER, "software": ["Veeam"]}], "software must be a list")
        with self.assertRaisesRegex(UserError, "non-empty list"):
            self.sync({"devices": [SERVER]})
        with self.assertRaisesRegex(UserError, "does not exist"):
            self.env["msp.asset"].with_user(self.auditor).sync_assets(0, [SERVER])
        with self.assertRaisesRegex(UserError, "does not exist"):
            self.env["msp.asset"].with_user(self.auditor).sync_assets("1", [SERVER])

    def test_every_field_is_checked_before_anything_is_written(self):
        """Types, lengths and characters of every field: a clear UserError naming the device
        and the field, never a server error, and nothing written."""
        refused = [
            ({**LAPTOP, "kind": ["laptop"]}, "Device 2: kind ['laptop'] is not one of"),
            ({**LAPTOP, "kind": {"a": 1}}, "Device 2: kind"),
            ({**LAPTOP, "hostname": "h" * 10_000}, "Device 2: hostname is 10000 characters"),
            ({**LAPTOP, "serial_number": "S" * 10_000}, "Device 2: serial_number is 10000"),
            ({**LAPTOP, "name": "n" * 1_048_576}, "Device 2: name is 1048576 characters"),
            ({**LAPTOP, "os_name": "Windows\x00 11"}, "Device 2: os_name holds control"),
            ({**LAPTOP, "ip_address": "10.0.0.300"}, "Device 2: ip_address '10.0.0.300' is not"),
            ({**LAPTOP, "manufacturer": 1.5}, "Device 2: manufacturer must be text, not float"),
            (
                {**LAPTOP, "software": [{"name": "Office", "version": {"major": 16}}]},
                "Device 2: software item 1 version must be text, not dict",
            ),
            (
                {**LAPTOP, "software": [{"name": " "}]},
                "Device 2: software item 1 has no name",
            ),
            ({**LAPTOP, "software": [{"name": "x", "licence": "y"}]}, "Device 2: software must"),
        ]
        for device, message in refused:
            self.assertRefusedWhole([SERVER, device], message)
        with self.assertRaisesRegex(UserError, "does not exist"):
            self.env["msp.asset"].with_user(self.auditor).sync_assets(10**30, [SERVER])

    def test_blank_values_are_no_values(self):
        """A name of spaces is no name: the device is named after its host name."""
        result = self.sync([{**LAPTOP, "name": "   ", "os_name": "  Windows 11  "}])
        asset = self.env["msp.asset"].browse(result["asset_ids"])
        self.assertEqual((asset.name, asset.os_name), ("hd-lt07", "Windows 11"))

    def test_only_users_who_may_write_assets(self):
        reader = new_test_user(self.env, login="msp_reader", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.sync([SERVER], user=reader)
        self.assertFalse(self.customer_assets())
