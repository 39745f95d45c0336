# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import csv
from pathlib import Path

from psycopg2 import IntegrityError

from odoo.tools import mute_logger

from ..models.msp_asset import (
    normalize_hostname,
    normalize_ip,
    normalize_mac,
    normalize_serial,
)
from .common import MspItAuditCommon


class TestAssetMatching(MspItAuditCommon):
    """The same device is never stored twice for a customer, and matching is deterministic."""

    def _asset(self, **vals):
        return self.env["msp.asset"].create({"partner_id": self.customer.id, "name": "A", **vals})

    def test_normalization(self):
        self.assertEqual(normalize_mac("00-1A-2B-3C-4D-5E"), "00:1a:2b:3c:4d:5e")
        self.assertEqual(normalize_mac("001a.2b3c.4d5e"), "00:1a:2b:3c:4d:5e")
        self.assertFalse(normalize_mac("00:00:00:00:00:00"))
        self.assertFalse(normalize_mac("not a mac"))
        self.assertEqual(normalize_serial(" 5cg 1234xyz "), "5CG1234XYZ")
        self.assertFalse(normalize_serial("To be filled by O.E.M."))
        self.assertFalse(normalize_serial("0000000"))
        self.assertEqual(normalize_hostname("PC-01.Corp.Example."), "pc-01")
        self.assertFalse(normalize_hostname("localhost"))
        self.assertFalse(normalize_hostname("10.0.0.1"))
        self.assertEqual(normalize_ip("2001:0db8:0000::0001"), "2001:db8::1")
        self.assertFalse(normalize_ip("999.1.1.1"))

    def test_asset_belongs_to_the_commercial_entity(self):
        asset = self.env["msp.asset"].create({"partner_id": self.customer_contact.id, "name": "PC"})
        self.assertEqual(asset.partner_id, self.customer)

    def test_serial_wins_over_mac_and_hostname(self):
        by_serial = self._asset(serial_number="SN-1", hostname="pc-a")
        self._asset(mac_address="00:1a:2b:3c:4d:5e", hostname="pc-b")
        Asset = self.env["msp.asset"]
        index = Asset._build_match_index(self.customer)
        keys = Asset._match_keys(
            {"serial_number": "sn-1", "mac_address": "00:1A:2B:3C:4D:5E", "hostname": "pc-b"}
        )
        self.assertEqual(Asset._find_match(index, keys)["asset"], by_serial)

    def test_mac_then_hostname_then_ip(self):
        by_mac = self._asset(mac_address="00:1a:2b:3c:4d:5e")
        by_host = self._asset(hostname="printer-1.corp.example")
        by_ip = self._asset(ip_address="10.0.0.9")
        Asset = self.env["msp.asset"]
        index = Asset._build_match_index(self.customer)
        self.assertEqual(
            Asset._find_match(index, Asset._match_keys({"mac_address": "001a2b3c4d5e"}))["asset"],
            by_mac,
        )
        self.assertEqual(
            Asset._find_match(index, Asset._match_keys({"hostname": "PRINTER-1"}))["asset"],
            by_host,
        )
        self.assertEqual(
            Asset._find_match(index, Asset._match_keys({"ip_address": "10.0.0.9"}))["asset"],
            by_ip,
        )
        self.assertIsNone(Asset._find_match(index, Asset._match_keys({"hostname": "nope"})))

    def test_weaker_key_never_merges_different_serials(self):
        self._asset(serial_number="SN-1", hostname="pc")
        Asset = self.env["msp.asset"]
        index = Asset._build_match_index(self.customer)
        keys = Asset._match_keys({"serial_number": "SN-2", "hostname": "pc"})
        self.assertIsNone(Asset._find_match(index, keys))

    def test_lowest_id_wins_a_tie(self):
        first = self._asset(hostname="dup")
        self._asset(hostname="dup")
        Asset = self.env["msp.asset"]
        index = Asset._build_match_index(self.customer)
        self.assertEqual(
            Asset._find_match(index, Asset._match_keys({"hostname": "dup"}))["asset"], first
        )

    def test_database_refuses_a_second_serial_or_mac(self):
        self._asset(serial_number="SN-1", mac_address="00:1a:2b:3c:4d:5e")
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.env.cr.savepoint(),
        ):
            self._asset(serial_number=" sn-1 ")
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.env.cr.savepoint(),
        ):
            self._asset(mac_address="00-1A-2B-3C-4D-5E")
        # another customer may have the same serial (a reseller's demo units, typos...)
        other = self.env["msp.asset"].create(
            {"partner_id": self.other_customer.id, "name": "B", "serial_number": "SN-1"}
        )
        self.assertTrue(other)

    def test_import_template_is_offered(self):
        templates = self.env["msp.asset"].get_import_templates()
        self.assertEqual(
            templates[0]["template"], "/msp_it_audit/static/csv/msp_asset_import_template.csv"
        )

    def test_spreadsheet_template_loads_once(self):
        """The documented CSV template goes through the standard import (``load``) for the
        customer of the demo data it names; loading it again is refused by the serial/MAC
        uniqueness, not stored twice."""
        path = Path(__file__).parents[1] / "static/csv/msp_asset_import_template.csv"
        with path.open(newline="") as template:
            header, *rows = list(csv.reader(template))
        # The shipped template speaks of the demo's customer (a user trying it on demo data
        # imports devices of a customer that exists); its rows are new devices.
        partner = self.env.ref("msp_it_audit.demo_partner_northwind")
        self.assertEqual({row[header.index("partner_id")] for row in rows}, {partner.name})
        self.assertFalse(
            self.customer_assets(partner).filtered(lambda a: a.name in {row[0] for row in rows}),
            "the template's devices are not already in the demo",
        )
        result = self.env["msp.asset"].load(header, rows)
        self.assertFalse(result["messages"])
        assets = self.env["msp.asset"].browse(result["ids"])
        self.assertEqual(assets.partner_id, partner)
        self.assertEqual(sorted(assets.mapped("kind")), ["server", "workstation"])
        again = self.env["msp.asset"].load(header, rows)
        self.assertFalse(again["ids"])
        self.assertIn(
            "already has an asset with this serial number", again["messages"][0]["message"]
        )
        self.assertEqual(
            self.customer_assets(partner).filtered(lambda a: a.name in {r[0] for r in rows}),
            assets,
        )
