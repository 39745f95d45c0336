# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo.tests import tagged

from .test_vendors import MspVendorCase


@tagged("post_install", "-at_install")
class TestVendorExpiry(MspVendorCase):
    """Vendor accounts feed the expiry watch: the notice deadline and the letter of
    authorisation are watched items that follow the account's dates."""

    def items(self, account):
        return (
            self.env["msp.expiry.item"]
            .with_context(active_test=False)
            .search([("res_model", "=", account._name), ("res_id", "=", account.id)])
        )

    def test_notice_deadline_and_authorisation_are_watched(self):
        items = self.items(self.fibre)
        term = items.filtered(lambda i: i.kind == "vendor_term")
        self.assertEqual(items.mapped("kind"), ["vendor_term"], "no letter on file: not watched")
        self.assertEqual(term.expiry_date, date(2026, 9, 15), "renewal 15 Oct, 30 days' notice")
        self.assertIn("give notice by", term.name)
        self.assertEqual(term.partner_id, self.customer, "the customer, not the contact")
        self.assertTrue(term.active)
        self.assertEqual(self.fibre.msp_expiry_count, 1)

        self.fibre.write({"loa_expiry_date": date(2027, 2, 1), "renewal_date": date(2027, 10, 15)})
        authorisation = self.items(self.fibre).filtered(lambda i: i.kind == "authorisation")
        self.assertTrue(authorisation.active)
        self.assertEqual(authorisation.expiry_date, date(2027, 2, 1))
        self.assertEqual(term.expiry_date, date(2027, 9, 15), "the new renewal re-dates the item")

        self.fibre.write({"renewal_date": False, "notice_days": 0})
        self.assertFalse(term.active, "no renewal and no term end: the item is archived")

    def test_account_without_dates_watches_nothing(self):
        self.assertFalse(self.items(self.m365).filtered("active"))
        self.assertEqual(self.m365.msp_expiry_count, 0)
