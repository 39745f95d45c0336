# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from .common import MspItAuditCommon


class TestSecurity(MspItAuditCommon):
    """Salespeople read the audits of their opportunities; portal users read their own
    company's published audits and assets, nothing of other customers; companies are apart."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.audit.import_nmap_xml(cls.b64("nmap_edge_cases.xml"))
        other_lead = cls.env["crm.lead"].create(
            {
                "name": "Other Bakery: audit",
                "type": "opportunity",
                "partner_id": cls.other_customer.id,
                "user_id": cls.other_salesman.id,
            }
        )
        cls.other_audit = cls.env["msp.audit"].create(
            {"lead_id": other_lead.id, "partner_id": cls.other_customer.id, "user_id": False}
        )
        cls.other_asset = cls.env["msp.asset"].create(
            {"name": "BAKERY-PC", "partner_id": cls.other_customer.id}
        )
        cls.other_audit.asset_ids = cls.other_asset
        cls.env["msp.audit.finding"].create(
            {"audit_id": cls.other_audit.id, "name": "Bakery finding", "severity": "low"}
        )
        cls.portal = new_test_user(
            cls.env,
            login="msp_portal",
            groups="base.group_portal",
            partner_id=cls.customer_contact.id,
        )

    def _ours(self, model, user):
        """The records of this test's two customers that ``user`` finds (the database may
        hold others, e.g. demo data)."""
        return (
            self.env[model]
            .with_user(user)
            .search([("partner_id", "in", (self.customer | self.other_customer).ids)])
        )

    def test_salesperson_reads_the_audits_of_own_opportunities(self):
        audit = self.audit.with_user(self.salesman)
        self.assertEqual(audit.partner_id, self.customer)
        self.assertEqual(len(audit.finding_ids), len(self.audit.finding_ids))
        Audit = self.env["msp.audit"].with_user(self.salesman)
        self.assertEqual(self._ours("msp.audit", self.salesman), self.audit)
        self.assertEqual(self._ours("msp.asset", self.salesman), self.audit.asset_ids)
        with self.assertRaises(AccessError):
            self.other_audit.with_user(self.salesman).read(["name"])
        with self.assertRaises(AccessError):
            audit.write({"executive_summary": "<p>mine</p>"})
        with self.assertRaises(AccessError):
            Audit.create({"partner_id": self.customer.id})

    def test_auditor_sees_own_and_unassigned_audits_only(self):
        self.assertEqual(self._ours("msp.audit", self.auditor), self.audit | self.other_audit)
        self.other_audit.user_id = self.manager
        self.assertEqual(self._ours("msp.audit", self.auditor), self.audit)
        self.assertEqual(self._ours("msp.audit", self.manager), self.audit | self.other_audit)

    def test_configuration_is_for_managers(self):
        rule = self.env.ref("msp_it_audit.scan_rule_telnet")
        with self.assertRaises(AccessError):
            rule.with_user(self.auditor).write({"severity": "low"})
        rule.with_user(self.manager).write({"severity": "critical"})
        self.assertEqual(rule.severity, "critical")
        with self.assertRaises(AccessError):
            self.env["msp.eol.entry"].with_user(self.auditor).create(
                {"name": "x", "pattern": "x", "eol_date": "2020-01-01"}
            )

    def test_portal_reads_only_published_audits_of_own_company(self):
        Audit = self.env["msp.audit"].with_user(self.portal)
        Asset = self.env["msp.asset"].with_user(self.portal)
        self.assertFalse(Audit.search([]))
        self.assertFalse(Asset.search([]))
        with self.assertRaises(AccessError):
            self.audit.with_user(self.portal).read(["name"])

        self.audit.action_publish()
        self.other_audit.action_publish()
        self.assertEqual(Audit.search([]), self.audit)
        self.assertEqual(Asset.search([]), self.audit.asset_ids)
        self.assertEqual(
            self.env["msp.audit.finding"].with_user(self.portal).search([]),
            self.audit.finding_ids,
        )
        self.assertTrue(self.audit.with_user(self.portal).read(["name", "risk_score"]))
        with self.assertRaises(AccessError):
            self.other_audit.with_user(self.portal).read(["name"])
        with self.assertRaises(AccessError):
            self.other_asset.with_user(self.portal).read(["name"])
        with self.assertRaises(AccessError):
            self.audit.with_user(self.portal).write({"is_published": False})

    def test_portal_reads_the_report_of_a_published_audit(self):
        Report = self.env["ir.actions.report"].with_user(self.portal)
        with self.assertRaises(AccessError):
            Report._render_qweb_html("msp_it_audit.report_msp_audit", self.audit.ids)
        self.audit.action_publish()
        html, _type = Report._render_qweb_html("msp_it_audit.report_msp_audit", self.audit.ids)
        self.assertIn(self.audit.name, html.decode())
        self.assertIn("SMBv1 is enabled", html.decode())
        self.other_audit.action_publish()
        with self.assertRaises(AccessError):
            Report._render_qweb_html("msp_it_audit.report_msp_audit", self.other_audit.ids)

    def test_companies_are_apart(self):
        company_b = self.env["res.company"].create({"name": "MSP Branch B"})
        partner_b = self.env["res.partner"].create(
            {"name": "B customer", "is_company": True, "company_id": company_b.id}
        )
        audit_b = self.env["msp.audit"].create(
            {"partner_id": partner_b.id, "company_id": company_b.id, "user_id": False}
        )
        asset_b = self.env["msp.asset"].create(
            {"name": "B-PC", "partner_id": partner_b.id, "company_id": company_b.id}
        )
        for user in (self.auditor, self.manager):
            self.assertNotIn(audit_b, self.env["msp.audit"].with_user(user).search([]))
            self.assertNotIn(asset_b, self.env["msp.asset"].with_user(user).search([]))
            with self.assertRaises(AccessError):
                audit_b.with_user(user).read(["name"])
