# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from freezegun import freeze_time

from odoo import SUPERUSER_ID, api
from odoo.exceptions import ValidationError
from odoo.fields import Command
from odoo.tests import tagged

from .common import P3, MspSlaCase, local

NOV_25 = local(2026, 11, 25, 9, 0)


@tagged("post_install", "-at_install")
class TestSlaCalendarGuard(MspSlaCase):
    """A calendar that business-hours targets count in keeps enough working time."""

    def assertCalendarRefused(self, call):
        with self.assertRaises(ValidationError) as caught, freeze_time(NOV_25):
            call()
        message = str(caught.exception)
        self.assertIn(f"Calendar {self.calendar.name}", message)
        self.assertIn("SLA policies Gold", message)
        self.assertIn("round the clock", message)
        return message

    def test_removing_every_attendance_is_refused(self):
        count = len(self.calendar.attendance_ids)
        message = self.assertCalendarRefused(
            lambda: self.calendar.write({"attendance_ids": [Command.clear()]})
        )
        self.assertIn("no working hours", message)
        self.assertCalendarRefused(lambda: self.calendar.attendance_ids.unlink())
        self.assertCalendarRefused(
            lambda: self.calendar.attendance_ids.write({"hour_to": 0.0, "hour_from": 0.0})
        )
        self.assertCalendarRefused(lambda: self.calendar.write({"flexible_hours": True}))
        self.calendar.invalidate_recordset()
        self.assertEqual(len(self.calendar.attendance_ids), count)
        # and the deadlines still plan on the calendar's real hours
        ticket = self.create_ticket(NOV_25, priority=P3)
        self.assertEqual(self.clock(ticket, "response").deadline, local(2026, 11, 25, 14, 0))

    def test_replacing_the_working_hours_is_allowed(self):
        self.calendar.write(
            {
                "attendance_ids": [Command.clear()]
                + [
                    Command.create(
                        {"name": f"Day {day}", "dayofweek": str(day), "hour_from": 9, "hour_to": 17}
                    )
                    for day in range(5)
                ]
            }
        )
        ticket = self.create_ticket(NOV_25, priority=P3)
        self.assertEqual(self.clock(ticket, "response").deadline, local(2026, 11, 25, 13, 0))

    def test_a_leave_of_a_year_is_refused(self):
        Leave = self.env["resource.calendar.leaves"]
        year = {
            "name": "Closed for a year",
            "date_from": local(2027, 1, 1, 0, 0),
            "date_to": local(2027, 12, 31, 23, 59),
        }
        message = self.assertCalendarRefused(
            lambda: Leave.create({**year, "calendar_id": self.calendar.id})
        )
        self.assertIn("would not end within 183 days", message)
        self.assertIn("started on 2027-01-01", message)
        # a company-wide leave (no calendar) takes the time of every calendar
        self.assertCalendarRefused(lambda: Leave.create({**year, "calendar_id": False}))
        # stretching an ordinary leave to a year, too
        christmas = Leave.create(
            {
                "name": "Christmas",
                "calendar_id": self.calendar.id,
                "date_from": local(2026, 12, 24, 0, 0),
                "date_to": local(2027, 1, 3, 23, 59),
            }
        )
        self.assertCalendarRefused(lambda: christmas.write({"date_to": local(2027, 12, 31, 0, 0)}))
        self.assertFalse(Leave.search([("name", "=", "Closed for a year")]))
        self.assertEqual(christmas.date_to, local(2027, 1, 3, 23, 59))

    def test_a_calendar_no_business_target_uses_is_free(self):
        self.policy.target_ids.write({"counting": "always"})
        self.calendar.write({"attendance_ids": [Command.clear()]})
        self.assertFalse(self.calendar.attendance_ids)


@tagged("post_install", "-at_install")
class TestSlaNoDeadline(MspSlaCase):
    """A running clock that has no deadline says so: status, ledger and scan summary."""

    def empty_calendar_in_sql(self):
        """As a calendar emptied before the guard existed, or outside the ORM."""
        self.env.flush_all()
        self.env.cr.execute(
            "DELETE FROM resource_calendar_attendance WHERE calendar_id = %s", [self.calendar.id]
        )
        self.env.invalidate_all()
        self.env.registry.clear_cache()

    def scan(self, at):
        """The scan as the scheduler runs it, in its own cursor; returns its summary."""
        with (
            freeze_time(at),
            self.enter_registry_test_mode(),
            self.env.registry.cursor() as cr,
        ):
            summary = api.Environment(cr, SUPERUSER_ID, {})["msp.sla.clock"]._cron_scan()
        self.env.invalidate_all()
        return summary

    def test_new_clock_without_deadline_is_marked_and_logged(self):
        self.empty_calendar_in_sql()
        ticket = self.create_ticket(NOV_25, priority=P3)
        response = self.clock(ticket, "response")
        self.assertEqual(response.state, "running")
        self.assertFalse(response.deadline)
        self.assertEqual(response.unplanned_since, NOV_25)
        self.assertEqual(ticket.msp_sla_status, "no_deadline")
        lines = self.events(ticket, "no_deadline")
        self.assertEqual(len(lines), 2, "one line for each clock (response, resolution)")
        self.assertIn("No deadline could be planned", lines[0].details)
        self.assertIn(self.calendar.name, lines[0].details)
        # the scan lists them and does not log them twice
        with self.assertLogs("odoo.addons.msp_sla.models.msp_sla_clock", "WARNING") as logs:
            summary = self.scan(NOV_25 + timedelta(days=3))
        self.assertEqual(summary["no_deadline_count"], 2)
        self.assertEqual(summary["no_deadline_clock_ids"], sorted(ticket.msp_sla_clock_ids.ids))
        self.assertEqual(summary["_msp_mark_unplanned"], 0)
        self.assertIn("have no deadline", logs.output[0])
        self.assertIn(f"clock {response.id}", logs.output[0])
        self.assertEqual(len(self.events(ticket, "no_deadline")), 2)
        self.assertEqual(ticket.msp_sla_status, "no_deadline")

    def test_scan_marks_a_clock_that_lost_its_deadline(self):
        ticket = self.create_ticket(NOV_25, priority=P3)
        response = self.clock(ticket, "response")
        self.env.flush_all()
        # a deadline lost outside the engine (an older version, SQL)
        self.env.cr.execute(
            "UPDATE msp_sla_clock SET deadline = NULL, risk_at = NULL WHERE id = %s",
            [response.id],
        )
        self.env.invalidate_all()
        summary = self.scan(NOV_25 + timedelta(minutes=10))
        self.assertEqual(summary["_msp_mark_unplanned"], 1)
        self.assertEqual(summary["no_deadline_clock_ids"], response.ids)
        self.assertTrue(summary["finished"])
        [line] = self.events(ticket, "no_deadline")
        self.assertEqual(line.clock_id, response)
        self.assertTrue(response.unplanned_since)
        # exactly once
        summary = self.scan(NOV_25 + timedelta(minutes=20))
        self.assertEqual(summary["_msp_mark_unplanned"], 0)
        self.assertEqual(len(self.events(ticket, "no_deadline")), 1)
        ticket.invalidate_recordset()
        ticket._compute_msp_sla_status()
        self.assertEqual(ticket.msp_sla_status, "no_deadline")

    def test_deadline_planned_again_clears_the_mark(self):
        self.empty_calendar_in_sql()
        ticket = self.create_ticket(NOV_25, priority=P3)
        self.assertEqual(ticket.msp_sla_status, "no_deadline")
        # working hours back (adding hours is always allowed), then the clock resumes
        self.env["resource.calendar.attendance"].create(
            {
                "name": "Wednesday",
                "calendar_id": self.calendar.id,
                "dayofweek": "2",
                "hour_from": 8,
                "hour_to": 18,
            }
        )
        self.move(ticket, self.stage_waiting, NOV_25 + timedelta(hours=1))
        self.move(ticket, self.stage_progress, NOV_25 + timedelta(hours=2))
        response = self.clock(ticket, "response")
        # 60 minutes counted from 9:00 to the pause at 10:00, 180 left from 11:00: 14:00
        self.assertEqual(response.deadline, local(2026, 11, 25, 14, 0))
        self.assertFalse(response.unplanned_since)
        self.assertEqual(ticket.msp_sla_status, "on_track")
        self.assertEqual(len(self.events(ticket, "no_deadline")), 2, "no new line")
