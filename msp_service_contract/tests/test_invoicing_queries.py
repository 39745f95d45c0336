# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from ..models.contract_invoicing import BATCHED
from .common import MspContractCase

INVOICE_DAY = date(2026, 10, 1)


@tagged("post_install", "-at_install")
class TestInvoicingQueries(MspContractCase):
    """Invoicing costs a bounded number of queries per contract, and the overrides that remove
    OCA contract's per-record work keep its invoices and chatter (contract_invoicing.py)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The chatter is part of what is checked here: messages and followers as in production.
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))

    def make_contracts(self, count, hours=6.0):
        """``count`` customers, each with a contract on the plan from 1 September, a ticket
        and two timesheet lines of ``hours`` in September (12 h: 2 h of overage)."""
        customers = self.env["res.partner"].create(
            [{"name": f"Customer {index}", "is_company": True} for index in range(count)]
        )
        contacts = self.env["res.partner"].create(
            [{"name": f"User of {c.name}", "parent_id": c.id} for c in customers]
        )
        contracts = self.env["contract.contract"]
        for customer in customers:
            contracts |= self.make_contract(customer=customer, start=date(2026, 9, 1))
        tickets = self.env["helpdesk.ticket"].create(
            [
                {
                    "name": "Printer jam",
                    "description": "<p>Again.</p>",
                    "team_id": self.team.id,
                    "partner_id": contact.id,
                }
                for contact in contacts
            ]
        )
        self.env["account.analytic.line"].create(
            [
                {
                    "name": f"Work on {ticket.name}",
                    "date": date(2026, 9, day),
                    "unit_amount": hours,
                    "msp_ticket_id": ticket.id,
                    "project_id": self.project.id,
                    "employee_id": self.employee.id,
                }
                for ticket in tickets
                for day in (10, 20)
            ]
        )
        return contracts

    def queries_to_invoice(self, contracts):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        with freeze_time(INVOICE_DAY):
            moves = contracts._recurring_create_invoice(INVOICE_DAY)
        self.env.flush_all()
        self.assertEqual(len(moves), len(contracts))
        overage = moves.invoice_line_ids.filtered(lambda line: line.msp_line_kind == "overage")
        self.assertEqual(len(overage), len(contracts), "the ledger ran: one overage line each")
        return self.env.cr.sql_log_count - before

    def test_queries_per_contract_do_not_grow_with_the_batch(self):
        # A first run warms the caches every run shares (languages, subtypes, accounts).
        self.queries_to_invoice(self.make_contracts(2))
        few = self.queries_to_invoice(self.make_contracts(5))
        many = self.queries_to_invoice(self.make_contracts(20))
        # What one more contract costs, ledger, overage and chatter included. OCA contract
        # alone costs about 16 queries per contract (docs/performance.md); this is less.
        per_contract = (many - few) / 15
        self.assertLessEqual(per_contract, 16, f"{few} queries for 5, {many} for 20")
        self.assertLessEqual(many / 20, few / 5, "the average falls as the batch grows")

    def test_markers_take_the_dates_in_the_customer_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.customer.lang = "fr_FR"
        contract = self.make_contract()
        line = contract.contract_line_ids[0]
        line.name = "Support #START# - #END# (#INVOICEMONTHNAME#)"
        start, end = date(2026, 9, 1), date(2026, 9, 30)
        batched = line.with_context(**{BATCHED: True})._insert_markers(start, end)
        self.assertEqual(batched, line._insert_markers(start, end), "same text as OCA's")
        self.assertTrue(batched.startswith("Support 01/09/2026 - 30/09/2026 ("), batched)
        # No (active) language: OCA's default format; no period: empty markers.
        self.customer.lang = False
        batched = line.with_context(**{BATCHED: True})._insert_markers(start, end)
        self.assertTrue(batched.startswith("Support 09/01/2026 - 09/30/2026 ("), batched)
        batched = line.with_context(**{BATCHED: True})._insert_markers(False, False)
        self.assertEqual(batched, "Support  -  ()")

    def test_invoice_lines_name_their_period(self):
        contract = self.make_contract()
        contract.contract_line_ids.write({"name": "Managed services #START# - #END#"})
        move = self.invoice(contract, date(2026, 9, 1))
        self.assertEqual(
            set(move.invoice_line_ids.filtered("contract_line_id").mapped("name")),
            {"Managed services 09/01/2026 - 09/30/2026"},
        )

    def test_one_message_says_the_invoice_was_created_by_the_contract(self):
        contract = self.make_contract()
        move = self.invoice(contract, date(2026, 9, 1))
        self.assertEqual(len(move.message_ids), 1, move.message_ids.mapped("body"))
        message = move.message_ids
        self.assertIn("Invoice Created by contract", message.body)
        self.assertIn(f'data-oe-id="{contract.id}"', message.body)
        self.assertIn(contract.display_name, message.body)
        self.assertEqual(message.subtype_id, self.env.ref("account.mt_invoice_created"))
        self.assertEqual(message.message_type, "notification")

    def test_contract_followers_follow_its_invoices(self):
        invoices_subtype = self.env.ref("contract.mail_message_subtype_invoice_created")
        accountant = self.env["res.partner"].create({"name": "Accountant"})
        bystander = self.env["res.partner"].create({"name": "Bystander"})
        contracts = self.make_contract() | self.make_contract(customer=self.user_b)
        contracts[0].message_subscribe(accountant.ids, subtype_ids=invoices_subtype.ids)
        contracts.message_subscribe(bystander.ids, subtype_ids=self.env.ref("mail.mt_comment").ids)
        with freeze_time(date(2026, 9, 1)):
            moves = contracts._recurring_create_invoice(date(2026, 9, 1))
        first = moves.filtered(lambda m: m.partner_id == contracts[0].invoice_partner_id)
        self.assertIn(accountant, first.message_partner_ids)
        self.assertNotIn(accountant, (moves - first).message_partner_ids)
        self.assertNotIn(bystander, moves.message_partner_ids)
        self.assertEqual(moves.invoice_line_ids.contract_line_id.contract_id, contracts)


@tagged("post_install", "-at_install")
class TestInvoicingClock(MspContractCase):
    @freeze_time("2026-10-31 11:00:00")
    def test_scheduled_invoicing_runs_each_company_on_its_own_day(self):
        """At 11:00 UTC on 31 October it is already 1 November in Kiritimati (UTC+14): the
        scheduled invoicing invoices that company's contracts due on 1 November, and the
        other company's (on UTC) those due by 31 October only."""
        ahead = self.env["res.company"].create({"name": "MSP Pacific"})
        ahead.partner_id.tz = "Pacific/Kiritimati"
        self.company.partner_id.tz = "UTC"
        self.make_contract()
        self.env["contract.contract"].with_company(ahead).create(
            {
                "name": "Pacific contract",
                "partner_id": self.customer.id,
                "company_id": ahead.id,
                "contract_type": "sale",
                "recurring_next_date": date(2026, 11, 1),
            }
        )
        runs = []
        Contract = self.env["contract.contract"]

        def record(contracts, domain, date_ref, create_type="invoice"):
            runs.append((date_ref, domain))
            return True

        with patch.object(type(Contract), "_msp_invoice_run", record):
            Contract._cron_recurring_create()
        days = {}
        for date_ref, domain in runs:
            [company_id] = [
                cond.value for cond in domain.iter_conditions() if cond.field_expr == "company_id"
            ]
            days[company_id] = date_ref
        self.assertEqual(days[ahead.id], date(2026, 11, 1))
        self.assertEqual(days[self.company.id], date(2026, 10, 31))
        # a given day is one run for every company, as OCA's own action passes it
        runs.clear()
        with patch.object(type(Contract), "_msp_invoice_run", record):
            Contract._cron_recurring_create(date(2026, 10, 15))
        self.assertEqual([day for day, _domain in runs], [date(2026, 10, 15)])
