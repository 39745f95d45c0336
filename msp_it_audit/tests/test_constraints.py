# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tools import mute_logger

from .common import MspItAuditCommon


class TestConstraints(MspItAuditCommon):
    """Invalid data is refused with a message that says what to fix."""

    def test_dates_in_order(self):
        with self.assertRaisesRegex(ValidationError, "cannot finish .* before it starts"):
            self.audit.write({"date_start": "2026-11-10", "date_end": "2026-11-09"})
        self.audit.write({"date_start": "2026-11-10", "date_end": "2026-11-10"})
        self.assertEqual(str(self.audit.date_end), "2026-11-10")

    def test_no_finding_without_severity(self):
        Finding = self.env["msp.audit.finding"]
        with self.assertRaisesRegex(ValidationError, "A finding needs a severity"):
            Finding.create({"audit_id": self.audit.id, "name": "Something"})
        finding = Finding.create(
            {"audit_id": self.audit.id, "name": "Something", "severity": "low"}
        )
        with self.assertRaisesRegex(ValidationError, "A finding needs a severity"):
            finding.severity = False

    def test_risk_score_within_0_100(self):
        self.env.flush_all()
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.env.cr.savepoint(),
        ):
            self.env.cr.execute(
                "UPDATE msp_audit SET risk_score = 101 WHERE id = %s", [self.audit.id]
            )

    def test_scan_rule_needs_a_criterion(self):
        with self.assertRaisesRegex(ValidationError, "matches everything"):
            self.env["msp.audit.scan.rule"].create(
                {"name": "all", "finding_title": "x", "severity": "low"}
            )

    def test_eol_pattern_must_compile(self):
        with self.assertRaisesRegex(ValidationError, "not a valid regular expression"):
            self.env["msp.eol.entry"].create(
                {"name": "Broken", "pattern": "windows (7", "eol_date": "2020-01-14"}
            )

    def test_check_weight_range(self):
        with self.assertRaisesRegex(ValidationError, "Weight 0 is out of range: enter at least 1"):
            self.env["msp.audit.check"].create(
                {"audit_id": self.audit.id, "name": "x", "weight": 0}
            )

    def test_eol_table_matches_in_sequence_order(self):
        Eol = self.env["msp.eol.entry"]
        self.assertEqual(Eol.search([])._match("Microsoft Windows 8.1 Pro").name, "Windows 8.1")
        self.assertEqual(
            Eol.search([])._match("Microsoft Windows Server 2012 R2 Standard").name,
            "Windows Server 2012 / 2012 R2",
        )
        self.assertEqual(Eol.search([])._match("Ubuntu 20.04.6 LTS").name, "Ubuntu 20.04 LTS")
        self.assertEqual(Eol.search([])._match("VMware ESXi 6.7.0").name, "VMware ESXi 6.x")
        self.assertFalse(Eol.search([])._match("Microsoft Windows 11 Pro 24H2"))
