# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import HttpCase, new_test_user, tagged

from .common import MspItAuditCommon


@tagged("post_install", "-at_install")
class TestPortal(HttpCase, MspItAuditCommon):
    """A customer's portal user lists the published audits of their company and downloads
    the reports; other customers' audits stay out of reach."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.audit.import_nmap_xml(cls.b64("nmap_edge_cases.xml"))
        cls.other_audit = cls.env["msp.audit"].create(
            {"partner_id": cls.other_customer.id, "is_published": True}
        )
        cls.portal = new_test_user(
            cls.env,
            login="msp_portal_web",
            groups="base.group_portal",
            partner_id=cls.customer_contact.id,
        )

    def test_published_audit_and_its_report(self):
        self.authenticate("msp_portal_web", "msp_portal_web")
        page = self.url_open("/my/it-audits")
        self.assertEqual(page.status_code, 200)
        self.assertNotIn(self.audit.name, page.text, "not published yet")
        self.assertNotIn(self.other_audit.name, page.text)

        self.audit.action_publish()
        page = self.url_open("/my/it-audits")
        self.assertIn(self.audit.name, page.text)
        self.assertNotIn(self.other_audit.name, page.text)
        report = self.url_open(f"/my/it-audits/{self.audit.id}/report")
        self.assertEqual(report.status_code, 200)
        self.assertEqual(report.headers["Content-Type"], "application/pdf")
        # under tests Odoo renders reports as HTML unless asked otherwise (the PDF itself is
        # checked in test_audit_flow); the content is the audit's report
        self.assertIn(self.audit.name.encode(), report.content)
        self.assertIn(b"SMBv1 is enabled", report.content)

        other = self.url_open(f"/my/it-audits/{self.other_audit.id}/report", allow_redirects=False)
        self.assertIn(other.status_code, (302, 303))
        self.assertTrue(other.headers["Location"].endswith("/my"))
