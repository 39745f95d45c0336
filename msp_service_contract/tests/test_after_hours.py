# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime

from freezegun import freeze_time

from odoo.fields import Command

from .common import MspContractCase

EMERGENCY = "3"


class TestAfterHours(MspContractCase):
    """Emergency work outside the SLA calendar's hours (Mon-Fri 9:00-17:00 UTC), on a plan
    with 10 included hours at 100/h."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        calendar = cls.env["resource.calendar"].create(
            {
                "name": "After-hours test (UTC 9-17)",
                "tz": "UTC",
                "attendance_ids": [
                    Command.create(
                        {
                            "name": f"Day {day}",
                            "dayofweek": str(day),
                            "hour_from": 9,
                            "hour_to": 17,
                            "day_period": "morning",
                        }
                    )
                    for day in range(5)
                ],
            }
        )
        cls.policy.calendar_id = calendar
        cls.contract = cls.make_contract()
        cls.ticket = cls.make_ticket(priority=EMERGENCY)

    def log(self, start, hours, ticket=None, **vals):
        with freeze_time(start):
            return (
                self.env["account.analytic.line"]
                .with_user(self.technician)
                .create(
                    {
                        "name": "Server down",
                        "date": start.date(),
                        "unit_amount": hours,
                        "msp_ticket_id": (ticket or self.ticket).id,
                        "project_id": self.project.id,
                        "employee_id": self.employee.id,
                        "msp_work_start": start,
                        **vals,
                    }
                )
            )

    def entries(self, kind):
        return self.contract.msp_hours_entry_ids.filtered(lambda e: e.kind == kind)

    def after_hours_lines(self, move):
        return move.invoice_line_ids.filtered(lambda ln: ln.msp_line_kind == "after_hours")

    def test_included_plan_records_after_hours_and_charges_nothing(self):
        line = self.log(datetime(2026, 9, 9, 22, 0), 2.0)  # Wednesday 22:00-24:00
        self.assertEqual(line.msp_after_hours, 2.0)
        [entry] = self.entries("after_hours")
        self.assertEqual((entry.hours, entry.amount), (2.0, 0.0))
        self.assertEqual(self.balances(self.contract)[date(2026, 9, 1)], 8.0, "consumed")
        move = self.invoice(self.contract, date(2026, 10, 1))
        self.assertFalse(self.after_hours_lines(move))

    def test_billed_plan_bills_after_hours_once_at_the_multiplier(self):
        self.plan.write({"after_hours_billing": "billed", "after_hours_rate_factor": 1.5})
        self.log(datetime(2026, 9, 12, 10, 0), 2.0)  # Saturday
        self.log(datetime(2026, 9, 10, 10, 0), 1.0)  # Thursday in hours: normal
        [entry] = self.entries("after_hours")
        self.assertEqual(entry.amount, 300.0)
        # the after-hours time is billed, not taken from the included hours
        self.assertEqual(self.balances(self.contract)[date(2026, 9, 1)], 9.0)
        move = self.invoice(self.contract, date(2026, 10, 1))
        [billed] = self.after_hours_lines(move)
        self.assertEqual((billed.quantity, billed.price_unit), (2.0, 150.0))
        self.assertEqual(entry.invoice_line_id, billed)
        self.assertEqual(entry.timesheet_id.msp_invoice_line_id, billed)
        # the next invoicing run does not bill it again
        second = self.invoice(self.contract, date(2026, 11, 1))
        self.assertFalse(self.after_hours_lines(second))

    def test_entry_straddling_the_end_of_the_day_is_split_at_the_boundary(self):
        self.plan.write({"after_hours_billing": "billed", "after_hours_rate_factor": 1.5})
        line = self.log(datetime(2026, 9, 9, 16, 0), 3.0)  # 16:00-19:00: 1 h in, 2 h after
        self.assertEqual(line.msp_after_hours, 2.0)
        self.assertEqual(self.balances(self.contract)[date(2026, 9, 1)], 9.0)
        # inside working hours, or not an emergency: normal time
        inside = self.log(datetime(2026, 9, 9, 10, 0), 1.0)
        self.assertEqual(inside.msp_after_hours, 0.0)
        normal = self.make_ticket(priority="1")
        night = self.log(datetime(2026, 9, 9, 23, 0), 1.0, ticket=normal)
        self.assertEqual(night.msp_after_hours, 0.0)
        self.assertEqual(len(self.entries("after_hours")), 1)

    def test_changed_entry_gives_its_after_hours_back_before_invoicing(self):
        self.plan.write({"after_hours_billing": "billed", "after_hours_rate_factor": 1.5})
        line = self.log(datetime(2026, 9, 12, 10, 0), 2.0)
        with freeze_time("2026-09-12 13:00:00"):
            line.with_user(self.technician).unit_amount = 1.0
        move = self.invoice(self.contract, date(2026, 10, 1))
        [billed] = self.after_hours_lines(move)
        self.assertEqual((billed.quantity, billed.price_unit), (1.0, 150.0))
