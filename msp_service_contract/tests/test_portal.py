# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from odoo.tests import HttpCase, new_test_user, tagged

from .common import MspContractCase


@tagged("post_install", "-at_install")
class TestContractPortal(HttpCase, MspContractCase):
    """Customers see their own contracts, hours, ticket coverage and monthly reports; never
    another customer's, whatever the URL."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.external_report_layout_id = cls.env.ref("web.external_layout_standard")
        cls.mine = cls.make_contract(start=date(2026, 1, 1))
        cls.other = cls.env["res.partner"].create({"name": "Rival Dentists", "is_company": True})
        cls.other_contact = cls.env["res.partner"].create(
            {"name": "Rita Rival", "parent_id": cls.other.id}
        )
        cls.theirs = cls.make_contract(customer=cls.other, start=date(2026, 1, 1))
        cls.theirs.name = "Rival secret contract"
        new_test_user(
            cls.env, login="portal_dental", groups="base.group_portal", partner_id=cls.user_a.id
        )
        cls.make_ticket(name="Scanner offline in surgery 2")

    def test_renewals_page_lists_the_customers_own_expiries(self):
        soon = date.today() + timedelta(days=20)
        self.env["msp.expiry.item"].create(
            [
                {
                    "name": "dental-care.example",
                    "partner_id": self.customer.id,
                    "expiry_date": soon,
                },
                {"name": "rival-secret.example", "partner_id": self.other.id, "expiry_date": soon},
            ]
        )
        self.authenticate("portal_dental", "portal_dental")
        page = self.url_open("/my/renewals")
        self.assertEqual(page.status_code, 200)
        self.assertIn("dental-care.example", page.text)
        self.assertNotIn("rival-secret.example", page.text)

    def test_contract_list_and_page(self):
        self.authenticate("portal_dental", "portal_dental")
        listing = self.url_open("/my/contracts")
        self.assertEqual(listing.status_code, 200)
        self.assertIn("Business - Dental Care Ltd", listing.text)
        self.assertNotIn("Rival secret contract", listing.text)

        page = self.url_open(f"/my/contracts/{self.mine.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Hours left this month", page.text)
        self.assertIn("Scanner offline in surgery 2", page.text)
        self.assertIn("o_msp_monthly_report", page.text)

        report = self.url_open(f"/my/contracts/{self.mine.id}/report/2026-09")
        self.assertEqual(report.status_code, 200)
        self.assertIn("Monthly Service Report", report.text)
        self.assertIn("Dental Care Ltd", report.text)

    def test_other_customers_contract_by_url(self):
        self.authenticate("portal_dental", "portal_dental")
        for url in (
            f"/my/contracts/{self.theirs.id}",
            f"/my/contracts/{self.theirs.id}/report/2026-09",
        ):
            response = self.url_open(url, allow_redirects=False)
            self.assertNotEqual(response.status_code, 200, url)
            self.assertNotIn("Rival", response.text)

    def test_monthly_report_of_a_month_outside_the_contract_redirects(self):
        """Only the contract's months, from its start to this month: year 9999 overflowed
        while the report was rendered (HTTP 500)."""
        self.authenticate("portal_dental", "portal_dental")
        for month in ("9999-12", "9999-07", "0001-01", "2025-12", "2100-01", "2026-13"):
            url = f"/my/contracts/{self.mine.id}/report/{month}"
            response = self.url_open(url, allow_redirects=False)
            self.assertIn(response.status_code, (301, 302, 303), url)

    def test_monthly_report_shows_only_what_the_customer_may_see(self):
        """The report is rendered with elevated rights: it must still hold only the findings
        of audits published to the customer, and nothing of another customer's."""
        published = self.env["msp.audit"].create(
            {"partner_id": self.customer.id, "is_published": True}
        )
        draft = self.env["msp.audit"].create({"partner_id": self.customer.id})
        rival_audit = self.env["msp.audit"].create(
            {"partner_id": self.other.id, "is_published": True}
        )
        Finding = self.env["msp.audit.finding"]
        Finding.create(
            [
                {
                    "name": "Published: firewall firmware outdated",
                    "audit_id": published.id,
                    "severity": "high",
                },
                {"name": "Draft: CEO laptop unencrypted", "audit_id": draft.id, "severity": "high"},
                {"name": "Rival: open RDP", "audit_id": rival_audit.id, "severity": "high"},
            ]
        )
        self.authenticate("portal_dental", "portal_dental")
        report = self.url_open(f"/my/contracts/{self.mine.id}/report/2026-09")
        self.assertEqual(report.status_code, 200)
        self.assertIn("Published: firewall firmware outdated", report.text)
        self.assertNotIn("Draft: CEO laptop unencrypted", report.text)
        self.assertNotIn("Rival", report.text)

    def test_monthly_report_shows_no_finding_of_another_company(self):
        """The same customer audited by another company of the database (another MSP, or a
        branch): its findings are not this contract's company's to report."""
        branch = self.env["res.company"].create({"name": "Other MSP branch"})
        audit = self.env["msp.audit"].create(
            {"partner_id": self.customer.id, "is_published": True, "company_id": branch.id}
        )
        self.env["msp.audit.finding"].create(
            {"name": "Branch: NAS exposed", "audit_id": audit.id, "severity": "high"}
        )
        self.authenticate("portal_dental", "portal_dental")
        report = self.url_open(f"/my/contracts/{self.mine.id}/report/2026-09")
        self.assertEqual(report.status_code, 200)
        self.assertIn("Monthly Service Report", report.text)
        self.assertNotIn("Branch: NAS exposed", report.text)

    @staticmethod
    def contact_block(page):
        """The HTML of the contract page's "Your contact" block."""
        return page.split("o_msp_portal_responsible", 1)[1].split("</address>", 1)[0]

    def test_contact_is_a_person_and_lines_have_no_internal_codes(self):
        self.product_flat.default_code = "MSP-NET"
        line = self.mine.contract_line_ids.filtered(lambda li: li.product_id == self.product_flat)
        line.name = "[MSP-NET] Managed network / month"
        self.assertEqual(self.mine.user_id, self.env.ref("base.user_root"))
        self.authenticate("portal_dental", "portal_dental")

        page = self.url_open(f"/my/contracts/{self.mine.id}").text
        self.assertNotIn("OdooBot", page)
        self.assertIn("Your contact", page)
        self.assertIn(self.company.name, self.contact_block(page))
        self.assertIn("Managed network / month", page)
        self.assertNotIn("MSP-NET", page)
        self.assertNotIn("/web/static/src/img/user_menu_avatar.png", page, "a 404 in Odoo 19")
        self.assertLess(page.index("Hours left this month"), page.index('id="item_details"'))

        self.mine.user_id = self.technician
        page = self.url_open(f"/my/contracts/{self.mine.id}").text
        self.assertIn(self.technician.name, self.contact_block(page))

    def test_vendor_accounts_page_shows_own_providers_and_renewals_never_costs(self):
        today = date.today()
        Partner = self.env["res.partner"]
        carrier = Partner.create({"name": "Lumen Fibre Ltd", "msp_vendor_kind": "isp"})
        registrar = Partner.create({"name": "NameHarbour", "msp_vendor_kind": "registrar"})
        Account = self.env["msp.vendor.account"]
        Account.create(
            [
                {
                    "name": "Fibre 500/500",
                    "partner_id": self.customer.id,
                    "vendor_id": carrier.id,
                    "circuit_ref": "LF-ETH-0048213",
                    "support_phone": "+44 800 046 0000",
                    "renewal_date": today + relativedelta(days=20),
                    "cost": 89.25,
                    "credentials_location": "Vault: Customers/Dental/Lumen",
                },
                {
                    "name": "Domain dental.example",
                    "partner_id": self.customer.id,
                    "vendor_id": registrar.id,
                    "renewal_date": today + relativedelta(months=8),
                },
                {
                    "name": "Rival secret line",
                    "partner_id": self.other.id,
                    "vendor_id": carrier.id,
                },
            ]
        )
        self.authenticate("portal_dental", "portal_dental")
        home = self.url_open("/my")
        self.assertIn("/my/vendors", home.text)
        page = self.url_open("/my/vendors")
        self.assertEqual(page.status_code, 200)
        text = page.text
        renewals = text[text.index("msp_vendor_renewals") : text.index("All providers")]
        self.assertIn("Fibre 500/500", renewals, "renews within three months")
        self.assertNotIn("dental.example", renewals, "renews in eight months")
        self.assertIn("LF-ETH-0048213", text)
        self.assertIn('href="tel:+448000460000"', text)
        self.assertIn("Domain dental.example", text)
        for hidden in ("Rival secret line", "89.25", "89,25", "Vault:"):
            self.assertNotIn(hidden, text)
