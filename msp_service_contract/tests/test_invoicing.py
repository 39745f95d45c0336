# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime

from freezegun import freeze_time

from odoo.tests import tagged

from .common import MspContractCase


@tagged("post_install", "-at_install")
class TestInvoicing(MspContractCase):
    """OCA contract's invoice carries the overage, the billable work and the SLA credit."""

    def breach(self, ticket):
        """What msp_sla's scan does when the deadline passes (the scan is tested there)."""
        clocks = ticket.msp_sla_clock_ids.sudo()
        self.env["msp.sla.event"]._msp_sla_log(clocks._msp_mark_breached())

    def test_invoice_with_overage_billable_work_and_sla_credit(self):
        contract = self.make_contract()
        with freeze_time("2026-09-02 09:00:00"):
            covered = self.make_ticket(category_id=self.category_covered.id)
            project = self.make_ticket(category_id=self.category_excluded.id)
        self.log_time(covered, date(2026, 9, 3), 11.0)
        self.log_time(project, date(2026, 9, 4), 3.0)
        # The covered ticket's 60-minute response target was breached: one SLA breach.
        with freeze_time("2026-09-02 11:00:00"):
            self.breach(covered)
        september = self.invoice(contract, date(2026, 9, 1))
        october = self.invoice(contract, date(2026, 10, 1))

        recurring = october.invoice_line_ids.filtered("contract_line_id")
        self.assertEqual(len(recurring), 3)
        by_kind = {
            line.msp_line_kind: line for line in october.invoice_line_ids.filtered("msp_line_kind")
        }
        self.assertEqual(set(by_kind), {"overage", "billable", "sla_credit"})
        self.assertAlmostEqual(by_kind["overage"].quantity, 1.0)
        self.assertAlmostEqual(by_kind["billable"].quantity, 3.0)
        self.assertAlmostEqual(by_kind["billable"].price_unit, 100)
        self.assertIn("New project", by_kind["billable"].name)
        # MRR 500 + 2 x 30 + 2 x 20 = 600; one breach x 5% = 30 credited.
        self.assertAlmostEqual(contract.msp_mrr, 600)
        self.assertAlmostEqual(by_kind["sla_credit"].price_unit, -30)
        self.assertIn("2026-09", by_kind["sla_credit"].name)
        self.assertFalse(september.invoice_line_ids.filtered("msp_line_kind"))
        self.assertEqual(by_kind["billable"].msp_timesheet_ids, project.msp_timesheet_ids)

    def test_sla_credit_is_capped(self):
        self.plan.sla_credit_cap_percent = 10
        contract = self.make_contract()
        for _index in range(3):
            with freeze_time(datetime(2026, 9, 2, 9, 0)):
                ticket = self.make_ticket()
            with freeze_time(datetime(2026, 9, 2, 11, 0)):
                self.breach(ticket)
        self.invoice(contract, date(2026, 9, 1))
        october = self.invoice(contract, date(2026, 10, 1))
        credit = october.invoice_line_ids.filtered(lambda ln: ln.msp_line_kind == "sla_credit")
        self.assertAlmostEqual(credit.price_unit, -60, msg="3 x 5% capped at 10% of 600")

    def test_billable_work_is_invoiced_once(self):
        contract = self.make_contract()
        ticket = self.make_ticket(category_id=self.category_excluded.id)
        self.log_time(ticket, date(2026, 9, 4), 3.0)
        self.invoice(contract, date(2026, 9, 1))
        first = self.invoice(contract, date(2026, 10, 1))
        second = self.invoice(contract, date(2026, 11, 1))
        billed = (first | second).invoice_line_ids.filtered(
            lambda ln: ln.msp_line_kind == "billable"
        )
        self.assertEqual(len(billed), 1)
