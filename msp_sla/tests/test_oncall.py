# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime

from pytz import timezone, utc

from odoo.exceptions import ValidationError
from odoo.fields import Command
from odoo.tests import new_test_user

from .common import MspSlaCase


def at(tz, *args):
    """A wall-clock time in ``tz`` as the naive UTC datetime Odoo stores."""
    return timezone(tz).localize(datetime(*args)).astimezone(utc).replace(tzinfo=None)


class MspOncallCase(MspSlaCase):
    """A team schedule with technicians Ann, Bob, Cid (primary) and Dan, Eve (secondary).
    No test here."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.techs = {
            name: new_test_user(
                cls.env,
                login=f"oncall_{name.lower()}",
                name=name,
                email=f"{name.lower()}@msp.example",
                groups="msp_sla.msp_sla_group_user",
            )
            for name in ("Ann", "Bob", "Cid", "Dan", "Eve")
        }
        cls.lead = new_test_user(
            cls.env,
            login="oncall_lead",
            name="Lea Lead",
            email="lea@msp.example",
            groups="msp_sla.msp_sla_group_manager",
        )
        cls.team.user_id = cls.lead

    @classmethod
    def make_schedule(cls, tz="Europe/Brussels", rotation="weekly", start="2026-03-23", **vals):
        def layer(name, users, start_date):
            return Command.create(
                {
                    "layer": name,
                    "rotation": rotation,
                    "handover_time": 9.0,
                    "start_date": start_date,
                    "member_ids": [
                        Command.create({"sequence": i, "user_id": cls.techs[u].id})
                        for i, u in enumerate(users)
                    ],
                }
            )

        return cls.env["msp.oncall.schedule"].create(
            {
                "name": "Service desk 24x7",
                "team_id": cls.team.id,
                "tz": tz,
                "layer_ids": [
                    layer("primary", ["Ann", "Bob", "Cid"], start),
                    layer("secondary", ["Dan", "Eve"], start),
                ],
                **vals,
            }
        )


class TestOncallSchedule(MspOncallCase):
    def who(self, schedule, moment, layer="primary"):
        return schedule._msp_oncall_at(moment, layer).name

    def test_weekly_handover_stays_at_9_local_across_spring_dst_brussels(self):
        # Brussels moves to summer time on Sunday 29 March 2026: 09:00 is 08:00 UTC before,
        # 07:00 UTC after. The Monday 30 March hand-over happens at 09:00 local = 07:00 UTC.
        schedule = self.make_schedule()
        tz = "Europe/Brussels"
        self.assertFalse(self.who(schedule, at(tz, 2026, 3, 23, 8, 59)), "before the start")
        self.assertEqual(self.who(schedule, at(tz, 2026, 3, 23, 9, 0)), "Ann")
        self.assertEqual(self.who(schedule, at(tz, 2026, 3, 30, 8, 59)), "Ann")
        self.assertEqual(self.who(schedule, at(tz, 2026, 3, 30, 9, 0)), "Bob")
        self.assertEqual(at(tz, 2026, 3, 30, 9, 0), datetime(2026, 3, 30, 7, 0))
        self.assertEqual(self.who(schedule, datetime(2026, 3, 30, 6, 59)), "Ann")
        self.assertEqual(self.who(schedule, datetime(2026, 3, 30, 7, 0)), "Bob")
        self.assertEqual(
            schedule._msp_next_handover(at(tz, 2026, 3, 24, 12, 0)), datetime(2026, 3, 30, 7, 0)
        )
        # three weeks on the rotation wraps around; the secondary layer has its own members
        self.assertEqual(self.who(schedule, at(tz, 2026, 4, 13, 9, 0)), "Ann")
        self.assertEqual(self.who(schedule, at(tz, 2026, 3, 30, 9, 0), "secondary"), "Eve")

    def test_daily_handover_across_autumn_dst_new_york(self):
        # New York leaves summer time on Sunday 1 November 2026 (02:00 -> 01:00): the 09:00
        # hand-over is 13:00 UTC on Saturday, 14:00 UTC on Sunday and Monday.
        schedule = self.make_schedule(tz="America/New_York", rotation="daily", start="2026-10-30")
        tz = "America/New_York"
        self.assertEqual(self.who(schedule, at(tz, 2026, 10, 31, 9, 0)), "Bob")
        self.assertEqual(self.who(schedule, datetime(2026, 11, 1, 13, 30)), "Bob")
        self.assertEqual(self.who(schedule, datetime(2026, 11, 1, 14, 0)), "Cid")
        self.assertEqual(
            schedule._msp_next_handover(datetime(2026, 10, 31, 20, 0)),
            datetime(2026, 11, 1, 14, 0),
        )
        self.assertEqual(
            schedule._msp_next_handover(datetime(2026, 10, 30, 20, 0)),
            datetime(2026, 10, 31, 13, 0),
        )

    def test_override_replaces_the_scheduled_person_for_its_period_only(self):
        schedule = self.make_schedule()
        tz = "Europe/Brussels"
        self.env["msp.oncall.override"].create(
            {
                "schedule_id": schedule.id,
                "layer": "primary",
                "user_id": self.techs["Cid"].id,
                "date_from": at(tz, 2026, 3, 25, 18, 0),
                "date_to": at(tz, 2026, 3, 26, 8, 0),
                "reason": "Ann at the dentist",
            }
        )
        self.assertEqual(self.who(schedule, at(tz, 2026, 3, 25, 17, 59)), "Ann")
        self.assertEqual(self.who(schedule, at(tz, 2026, 3, 25, 18, 0)), "Cid")
        self.assertEqual(self.who(schedule, at(tz, 2026, 3, 26, 8, 0)), "Ann")
        with self.assertRaisesRegex(ValidationError, "must be after From"):
            self.env["msp.oncall.override"].create(
                {
                    "schedule_id": schedule.id,
                    "user_id": self.techs["Bob"].id,
                    "date_from": at(tz, 2026, 3, 26, 8, 0),
                    "date_to": at(tz, 2026, 3, 26, 8, 0),
                }
            )

    def test_api_and_team_answer_who_is_on_call(self):
        schedule = self.make_schedule()
        [row] = schedule.with_user(self.techs["Dan"]).msp_oncall_now(at="2026-03-30 07:00:00")
        self.assertEqual(row["primary"], {"id": self.techs["Bob"].id, "name": "Bob"})
        self.assertEqual(row["secondary"]["name"], "Eve")
        self.assertEqual(row["next_handover"]["primary"], "2026-04-06 07:00:00")
        with self.assertRaisesRegex(ValidationError, "YYYY-MM-DD HH:MM:SS"):
            schedule.msp_oncall_now(at="next tuesday")
        # the team shows who is on call now, to a technician who reads no schedule
        agent_team = self.team.with_user(self.agent)
        self.assertTrue(agent_team.msp_oncall_primary_id)
        self.assertTrue(agent_team.msp_oncall_next_handover)
        self.assertIn("primary", schedule.handover_summary)
