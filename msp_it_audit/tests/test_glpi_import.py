# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import json

from .common import MspItAuditCommon


class TestGlpiImport(MspItAuditCommon):
    """GLPI-agent inventories: computers, network equipment, printers and phones."""

    def test_computer(self):
        stats = self.audit.import_glpi_inventory(self.b64("glpi_computer.json"), "pc.json")
        self.assertEqual(stats["created"], 1)
        laptop = self.customer_assets()
        self.assertEqual(laptop.name, "ACCT-LAPTOP")
        self.assertEqual(laptop.kind, "laptop")
        self.assertEqual(laptop.serial_number, "5CG1234XYZ")
        self.assertEqual((laptop.manufacturer, laptop.hardware_model), ("HP", "EliteBook 840 G5"))
        self.assertEqual(laptop.ip_address, "10.0.0.60", "loopback and virtual NICs are ignored")
        self.assertEqual(laptop.mac_key, "58:20:b1:aa:bb:01")
        self.assertEqual(laptop.os_name, "Microsoft Windows 10 Pro")
        self.assertEqual(
            sorted(laptop.software_ids.mapped("name")), ["7-Zip 19.00 (x64)", "Mozilla Firefox"]
        )
        # Windows 10 ended on 2025-10-14, before this audit started (2026-11-01)
        eol = self.audit.finding_ids
        self.assertEqual(eol.name, "Windows 10 is past its end of life")
        self.assertEqual(eol.asset_ids, laptop)

    def test_network_equipment_printer_and_phone(self):
        for name in ("glpi_network_equipment.json", "glpi_printer.json", "glpi_phone.json"):
            self.audit.import_glpi_inventory(self.b64(name))
        kinds = {a.name: a.kind for a in self.customer_assets()}
        self.assertEqual(
            kinds,
            {"core-sw.corp.example": "network", "NPIF2BE10": "printer", "Reception-Phone": "phone"},
        )
        printer = self.customer_assets().filtered(lambda a: a.kind == "printer")
        self.assertEqual(printer.serial_number, "PHCVN191TG")
        self.assertEqual(printer.os_version, "2409048_052887")

    def test_a_list_of_inventories_in_one_file(self):
        inventories = [
            json.loads(self.fixture(name))
            for name in ("glpi_computer.json", "glpi_printer.json", "glpi_phone.json")
        ]
        stats = self.audit.import_glpi_inventory(base64.b64encode(json.dumps(inventories).encode()))
        self.assertEqual(stats["created"], 3)

    def test_reimport_and_software_change(self):
        self.audit.import_glpi_inventory(self.b64("glpi_computer.json"))
        laptop = self.customer_assets()
        software = laptop.software_ids
        stats = self.audit.import_glpi_inventory(self.b64("glpi_computer.json"))
        self.assertEqual((stats["created"], stats["updated"], stats["unchanged"]), (0, 0, 1))
        self.assertEqual(laptop.software_ids, software, "software rows are kept as they are")

        inventory = json.loads(self.fixture("glpi_computer.json"))
        inventory["content"]["softwares"].append({"name": "AnyDesk", "version": "8.0"})
        inventory["content"]["networks"][0]["ipaddress"] = "10.0.0.61"
        stats = self.audit.import_glpi_inventory(base64.b64encode(json.dumps(inventory).encode()))
        self.assertEqual((stats["created"], stats["updated"]), (0, 1))
        self.assertEqual(self.customer_assets(), laptop)
        self.assertEqual(laptop.ip_address, "10.0.0.61")
        self.assertIn("AnyDesk", laptop.software_ids.mapped("name"))
        self.assertEqual(len(laptop.software_ids), 3)

    def test_a_mac_of_another_asset_is_not_moved(self):
        """The inventory's serial is asset A's and its MAC asset B's: A is updated, the MAC
        stays with B, and nothing is stored twice."""
        Asset = self.env["msp.asset"]
        a = Asset.create(
            {"name": "A", "partner_id": self.customer.id, "serial_number": "5CG1234XYZ"}
        )
        b = Asset.create(
            {"name": "B", "partner_id": self.customer.id, "mac_address": "58:20:b1:aa:bb:01"}
        )
        stats = self.audit.import_glpi_inventory(self.b64("glpi_computer.json"))
        self.assertEqual((stats["created"], stats["updated"]), (0, 1))
        self.assertEqual(self.customer_assets(), a | b)
        self.assertFalse(a.mac_address)
        self.assertEqual(a.hostname, "ACCT-LAPTOP")
        self.assertEqual(b.mac_key, "58:20:b1:aa:bb:01")
