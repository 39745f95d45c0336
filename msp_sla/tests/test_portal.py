# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import HttpCase, new_test_user, tagged

from .common import P3, MspSlaCase, local


@tagged("post_install", "-at_install")
class TestSlaPortal(HttpCase, MspSlaCase):
    """The customer portal shows the SLA of their own tickets, and only theirs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        new_test_user(
            cls.env,
            login="portal_sla_acme",
            groups="base.group_portal",
            partner_id=cls.contact.id,
            tz="Europe/Brussels",
        )
        cls.mine = cls.create_ticket(
            cls, local(2030, 1, 7, 9, 0), priority=P3, name="Acme scanner jam"
        )
        cls.theirs = cls.create_ticket(
            cls,
            local(2030, 1, 7, 9, 0),
            priority=P3,
            name="Brill mailbox full",
            partner_id=cls.other_contact.id,
        )

    def test_ticket_list_and_page_show_the_sla(self):
        self.authenticate("portal_sla_acme", "portal_sla_acme")
        listing = self.url_open("/my/tickets")
        self.assertEqual(listing.status_code, 200)
        self.assertIn("Acme scanner jam", listing.text)
        self.assertNotIn("Brill mailbox full", listing.text)
        self.assertIn("o_msp_sla_status", listing.text)
        self.assertIn("On Track", listing.text)
        self.assertIn("4 h 0 min left · Mon 7 Jan 14:00", listing.text)

        page = self.url_open(f"/my/ticket/{self.mine.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Service level:", page.text)
        # the business time left (the clock starts in 2030) and the deadline, once
        self.assertEqual(page.text.count("4 h 0 min left · Mon 7 Jan 14:00"), 1)

    def test_other_customers_ticket_is_refused(self):
        self.authenticate("portal_sla_acme", "portal_sla_acme")
        response = self.url_open(f"/my/ticket/{self.theirs.id}", allow_redirects=False)
        self.assertNotEqual(response.status_code, 200)
        self.assertNotIn("Brill mailbox full", response.text)
