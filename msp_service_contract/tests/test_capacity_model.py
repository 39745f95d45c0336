# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The capacity check's estimation and simulation, without the database (small cases)."""

import math
import random
from dataclasses import replace
from datetime import datetime
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from odoo.addons.msp_service_contract.capacity import estimation, queueing, simulation
from odoo.addons.msp_service_contract.capacity.simulation import WEEK_MINUTES, Scenario, Target
from odoo.tests import BaseCase, tagged

DAY = 24 * 60


def office_desk(technicians, per_week, mean=45.0, weeks=4, targets=None):
    """One priority, Monday-Friday 8:00-17:00, tickets only in those hours."""
    shifts = simulation.weekly_shifts(range(5), 8, 17, weeks + 2)
    shape = [0.0] * 168
    for day in range(5):
        for hour in range(8, 17):
            shape[day * 24 + hour] = 1 / 45
    return Scenario(
        rates={"1": [per_week * share for share in shape]},
        handling={"1": estimation.HandlingModel(mean, 1.0)},
        shifts=[shifts] * technicians,
        targets=targets or {"1": {"response": Target(60), "resolution": Target(240)}},
        business_hours=shifts,
        order=["1"],
        warmup=WEEK_MINUTES,
        horizon=weeks * WEEK_MINUTES,
        drain=WEEK_MINUTES,
    )


@tagged("post_install", "-at_install")
class TestCapacitySimulation(BaseCase):
    def test_erlang_c(self):
        """One priority, Poisson arrivals, exponential handling, three technicians always on:
        the share answered within 10 minutes is Erlang C's P(wait <= 10 min) within 2
        points."""
        servers, per_hour, mean, within = 3, 6.0, 20.0, 10.0
        scenario = Scenario(
            rates={"1": [per_hour] * 168},
            handling={"1": estimation.HandlingModel(mean, 1.0, kind="exponential")},
            shifts=[[(0, 10**9)]] * servers,
            targets={"1": {"response": Target(within, business=False)}},
            business_hours=[],
            order=["1"],
            warmup=DAY,
            horizon=5 * WEEK_MINUTES,
            drain=DAY,
        )
        summary, _results = simulation.run(scenario, replications=3, seed=7)
        expected = queueing.p_wait_within(servers, per_hour / 60, 1 / mean, within)
        self.assertAlmostEqual(expected, 0.7304, places=3)
        self.assertAlmostEqual(summary["1"]["response"].mean, expected, delta=0.02)

    def test_more_staff_never_worse(self):
        scenario = office_desk(2, per_week=80)
        previous = None
        for technicians in (2, 3, 4):
            scenario.shifts = [scenario.shifts[0]] * technicians
            summary, _results = simulation.run(scenario, replications=3, seed=3)
            shares = {kind: summary["1"][kind].mean for kind in ("response", "resolution")}
            if previous:
                for kind, share in shares.items():
                    self.assertGreaterEqual(share, previous[kind] - 0.005, (technicians, kind))
            previous = shares
        self.assertGreater(previous["response"], 0.9)

    def test_on_call_takes_only_emergencies_out_of_hours(self):
        """Tickets arrive only in the evening: the office (Monday-Friday 8:00-17:00) answers
        none within the hour; a person on call out of hours answers the emergencies (P1)
        and leaves the others to the morning."""
        weeks = 3
        evening = [0.0] * 168
        for day in range(7):
            for hour in (20, 21, 22):
                evening[day * 24 + hour] = 0.4
        office = simulation.weekly_shifts(range(5), 8, 17, weeks + 2)
        nights = [(0, office[0][0])] + [(end, start) for (_s, end), (start, _e) in pairwise(office)]
        within_hour = {"response": Target(60, business=False)}
        scenario = Scenario(
            rates={"3": evening, "1": evening},
            handling={p: estimation.HandlingModel(20.0, 0.5) for p in ("3", "1")},
            shifts=[office] * 2,
            targets={"3": within_hour, "1": within_hour},
            business_hours=office,
            order=["3", "1"],
            warmup=WEEK_MINUTES,
            horizon=(weeks - 1) * WEEK_MINUTES,
            drain=WEEK_MINUTES,
        )
        without, _results = simulation.run(scenario, replications=2, seed=5)
        self.assertLess(without["3"]["response"].mean, 0.05)
        scenario.oncall_shifts = [nights]
        scenario.oncall_priorities = ("3",)
        with_oncall, _results = simulation.run(scenario, replications=2, seed=5)
        self.assertGreater(with_oncall["3"]["response"].mean, 0.9)
        self.assertEqual(with_oncall["1"]["response"].mean, 0.0, "P3s wait for the office")

    def test_seed_reproduces(self):
        scenario = office_desk(2, per_week=60, weeks=2)
        first = simulation.run(scenario, replications=2, seed=11)
        again = simulation.run(scenario, replications=2, seed=11)
        other = simulation.run(scenario, replications=2, seed=12)
        self.assertEqual(first, again)
        self.assertNotEqual(first[1], other[1])

    def test_interval_holds_the_mean(self):
        summary, results = simulation.run(office_desk(2, per_week=80, weeks=2), 4, seed=5)
        estimate = summary["1"]["response"]
        self.assertLessEqual(estimate.low, estimate.mean)
        self.assertLessEqual(estimate.mean, estimate.high)
        self.assertLess(estimate.low, estimate.high)
        self.assertEqual(len(results), 4)

    def test_replications_follow_the_desk_size(self):
        """A small desk is simulated more times for the same work (up to the most), a big
        one the minimum asked; the count depends on the scenario only."""
        small, big = office_desk(2, 45), office_desk(20, 15000)
        # 45 a week over the 6 simulated weeks: 270 tickets a replication
        self.assertAlmostEqual(simulation.expected_tickets(small), 270)
        self.assertEqual(simulation.replications_for(small, 10), simulation.MAX_REPLICATIONS)
        self.assertEqual(simulation.replications_for(small, 10, budget=270 * 20), 20)
        self.assertEqual(simulation.replications_for(big, 10), 10)
        # 30,000 tickets a replication: five fit in the budget, more than the 2 asked
        self.assertEqual(simulation.replications_for(office_desk(10, 5000), 2), 5)

    def test_chance_below_the_required_share(self):
        """Of four replications of P1 response, one below 90% and three at or above it: a
        25% chance the period misses 90%; none counted: no chance to tell."""
        results = [{"shares": {"1": {"response": (met, 10)}}} for met in (8, 9, 10, 10)] + [
            {"shares": {}}
        ]
        self.assertEqual(simulation.chance_below(results, "1", "response", 0.9), 0.25)
        self.assertEqual(simulation.chance_below(results, "1", "response", 0.5), 0.0)
        self.assertIsNone(simulation.chance_below(results, "2", "response", 0.9))

    def test_t_quantile_beyond_the_table(self):
        """The 90% intervals of up to 50 replications: Student's t, not the normal's 1.645
        (exact values: df 31 1.6955, 49 1.6766, 120 1.6577)."""
        self.assertEqual(simulation.t90(30), 1.697)
        self.assertAlmostEqual(simulation.t90(31), 1.6955, delta=0.0005)
        self.assertAlmostEqual(simulation.t90(49), 1.6766, delta=0.0005)
        self.assertAlmostEqual(simulation.t90(120), 1.6577, delta=0.0005)
        with self.assertRaises(ValueError):
            simulation.t90(0)

    def test_arrivals_follow_the_local_clock(self):
        """Tickets only at 9:00 local on Mondays. When summer time ends in the first week,
        Monday 9:00 of the second week comes one elapsed hour later than a week's hours
        say: the arrivals come then, with the shifts, not an hour early."""
        rates = [0.0] * 168
        rates[9] = 50.0
        scenario = office_desk(1, 0)
        scenario = replace(
            scenario,
            rates={"1": rates},
            warmup=0,
            horizon=2 * WEEK_MINUTES,
            drain=0,
            local_hours=[h % 168 for h in range(100)] + [(h - 1) % 168 for h in range(100, 336)],
        )
        arrivals = simulation.generate_arrivals(scenario, random.Random(1))
        hours = {int(moment // 60) for moment, _priority, _work in arrivals}
        self.assertEqual(hours, {9, 168 + 9 + 1})

    def test_smallest_addition(self):
        """One technician for 80 tickets a week of 45 minutes is short; the search finds the
        fewest added technicians that bring both targets to 90%."""
        scenario = office_desk(1, per_week=80, weeks=2)
        extra = scenario.shifts[0]
        added = simulation.smallest_addition(scenario, extra, 0.9, replications=2, seed=1)
        self.assertGreaterEqual(added, 1)
        with_added = simulation.with_added(scenario, extra, added)
        self.assertTrue(simulation.meets(simulation.run(with_added, 2, seed=1)[0], 0.9))
        one_less = simulation.with_added(scenario, extra, added - 1)
        self.assertFalse(simulation.meets(simulation.run(one_less, 2, seed=1)[0], 0.9))

    def test_backlog_takes_time_and_is_not_measured(self):
        """Tickets open when the prediction starts wait in the queue: they delay the new ones
        but are not counted themselves."""
        scenario = office_desk(1, per_week=20, weeks=1)
        scenario.start = scenario.warmup
        quiet = simulation.run(scenario, 2, seed=4)
        scenario.backlog = [simulation.Backlog(scenario.warmup - 600, "1")] * 30
        loaded = simulation.run(scenario, 2, seed=4)
        self.assertGreater(loaded[1][0]["busy"], quiet[1][0]["busy"] + 20 * 45)
        self.assertEqual(loaded[0]["1"]["response"].tickets, quiet[0]["1"]["response"].tickets)
        self.assertLess(loaded[0]["1"]["response"].mean, quiet[0]["1"]["response"].mean)

    def test_open_tickets_wait_in_their_place(self):
        """Open tickets with no deadline (paused, no SLA) wait behind the new ones (they only
        delay a new ticket that comes while one is being worked); overdue ones are worked
        first, as the suite's queue lists them."""
        scenario = office_desk(1, per_week=20, weeks=1)
        scenario.start = scenario.warmup
        shares = {}
        for name, due in (("last", math.inf), ("overdue", scenario.warmup - 60)):
            scenario.backlog = [
                simulation.Backlog(scenario.warmup - 600, "1", due, answered=True)
            ] * 30
            summary, results = simulation.run(scenario, 2, seed=4)
            shares[name] = summary["1"]["response"].mean
            self.assertGreater(results[0]["busy"], 30 * 45 * 0.5, "they take time either way")
        self.assertGreater(shares["last"], 0.5)
        self.assertLess(shares["overdue"], shares["last"] - 0.3)

    def test_business_minutes(self):
        clock = simulation.BusinessClock([(480, 1020), (DAY + 480, DAY + 1020)])
        # Monday 16:00 to Tuesday 9:00: one hour on Monday, one on Tuesday
        self.assertEqual(clock.between(960, DAY + 540), 120)
        self.assertEqual(clock.between(0, 480), 0)
        # a deadline: 2 business hours after Monday 16:00 is Tuesday 9:00
        self.assertEqual(clock.after(960, 120), DAY + 540)
        self.assertEqual(clock.after(0, 30), 510, "counted from the opening")
        self.assertEqual(clock.after(600, 0), 600)
        self.assertEqual(clock.after(DAY + 1000, 60), math.inf, "beyond the calendar")

    @settings(max_examples=200, deadline=None, derandomize=True)
    @given(
        st.lists(st.tuples(st.integers(0, 10_000), st.integers(1, 600)), max_size=8),
        st.integers(-100, 12_000),
        st.integers(0, 3_000),
    )
    def test_deadline_is_the_inverse_of_business_minutes(self, raw, moment, minutes):
        """For any calendar, moment and target: the deadline is the first instant at which
        ``minutes`` business minutes have passed."""
        intervals, end = [], 0
        for gap, length in raw:  # disjoint working intervals, as a calendar's are
            intervals.append((end + gap, end + gap + length))
            end += gap + length
        clock = simulation.BusinessClock(intervals)
        deadline = clock.after(moment, minutes)
        if deadline == math.inf:
            self.assertLess(clock.between(moment, end + 1), minutes)
            return
        self.assertGreaterEqual(deadline, moment)
        self.assertAlmostEqual(clock.between(moment, deadline), minutes)
        if minutes and deadline > moment:
            self.assertLess(clock.between(moment, deadline - 0.5), minutes)

    def test_queue_follows_the_nearest_deadline(self):
        """The suite's queue ("Tickets by SLA Deadline", My Queue) lists the nearest SLA
        deadline first, and the simulation works it so by default: a Low ticket due within
        30 minutes is taken before a Very High one due in the afternoon. Worked strictly by
        priority instead, the Low tickets wait behind every Very High one."""
        weeks = 2
        office = simulation.weekly_shifts(range(5), 8, 17, weeks + 2)
        shape = [0.0] * 168
        for day in range(5):
            for hour in range(8, 17):
                shape[day * 24 + hour] = 1 / 45
        scenario = Scenario(
            rates={"3": [40 * share for share in shape], "0": [40 * share for share in shape]},
            handling={p: estimation.HandlingModel(25.0, 0.5) for p in ("3", "0")},
            shifts=[office],
            targets={"3": {"response": Target(480)}, "0": {"response": Target(30)}},
            business_hours=office,
            order=["3", "0"],
            warmup=WEEK_MINUTES,
            horizon=weeks * WEEK_MINUTES,
            drain=WEEK_MINUTES,
        )
        self.assertEqual(scenario.discipline, simulation.DEADLINE)
        by_deadline, _results = simulation.run(scenario, replications=3, seed=2)
        by_priority, _results = simulation.run(
            replace(scenario, discipline=simulation.PRIORITY), replications=3, seed=2
        )
        self.assertGreater(by_deadline["0"]["response"].mean, 0.75)
        self.assertLess(by_priority["0"]["response"].mean, by_deadline["0"]["response"].mean - 0.15)
        # the Very High tickets, due in a business day, still meet it either way
        self.assertGreater(by_deadline["3"]["response"].mean, 0.95)
        self.assertGreater(by_priority["3"]["response"].mean, 0.95)
        with self.assertRaises(ValueError):
            simulation.run(replace(scenario, discipline="random"), replications=1)


@tagged("post_install", "-at_install")
class TestCapacityEstimation(BaseCase):
    def test_arrival_rates(self):
        # 4 weeks: 40 P1 tickets on Mondays at 9, 8 P3 tickets on Tuesdays at 14
        monday_9 = estimation.hour_of_week(datetime(2026, 11, 30, 9, 30))
        tuesday_14 = estimation.hour_of_week(datetime(2026, 12, 1, 14, 0))
        self.assertEqual((monday_9, tuesday_14), (9, 38))
        model = estimation.estimate_arrivals({("1", monday_9): 40, ("3", tuesday_14): 8}, 4)
        self.assertEqual(model.weekly, {"1": 10.0, "3": 2.0})
        rates = model.hourly_rates()
        self.assertAlmostEqual(sum(rates["1"]), 10.0)
        self.assertEqual(max(range(168), key=lambda h: rates["1"][h]), monday_9)
        # the few P3 tickets lean on the desk's shape: Monday 9:00 gets some of them
        self.assertGreater(rates["3"][monday_9], rates["3"][3])
        doubled = model.hourly_rates(scale=2.0, extra_weekly={"2": 5.0})
        self.assertAlmostEqual(sum(doubled["1"]), 20.0)
        self.assertAlmostEqual(sum(doubled["2"]), 5.0)

    def test_day_to_day_variation(self):
        shape = [1 / 168] * 168  # 10 tickets a day expected
        steady = estimation.day_variation([10] * 28, 0, shape, 70)
        self.assertEqual(steady, 0.0)
        swinging = estimation.day_variation([5, 15] * 14, 0, shape, 70)
        self.assertAlmostEqual(swinging, ((25 - 10) / 100) ** 0.5)
        # two weeks, 20 tickets on Mondays at 9: all on the first Monday, none on the second
        model = estimation.estimate_arrivals({("1", 9): 20}, 2, (0, [20] + [0] * 13))
        self.assertGreater(model.day_cv, 0.5)

    def test_handling_fit(self):
        model = estimation.fit_handling([30, 60, 90, 0, None])
        self.assertEqual(model.mean, 60)
        self.assertAlmostEqual(model.cv, 0.5)
        rng = random.Random(1)
        draws = [model.sample(rng) for _ in range(4000)]
        self.assertAlmostEqual(sum(draws) / len(draws), 60, delta=2)
        self.assertEqual(estimation.fit_handling([]).mean, estimation.DEFAULT_HANDLING_MINUTES)
        empirical = estimation.fit_handling([30, 60], kind="empirical")
        self.assertIn(empirical.sample(rng), (30.0, 60.0))

    def test_prospect_load(self):
        History = estimation.CustomerHistory
        customers = [
            # 10 users, 20 devices, 6 months: 30 user tickets (P1), 12 device tickets (P2)
            History(1, 10, 20, 6, {("1", "Incident", False): 30, ("2", "Hardware", True): 12}),
            History(2, 12, 18, 6, {("1", "Incident", False): 36, ("2", "Hardware", True): 12}),
            History(3, 500, 900, 6, {("3", "Incident", False): 9000}),
        ]
        like = estimation.similar_customers(customers, 11, 19, count=2)
        self.assertEqual({c.customer_id for c in like}, {1, 2})
        load = estimation.prospect_load(customers, users=22, devices=38, count=2)
        # per user-month 66 / 132 = 0.5; per device-month 24 / 228
        self.assertAlmostEqual(load["1", "Incident"], 11.0)
        self.assertAlmostEqual(load["2", "Hardware"], 24 / 228 * 38)
        weekly = estimation.weekly_by_priority(load)
        self.assertAlmostEqual(weekly["1"], 11.0 / (365.25 / 12 / 7))

    def test_book_change(self):
        """8 weeks of history, 4 ahead. Two customers of 10 users covered all along bring 5
        P1 tickets a week each (0.5 per user). A customer of 20 users starting two weeks into
        the horizon is expected at 10 a week for half of it; one of 10 users signed two weeks
        before now with 6 tickets so far is its 5 a week blended with its own 3 a week; one
        whose contract ended halfway through the window is taken away."""
        History = estimation.CustomerHistory
        months = 8 / estimation.WEEKS_PER_MONTH
        steady = {("1", "Incident", False): 40}
        customers = [
            History(1, 10, 0, months, steady),
            History(2, 10, 0, months, steady),
            History(3, 20, 0, 0.0, {}, start_week=10),
            History(4, 10, 0, 2 / estimation.WEEKS_PER_MONTH, {("1", "", False): 6}, 6),
            History(5, 10, 0, months, {("1", "", False): 20}, end_week=4),
        ]
        change = estimation.book_change(customers, window_weeks=8, horizon_weeks=4)
        signed = 10 * 0.5
        blended = (6 + 5 * estimation.PRIOR_WEEKS) / (2 + estimation.PRIOR_WEEKS) - 6 / 8
        ended = -20 / 8
        self.assertAlmostEqual(change["1"], signed + blended + ended)
        # a book that did not change: nothing to add
        self.assertEqual(estimation.book_change(customers[:2], 8, 4), {})
        # the arrival rates take the change, never below zero
        model = estimation.ArrivalModel({"1": 10.0}, {"1": [1 / 168] * 168})
        self.assertAlmostEqual(sum(model.hourly_rates(extra_weekly=change)["1"]), 10 + change["1"])
        self.assertEqual(sum(model.hourly_rates(extra_weekly={"1": -15.0})["1"]), 0.0)

    def test_book_change_reads_a_signed_customer_from_its_signing(self):
        """26 weeks of history, 12 ahead. Five customers of 20 users bring 5 P1 tickets a
        week each. A sixth of 20 users called 5 a week all along, as break-fix, and signed
        its plan at week 20: its 100 calls before signing are in the window's average but
        say nothing of its plan, which the 30 since (and the customers like it) say brings
        5 a week: the book does not change."""
        History = estimation.CustomerHistory
        months = 26 / estimation.WEEKS_PER_MONTH
        established = [History(n, 20, 0, months, {("1", "", False): 130}) for n in range(5)]
        signed = History(
            9,
            20,
            0,
            6 / estimation.WEEKS_PER_MONTH,
            {("1", "", False): 30},
            start_week=20,
            window_tickets={"1": 130},
        )
        change = estimation.book_change([*established, signed], 26, 12)
        self.assertAlmostEqual(change["1"], 0.0)

    def test_seasonal_index(self):
        season = estimation.season_from_weeks
        # last year: 50 tickets a week in the window's weeks, 60 a week in the weeks ahead;
        # one period only: nothing to tell chance by, the ratio is kept whole
        self.assertEqual(season([50] * 8 + [60] * 4, 8, 4), estimation.Season(1.2, 1.2, 1.0))
        # too few tickets to tell a season from chance, or no year of history
        self.assertEqual(season([50] * 8 + [3] * 4, 8, 4).index, 1.0)
        self.assertEqual(season([0] * 60, 8, 4).index, 1.0)
        # a one-off is not a season: bounded
        self.assertEqual(season([12] * 8 + [1000] * 4, 8, 4).index, 2.0)

    def test_season_from_a_flat_year_is_chance(self):
        """A year of exactly 50 tickets a week but for last year's weeks ahead at 60: the
        periods' ratios spread no more than chance says, so there is no season to keep."""
        weekly = [50] * 8 + [60] * 4 + [50] * 48
        result = estimation.season_from_weeks(weekly, 8, 4)
        self.assertAlmostEqual(result.raw, 1.2)
        self.assertEqual((result.weight, result.index), (0.0, 1.0))

    def test_season_from_a_seasonal_year_is_kept(self):
        """Busy and quiet quarters (60 and 40 tickets a week): the spread is mostly season,
        so most of the ratio is kept."""
        weekly = [40] * 8 + ([60] * 13 + [40] * 13) * 2
        result = estimation.season_from_weeks(weekly, 8, 4, day_cv=0.2)
        self.assertAlmostEqual(result.raw, 1.5)
        self.assertGreater(result.weight, 0.75)
        self.assertGreater(result.index, 1.35)

    def test_season_shrinkage_is_closer_to_the_true_season(self):
        """Over 300 generated years of a known season (sine, +-15%) with Poisson weeks and
        daily variation, the shrunk index is closer to the true ratio than last year's raw
        ratio, on average (the reason it is shrunk)."""
        rng = random.Random(7)
        raw_error = shrunk_error = 0.0
        for _year in range(300):
            phase = rng.random() * 52
            true = [90 * (1 + 0.15 * math.sin(2 * math.pi * (w + phase) / 52)) for w in range(60)]
            weekly = [
                estimation.poisson(rng, rate * estimation.day_factor(rng, 0.2 / math.sqrt(5)))
                for rate in true
            ]
            truth = (sum(true[8:12]) / 4) / (sum(true[:8]) / 8)
            result = estimation.season_from_weeks(weekly, 8, 4, day_cv=0.2)
            raw_error += abs(math.log(result.raw / truth))
            shrunk_error += abs(math.log(result.index / truth))
        self.assertLess(shrunk_error, 0.9 * raw_error)
