# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from freezegun import freeze_time

from odoo.tests import tagged

from .common import MspSlaCase, local


def breach_due(env, at):
    """What the SLA scan's breach step does at ``at`` (the scan itself is tested in
    test_cron, with its own cursor)."""
    with freeze_time(at):
        clocks = env["msp.sla.clock"].search([("state", "=", "running"), ("deadline", "<=", at)])
        env["msp.sla.event"]._msp_sla_log(clocks._msp_mark_breached())


@tagged("post_install", "-at_install")
class TestSlaTimeLeft(MspSlaCase):
    """The ticket says how much business time is left (or overdue) and when, in the reader's
    time zone, counted on the SLA calendar (8-12, 13-18 Mon-Fri, Brussels) like the engine."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent.tz = "Europe/Brussels"
        cls.agent.lang = "en_US"

    def time_left(self, ticket, at):
        with freeze_time(at):
            ticket.invalidate_recordset(["msp_sla_time_left"])
            return ticket.with_user(self.agent).msp_sla_time_left

    def test_business_time_left_and_deadline_in_the_users_zone(self):
        # Monday 7 January 2030, 09:00: the P3 response target is 4 business hours.
        ticket = self.create_ticket(local(2030, 1, 7, 9, 0))
        self.assertEqual(
            self.time_left(ticket, local(2030, 1, 7, 10, 45)),
            "2 h 15 min left · Mon 7 Jan 14:00",
            "1 h 45 min of the 4 h counted; the deadline as a Brussels user reads it",
        )

    def test_over_a_weekend_counts_working_hours_only(self):
        # Friday 4 January 2030, 17:00: one working hour on Friday, three on Monday.
        ticket = self.create_ticket(local(2030, 1, 4, 17, 0))
        self.assertEqual(
            self.time_left(ticket, local(2030, 1, 4, 17, 30)),
            "3 h 30 min left · Mon 7 Jan 11:00",
        )
        # Saturday: no working time passes, the same time is left.
        self.assertEqual(
            self.time_left(ticket, local(2030, 1, 5, 12, 0)),
            "3 h 0 min left · Mon 7 Jan 11:00",
        )

    def test_overdue_in_business_time(self):
        ticket = self.create_ticket(local(2030, 1, 7, 9, 0))
        # Tuesday 08:30: 8 h counted on Monday and 30 min on Tuesday, 4 h allowed (18 h 30 of
        # wall-clock time have passed since the 14:00 deadline; 4 h 30 min of working time).
        self.assertEqual(
            self.time_left(ticket, local(2030, 1, 8, 8, 30)),
            "overdue by 4 h 30 min · Mon 7 Jan 14:00",
        )
        # Marked breached at 15:00, the clock keeps counting: at 15:40, 5 h 40 min counted.
        breach_due(self.env, local(2030, 1, 7, 15, 0))
        self.assertEqual(ticket.msp_sla_status, "breached")
        self.assertEqual(
            self.time_left(ticket, local(2030, 1, 7, 15, 40)),
            "overdue by 1 h 40 min · Mon 7 Jan 14:00",
        )

    def test_paused_met_and_no_sla(self):
        ticket = self.create_ticket(local(2030, 1, 7, 9, 0))
        self.move(ticket, self.stage_waiting, local(2030, 1, 7, 10, 0))
        self.assertEqual(self.time_left(ticket, local(2030, 1, 7, 11, 0)), "paused")
        self.move(ticket, self.stage_done, local(2030, 1, 7, 11, 0))
        self.assertFalse(self.time_left(ticket, local(2030, 1, 7, 12, 0)))
        no_sla = self.create_ticket(local(2030, 1, 7, 9, 0), team_id=False)
        self.assertEqual(no_sla.msp_sla_status, "none")
        self.assertFalse(self.time_left(no_sla, local(2030, 1, 7, 10, 0)))

    def test_a_list_costs_the_same_queries_for_5_or_40_tickets(self):
        tickets = self.env["helpdesk.ticket"]
        for minute in range(40):
            tickets |= self.create_ticket(local(2030, 1, 7, 9, minute))

        def queries(records):
            self.env.invalidate_all()
            records = records.with_user(self.agent)
            before = self.env.cr.sql_log_count
            with freeze_time(local(2030, 1, 7, 11, 0)):
                records.mapped("msp_sla_time_left")
            return self.env.cr.sql_log_count - before

        queries(tickets)  # warms the calendar's cached working windows
        self.assertEqual(queries(tickets[:5]), queries(tickets))
