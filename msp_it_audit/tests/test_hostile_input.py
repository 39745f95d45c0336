# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64

from odoo.exceptions import UserError

from .common import MspItAuditCommon


class TestHostileInput(MspItAuditCommon):
    """Scan files are hostile input: each bad file is refused with a clear message and
    nothing of it is imported."""

    def assertRefused(self, method, data, message):
        messages = len(self.audit.message_ids)
        with self.assertRaisesRegex(UserError, message) as caught:
            method(data, "bad-file")
        self.assertIn("Nothing was imported.", str(caught.exception))
        self.assertIn("bad-file", str(caught.exception))
        self.assertFalse(self.customer_assets())
        self.assertFalse(self.audit.finding_ids)
        self.assertFalse(self.audit.asset_ids)
        self.assertEqual(len(self.audit.message_ids), messages)

    def test_external_entity_xxe(self):
        self.assertRefused(
            self.audit.import_nmap_xml, self.b64("nmap_xxe.xml"), "declares XML entities"
        )

    def test_external_entity_hidden_in_utf16(self):
        raw = (
            self.fixture("nmap_xxe.xml")
            .decode()
            .replace('encoding="UTF-8"', 'encoding="UTF-16"')
            .encode("utf-16")
        )
        self.assertRefused(
            self.audit.import_nmap_xml, base64.b64encode(raw), "declares XML entities"
        )

    def test_billion_laughs(self):
        self.assertRefused(
            self.audit.import_nmap_xml, self.b64("nmap_billion_laughs.xml"), "billion laughs"
        )

    def test_external_dtd_is_never_fetched(self):
        self.assertRefused(
            self.audit.import_nmap_xml,
            self.b64("nmap_external_dtd.xml"),
            "document type declaration other than Nmap's own",
        )

    def test_malformed(self):
        self.assertRefused(
            self.audit.import_nmap_xml, self.b64("nmap_malformed.xml"), "not well-formed"
        )

    def test_truncated(self):
        self.assertRefused(
            self.audit.import_nmap_xml, self.b64("nmap_truncated.xml"), "not well-formed"
        )

    def test_interrupted_scan(self):
        self.assertRefused(
            self.audit.import_nmap_xml, self.b64("nmap_interrupted.xml"), "cut short"
        )

    def test_wrong_root(self):
        self.assertRefused(
            self.audit.import_nmap_xml, self.b64("nmap_wrong_root.xml"), "found 'html'"
        )

    def test_glpi_file_given_to_the_nmap_import(self):
        self.assertRefused(
            self.audit.import_nmap_xml, self.b64("glpi_computer.json"), "not well-formed"
        )

    def test_size_limit(self):
        self.env["ir.config_parameter"].sudo().set_param("msp_it_audit.import_max_bytes", "1000")
        self.assertRefused(
            self.audit.import_nmap_xml,
            self.b64("nmap_edge_cases.xml"),
            "imports are limited to 1000 bytes",
        )
        self.assertRefused(
            self.audit.import_glpi_inventory,
            self.b64("glpi_computer.json"),
            "imports are limited to 1000 bytes",
        )

    def test_empty_file(self):
        self.assertRefused(self.audit.import_nmap_xml, base64.b64encode(b"  \n"), "empty")

    def test_glpi_malformed_wrong_root_and_too_deep(self):
        self.assertRefused(
            self.audit.import_glpi_inventory, self.b64("glpi_truncated.json"), "not well-formed"
        )
        self.assertRefused(
            self.audit.import_glpi_inventory,
            self.b64("glpi_wrong_root.json"),
            "expected inventory",
        )
        self.assertRefused(
            self.audit.import_glpi_inventory,
            base64.b64encode(b"[" * 5000 + b"]" * 5000),
            "deeper than",
        )
        self.assertRefused(
            self.audit.import_glpi_inventory, self.b64("nmap_edge_cases.xml"), "not well-formed"
        )

    def test_no_import_into_a_proposed_audit(self):
        self.audit.state = "proposed"
        with self.assertRaisesRegex(UserError, "reset it to draft"):
            self.audit.import_nmap_xml(self.b64("nmap_edge_cases.xml"))
        self.assertFalse(self.customer_assets())
