# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A discrete-event simulation of the service desk, with SimPy.

Time is in minutes from the simulation's start, a Monday 00:00 in the desk's time zone.
Tickets arrive by priority (a Poisson process whose rate changes with the hour of the week),
wait in one queue and are worked by technicians during their working intervals (their
calendar minus their leaves). The queue is worked as msp_sla's "Tickets by SLA Deadline" list
shows it: the nearest SLA deadline first (the response's until the ticket is answered, then
the resolution's), then the higher priority, then the older ticket (``DEADLINE``); or by
priority then arrival (``PRIORITY``), a desk that works strictly by priority. The first
technician to pick a ticket answers it (first response); the ticket is resolved when its
handling time has been worked. Work not finished at the end of a shift goes back to the
queue, with its resolution's deadline (by priority: ahead of newer tickets of its priority).
Response and resolution are then measured against the targets, counted in business minutes
of the SLA calendar or round the clock, as msp_sla's clocks count them.
"""

import bisect
import heapq
import math
import statistics
from dataclasses import dataclass, field, replace

import simpy

from .estimation import HOURS_PER_WEEK, day_factor, make_rng, poisson

WEEK_MINUTES = HOURS_PER_WEEK * 60
KINDS = ("response", "resolution")
# How the technicians pick the next ticket: the suite's queue (nearest SLA deadline first),
# or strictly the highest priority first.
DEADLINE, PRIORITY = "deadline", "priority"
# The most technicians the staffing search adds.
SEARCH_LIMIT = 32
# Simulated tickets a prediction spends on its replications: a small desk gets more
# replications for the same work (a steadier mean), up to MAX_REPLICATIONS; a desk of 20
# technicians and 5,000 tickets a month over 12 weeks stays at about 10.
TICKET_BUDGET = 150_000
MAX_REPLICATIONS = 50
# Two-sided 90% quantiles of Student's t (df 1..30), for the intervals.
T90 = (6.314, 2.920, 2.353, 2.132, 2.015, 1.943, 1.895, 1.860, 1.833, 1.812, 1.796, 1.782,
       1.771, 1.761, 1.753, 1.746, 1.740, 1.734, 1.729, 1.725, 1.721, 1.717, 1.714, 1.711,
       1.708, 1.706, 1.703, 1.701, 1.699, 1.697)  # fmt: skip
Z90 = statistics.NormalDist().inv_cdf(0.95)


@dataclass(frozen=True)
class Target:
    minutes: float
    business: bool = True  # counted in the SLA calendar's working time, else round the clock


class BusinessClock:
    """Business minutes between two instants on a list of working intervals (minutes)."""

    def __init__(self, intervals):
        self.starts, self.ends, self.before, self.until = [], [], [], []
        total = 0.0
        for start, end in sorted(intervals):
            if end <= start:
                continue
            self.starts.append(start)
            self.ends.append(end)
            self.before.append(total)
            total += end - start
            self.until.append(total)

    def at(self, moment):
        index = bisect.bisect_right(self.starts, moment) - 1
        if index < 0:
            return 0.0
        return self.before[index] + min(moment, self.ends[index]) - self.starts[index]

    def between(self, start, end):
        return max(self.at(end) - self.at(start), 0.0)

    def after(self, moment, minutes):
        """The instant ``minutes`` business minutes after ``moment`` (a deadline); infinite
        when the intervals end first."""
        if minutes <= 0:
            return moment
        goal = self.at(moment) + minutes
        index = bisect.bisect_left(self.until, goal)
        if index >= len(self.starts):
            return math.inf
        return max(self.starts[index] + goal - self.before[index], moment)


@dataclass
class Scenario:
    """Everything one simulation needs.

    rates: {priority: 168 tickets-per-hour rates, hour 0 = Monday 00:00}
    handling: {priority: estimation.HandlingModel}
    shifts: one list of (start, end) working intervals in minutes per technician
    targets: {priority: {"response": Target, "resolution": Target}} (a kind may be absent)
    business_hours: (start, end) intervals the business-hour targets are counted in
    order: priorities, most urgent first
    discipline: DEADLINE (the nearest SLA deadline first, as the suite's queue lists the
        tickets) or PRIORITY (the highest priority first, then the oldest)
    warmup: minutes simulated before measuring (the queue fills as in steady state)
    horizon: minutes measured after the warm-up; tickets arriving then are counted
    drain: minutes simulated after the horizon (arrivals go on) so late tickets can finish
    week_factors: a load multiplier per simulated week (seasons, growth), default 1
    day_cv: day-to-day variation of the load beyond Poisson (estimation.day_variation)
    start: tickets arrive from this minute on; the queue then holds ``backlog``
    backlog: Backlog entries, the tickets open at ``start`` (the desk's real queue when the
        prediction is made): they take technicians' time in their place in the queue, and
        are not measured
    oncall_shifts: one list of (start, end) intervals per person on call (outside the
        working hours): they take only tickets of ``oncall_priorities``, the emergencies
    local_hours: the desk's local hour of the week (0-167) of each simulated hour, when its
        time zone changes offset (summer time) in the simulated weeks, so that the rates
        follow the local clock as the shifts do; empty: simulated hours are local hours
    """

    rates: dict
    handling: dict
    shifts: list
    targets: dict
    business_hours: list
    order: list
    discipline: str = DEADLINE
    warmup: float = WEEK_MINUTES
    horizon: float = 4 * WEEK_MINUTES
    drain: float = WEEK_MINUTES
    week_factors: list = field(default_factory=list)
    day_cv: float = 0.0
    start: float = 0.0
    backlog: list = field(default_factory=list)
    oncall_shifts: list = field(default_factory=list)
    oncall_priorities: tuple = ()
    local_hours: list = field(default_factory=list)

    @property
    def end(self):
        return self.warmup + self.horizon + self.drain


@dataclass(frozen=True)
class Backlog:
    """A ticket open when the prediction starts. ``due``: its place in the deadline-ordered
    queue in minutes, as the suite shows it (``math.inf``: no deadline, last), or None to
    work it out from the targets like a new ticket's, the resolution's once ``answered``."""

    arrival: float
    priority: str
    due: float | None = None
    answered: bool = False


class _Ticket:
    __slots__ = ("arrival", "due_at", "priority", "remaining", "resolved", "response")

    def __init__(self, arrival, priority, work, due_at=None):
        self.arrival, self.priority, self.remaining = arrival, priority, work
        self.response = self.resolved = None
        self.due_at = due_at  # a fixed place in the queue (an open ticket's, from the suite)


def generate_arrivals(scenario, rng):
    """Sorted tickets (arrival, priority, handling minutes) over the whole simulated time."""
    tickets = []
    local_hours = scenario.local_hours
    weeks = math.ceil(scenario.end / WEEK_MINUTES)
    for week in range(weeks):
        factor = scenario.week_factors[week] if week < len(scenario.week_factors) else 1.0
        days = [factor * day_factor(rng, scenario.day_cv) for _day in range(7)]
        for priority in scenario.order:
            rates, handling = scenario.rates.get(priority), scenario.handling[priority]
            if not rates:
                continue
            for hour in range(HOURS_PER_WEEK):
                base = week * WEEK_MINUTES + hour * 60
                if base >= scenario.end:
                    break
                elapsed = week * HOURS_PER_WEEK + hour
                local = local_hours[elapsed] if elapsed < len(local_hours) else hour
                rate = rates[local]
                for _ in range(poisson(rng, rate * days[hour // 24])):
                    tickets.append((base + rng.random() * 60, priority, handling.sample(rng)))
    tickets = [t for t in tickets if t[0] >= scenario.start]
    tickets.sort(key=lambda t: t[0])
    return tickets


def simulate(scenario, seed):
    """One replication: {priority: {kind: (met, counted)}} plus the technicians' busy and
    working minutes, as ``{"shares": ..., "busy": minutes, "available": minutes}``."""
    rng = make_rng(seed)
    arrivals = generate_arrivals(scenario, rng)
    backlog = []
    for entry in sorted(scenario.backlog, key=lambda b: (b.arrival, b.priority)):
        ticket = _Ticket(
            entry.arrival, entry.priority, scenario.handling[entry.priority].sample(rng), entry.due
        )
        if entry.answered:
            ticket.response = entry.arrival  # not measured: only its place in the queue
        backlog.append(ticket)
    env = simpy.Environment()
    queue = simpy.PriorityStore(env)
    rank = {priority: index for index, priority in enumerate(scenario.order)}
    due = _deadlines(scenario)
    tickets = []
    counter = [0]
    busy = [0.0]

    emergencies = set(scenario.oncall_priorities)
    # the people on call wait for this event: an emergency was queued
    emergency_queued = [env.event()]

    def put(ticket, first_arrival):
        counter[0] += 1
        key = (rank[ticket.priority], first_arrival, counter[0])
        if due:
            key = (due(ticket), *key)
        queue.put(simpy.PriorityItem(key, ticket))
        if ticket.priority in emergencies and not emergency_queued[0].triggered:
            emergency_queued[0].succeed()
            emergency_queued[0] = env.event()

    def arrive():
        if scenario.start > 0:
            yield env.timeout(scenario.start)
        for ticket in backlog:
            tickets.append(ticket)
            put(ticket, ticket.arrival)
        for moment, priority, work in arrivals:
            if moment > env.now:
                yield env.timeout(moment - env.now)
            ticket = _Ticket(moment, priority, work)
            tickets.append(ticket)
            put(ticket, moment)

    def serve(ticket, end):
        """Work on ``ticket`` until it is done or the shift ends (then it is queued again)."""
        if ticket.response is None:
            ticket.response = env.now
        work = min(ticket.remaining, end - env.now)
        yield env.timeout(work)
        busy[0] += work
        ticket.remaining -= work
        if ticket.remaining <= 1e-9:
            ticket.resolved = env.now
        else:
            put(ticket, ticket.arrival)

    def take_any(end):
        """The most urgent queued ticket, or None when the shift ends first."""
        request = queue.get()
        yield request | env.timeout(end - env.now)
        if not request.triggered:
            request.cancel()
            return None
        return request.value.item

    def take_emergency(end):
        """For a person on call: the first emergency in the queue's order, or None when the
        shift ends before one is queued. Other tickets wait for the office."""
        while env.now < end:
            waiting = [item for item in queue.items if item.item.priority in emergencies]
            if waiting:
                first = min(waiting)
                # out of the heap directly: a technician's request waiting on the store is
                # served from what is left (PriorityStore checks that items remain)
                queue.items.remove(first)
                heapq.heapify(queue.items)
                return first.item
            yield emergency_queued[0] | env.timeout(end - env.now)
        return None

    def worker(shifts, take):
        for start, end in shifts:
            end = min(end, scenario.end)
            if end <= env.now:
                continue
            if start > env.now:
                yield env.timeout(start - env.now)
            while env.now < end:
                ticket = yield from take(end)
                if ticket is None:
                    break
                yield from serve(ticket, end)

    env.process(arrive())
    available = 0.0
    for shifts in scenario.shifts:
        shifts = sorted(shifts)
        available += sum(
            max(min(e, scenario.end) - max(s, 0), 0) for s, e in shifts if s < scenario.end
        )
        env.process(worker(shifts, take_any))
    for shifts in scenario.oncall_shifts:
        env.process(worker(sorted(shifts), take_emergency))
    env.run(until=scenario.end)
    return {
        "shares": _measure(scenario, tickets),
        "busy": busy[0],
        "available": available,
    }


def _deadlines(scenario):
    """For the DEADLINE discipline, ``due(ticket)``: when its most urgent open target falls
    due (the response's until answered, then the resolution's; infinite without a target),
    as msp_sla's ``msp_sla_due_at`` orders the queue. None for PRIORITY."""
    if scenario.discipline == PRIORITY:
        return None
    if scenario.discipline != DEADLINE:
        raise ValueError(f"unknown queue discipline: {scenario.discipline!r}")
    clock = BusinessClock(scenario.business_hours)

    def deadline(ticket, kind):
        target = scenario.targets.get(ticket.priority, {}).get(kind)
        if not target:
            return math.inf
        if target.business:
            return clock.after(ticket.arrival, target.minutes)
        return ticket.arrival + target.minutes

    def due(ticket):
        if ticket.due_at is not None:
            return ticket.due_at
        if ticket.response is None:
            return min(deadline(ticket, "response"), deadline(ticket, "resolution"))
        return deadline(ticket, "resolution")

    return due


def _measure(scenario, tickets):
    clock = BusinessClock(scenario.business_hours)
    first, last = scenario.warmup, scenario.warmup + scenario.horizon
    counts = {}
    for ticket in tickets:
        if not first <= ticket.arrival < last:
            continue
        targets = scenario.targets.get(ticket.priority, {})
        for kind in KINDS:
            target = targets.get(kind)
            if not target:
                continue
            reached = ticket.response if kind == "response" else ticket.resolved
            moment = scenario.end if reached is None else reached
            elapsed = (
                clock.between(ticket.arrival, moment)
                if target.business
                else moment - ticket.arrival
            )
            met = reached is not None and elapsed <= target.minutes
            if reached is None and elapsed <= target.minutes:
                continue  # still open, not yet due: unknown, not counted
            cell = counts.setdefault(ticket.priority, {}).setdefault(kind, [0, 0])
            cell[0] += met
            cell[1] += 1
    return {p: {k: tuple(v) for k, v in kinds.items()} for p, kinds in counts.items()}


@dataclass(frozen=True)
class Estimate:
    """The predicted share of tickets meeting a target: mean of the replications and a 90%
    prediction interval for the share the period will actually show."""

    mean: float
    low: float
    high: float
    tickets: float  # tickets counted per replication, on average


def t90(df):
    """Student's t two-sided 90% quantile: the table up to 30 degrees of freedom, then the
    normal quantile with its Cornish-Fisher correction (within 0.001 of the exact value from
    30 on; a small desk runs up to 50 replications)."""
    if df < 1:
        raise ValueError("degrees of freedom must be positive")
    if df <= len(T90):
        return T90[df - 1]
    z = Z90
    return z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)


def summarize(results):
    """{priority: {kind: Estimate}} over replications."""
    keys = {(p, k) for r in results for p, kinds in r["shares"].items() for k in kinds}
    summary = {}
    for priority, kind in sorted(keys):
        shares, counted = [], []
        for r in results:
            met, n = r["shares"].get(priority, {}).get(kind, (0, 0))
            if n:
                shares.append(met / n)
                counted.append(n)
        if not shares:
            continue
        mean = statistics.fmean(shares)
        if len(shares) > 1:
            half = t90(len(shares) - 1) * statistics.stdev(shares) * math.sqrt(1 + 1 / len(shares))
        else:
            half = 0.0
        summary.setdefault(priority, {})[kind] = Estimate(
            mean, max(mean - half, 0.0), min(mean + half, 1.0), statistics.fmean(counted)
        )
    return summary


def expected_tickets(scenario):
    """Tickets one replication simulates, on average: the arrivals from the start to the
    end (hourly rates over the simulated weeks, times the week factors) and the backlog."""
    weeks = max(scenario.end - scenario.start, 0.0) / WEEK_MINUTES
    weekly = sum(sum(rates) for rates in scenario.rates.values())
    factor = statistics.fmean(scenario.week_factors) if scenario.week_factors else 1.0
    return weekly * weeks * factor + len(scenario.backlog)


def replications_for(scenario, minimum, budget=TICKET_BUDGET):
    """How many replications to run: as many as ``budget`` simulated tickets allow, at
    least ``minimum``, at most MAX_REPLICATIONS. It depends on the scenario only, never on
    the machine's speed, so the same inputs give the same answer."""
    affordable = int(budget / max(expected_tickets(scenario), 1.0) + 1e-9)
    return max(minimum, min(affordable, MAX_REPLICATIONS))


def run(scenario, replications=10, seed=0, progress=None):
    """``replications`` independent runs (seeds seed, seed+1, ...): (summary, results).
    ``progress(done, total)`` is called after each."""
    results = []
    for index in range(replications):
        results.append(simulate(scenario, seed + index))
        if progress:
            progress(index + 1, replications)
    return summarize(results), results


def chance_below(results, priority, kind, goal):
    """The share of the replications (0-1) in which fewer than ``goal`` (0-1) of the tickets
    of ``priority`` met the ``kind`` target: the risk that the period misses the required
    share, even when the mean meets it. None when no replication counted such a ticket."""
    below = counted = 0
    for result in results:
        met, tickets = result["shares"].get(priority, {}).get(kind, (0, 0))
        if tickets:
            counted += 1
            below += met / tickets < goal
    return below / counted if counted else None


def meets(summary, goal):
    """True when every priority's predicted mean share meets ``goal`` (0-1) for each target."""
    return all(e.mean >= goal for kinds in summary.values() for e in kinds.values())


def smallest_addition(scenario, extra_shifts, goal, replications=5, seed=0, limit=None):
    """The fewest technicians working ``extra_shifts`` to add so that every target is met
    ``goal`` of the time (0 if it already is; None if ``limit`` are not enough).

    Doubles then bisects, which relies on more staff never doing worse: the replications use
    the same seeds (common random numbers) so the comparison is between staffings, not
    between draws."""
    limit = limit or SEARCH_LIMIT

    def ok(added):
        trial = with_added(scenario, extra_shifts, added)
        return meets(run(trial, replications, seed)[0], goal)

    if ok(0):
        return 0
    low, high = 0, 1
    while not ok(high):
        low, high = high, high * 2
        if high > limit:
            return None if not ok(limit) else _bisect(ok, low, limit)
    return _bisect(ok, low, high)


def _bisect(ok, low, high):
    """Smallest n in (low, high] with ok(n), knowing not ok(low) and ok(high)."""
    while high - low > 1:
        middle = (low + high) // 2
        if ok(middle):
            high = middle
        else:
            low = middle
    return high


def with_added(scenario, extra_shifts, added):
    if not added:
        return scenario
    return replace(scenario, shifts=list(scenario.shifts) + [extra_shifts] * added)


def weekly_shifts(days, start_hour, end_hour, weeks):
    """Working intervals of a plain schedule: ``days`` (0 = Monday) from start_hour to
    end_hour, for ``weeks`` weeks (for tests, benchmarks and a technician to add)."""
    return [
        (week * WEEK_MINUTES + (day * 24 + start_hour) * 60,
         week * WEEK_MINUTES + (day * 24 + end_hour) * 60)
        for week in range(weeks)
        for day in days
    ]  # fmt: skip
