# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import MspContractCase


@tagged("post_install", "-at_install")
class TestHoursLedger(MspContractCase):
    """The included-hours ledger: order independence, periods, rollover, overage, corrections."""

    def overage_lines(self, move):
        return move.invoice_line_ids.filtered(lambda line: line.msp_line_kind == "overage")

    def test_any_order_gives_the_same_balances(self):
        other = self.env["res.partner"].create({"name": "Twin Co", "is_company": True})
        twin_user = self.env["res.partner"].create({"name": "Tim Twin", "parent_id": other.id})
        first, second = self.make_contract(), self.make_contract(customer=other)
        ticket_a = self.make_ticket()
        ticket_b = self.make_ticket(customer_contact=twin_user)
        work = [
            (date(2026, 9, 3), 4.0),
            (date(2026, 10, 2), 1.5),
            (date(2026, 9, 20), 7.0),
            (date(2026, 9, 7), 0.5),
        ]
        for day, hours in work:
            self.log_time(ticket_a, day, hours)
        for day, hours in reversed(work):
            self.log_time(ticket_b, day, hours)
        self.assertEqual(self.balances(first), self.balances(second))
        self.assertEqual(self.balances(first), {date(2026, 9, 1): -1.5, date(2026, 10, 1): 8.5})

    def test_back_dated_line_lands_in_its_period(self):
        contract = self.make_contract()
        ticket = self.make_ticket()
        line = self.log_time(ticket, date(2026, 9, 15), 2.0)
        entry = contract.msp_hours_entry_ids.filtered(lambda e: e.timesheet_id == line)
        self.assertEqual(entry.period_id.date_start, date(2026, 9, 1))
        self.assertEqual(entry.hours, -2.0)
        self.assertEqual(entry.date, date(2026, 9, 15))

    def test_overage_is_invoiced_once(self):
        contract = self.make_contract()
        ticket = self.make_ticket()
        self.log_time(ticket, date(2026, 9, 10), 8.0)
        self.log_time(ticket, date(2026, 9, 24), 4.5)
        self.invoice(contract, date(2026, 9, 1))  # September's fee, nothing to settle yet
        october = self.invoice(contract, date(2026, 10, 1))
        overage = self.overage_lines(october)
        self.assertEqual(len(overage), 1)
        self.assertAlmostEqual(overage.quantity, 2.5)
        self.assertAlmostEqual(overage.price_unit, 100)
        self.assertIn("2026-09", overage.name)
        september = contract.msp_hours_period_ids.filtered(
            lambda p: p.date_start == date(2026, 9, 1)
        )
        self.assertEqual(september.state, "settled")
        self.assertAlmostEqual(september.balance_hours, 0.0)
        # Invoicing again for the same date settles nothing twice.
        again = contract._msp_settle(date(2026, 10, 1))
        self.assertEqual(again, [])

    def test_unused_hours_expire_without_rollover(self):
        contract = self.make_contract()
        self.log_time(self.make_ticket(), date(2026, 9, 10), 3.0)
        self.invoice(contract, date(2026, 9, 1))
        self.invoice(contract, date(2026, 10, 1))
        september = contract.msp_hours_period_ids.filtered(
            lambda p: p.date_start == date(2026, 9, 1)
        )
        expiry = september.entry_ids.filtered(lambda e: e.kind == "expiry")
        self.assertAlmostEqual(expiry.hours, -7.0)

    def test_rollover_cap_and_period_edges(self):
        self.plan.write({"rollover_rule": "cap", "rollover_cap_hours": 5})
        contract = self.make_contract()
        self.log_time(self.make_ticket(), date(2026, 9, 30), 2.0)  # last day of September
        self.invoice(contract, date(2026, 9, 1))
        self.invoice(contract, date(2026, 10, 1))
        balances = self.balances(contract)
        # 8 unused: 5 carried (the cap), 3 expired; October starts with 10 + 5.
        self.assertEqual(balances[date(2026, 9, 1)], 0.0)
        self.assertEqual(balances[date(2026, 10, 1)], 15.0)

    def test_rollover_for_n_periods(self):
        self.plan.write({"rollover_rule": "periods", "rollover_periods": 1})
        contract = self.make_contract()
        ticket = self.make_ticket()
        self.log_time(ticket, date(2026, 9, 5), 4.0)  # September: 6 unused
        self.log_time(ticket, date(2026, 10, 5), 12.0)  # October: 10 + 6 rolled, 4 unused
        for day in (date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)):
            self.invoice(contract, day)
        balances = self.balances(contract)
        self.assertEqual(balances[date(2026, 10, 1)], 0.0)
        # Time uses the oldest hours first: October's 4 unused are its own and roll into
        # November. November's 14 unused: its own 10 roll into December, October's 4 would be
        # two months old there and expire.
        self.assertEqual(balances[date(2026, 11, 1)], 0.0)
        self.assertEqual(balances[date(2026, 12, 1)], 20.0)

    def test_late_line_in_an_invoiced_period_goes_on_the_next_invoice(self):
        contract = self.make_contract()
        ticket = self.make_ticket()
        self.log_time(ticket, date(2026, 9, 10), 9.0)
        self.invoice(contract, date(2026, 9, 1))
        self.invoice(contract, date(2026, 10, 1))  # September settled: 1 hour expired
        # Entered in October for work done in September: 1 h against the expired hour,
        # 2 h beyond, billed on November's invoice as a correction.
        self.log_time(ticket, date(2026, 9, 28), 3.0)
        november = self.invoice(contract, date(2026, 11, 1))
        correction = self.overage_lines(november).filtered(lambda ln: "Correction" in ln.name)
        self.assertEqual(len(correction), 1)
        self.assertAlmostEqual(correction.quantity, 2.0)
        self.assertIn("2026-09", correction.name)
        self.assertIn("entered late", correction.name)

    def test_consumed_line_edit_is_reversed_explicitly(self):
        contract = self.make_contract()
        line = self.log_time(self.make_ticket(), date(2026, 9, 10), 2.0)
        line.with_user(self.technician).write({"unit_amount": 3.0})
        entries = contract.msp_hours_entry_ids.filtered(lambda e: e.timesheet_id == line)
        self.assertEqual(sorted(entries.mapped("kind")), ["consumption", "consumption", "reversal"])
        self.assertAlmostEqual(sum(entries.mapped("hours")), -3.0)
        line.with_user(self.technician).unlink()
        self.assertAlmostEqual(self.balances(contract)[date(2026, 9, 1)], 10.0)

    def test_consumed_line_of_an_invoiced_period_is_refused(self):
        contract = self.make_contract()
        line = self.log_time(self.make_ticket(), date(2026, 9, 10), 2.0)
        self.invoice(contract, date(2026, 9, 1))
        self.invoice(contract, date(2026, 10, 1))
        with self.assertRaisesRegex(UserError, "already invoiced"):
            line.with_user(self.technician).write({"unit_amount": 5.0})
        with self.assertRaisesRegex(UserError, "already invoiced"):
            line.with_user(self.technician).unlink()
        self.assertTrue(line.exists())

    def test_ledger_lines_cannot_be_edited(self):
        contract = self.make_contract()
        self.log_time(self.make_ticket(), date(2026, 9, 10), 2.0)
        entry = contract.msp_hours_entry_ids[:1]
        with self.assertRaises(AccessError):
            entry.with_user(self.manager).write({"hours": 99})
        with self.assertRaises(AccessError):
            entry.with_user(self.manager).unlink()
        self.assertNotEqual(entry.hours, 99)

    def test_prepaid_block_is_credited_and_invoiced_once(self):
        contract = self.make_contract()
        wizard = (
            self.env["msp.contract.prepaid.wizard"]
            .with_user(self.manager)
            .create(
                {"contract_id": contract.id, "hours": 20, "amount": 1500, "date": date(2026, 9, 2)}
            )
        )
        wizard.action_confirm()
        period = contract._msp_period(date(2026, 9, 1))
        self.assertEqual(self.balances(contract)[date(2026, 9, 1)], 30.0)
        first = self.invoice(contract, date(2026, 9, 1))
        second = self.invoice(contract, date(2026, 10, 1))
        prepaid = (first | second).invoice_line_ids.filtered(
            lambda ln: ln.msp_line_kind == "prepaid"
        )
        self.assertEqual(len(prepaid), 1)
        self.assertAlmostEqual(prepaid.price_unit, 1500)
        # The ledger line points at the invoice line that billed it.
        self.assertEqual(
            period.entry_ids.filtered(lambda e: e.kind == "prepaid").invoice_line_id, prepaid
        )
