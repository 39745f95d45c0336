# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the history says: arrival rates, handling times, the load of a prospect.

Plain Python on plain data (counts, lists of minutes): the ORM side reads the history in a
few grouped queries and hands the figures here (models/msp_capacity_run.py).
"""

import math
import random
from dataclasses import dataclass

HOURS_PER_WEEK = 168
DAYS_PER_MONTH = 365.25 / 12
WEEKS_PER_MONTH = DAYS_PER_MONTH / 7
# How many tickets' worth of the pooled shape a priority's own hour-of-week shape is shrunk
# towards: a priority with few tickets takes the desk's shape, one with many keeps its own.
SHAPE_PRIOR_TICKETS = 50
# Handling time assumed when a priority has no ticket with time logged (minutes).
DEFAULT_HANDLING_MINUTES = 60.0
DEFAULT_HANDLING_CV = 1.0


def hour_of_week(moment):
    """0 = Monday 00:00-01:00 ... 167 = Sunday 23:00-24:00 (local time of ``moment``)."""
    return moment.weekday() * 24 + moment.hour


@dataclass(frozen=True)
class ArrivalModel:
    """Tickets per week by priority and how they spread over the hours of the week; day_cv is
    the day-to-day variation of the load beyond Poisson's (a busy Monday, a quiet Friday)."""

    weekly: dict  # {priority: tickets per week}
    shapes: dict  # {priority: 168 shares summing to 1}
    day_cv: float = 0.0

    def hourly_rates(self, scale=1.0, extra_weekly=None):
        """{priority: [tickets per hour for each hour of the week]}, the weekly counts times
        ``scale`` plus ``extra_weekly`` ({priority: tickets per week}, a prospect's load or
        the change of the book of customers, spread like the priority's own tickets)."""
        extra_weekly = extra_weekly or {}
        priorities = set(self.weekly) | set(extra_weekly)
        pooled = pooled_shape(self.shapes, self.weekly)
        rates = {}
        for priority in priorities:
            per_week = self.weekly.get(priority, 0.0) * scale + extra_weekly.get(priority, 0.0)
            per_week = max(per_week, 0.0)  # a book that lost customers: never below none
            shape = self.shapes.get(priority, pooled)
            rates[priority] = [per_week * share for share in shape]
        return rates


def pooled_shape(shapes, weights):
    total = sum(weights.get(p, 0.0) for p in shapes)
    if not total:
        return [1 / HOURS_PER_WEEK] * HOURS_PER_WEEK
    return [
        sum(shapes[p][h] * weights.get(p, 0.0) for p in shapes) / total
        for h in range(HOURS_PER_WEEK)
    ]


def estimate_arrivals(counts, weeks, daily=None):
    """The arrival model from ``counts`` {(priority, hour of week): tickets} over ``weeks``.

    Each priority's shape is its own counts shrunk towards the pooled shape of all tickets
    (SHAPE_PRIOR_TICKETS), and the pooled shape towards a flat week (one ticket's worth): an
    hour nobody called in keeps a small rate instead of none. ``daily`` (tickets of each day
    of the window, in order, the first day being a ``daily_first_weekday``) gives day_cv.
    """
    if weeks <= 0:
        raise ValueError("weeks must be positive")
    per_priority = {}
    for (priority, hour), count in counts.items():
        per_priority.setdefault(priority, [0.0] * HOURS_PER_WEEK)[hour] += count
    total = sum(sum(row) for row in per_priority.values())
    pooled = [
        (sum(row[h] for row in per_priority.values()) + 1 / HOURS_PER_WEEK) / (total + 1)
        for h in range(HOURS_PER_WEEK)
    ]
    shapes, weekly = {}, {}
    for priority, row in per_priority.items():
        n = sum(row)
        weekly[priority] = n / weeks
        shapes[priority] = [
            (row[h] + SHAPE_PRIOR_TICKETS * pooled[h]) / (n + SHAPE_PRIOR_TICKETS)
            for h in range(HOURS_PER_WEEK)
        ]
    cv = day_variation(daily[1], daily[0], pooled, total / weeks) if daily else 0.0
    return ArrivalModel(weekly, shapes, cv)


def day_variation(counts, first_weekday, shape, per_week):
    """Coefficient of variation of the daily load beyond Poisson: each day's count against
    its expectation (the weekly rate times the weekday's share of the week), the Poisson part
    of the variance taken out (method of moments, 0 when the days vary no more than Poisson).
    """
    day_share = [sum(shape[d * 24 : (d + 1) * 24]) for d in range(7)]
    excess, weight = 0.0, 0.0
    for index, count in enumerate(counts):
        expected = per_week * day_share[(first_weekday + index) % 7]
        excess += (count - expected) ** 2 - expected
        weight += expected**2
    if weight <= 0 or excess <= 0:
        return 0.0
    return min(math.sqrt(excess / weight), 1.0)


@dataclass(frozen=True)
class HandlingModel:
    """Technician time per ticket (minutes): a lognormal with the history's mean and spread,
    or the history itself resampled (empirical)."""

    mean: float
    cv: float
    kind: str = "lognormal"  # lognormal | empirical | exponential
    samples: tuple = ()

    @property
    def sigma(self):
        return math.sqrt(math.log(1 + self.cv**2))

    @property
    def mu(self):
        return math.log(self.mean) - self.sigma**2 / 2

    def sample(self, rng):
        if self.kind == "empirical" and self.samples:
            return rng.choice(self.samples)
        if self.kind == "exponential":
            return rng.expovariate(1 / self.mean)
        return rng.lognormvariate(self.mu, self.sigma)

    def scaled(self, factor):
        return HandlingModel(
            self.mean * factor, self.cv, self.kind, tuple(s * factor for s in self.samples)
        )


def fit_handling(minutes, kind="lognormal"):
    """A HandlingModel from the minutes logged per ticket. The lognormal matches the mean and
    the coefficient of variation (the mean is what the load depends on most)."""
    values = [float(m) for m in minutes if m and m > 0]
    if not values:
        return HandlingModel(DEFAULT_HANDLING_MINUTES, DEFAULT_HANDLING_CV, kind="lognormal")
    mean = sum(values) / len(values)
    if len(values) < 2:
        return HandlingModel(mean, DEFAULT_HANDLING_CV, kind="lognormal")
    variance = sum((v - mean) ** 2 for v in values) / (len(values) - 1)
    cv = math.sqrt(variance) / mean if mean else 0.0
    return HandlingModel(mean, max(cv, 0.05), kind, tuple(values))


# ----------------------------------------------------------------------------------------
# A prospect's load from customers like it
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CustomerHistory:
    """One customer over the history: its size and its tickets.

    tickets: {(priority, category, on_device): tickets} while covered, where on_device says
    the ticket was about a covered device (counted per device) rather than a person (counted
    per user).
    start_week, end_week: when its coverage starts and ends, in weeks from the start of the
    history window (start_week 0: covered before the window; end_week None: no end).
    window_tickets: {priority: tickets} of the whole window, covered or not (what the
    customer brought to the window's average); None: the same as ``tickets``."""

    customer_id: int
    users: int
    devices: int
    months: float
    tickets: dict
    start_week: float = 0.0
    end_week: float | None = None
    window_tickets: dict | None = None

    def by_priority(self):
        """Tickets while covered, by priority."""
        counts = {}
        for (priority, _category, _on_device), n in self.tickets.items():
            counts[priority] = counts.get(priority, 0) + n
        return counts

    def window_by_priority(self):
        """Tickets of the whole window, by priority (in the window's average)."""
        return dict(self.window_tickets) if self.window_tickets is not None else self.by_priority()


def similar_customers(customers, users, devices, count=5):
    """The ``count`` customers closest in size (log of users and devices) to the prospect."""
    sized = [c for c in customers if c.months > 0 and (c.users or c.devices)]

    def distance(customer):
        return abs(math.log1p(customer.users) - math.log1p(users)) + abs(
            math.log1p(customer.devices) - math.log1p(devices)
        )

    return sorted(sized, key=lambda c: (distance(c), c.customer_id))[:count]


def unit_rates(customers):
    """Tickets per covered user and per covered device per month, by (priority, category):
    ({key: per user}, {key: per device})."""
    user_months = sum(c.users * c.months for c in customers)
    device_months = sum(c.devices * c.months for c in customers)
    per_user, per_device = {}, {}
    for customer in customers:
        for (priority, category, on_device), n in customer.tickets.items():
            target = per_device if on_device else per_user
            target[priority, category] = target.get((priority, category), 0.0) + n
    per_user = {k: v / user_months for k, v in per_user.items()} if user_months else {}
    per_device = {k: v / device_months for k, v in per_device.items()} if device_months else {}
    return per_user, per_device


def prospect_load(customers, users, devices, count=5):
    """Expected tickets per month of a prospect with ``users`` and ``devices``, by
    (priority, category), from the customers most like it."""
    per_user, per_device = unit_rates(similar_customers(customers, users, devices, count))
    load = {}
    for key, rate in per_user.items():
        load[key] = load.get(key, 0.0) + rate * users
    for key, rate in per_device.items():
        load[key] = load.get(key, 0.0) + rate * devices
    return load


def weekly_by_priority(monthly_load):
    """{(priority, category): per month} -> {priority: per week}."""
    weekly = {}
    for (priority, _category), per_month in monthly_load.items():
        weekly[priority] = weekly.get(priority, 0.0) + per_month / WEEKS_PER_MONTH
    return weekly


# ----------------------------------------------------------------------------------------
# The book of customers as it will be, and the season
# ----------------------------------------------------------------------------------------

# How many weeks of its own tickets weigh as much as what customers like it predict, for a
# customer signed inside the history window (gamma-Poisson credibility).
PRIOR_WEEKS = 4.0
# The fewest tickets in each of last year's two periods for a seasonal index.
MIN_SEASON_TICKETS = 30
# A seasonal index is kept within these bounds (a one-off last year is not a season).
SEASON_BOUNDS = (0.5, 2.0)
# The fewest of last year's periods from which to tell the size of the seasons from chance.
MIN_SEASON_PERIODS = 4
# Working days a week: the day-to-day variation's share of a period's noise.
WORKING_DAYS_PER_WEEK = 5


def book_change(customers, window_weeks, horizon_weeks, count=5, prior_weeks=PRIOR_WEEKS):
    """{priority: tickets per week} to add to the history window's average (negative: take
    away) so that it describes the book of customers of the next ``horizon_weeks``.

    The window's average counts a customer signed inside it for part of the window only, one
    signed since (or starting later) not at all, and one whose coverage has ended. For each
    customer whose coverage starts after the window's start or ends before the horizon's
    end: its expected tickets a week over the horizon (the share of the horizon it is
    covered) replace what it brought to the window's average. A customer signed inside the
    window or later is expected at the rate of the ``count`` customers most like it (per
    covered user and device, as for a prospect) blended with its own tickets so far, each of
    its covered weeks weighing as much as 1/``prior_weeks`` of the prior; a customer covered
    before the window keeps its own rate.
    """
    if window_weeks <= 0 or horizon_weeks <= 0:
        raise ValueError("window_weeks and horizon_weeks must be positive")
    window_end, horizon_end = window_weeks, window_weeks + horizon_weeks
    # customers like a new one: covered over the whole window
    established = [
        c
        for c in customers
        if c.start_week <= 0 and (c.end_week is None or c.end_week >= window_end) and c.tickets
    ]
    change = {}
    for customer in customers:
        signed = customer.start_week > 0
        ends = customer.end_week is not None and customer.end_week < horizon_end
        if not (signed or ends):
            continue
        seen, own = customer.window_by_priority(), customer.by_priority()
        end = horizon_end if customer.end_week is None else customer.end_week
        covered_in_window = max(min(end, window_end) - max(customer.start_week, 0.0), 0.0)
        covered_ahead = max(min(end, horizon_end) - max(customer.start_week, window_end), 0.0)
        if signed:
            prior = weekly_by_priority(
                prospect_load(established, customer.users, customer.devices, count)
            )
            rate = {
                p: (own.get(p, 0) + prior.get(p, 0.0) * prior_weeks)
                / (covered_in_window + prior_weeks)
                for p in set(own) | set(prior)
            }
        elif covered_in_window > 0:
            rate = {p: n / covered_in_window for p, n in own.items()}
        else:
            rate = {}
        for priority in set(rate) | set(seen):
            change[priority] = (
                change.get(priority, 0.0)
                + rate.get(priority, 0.0) * covered_ahead / horizon_weeks
                - seen.get(priority, 0) / window_weeks
            )
    return change


def season_noise(window_tickets, window_weeks, ahead_tickets, ahead_weeks, day_cv=0.0):
    """Variance, from chance alone, of log(tickets a week ahead / tickets a week in the
    window): Poisson counts (1/n each) whose days vary by ``day_cv`` beyond Poisson (cv^2
    over the period's working days)."""
    return (
        1 / window_tickets
        + 1 / ahead_tickets
        + day_cv**2 / (WORKING_DAYS_PER_WEEK * window_weeks)
        + day_cv**2 / (WORKING_DAYS_PER_WEEK * ahead_weeks)
    )


@dataclass(frozen=True)
class Season:
    index: float  # what the rates are scaled by
    raw: float  # last year's ratio itself (1.0 when it cannot be read)
    weight: float  # the share of the raw ratio's (log) difference from 1 kept, 0-1


def season_from_weeks(weekly, window_weeks, ahead_weeks, day_cv=0.0,
                      min_tickets=MIN_SEASON_TICKETS, bounds=SEASON_BOUNDS):  # fmt: skip
    """The seasonal index from last year's tickets per week, ``weekly[0]`` being the first
    week of last year's history window (then the weeks ahead, then the rest of the year).

    Last year's ratio (tickets a week in last year's weeks ahead over tickets a week in
    last year's window) carries that year's chance: a busy April then is not a season.
    It is 1.0 when either period has fewer than ``min_tickets`` (too few to tell a season
    from chance), and the index is kept within ``bounds`` (a one-off is not a season).

    The ratio is shrunk towards 1 (empirical Bayes, on the log scale) by the share of
    the ratios' spread that is not chance: over every period of last year (a
    window then the weeks ahead, moved a week at a time), the mean squared log ratio is
    the seasons' variance plus chance's (``season_noise``), so the seasons' variance is
    what is left once chance's is taken away. The kept share is seasons / (seasons +
    this ratio's chance): large seasons or many tickets keep most of the ratio, a flat
    year with few tickets keeps little. With fewer than ``MIN_SEASON_PERIODS`` periods
    of enough tickets the ratio is kept whole (nothing to tell chance by)."""
    window = sum(weekly[:window_weeks])
    ahead = sum(weekly[window_weeks : window_weeks + ahead_weeks])
    if min(window, ahead) < max(min_tickets, 1):
        return Season(1.0, 1.0, 0.0)
    raw = (ahead / ahead_weeks) / (window / window_weeks)
    squares, chance = [], []
    for first in range(len(weekly) - window_weeks - ahead_weeks + 1):
        before = sum(weekly[first : first + window_weeks])
        after = sum(weekly[first + window_weeks : first + window_weeks + ahead_weeks])
        if min(before, after) < max(min_tickets, 1):
            continue
        squares.append(math.log((after / ahead_weeks) / (before / window_weeks)) ** 2)
        chance.append(season_noise(before, window_weeks, after, ahead_weeks, day_cv))
    if len(squares) < MIN_SEASON_PERIODS:
        weight = 1.0
    else:
        seasons = max(sum(squares) / len(squares) - sum(chance) / len(chance), 0.0)
        noise = season_noise(window, window_weeks, ahead, ahead_weeks, day_cv)
        weight = seasons / (seasons + noise) if seasons + noise > 0 else 1.0
    index = math.exp(weight * math.log(raw))
    return Season(min(max(index, bounds[0]), bounds[1]), raw, weight)


def poisson(rng, lam):
    """A Poisson draw (the standard library has none): multiplication method for small
    means, a rounded normal for large ones."""
    if lam <= 0:
        return 0
    if lam > 40:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, product, k = math.exp(-lam), rng.random(), 0
    while product > limit:
        product *= rng.random()
        k += 1
    return k


def day_factor(rng, cv):
    """A day's load multiplier: gamma with mean 1 and coefficient of variation ``cv``."""
    if cv <= 0:
        return 1.0
    shape = 1 / cv**2
    return rng.gammavariate(shape, 1 / shape)


def make_rng(seed):
    return random.Random(seed)
