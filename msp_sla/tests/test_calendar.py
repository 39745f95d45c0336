# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged

from .common import P1, P3, MspSlaCase, local


@tagged("post_install", "-at_install")
class TestSlaCalendar(MspSlaCase):
    """Deadlines counted in the policy's business hours, time zone and holidays."""

    def test_friday_evening_rolls_over_the_weekend(self):
        # Friday 17:55 in Brussels, 4 business hours: 5 minutes on Friday, 235 on Monday.
        ticket = self.create_ticket(local(2026, 11, 20, 17, 55), priority=P3)
        self.assertEqual(self.clock(ticket, "response").deadline, local(2026, 11, 23, 11, 55))

    def test_public_holiday_is_skipped(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Christmas",
                "calendar_id": self.calendar.id,
                "date_from": local(2026, 12, 25, 0, 0),
                "date_to": local(2026, 12, 25, 23, 59, 59),
            }
        )
        # Thursday 24 Dec 16:00, 8 business hours: 2 on Thursday, Friday is a holiday,
        # then Monday 8-12 (4) and 13-15 (2).
        ticket = self.create_ticket(local(2026, 12, 24, 16, 0), priority=P3)
        self.assertEqual(self.clock(ticket, "resolution").deadline, local(2026, 12, 28, 15, 0))

    def test_daylight_saving_change(self):
        # Friday 23 Oct 2026 17:00 (UTC+2); summer time ends on Sunday 25 Oct. One hour on
        # Friday, three on Monday from 08:00 (UTC+1): 11:00 local, which is 10:00 UTC.
        ticket = self.create_ticket(local(2026, 10, 23, 17, 0), priority=P3)
        deadline = self.clock(ticket, "response").deadline
        self.assertEqual(deadline, local(2026, 10, 26, 11, 0))
        self.assertEqual(deadline.hour, 10, "Monday 11:00 in Brussels is 10:00 UTC in winter")

    def test_lunch_break_is_not_counted(self):
        # Wednesday 11:30 with 4 hours: 30 minutes before lunch, 12:00-13:00 skipped, 3.5 after.
        ticket = self.create_ticket(local(2026, 11, 25, 11, 30), priority=P3)
        self.assertEqual(self.clock(ticket, "response").deadline, local(2026, 11, 25, 16, 30))

    def test_round_the_clock_target_beside_business_hours(self):
        saturday = local(2026, 11, 21, 10, 0)
        urgent = self.create_ticket(saturday, priority=P1)
        normal = self.create_ticket(saturday, priority=P3)
        # P1 counts every minute, even on Saturday; P3 waits for Monday's business hours.
        self.assertEqual(self.clock(urgent, "response").deadline, local(2026, 11, 21, 11, 0))
        self.assertEqual(self.clock(urgent, "resolution").deadline, local(2026, 11, 21, 14, 0))
        self.assertEqual(self.clock(normal, "response").deadline, local(2026, 11, 23, 12, 0))

    def test_business_minutes_between(self):
        minutes = self.calendar._msp_sla_business_minutes(
            local(2026, 11, 20, 17, 0), local(2026, 11, 23, 9, 30)
        )
        self.assertEqual(minutes, 60 + 90)

    def test_ticket_deadline_is_the_nearest_running_clock(self):
        ticket = self.create_ticket(local(2026, 11, 25, 9, 0), priority=P3)
        self.assertEqual(ticket.msp_sla_deadline, local(2026, 11, 25, 14, 0))
        self.assertEqual(ticket.msp_sla_status, "on_track")
