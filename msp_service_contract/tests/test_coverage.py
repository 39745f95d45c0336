# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from freezegun import freeze_time

from odoo.tests import Form, tagged

from .common import MspContractCase


@tagged("post_install", "-at_install")
class TestCoverage(MspContractCase):
    """Before any work is logged, a ticket says whether it is covered, and why not."""

    def coverage(self, ticket):
        return ticket.msp_coverage, ticket.msp_coverage_reason or ""

    @freeze_time("2026-09-15")
    def test_covered_ticket_shows_the_hours_left(self):
        contract = self.make_contract()
        ticket = self.make_ticket(category_id=self.category_covered.id, msp_asset_id=self.ws1.id)
        self.assertEqual(ticket.msp_contract_id, contract)
        self.assertEqual(self.coverage(ticket), ("covered", ""))
        self.assertEqual(ticket.msp_hours_remaining, 10.0)
        self.log_time(ticket, date(2026, 9, 15), 4.0)
        ticket.invalidate_recordset(["msp_hours_remaining"])
        self.assertEqual(ticket.msp_hours_remaining, 6.0)

    @freeze_time("2026-09-15")
    def test_excluded_category_is_not_covered(self):
        self.make_contract()
        ticket = self.make_ticket(category_id=self.category_excluded.id)
        self.assertEqual(ticket.msp_coverage, "not_covered")
        self.assertIn("New project", ticket.msp_coverage_reason)
        line = self.log_time(ticket, date(2026, 9, 15), 2.0)
        self.assertTrue(line.msp_billable, "not covered work is billable at the plan's rate")

    @freeze_time("2026-09-15")
    def test_time_taken_off_its_ticket_is_no_longer_billed(self):
        self.make_contract()
        ticket = self.make_ticket(category_id=self.category_excluded.id)
        line = self.log_time(ticket, date(2026, 9, 15), 2.0)
        self.assertTrue(line.msp_billable)
        line.msp_ticket_id = False
        self.assertFalse(line.msp_billable, "no ticket, no contract work to invoice")
        self.assertFalse(line.msp_contract_id)
        self.assertFalse(line.msp_coverage)

    @freeze_time("2026-09-15")
    def test_category_outside_a_covered_list(self):
        self.plan.covered_category_ids = self.category_covered
        self.make_contract()
        other = self.env["helpdesk.ticket.category"].create({"name": "Training"})
        ticket = self.make_ticket(category_id=other.id)
        self.assertEqual(ticket.msp_coverage, "not_covered")
        self.assertIn("Training is not covered", ticket.msp_coverage_reason)

    @freeze_time("2026-09-15")
    def test_uncovered_asset(self):
        self.make_contract()
        ticket = self.make_ticket(msp_asset_id=self.printer.id)
        self.assertEqual(ticket.msp_coverage, "not_covered")
        self.assertIn("PRN-01", ticket.msp_coverage_reason)

    @freeze_time("2026-09-15")
    def test_expired_contract(self):
        self.make_contract(date_end=date(2026, 8, 31), start=date(2025, 9, 1))
        ticket = self.make_ticket()
        self.assertEqual(self.coverage(ticket), ("not_covered", "Contract expired"))
        line = self.log_time(ticket, date(2026, 9, 15), 1.0)
        self.assertFalse(line.msp_billable)
        self.assertFalse(line.msp_contract_id)

    @freeze_time("2026-09-15")
    def test_no_contract(self):
        ticket = self.make_ticket()
        self.assertEqual(self.coverage(ticket), ("not_covered", "No service contract"))

    @freeze_time("2026-09-15")
    def test_no_hours_left_is_billable_overage(self):
        self.make_contract()
        ticket = self.make_ticket()
        self.log_time(ticket, date(2026, 9, 2), 10.0)
        second = self.make_ticket()
        self.assertEqual(second.msp_coverage, "billable")
        line = self.log_time(second, date(2026, 9, 15), 1.0)
        self.assertEqual(line.msp_coverage, "billable")
        self.assertFalse(line.msp_billable, "in scope: consumed, billed as overage at settlement")

    @freeze_time("2026-09-15")
    def test_open_tickets_follow_the_hours_running_out_and_coming_back(self):
        self.make_contract()
        waiting = self.make_ticket(name="Waiting ticket")
        done = self.make_ticket(name="Closed ticket")
        done.stage_id = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        self.assertEqual((waiting.msp_coverage, done.msp_coverage), ("covered", "covered"))
        busy = self.make_ticket(name="Busy ticket")
        line = self.log_time(busy, date(2026, 9, 14), 10.0)
        self.assertEqual(self.coverage(waiting), ("billable", "No included hours left this month"))
        self.assertEqual(busy.msp_coverage, "billable")
        self.assertEqual(done.msp_coverage, "covered", "a closed ticket keeps its coverage")
        line.unit_amount = 4.0
        self.assertEqual(self.coverage(waiting), ("covered", ""))
        line.unlink()
        self.assertEqual(busy.msp_coverage, "covered")

    def test_daily_refresh_new_month_and_contract_end(self):
        with freeze_time("2026-09-15"):
            self.make_contract(date_end=date(2026, 10, 31))
            ticket = self.make_ticket()
            self.log_time(ticket, date(2026, 9, 15), 10.0)
            self.assertEqual(ticket.msp_coverage, "billable")
        cron = self.env.ref("msp_service_contract.ir_cron_msp_ticket_coverage")
        with self.enter_registry_test_mode():
            with freeze_time("2026-10-01 06:00"):
                cron.method_direct_trigger()
                ticket.invalidate_recordset()
                self.assertEqual(self.coverage(ticket), ("covered", ""), "a new month's hours")
            with freeze_time("2026-11-01 06:00"):
                cron.method_direct_trigger()
                ticket.invalidate_recordset()
                self.assertEqual(self.coverage(ticket), ("not_covered", "Contract expired"))

    @freeze_time("2026-09-15")
    def test_ticket_takes_the_contract_sla_policy(self):
        without = self.make_ticket()
        self.assertEqual(without.msp_sla_policy_id, self.team_policy)
        self.make_contract()
        with_contract = self.make_ticket()
        self.assertEqual(with_contract.msp_sla_policy_id, self.policy)
        self.assertEqual(with_contract.msp_sla_clock_ids.target_minutes, 60)

    @freeze_time("2026-09-15")
    def test_contract_override_of_the_plan_policy(self):
        contract = self.make_contract()
        self.assertEqual(contract.msp_sla_policy_id, self.policy)
        contract.msp_sla_policy_id = self.team_policy
        self.assertEqual(self.make_ticket().msp_sla_policy_id, self.team_policy)

    @freeze_time("2026-09-15")
    def test_technician_logs_time_from_the_ticket_form(self):
        contract = self.make_contract()
        ticket = self.make_ticket(user_id=self.technician.id)
        with Form(ticket.with_user(self.technician)) as form:
            self.assertEqual(form.msp_coverage, "covered")
            with form.msp_timesheet_ids.new() as line:
                line.name = "Reinstalled Outlook"
                line.unit_amount = 1.25
        logged = ticket.msp_timesheet_ids
        self.assertEqual(logged.project_id, self.project)
        self.assertEqual(logged.msp_coverage, "covered")
        self.assertAlmostEqual(contract._msp_hours_left(date(2026, 9, 15)), 8.75)
