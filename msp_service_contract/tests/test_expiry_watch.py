# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The expiry watch, offline: certificates read from a local TLS server with certificates
made in the test, domains from recorded answers of real registries (tests/fixtures/rdap),
reminders exactly once per threshold, renewals closing them, failures retried and shown."""

import json
import socket
from datetime import date, datetime, timedelta
from pathlib import Path
from unittest.mock import patch

import psycopg2.errors

from odoo.exceptions import ValidationError
from odoo.fields import Domain
from odoo.tests import tagged

from .common import MspExpiryCase
from .tls_server import TlsServer, make_certificate

FIXTURES = Path(__file__).parent / "fixtures" / "rdap"
VERISIGN = "https://rdap.verisign.com/com/v1/domain/example.com"
RECORDED = {
    VERISIGN: "rdap.verisign.com-domain-example.com.json",
    "https://rdap.nic.cz/domain/example.cz": "rdap.nic.cz-domain-example.cz.json",
}


@tagged("post_install", "-at_install")
class TestExpiryLookups(MspExpiryCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.expiring = make_certificate(20)
        cls.renewed = make_certificate(400)
        cls.tls = TlsServer(cls.expiring).start()
        cls.addClassCleanup(cls.tls.stop)

    def setUp(self):
        super().setUp()
        self.tls.serve(self.expiring)

    def fetch_recorded(self, urls):
        """Serve the recorded registry answers in place of the HTTP GET (the parsing,
        bootstrap and everything else run for real)."""

        def fetch(model, url):
            urls.append(url)
            return json.loads((FIXTURES / RECORDED[url]).read_text())

        return patch.object(type(self.Item), "_msp_rdap_fetch", fetch)

    def test_certificate_date_and_issuer_read_with_sni(self):
        item = self.item(f"localhost:{self.tls.port}", kind="tls")
        item.action_check_now()
        self.assertEqual(item.check_state, "ok")
        self.assertEqual(item.expiry_date, self.expiring[2].date())
        self.assertIn("CN=MSP Suite Test CA", item.issuer)
        self.assertIn("localhost", self.tls.server_names, "the lookup sends SNI = host")
        self.assertEqual(item.check_attempts, 0)
        self.assertEqual(item.status, "due", "20 days left, under the 60-day threshold")

    def test_domains_from_recorded_registry_answers(self):
        urls = []
        com, cz = self.item("Example.COM."), self.item("example.cz")
        with self.fetch_recorded(urls):
            (com | cz)._msp_check_now()
        self.assertCountEqual(urls, list(RECORDED), "bootstrap: Verisign for .com, CZ.NIC for .cz")
        self.assertEqual(com.expiry_date, date(2023, 8, 13))
        self.assertEqual(cz.expiry_date, date(2019, 8, 30))
        self.assertEqual((com | cz).mapped("check_state"), ["ok", "ok"])

    def test_failed_lookup_is_recorded_retried_and_never_not_expiring(self):
        with socket.socket() as probe:  # a free port, closed again: nothing answers there
            probe.bind(("127.0.0.1", 0))
            free_port = probe.getsockname()[1]
        item = self.item(f"127.0.0.1:{free_port}", kind="tls", expiry_date=date(2027, 1, 10))
        before = datetime.now().replace(microsecond=0)
        item._msp_check_now()
        self.assertEqual(item.check_state, "failed")
        self.assertIn("ConnectionRefusedError", item.check_error)
        self.assertEqual(item.check_attempts, 1)
        self.assertEqual(item.expiry_date, date(2027, 1, 10), "the last date read stays")
        self.assertEqual(item.status, "failed")
        self.assertGreaterEqual(item.next_check_at, before + timedelta(minutes=15))
        self.assertIn(item, self.Item.search([("check_state", "=", "failed")]), "Lookup failed")
        # Not retried before its time; then later and later.
        due = self.Item._msp_lookup_due_domain() & Domain("id", "=", item.id)
        self.assertFalse(self.Item.search(due))
        item._msp_check_now()
        self.assertEqual(item.check_attempts, 2)
        self.assertGreaterEqual(item.next_check_at, before + timedelta(minutes=30))
        # A registry without RDAP and an answer without a date are failures too.
        unknown = self.item("shop.unknowntld")
        no_date = self.item("example.com")
        with patch.object(type(self.Item), "_msp_rdap_fetch", lambda model, url: {"events": []}):
            (unknown | no_date)._msp_check_now()
        self.assertIn("No registry publishes RDAP for .unknowntld", unknown.check_error)
        self.assertIn("no expiration event", no_date.check_error)
        self.assertEqual((unknown | no_date).mapped("status"), ["failed", "failed"])
        self.assertFalse(unknown.expiry_date)
        # Back on a working server: the failure clears.
        item.name = f"localhost:{self.tls.port}"
        item._msp_check_now()
        self.assertEqual((item.check_state, item.check_attempts), ("ok", 0))

    def test_renewed_certificate_closes_the_reminder_with_a_note(self):
        item = self.item(f"localhost:{self.tls.port}", kind="tls")
        item._msp_check_now()
        self.remind(date.today())
        reminder = item.reminder_ids.filtered(lambda r: r.state == "open")
        self.assertEqual(len(reminder), 1, "60 and 30 passed at once: one ticket, the 30-day one")
        self.assertEqual(reminder.threshold_days, 30)
        ticket = reminder.ticket_id
        self.assertEqual(ticket.partner_id, self.customer)
        self.assertFalse(ticket.closed)
        self.tls.serve(self.renewed)
        item._msp_check_now()
        new_date = self.renewed[2].date()
        self.assertEqual(item.expiry_date, new_date)
        self.assertTrue(ticket.closed, "moved to a closed stage")
        self.assertEqual(reminder.state, "closed")
        self.assertIn(str(new_date), reminder.closed_note)
        self.assertTrue(any(str(new_date) in str(m.body) for m in ticket.message_ids))
        self.assertEqual(item.next_reminder_date, new_date - timedelta(days=60))


@tagged("post_install", "-at_install")
class TestExpiryReminders(MspExpiryCase):
    def test_each_threshold_once_as_activities(self):
        self.company.msp_expiry_reminder_mode = "activity"
        item = self.item("Backup licence", kind="licence", expiry_date=date(2027, 3, 31))
        self.assertEqual(item.next_reminder_date, date(2027, 1, 30))
        self.remind(date(2027, 1, 29))
        self.assertFalse(item.reminder_ids)
        for day, thresholds in (
            (date(2027, 1, 30), [60]),
            (date(2027, 1, 30), [60]),  # the same day again: nothing more
            (date(2027, 3, 1), [30, 60]),
            (date(2027, 3, 28), [7, 30, 60]),
        ):
            self.remind(day)
            self.assertEqual(item.reminder_ids.mapped("threshold_days"), thresholds, day)
        self.assertFalse(item.next_reminder_date, "all thresholds reminded")
        self.assertIn("expires on 2027-03-31 (7-day reminder)", item.activity_ids[-1:].summary)
        activities = item.reminder_ids.activity_id
        self.assertEqual(len(activities), 3)
        self.assertEqual(activities.user_id, self.account_manager)
        self.assertFalse(
            self.env["helpdesk.ticket"].search([("partner_id", "=", self.customer.id)])
        )
        # Renewed by hand: the open activities are done, with the new date.
        item.expiry_date = date(2028, 3, 31)
        self.assertFalse(item.activity_ids)
        self.assertEqual(set(item.reminder_ids.mapped("state")), {"closed"})
        self.assertIn("2028-03-31", item.message_ids[0].body)
        self.assertEqual(item.next_reminder_date, date(2028, 1, 31))

    def test_an_item_found_expired_is_reminded_once_as_expired(self):
        item = self.item("Old antivirus", kind="licence", expiry_date=date(2026, 1, 5))
        self.remind(date(2026, 2, 1))
        self.assertEqual(item.reminder_ids.mapped("threshold_days"), [7, 30, 60])
        ticket = item.reminder_ids.ticket_id
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.name, "Software licence Old antivirus expired on 2026-01-05")
        self.assertIn("27 days ago", str(ticket.description))

    def test_one_reminder_row_per_item_threshold_and_date(self):
        item = self.item("Firewall support", kind="other", expiry_date=date(2027, 5, 1))
        values = {"item_id": item.id, "threshold_days": 30, "expiry_date": item.expiry_date}
        self.env["msp.expiry.reminder"].create(values)
        with self.assertRaises(psycopg2.errors.UniqueViolation), self.env.cr.savepoint():
            self.env["msp.expiry.reminder"].create(values)
            self.env.flush_all()

    def test_nothing_due_is_one_query(self):
        self.Item.search([]).action_archive()  # the database's own items (demo data)
        self.Item.create(
            [
                {
                    "name": f"licence {n}",
                    "kind": "licence",
                    "partner_id": self.customer.id,
                    "expiry_date": date.today() + timedelta(days=200 + n),
                }
                for n in range(50)
            ]
        )
        self.env.flush_all()
        self.Item._cron_expiry_remind()  # warms the caches (the batch size setting)
        with self.assertQueryCount(1):
            self.assertEqual(self.Item._cron_expiry_remind(), 0)

    def test_thresholds_setting_is_checked_and_reschedules(self):
        item = self.item("Office 365", kind="licence", expiry_date=date(2027, 6, 30))
        with self.assertRaises(ValidationError) as caught:
            self.company.msp_expiry_thresholds = "sixty"
        self.assertIn("separated by commas", str(caught.exception))
        self.company.msp_expiry_thresholds = "90, 14"
        self.assertEqual(item.next_reminder_date, date(2027, 4, 1))

    def test_names_are_checked(self):
        with self.assertRaises(ValidationError):
            self.item("https://example.com/")
        with self.assertRaises(ValidationError):
            self.item("mail.example.com:99999", kind="tls")
        self.assertEqual(
            self.Item._msp_split_host_port("[2001:db8::1]:8443"), ("2001:db8::1", 8443)
        )


@tagged("post_install", "-at_install")
class TestExpirySources(MspExpiryCase):
    def test_assets_feed_the_watch_through_the_hook(self):
        asset = self.env["msp.asset"].create(
            {
                "name": "SRV-01",
                "kind": "server",
                "partner_id": self.customer.id,
                "state": "active",
                "warranty_end_date": date(2027, 2, 1),
            }
        )
        items = self.Item.search([("res_model", "=", "msp.asset"), ("res_id", "=", asset.id)])
        self.assertEqual(items.mapped("kind"), ["warranty"])
        self.assertEqual(items.source_ref, asset)
        self.assertEqual(items.partner_id, self.customer)
        self.assertEqual(asset.msp_expiry_count, 1)
        self.assertEqual(self.customer.msp_expiry_count, 1)
        asset.write({"warranty_end_date": date(2028, 2, 1), "eol_date": date(2029, 1, 1)})
        items = self.Item.search([("res_id", "=", asset.id), ("res_model", "=", "msp.asset")])
        self.assertEqual(
            {(i.kind, i.expiry_date) for i in items},
            {("warranty", date(2028, 2, 1)), ("eol", date(2029, 1, 1))},
        )
        asset.action_retire()
        self.assertFalse(
            self.Item.search([("res_id", "=", asset.id), ("res_model", "=", "msp.asset")])
        )
        asset.unlink()
        self.assertFalse(
            self.Item.with_context(active_test=False).search(
                [("res_model", "=", "msp.asset"), ("res_id", "=", asset.id)]
            )
        )
