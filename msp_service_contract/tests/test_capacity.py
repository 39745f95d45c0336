# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The capacity check on the database: the history it reads, the background run, the
verdicts before and after a prospect, the staffing change (small cases)."""

import importlib.util
import math
from datetime import date, datetime, timedelta
from pathlib import Path

from freezegun import freeze_time

from odoo import fields
from odoo.addons.msp_service_contract.capacity import estimation, simulation
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tools import SQL

from .common import MspContractCase

SPLIT_COUNTING_MIGRATION = (
    Path(__file__).resolve().parents[1] / "migrations" / "19.0.1.3.0" / "pre-migrate.py"
)

# A Wednesday; the history is the 8 weeks before it.
NOW = datetime(2026, 11, 25, 12, 0)


class TestCapacity(MspContractCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls.env["resource.calendar"].create(
            {"name": "Desk 9-17 UTC", "tz": "UTC", "hours_per_day": 8}
        )
        cls.calendar.attendance_ids = [Command.clear()] + [
            Command.create({"name": f"day {d}", "dayofweek": str(d), "hour_from": 9, "hour_to": 17})
            for d in range(5)
        ]
        cls.company.resource_calendar_id = cls.calendar
        cls.employee.resource_calendar_id = cls.calendar
        cls.policy.write(
            {
                "calendar_id": cls.calendar.id,
                "target_ids": [
                    Command.clear(),
                    Command.create({"priority": "1", "kind": "response", "duration_minutes": 240}),
                    Command.create(
                        {"priority": "1", "kind": "resolution", "duration_minutes": 480}
                    ),
                ],
            }
        )
        cls.team.write(
            {"user_ids": [Command.set(cls.technician.ids)], "msp_sla_policy_id": cls.policy.id}
        )
        cls.contract = cls.make_contract(start=date(2026, 6, 1))
        # 16 P1 tickets in 8 weeks, on Mondays 10:00 and Tuesdays 14:00 UTC; half about a
        # workstation; an hour logged on each of the first four.
        with freeze_time(NOW):
            tickets = cls.env["helpdesk.ticket"].create(
                [
                    {
                        "name": f"Ticket {n}",
                        "description": "<p>Help</p>",
                        "team_id": cls.team.id,
                        "partner_id": cls.user_a.id,
                        "priority": "1",
                        "category_id": cls.category_covered.id,
                        "msp_asset_id": cls.ws1.id if n % 2 else False,
                    }
                    for n in range(16)
                ]
            )
        for n, ticket in enumerate(tickets):
            day = date(2026, 10, 5).toordinal() + 7 * (n // 2) + (n % 2)
            created = datetime.fromordinal(day).replace(hour=14 if n % 2 else 10)
            # closed two hours later, but the last one, still open now
            closed = created + timedelta(hours=2) if n < 15 else None
            cls.env.cr.execute(
                SQL(
                    "UPDATE helpdesk_ticket SET create_date = %s, closed_date = %s WHERE id = %s",
                    created,
                    closed,
                    ticket.id,
                )
            )
        cls.env["account.analytic.line"].create(
            [
                {
                    "name": "Work",
                    "date": date(2026, 10, 1),
                    "unit_amount": 1.0,
                    "msp_ticket_id": ticket.id,
                    "project_id": cls.project.id,
                    "employee_id": cls.employee.id,
                }
                for ticket in tickets[:4]
            ]
        )
        cls.env.invalidate_all()
        cls.cron = cls.env.ref("msp_service_contract.ir_cron_msp_capacity_runs")

    def new_run(self, **vals):
        return self.env["msp.capacity.run"].create(
            {
                "team_id": self.team.id,
                "policy_id": self.policy.id,
                "weeks": 2,
                "history_weeks": 8,
                "replications": 2,
                **vals,
            }
        )

    def no_news_for(self, run, minutes):
        """The check was last written ``minutes`` ago (its worker's last news)."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE msp_capacity_run SET write_date = %s WHERE id = %s",
                fields.Datetime.now() - timedelta(minutes=minutes),
                run.id,
            )
        )

    def run_cron(self):
        with freeze_time(NOW), self.enter_registry_test_mode():
            self.cron.method_direct_trigger()

    def test_history_in_grouped_queries(self):
        run = self.new_run()
        with freeze_time(NOW), self.assertQueryCount(7):
            history = run._msp_capacity_history(NOW)
        # 16 tickets in 8 weeks, on Monday 10:00-11:00 and Tuesday 14:00-15:00
        self.assertEqual(history["arrivals"].weekly, {"1": 2.0})
        rates = history["arrivals"].hourly_rates()["1"]
        busiest = sorted(range(168), key=rates.__getitem__)[-2:]
        self.assertEqual(sorted(busiest), [10, 24 + 14])
        self.assertEqual(history["handling_minutes"], {"1": [60.0] * 4})
        [open_ticket] = history["backlog"]
        self.assertEqual(open_ticket[:2], ("1", datetime(2026, 11, 24, 14, 0)))
        # two tickets every week, never more, never fewer: no variation beyond Poisson
        self.assertAlmostEqual(history["arrivals"].day_cv, 0.0, places=3)
        [customer] = [c for c in history["customers"] if c.customer_id == self.customer.id]
        self.assertEqual((customer.users, customer.devices), (2, 2))
        self.assertEqual(
            customer.tickets,
            {("1", "Incident", True): 8, ("1", "Incident", False): 8},
        )

        # the book did not change; no year of history: no season
        self.assertEqual((history["book"], history["season"]), ({}, 1.0))

    def test_signed_customer_and_the_season(self):
        """For the whole desk, a customer of 2 users whose contract starts on 1 December
        (within the 2 weeks ahead) brings the rate of the customer like it (1 ticket a week
        for 2 users) for the part of the weeks ahead it is covered. A year ago the desk had
        10 tickets a week in the window's weeks and 15 a week in the weeks ahead: a season
        of x1.5, which scales the rates."""
        newcomer = self.env["res.partner"].create({"name": "New Dental", "is_company": True})
        self.env["res.partner"].create(
            [{"name": f"User {n}", "parent_id": newcomer.id} for n in range(2)]
        )
        self.make_contract(customer=newcomer, start=date(2026, 12, 1))
        run = self.new_run(team_id=False)
        with freeze_time(NOW):
            history = run._msp_capacity_history(NOW)
        since = NOW - timedelta(weeks=8)
        covered_ahead = 2 - ((date(2026, 12, 1) - since.date()).days / 7 - 8)
        self.assertAlmostEqual(history["book"]["1"], 1.0 * covered_ahead / 2)
        self.assertEqual(history["season"], 1.0)

        last_year = since - timedelta(weeks=52)
        # a customer whose coverage did not change since (the one of setUpClass was signed
        # in June: its tickets of a year ago are a change of the book, not a season)
        regular = self.env["res.partner"].create({"name": "Regular Ltd", "is_company": True})
        with freeze_time(last_year):
            old = self.env["helpdesk.ticket"].create(
                [
                    {"name": f"Old {n}", "description": "<p>Old</p>", "partner_id": regular.id}
                    for n in range(110)
                ]
            )
        # 80 in the window's 8 weeks, 30 in the 2 weeks ahead, a year earlier
        self.env.cr.execute(
            SQL(
                "UPDATE helpdesk_ticket SET create_date = v.at FROM (VALUES %s) AS v(id, at) "
                "WHERE helpdesk_ticket.id = v.id",
                SQL(", ").join(
                    SQL(
                        "(%s, %s::timestamp)",
                        ticket.id,
                        last_year + timedelta(hours=13 * n)
                        if n < 80
                        else last_year + timedelta(weeks=8, hours=11 * (n - 80)),
                    )
                    for n, ticket in enumerate(old)
                ),
            )
        )
        # the desk's first ticket opens last year's window: was the window whole? no season
        with freeze_time(NOW):
            self.assertEqual(run._msp_capacity_history(NOW)["season"], 1.0)
        # one ticket a week before it: the desk was running, last year's window is whole
        older = self.env["helpdesk.ticket"].create(
            {"name": "Older", "description": "<p>Old</p>", "partner_id": regular.id}
        )
        self.env.cr.execute(
            SQL(
                "UPDATE helpdesk_ticket SET create_date = %s WHERE id = %s",
                last_year - timedelta(weeks=1),
                older.id,
            )
        )
        with freeze_time(NOW):
            history = run._msp_capacity_history(NOW)
            setup = run._msp_capacity_setup(NOW)
            scenario = run._msp_capacity_scenario(history, setup)
        self.assertAlmostEqual(history["season"], 1.5)
        weekly = (history["arrivals"].weekly["1"] + history["book"]["1"]) * 1.5
        self.assertAlmostEqual(sum(scenario.rates["1"]), weekly)

        # the same tickets from the customer signed in June: a change of the book, no season
        old.partner_id = self.user_a
        with freeze_time(NOW):
            self.assertEqual(run._msp_capacity_history(NOW)["season"], 1.0)

    def test_on_call_schedule_adds_a_responder_out_of_hours(self):
        run = self.new_run()
        with freeze_time(NOW):
            setup = run._msp_capacity_setup(NOW)
            history = run._msp_capacity_history(NOW)
            without = run._msp_capacity_scenario(history, setup)
        self.assertEqual((without.oncall_shifts, without.oncall_priorities), ([], ()))

        self.env["msp.oncall.schedule"].create(
            {
                "name": "Desk nights",
                "team_id": self.team.id,
                "tz": "UTC",
                "layer_ids": [
                    Command.create(
                        {
                            "layer": "primary",
                            "rotation": "weekly",
                            "start_date": date(2026, 11, 2),
                            "member_ids": [Command.create({"user_id": self.technician.id})],
                        }
                    )
                ],
            }
        )
        with freeze_time(NOW):
            scenario = run._msp_capacity_scenario(history, setup)
        self.assertEqual(scenario.oncall_priorities, ("3",), "the schedule pages P1 only")
        [nights] = scenario.oncall_shifts
        office = sorted(setup["extra_shifts"])
        self.assertEqual(nights[0], (0.0, office[0][0]), "from Monday 00:00 to 09:00")
        self.assertEqual(nights[1], (office[0][1], office[1][0]), "17:00 to 09:00")
        self.assertLessEqual(nights[-1][1], scenario.end)
        # on call and in the office cover the whole simulated time, once
        on_call = sum(e - b for b, e in nights)
        worked = sum(min(e, scenario.end) - b for b, e in office if b < scenario.end)
        self.assertAlmostEqual(on_call + worked, scenario.end, delta=1e-6)

    def test_queue_order_reaches_the_simulation(self):
        """The check works the queue as the suite lists it (nearest SLA deadline first)
        unless the what-if asks for strict priority."""
        run = self.new_run()
        self.assertEqual(run.queue_order, "deadline")
        with freeze_time(NOW):
            setup = run._msp_capacity_setup(NOW)
            history = run._msp_capacity_history(NOW)
            self.assertEqual(run._msp_capacity_scenario(history, setup).discipline, "deadline")
            run.queue_order = "priority"
            self.assertEqual(run._msp_capacity_scenario(history, setup).discipline, "priority")

    def test_open_tickets_keep_their_place_in_the_queue(self):
        """The tickets open when the check runs wait where the suite's queue shows them:
        at their msp_sla_due_at (the response's deadline, then the resolution's once
        answered), last when paused; read as the desk stood in the past (a backtest), a
        ticket whose clocks were reached since is left to the simulation's own deadline."""
        run = self.new_run()
        ticket = self.env["helpdesk.ticket"].search(
            [("team_id", "=", self.team.id), ("name", "=", "Ticket 15")]
        )
        clocks = {clock.kind: clock for clock in ticket.msp_sla_clock_ids}

        def open_ticket(now):
            with freeze_time(now):
                [entry] = run._msp_capacity_history(now)["backlog"]
            return entry

        waiting = open_ticket(NOW)
        self.assertEqual(waiting.due, ticket.msp_sla_due_at)
        self.assertEqual(waiting.due, clocks["response"].deadline)
        self.assertFalse(waiting.answered)
        # and the simulation receives it in minutes from its time zero
        with freeze_time(NOW):
            setup = run._msp_capacity_setup(NOW)
            history = run._msp_capacity_history(NOW)
            [backlog] = run._msp_capacity_scenario(history, setup).backlog
        monday = setup["monday"].replace(tzinfo=None)
        self.assertEqual(backlog.due, (waiting.due - monday).total_seconds() / 60)
        self.assertFalse(backlog.answered)

        replied = NOW + timedelta(hours=1)
        clocks["response"]._msp_reach(replied)
        ticket.invalidate_recordset()
        answered = open_ticket(replied + timedelta(minutes=5))
        self.assertEqual(answered.due, ticket.msp_sla_due_at)
        self.assertEqual(answered.due, clocks["resolution"].deadline)
        self.assertTrue(answered.answered)

        # the same ticket read as it stood before the reply
        before = open_ticket(NOW + timedelta(minutes=30))
        self.assertEqual((before.due, before.answered), (None, False))

        clocks["resolution"]._msp_pause(replied + timedelta(hours=1))
        ticket.invalidate_recordset()
        self.assertFalse(ticket.msp_sla_due_at)
        paused = open_ticket(replied + timedelta(hours=2))
        self.assertEqual(paused.due, math.inf, "a paused ticket waits last")

    def test_targets_from_the_policy(self):
        run = self.new_run()
        self.assertEqual(
            [(t.priority, t.response_minutes, t.resolution_minutes) for t in run.target_ids],
            [("1", 240, 480)],
        )

    def test_each_target_keeps_its_counting(self):
        """A response counted round the clock and a resolution in business hours, as the
        policy says: the prediction measures each in its own counting."""
        self.policy.target_ids.filtered(lambda t: t.kind == "response").counting = "always"
        run = self.new_run()
        line = run.target_ids
        self.assertEqual(
            (line.response_business_hours, line.resolution_business_hours), (False, True)
        )
        self.assertEqual(
            run._msp_capacity_targets(),
            {
                "1": {
                    "response": simulation.Target(240, business=False),
                    "resolution": simulation.Target(480, business=True),
                }
            },
        )

    def test_proposal_before_and_after_in_the_background(self):
        """A prospect with an audit of 20 users and 20 devices, ten times the customer: its
        load is added; the run is queued, computed by the cron, and the requester told."""
        prospect = self.env["res.partner"].create({"name": "Big Prospect", "is_company": True})
        audit = self.env["msp.audit"].create(
            {"name": "Audit Big", "partner_id": prospect.id, "user_count": 20}
        )
        assets = self.env["msp.asset"].create(
            [{"name": f"PC-{n}", "partner_id": prospect.id} for n in range(20)]
        )
        audit.asset_ids = [Command.set(assets.ids)]
        order = self.env["sale.order"].create({"partner_id": prospect.id, "msp_audit_id": audit.id})
        action = order.action_msp_capacity()
        run = (
            self.env["msp.capacity.run"]
            .with_context(**action["context"])
            .create({"weeks": 2, "history_weeks": 8, "replications": 2})
        )
        self.assertEqual(run.audit_id, audit)
        self.assertEqual((run.prospect_users, run.prospect_devices), (20, 20))
        run.team_id = self.team
        run.action_queue()
        self.assertEqual(run.state, "queued")
        self.assertTrue(self.env["ir.cron.trigger"].search_count([("cron_id", "=", self.cron.id)]))
        self.run_cron()
        self.assertEqual(run.state, "done", run.error)
        self.assertEqual(run.progress, 100)
        # a desk of 2 tickets a week: simulated the most times, not just the 2 asked
        self.assertEqual(run.replications_run, simulation.MAX_REPLICATIONS)
        scenarios = set(run.result_ids.mapped("scenario"))
        self.assertLessEqual({"before", "after"}, scenarios)
        # 2 tickets a week now, 20 more with the prospect (ten times the customer's size)
        self.assertAlmostEqual(run.weekly_tickets, 2.0)
        self.assertAlmostEqual(run.prospect_weekly_tickets, 20.0, delta=0.01)
        self.assertIn("Incident", run.prospect_load)
        self.assertEqual(
            run.verdict_before, "OK", run.result_ids.read(["scenario", "kind", "share", "tickets"])
        )
        self.assertTrue(run.verdict_after)
        message = run.message_ids.filtered(lambda m: "Capacity check" in str(m.body))
        self.assertIn("Capacity check done", message.body)
        self.assertIn(run.user_id.partner_id, message.partner_ids)

    def test_short_staffed_gets_the_smallest_change(self):
        """Ten times the load for one technician: short, with the technicians to add; with
        them the targets are met."""
        run = self.new_run(prospect_users=20, prospect_devices=20)
        run.action_queue()
        self.run_cron()
        self.assertEqual(run.state, "done", run.error)
        self.assertIn("Short by about", run.verdict_after)
        self.assertGreaterEqual(run.technicians_needed, 1)
        self.assertAlmostEqual(run.hours_short, 40 * run.technicians_needed, delta=0.5)
        restored = run.result_ids.filtered(lambda r: r.scenario == "restored")
        self.assertTrue(
            restored,
            (run.verdict_after, run.technicians_needed, run.result_ids.read(["scenario", "share"])),
        )
        self.assertTrue(all(restored.mapped("ok")), restored.read(["kind", "share", "tickets"]))
        # the risk of missing the required share: high where the prospect makes it short,
        # lower with the staffing change
        short = run.result_ids.filtered(lambda r: r.scenario == "after" and not r.ok)
        self.assertTrue(short)
        self.assertGreaterEqual(min(short.mapped("miss_chance")), 50)
        by_target = {(r.priority, r.kind): r.miss_chance for r in restored}
        for line in short:
            self.assertLess(by_target[line.priority, line.kind], line.miss_chance)

    def test_what_if_remove_everyone_fails_clearly(self):
        run = self.new_run(extra_technicians=-1, replications=2)
        run.action_queue()
        self.run_cron()
        self.assertEqual(run.state, "done", run.error)
        self.assertNotEqual(run.verdict_before, "OK")
        self.assertEqual(run.technician_count, 0)

    def test_team_without_technicians_fails_with_a_reason(self):
        team = self.env["helpdesk.ticket.team"].create({"name": "Empty desk"})
        run = self.new_run(team_id=team.id)
        run.action_queue()
        self.run_cron()
        self.assertEqual(run.state, "failed")
        self.assertIn("Team Members", run.error)
        self.assertTrue(run.message_ids.filtered(lambda m: "failed" in str(m.body)))

    def test_a_check_being_computed_cannot_be_queued_again(self):
        """Predict on a check the cron is computing (over the API: the button is hidden
        then) is refused with what to do, and changes nothing."""
        run = self.new_run()
        run.write({"state": "running", "progress": 40.0})
        with self.assertRaisesRegex(UserError, "is being computed"):
            run.action_queue()
        self.assertEqual((run.state, run.progress), ("running", 40.0))
        self.assertFalse(run.stalled)
        # no news for 31 minutes: its worker stopped, it may be predicted again
        self.no_news_for(run, minutes=31)
        run.invalidate_recordset()
        self.assertTrue(run.stalled)
        run.action_queue()
        self.assertEqual(run.state, "queued")

    def test_day_to_day_variation_reads_whole_days(self):
        """The check runs at noon: the window's first day begins at noon and its tickets came
        in the morning, so it holds none of them. Days of 2 and 6 tickets in turn vary
        exactly as much as Poisson says (4 a day): no variation beyond it. Counting the
        window's half first day as a day of no tickets would make one up."""
        team = self.env["helpdesk.ticket.team"].create({"name": "Steady desk"})
        since = NOW - timedelta(weeks=8)  # Wednesday 30 September, 12:00
        first = since.replace(hour=0) + timedelta(days=1)
        moments = [
            first + timedelta(days=day, hours=8, minutes=10 * n)
            for day in range(56)
            for n in range(2 if day % 2 else 6)
        ]
        tickets = self.env["helpdesk.ticket"].create(
            [
                {"name": f"Steady {n}", "description": "<p>Steady</p>", "team_id": team.id}
                for n in range(len(moments))
            ]
        )
        self.env.cr.execute(
            SQL(
                "UPDATE helpdesk_ticket SET create_date = v.at FROM (VALUES %s) AS v(id, at) "
                "WHERE helpdesk_ticket.id = v.id",
                SQL(", ").join(
                    SQL("(%s, %s::timestamp)", ticket.id, moment)
                    for ticket, moment in zip(tickets, moments, strict=True)
                ),
            )
        )
        run = self.new_run(team_id=team.id)
        with freeze_time(NOW):
            history = run._msp_capacity_history(NOW)
        self.assertAlmostEqual(sum(history["arrivals"].weekly.values()), 28.0)
        self.assertAlmostEqual(history["arrivals"].day_cv, 0.0, places=3)

    def test_a_signed_customer_is_read_from_its_signing(self):
        """A customer that called as break-fix before it signed (two tickets five weeks ago)
        and twice since its contract started two weeks ago: both count in the window's
        average, only the last two in what its plan brings."""
        newcomer = self.env["res.partner"].create({"name": "Late Signer", "is_company": True})
        self.env["res.partner"].create({"name": "Signer user", "parent_id": newcomer.id})
        self.make_contract(customer=newcomer, start=(NOW - timedelta(weeks=2)).date())
        tickets = self.env["helpdesk.ticket"].create(
            [
                {
                    "name": f"Signer {n}",
                    "description": "<p>Help</p>",
                    "team_id": self.team.id,
                    "partner_id": newcomer.id,
                    "priority": "1",
                }
                for n in range(4)
            ]
        )
        for ticket, weeks in zip(tickets, (5, 5, 1, 1), strict=True):
            self.env.cr.execute(
                SQL(
                    "UPDATE helpdesk_ticket SET create_date = %s WHERE id = %s",
                    NOW - timedelta(weeks=weeks),
                    ticket.id,
                )
            )
        run = self.new_run()
        with freeze_time(NOW):
            history = run._msp_capacity_history(NOW)
        signer = next(c for c in history["customers"] if c.customer_id == newcomer.id)
        self.assertEqual((signer.by_priority(), signer.window_by_priority()), ({"1": 2}, {"1": 4}))
        self.assertAlmostEqual(signer.start_week, 6.0)

    def test_migration_splits_the_counting_flag(self):
        """Before 19.0.1.3.0 a target line had one flag for both targets: each line keeps
        its meaning, both its targets counted as the one flag said."""
        run = self.new_run()
        line = run.target_ids
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            """ALTER TABLE msp_capacity_run_target DROP COLUMN resolution_business_hours;
               ALTER TABLE msp_capacity_run_target
                   RENAME COLUMN response_business_hours TO business_hours;
               UPDATE msp_capacity_run_target SET business_hours = FALSE"""
        )
        spec = importlib.util.spec_from_file_location(
            "msp_service_contract_migration_19_0_1_3_0", SPLIT_COUNTING_MIGRATION
        )
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.migrate(cr, "19.0.1.2.0")
        migration.migrate(cr, "19.0.1.2.0")  # a second run finds nothing to do
        cr.execute(
            SQL(
                "SELECT response_business_hours, resolution_business_hours "
                "FROM msp_capacity_run_target WHERE id = %s",
                line.id,
            )
        )
        self.assertEqual(cr.fetchall(), [(False, False)])

    def test_summer_time_moves_the_local_hours(self):
        """A Brussels desk predicted on Wednesday 21 October 2026: summer time ends on
        Sunday 25 October, so Monday 26 October 9:00 comes 346 hours after the simulation's
        start (Monday 12 October 0:00), one more than two weeks and nine hours: the rates' hours
        follow the local clock, as the shifts do."""
        brussels = self.calendar.copy({"name": "Desk Brussels", "tz": "Europe/Brussels"})
        run = self.new_run(calendar_id=brussels.id)
        now = datetime(2026, 10, 21, 12, 0)
        with freeze_time(now):
            setup = run._msp_capacity_setup(now)
            scenario = run._msp_capacity_scenario(run._msp_capacity_history(now), setup)
        hours = setup["local_hours"]
        self.assertEqual((hours[2 * 168 + 9], hours[2 * 168 + 9 + 1]), (8, 9))
        self.assertEqual(hours[9], 9)
        # the list covers the whole simulation, which reads it
        self.assertGreaterEqual(len(hours) * 60, scenario.end)
        self.assertEqual(scenario.local_hours, hours)
        # weeks without a change of the clock, in Brussels in June or in UTC: no mapping
        june = datetime(2026, 6, 3, 12, 0)
        short = self.new_run(calendar_id=brussels.id, weeks=2)
        with freeze_time(june):
            self.assertEqual(short._msp_capacity_setup(june)["local_hours"], [])
        with freeze_time(NOW):
            self.assertEqual(self.new_run()._msp_capacity_setup(NOW)["local_hours"], [])

    def test_a_customer_that_left_is_read_while_covered(self):
        """A customer whose contract ended six weeks ago, two weeks into the window, called
        twice while covered: its rate per user is those two tickets over the two weeks it
        was covered, not over the whole window (it would look quieter than it was to the
        prospects like it)."""
        leaver = self.env["res.partner"].create({"name": "Leaver Ltd", "is_company": True})
        self.env["res.partner"].create({"name": "Leaver user", "parent_id": leaver.id})
        ended = (NOW - timedelta(weeks=6)).date()
        self.make_contract(customer=leaver, start=date(2026, 1, 1), date_end=ended)
        tickets = self.env["helpdesk.ticket"].create(
            [
                {"name": f"Leaver {n}", "description": "<p>Help</p>", "partner_id": leaver.id}
                for n in range(3)
            ]
        )
        for ticket, weeks in zip(tickets, (7, 7, 3), strict=True):
            self.env.cr.execute(
                SQL(
                    "UPDATE helpdesk_ticket SET create_date = %s WHERE id = %s",
                    NOW - timedelta(weeks=weeks),
                    ticket.id,
                )
            )
        run = self.new_run(team_id=False)
        with freeze_time(NOW):
            history = run._msp_capacity_history(NOW)
        customer = next(c for c in history["customers"] if c.customer_id == leaver.id)
        self.assertEqual(
            (customer.by_priority(), customer.window_by_priority()), ({"1": 2}, {"1": 3})
        )
        covered_days = (ended + timedelta(days=1) - (NOW - timedelta(weeks=8)).date()).days
        self.assertAlmostEqual(customer.months, covered_days / estimation.DAYS_PER_MONTH)

    def test_cron_fails_a_check_whose_worker_stopped(self):
        """A check running without news for 31 minutes is marked failed by the next cron
        call, with what to do; one that ran a minute ago is left to its worker."""
        stopped, busy = self.new_run(), self.new_run()
        (stopped | busy).write({"state": "running"})
        self.no_news_for(stopped, minutes=31)
        (stopped | busy).invalidate_recordset()
        self.env["msp.capacity.run"]._msp_capacity_fail_stale()
        self.assertEqual((stopped.state, busy.state), ("failed", "running"))
        self.assertIn("run it again", stopped.error)
