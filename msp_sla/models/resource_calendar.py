# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime, time, timedelta

from pytz import timezone, utc

from odoo import api, fields, models, tools
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

# Business time is computed on windows of WINDOW_DAYS local days, aligned on EPOCH (a
# Monday). Each window's working intervals (attendances minus leaves) are cached per
# calendar; any change to a calendar, its attendances or its leaves clears the cache.
EPOCH = date(2000, 1, 3)
WINDOW_DAYS = 14
# A target that does not fit in about a year of the calendar's working time has no deadline.
MAX_WINDOWS = 27
# A calendar that SLA policies count business hours in must let their longest target end within
# this many days of any start (now, or the start of a new leave): see _msp_sla_check_policies.
SLA_HORIZON_DAYS = 183


def _utc(dt):
    return dt.astimezone(utc) if dt.tzinfo else utc.localize(dt)


def _naive_utc(dt):
    return dt.astimezone(utc).replace(tzinfo=None)


class ResourceCalendar(models.Model):
    _name = "resource.calendar"
    _inherit = ["resource.calendar", "msp.sla.config.cache.mixin"]

    @api.model
    @tools.ormcache("calendar_id")
    def _msp_sla_tz(self, calendar_id):
        return self.browse(calendar_id).sudo().tz or "UTC"

    @api.model
    @tools.ormcache("calendar_id", "first_day")
    def _msp_sla_window(self, calendar_id, first_day):
        """Working intervals (UTC-aware begin, end) of a calendar over the window of
        WINDOW_DAYS local days starting on ``first_day``, without its leaves."""
        # sudo: the calendar's hours are configuration the SLA engine reads for any user.
        calendar = self.browse(calendar_id).sudo()
        tz = timezone(self._msp_sla_tz(calendar_id))
        start = tz.localize(datetime.combine(first_day, time.min))
        end = tz.localize(datetime.combine(first_day + timedelta(days=WINDOW_DAYS), time.min))
        intervals = calendar._work_intervals_batch(start, end, tz=tz)[False]
        return tuple(
            (begin.astimezone(utc), stop.astimezone(utc)) for begin, stop, _meta in intervals
        )

    def _msp_sla_windows(self, start):
        """The cached windows from the one holding ``start`` on: (begin, end) intervals."""
        self.ensure_one()
        local_day = _utc(start).astimezone(timezone(self._msp_sla_tz(self.id))).date()
        first = EPOCH + timedelta(days=(local_day - EPOCH).days // WINDOW_DAYS * WINDOW_DAYS)
        for index in range(MAX_WINDOWS):
            yield self._msp_sla_window(self.id, first + timedelta(days=index * WINDOW_DAYS))

    def _msp_sla_business_minutes(self, start, end):
        """Business minutes between two datetimes on this calendar (0 if end <= start)."""
        if not start or not end or end <= start:
            return 0.0
        start, end = _utc(start), _utc(end)
        total = 0.0
        for window in self._msp_sla_windows(start):
            for begin, stop in window:
                if begin >= end:
                    return total
                if stop > start:
                    total += (min(stop, end) - max(begin, start)).total_seconds() / 60
            if window and window[-1][1] >= end:
                break
        return total

    def _msp_sla_add_minutes(self, start, offsets):
        """The datetimes reached after each of ``offsets`` business minutes from ``start``.

        One walk over the working intervals serves all offsets. Returns naive UTC datetimes,
        None where the calendar has no working time left within MAX_WINDOWS windows. An offset
        of 0 or less is ``start`` itself, even outside working hours.
        """
        pending = sorted((minutes, index) for index, minutes in enumerate(offsets))
        result = [None] * len(offsets)
        while pending and pending[0][0] <= 0:
            result[pending.pop(0)[1]] = start
        aware_start = _utc(start)
        done = 0.0
        for window in self._msp_sla_windows(aware_start):
            for begin, stop in window:
                if stop <= aware_start:
                    continue
                begin = max(begin, aware_start)
                length = (stop - begin).total_seconds() / 60
                while pending and pending[0][0] <= done + length:
                    minutes, index = pending.pop(0)
                    reached = begin + timedelta(seconds=round((minutes - done) * 60))
                    result[index] = _naive_utc(reached)
                done += length
                if not pending:
                    return result
        return result

    def _msp_sla_has_work_time(self):
        """True when the calendar has at least one working period in a week."""
        self.ensure_one()
        if self.flexible_hours:
            return False
        return any(a.hour_to > a.hour_from for a in self.attendance_ids)

    # ------------------------------------------------------------------
    # Public holidays from the maintained ``holidays`` library
    # ------------------------------------------------------------------

    @api.model
    def _msp_sla_holiday_language(self, supported):
        """The language of the holiday names: the user's, else English, else the country's."""
        lang = self.env.lang or "en_US"
        for candidate in (lang, lang.split("_")[0], "en_US", "en"):
            if candidate in supported:
                return candidate
        return None

    @api.model
    def _msp_sla_public_holidays(self, code, year):
        """``{date: name}`` of the public holidays of a country (``BE``) or of one of its
        regions (``US-CA``, ``DE-BY``) in ``year``, from the ``holidays`` library."""
        import holidays  # noqa: PLC0415 (external dependency, imported where it is used)

        code = (code or "").strip().upper()
        country, _sep, region = code.partition("-")
        supported = holidays.list_supported_countries()
        help_text = self.env._(
            "Valid codes are ISO 3166 codes: a country (BE, FR, US) or a country and one of its "
            "regions (US-CA, DE-BY); the list is at "
            "https://holidays.readthedocs.io/en/latest/#available-countries."
        )
        if country not in supported:
            raise UserError(
                self.env._(
                    'Country or region: "%(code)s" is not a country the public holidays '
                    "library knows. %(help)s",
                    code=code,
                    help=help_text,
                )
            )
        regions = [str(r).upper() for r in supported[country]]
        if region and region not in regions:
            raise UserError(
                self.env._(
                    'Country or region: "%(code)s" is not a region of %(country)s. Regions of '
                    "%(country)s: %(regions)s.",
                    code=code,
                    country=country,
                    regions=", ".join(f"{country}-{r}" for r in regions)
                    or self.env._("none, use %(country)s alone", country=country),
                )
            )
        if not 1900 <= (year or 0) <= 2200:
            raise UserError(
                self.env._("Year: %(year)s is not a year; enter one such as 2026.", year=year)
            )
        entity = holidays.country_holidays(country)
        calendar = holidays.country_holidays(
            country,
            subdiv=next((r for r in supported[country] if str(r).upper() == region), None),
            years=year,
            language=self._msp_sla_holiday_language(entity.supported_languages),
        )
        return dict(sorted(calendar.items()))

    def _msp_sla_lock_holidays(self):
        """Lock these calendars before reading their loaded holidays: an update that changes
        nothing makes a second load wait for the first one, and one that started before the
        first committed is refused with a serialisation failure, which Odoo retries from the
        start (then it finds the days loaded). Without it both would add the same days."""
        if self.ids:
            self.env.cr.execute(
                SQL(
                    "UPDATE resource_calendar SET write_date = write_date WHERE id IN %s",
                    tuple(self.ids),
                )
            )

    def _msp_sla_load_public_holidays(self, code, years):
        """Load the public holidays of ``code`` (see _msp_sla_public_holidays) for ``years``
        into these calendars, as leaves of the whole local day for every resource.

        Idempotent: a day already loaded (or a public leave already covering exactly that day)
        is kept, its name updated when the library renamed it. One leave per calendar day:
        loading another code (a second country, a region) adds its own days and renames the
        days it names differently, which then carry that code; a day it names the same keeps
        the code that loaded it first. Returns the created and the updated leaves."""
        Leave = self.env["resource.calendar.leaves"]
        if isinstance(years, int):
            years = [years]
        days = {}
        for year in years:
            days.update(self._msp_sla_public_holidays(code, year))
        created = updated = Leave
        if not days:
            return created, updated
        first, last = min(days), max(days)
        region = (code or "").strip().upper()
        self._msp_sla_lock_holidays()
        for calendar in self:
            tz = timezone(calendar.tz or "UTC")
            existing = Leave.search(
                [
                    ("calendar_id", "=", calendar.id),
                    ("resource_id", "=", False),
                    ("date_to", ">=", datetime.combine(first - timedelta(days=1), time.min)),
                    ("date_from", "<=", datetime.combine(last + timedelta(days=1), time.max)),
                ]
            )
            by_day = {leave.msp_sla_holiday_date: leave for leave in existing}
            by_span = {(leave.date_from, leave.date_to): leave for leave in existing}
            to_create = []
            for day, name in days.items():
                date_from = _naive_utc(tz.localize(datetime.combine(day, time.min)))
                date_to = _naive_utc(tz.localize(datetime.combine(day, time(23, 59, 59))))
                leave = by_day.get(day) or by_span.get((date_from, date_to))
                if not leave:
                    to_create.append(
                        {
                            "name": name,
                            "calendar_id": calendar.id,
                            "date_from": date_from,
                            "date_to": date_to,
                            "time_type": "leave",
                            "msp_sla_holiday_date": day,
                            "msp_sla_holiday_region": region,
                        }
                    )
                elif leave.name != name or leave.msp_sla_holiday_date != day:
                    # a leave typed by hand for that day becomes the loaded holiday; a day
                    # renamed by another code's load takes that code with the name
                    leave.write(
                        {
                            "name": name,
                            "msp_sla_holiday_date": day,
                            "msp_sla_holiday_region": region,
                        }
                    )
                    updated |= leave
            created |= Leave.create(to_create)
        return created, updated

    # ------------------------------------------------------------------
    # A calendar that SLA policies count business hours in keeps enough working time
    # ------------------------------------------------------------------

    @api.constrains("attendance_ids", "flexible_hours")
    def _check_msp_sla_working_time(self):
        self._msp_sla_check_policies()

    def write(self, vals):
        # The attendances a write replaces are checked once, by the constraint above, after
        # the whole write (not between the removal of the old ones and the new ones).
        return super(ResourceCalendar, self.with_context(msp_sla_calendar_write=True)).write(vals)

    def _msp_sla_plans_within(self, start, minutes):
        """True when ``minutes`` business minutes from ``start`` end within the horizon."""
        [end] = self._msp_sla_add_minutes(start, [minutes])
        return bool(end) and end <= start + timedelta(days=SLA_HORIZON_DAYS)

    def _msp_sla_check_policies(self, starts=()):
        """Refuse a change that leaves an SLA policy counting business hours on one of these
        calendars unable to plan a deadline: no working hours, or leaves so long that its
        longest business-hours target does not fit in the planner's horizon (about a year)
        from now or from one of ``starts`` (the start of a new leave). The horizon is
        SLA_HORIZON_DAYS: a deadline further away is as good as none."""
        if not self:
            return
        # sudo: the check must see every policy on the calendar, whoever edits the calendar.
        targets = (
            self.env["msp.sla.target"]
            .sudo()
            .with_context(active_test=False)
            ._read_group(
                [("policy_id.calendar_id", "in", self.ids), ("counting", "=", "business")],
                ["policy_id"],
                ["duration_minutes:max"],
            )
        )
        if not targets:
            return
        now = fields.Datetime.now()
        starts = sorted({now} | {max(start, now) for start in starts if start})
        # sudo: plans deadlines on the calendars the user changes; nothing is written here
        for calendar in self.sudo():
            used = [(p, m) for p, m in targets if p.calendar_id == calendar]
            if not used:
                continue
            longest = max(minutes for _policy, minutes in used)
            if calendar._msp_sla_has_work_time():
                failed = next(
                    (s for s in starts if not calendar._msp_sla_plans_within(s, longest)), None
                )
                if failed is None:
                    continue
                reason = self.env._(
                    "a %(minutes)s-minute target started on %(date)s would not end within "
                    "%(days)s days",
                    minutes=longest,
                    date=_utc(failed)
                    .astimezone(timezone(calendar._msp_sla_tz(calendar.id)))
                    .date(),
                    days=SLA_HORIZON_DAYS,
                )
            else:
                reason = self.env._("it would have no working hours")
            # The business-time windows just computed describe a change that is refused.
            self.env.registry.clear_cache()
            raise ValidationError(
                self.env._(
                    "Calendar %(calendar)s is the business hours of the SLA policies "
                    "%(policies)s, whose targets count business hours: after this change "
                    "%(reason)s, so their clocks could never breach. Keep working hours in the "
                    "calendar and leaves shorter than a year, or first give those policies "
                    "another calendar or count their targets round the clock.",
                    calendar=calendar.display_name,
                    policies=", ".join(sorted(p.display_name for p, _m in used)),
                    reason=reason,
                )
            )


class ResourceCalendarAttendance(models.Model):
    _name = "resource.calendar.attendance"
    _inherit = ["resource.calendar.attendance", "msp.sla.config.cache.mixin"]

    def _msp_sla_check_calendars(self, calendars):
        # Inside a calendar's write, the calendar's constraint checks the result once.
        if not self.env.context.get("msp_sla_calendar_write"):
            calendars._msp_sla_check_policies()

    @api.model_create_multi
    def create(self, vals_list):
        attendances = super().create(vals_list)
        self._msp_sla_check_calendars(attendances.calendar_id)
        return attendances

    def write(self, vals):
        calendars = self.calendar_id
        result = super().write(vals)
        self._msp_sla_check_calendars(calendars | self.calendar_id)
        return result

    def unlink(self):
        calendars = self.calendar_id
        result = super().unlink()
        self._msp_sla_check_calendars(calendars.exists())
        return result


class ResourceCalendarLeaves(models.Model):
    _name = "resource.calendar.leaves"
    _inherit = ["resource.calendar.leaves", "msp.sla.config.cache.mixin"]

    msp_sla_holiday_date = fields.Date(
        string="Public Holiday",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The public holiday this leave was loaded for (Load Public Holidays): loading "
        "the same year again updates this leave instead of adding another.",
    )
    msp_sla_holiday_region = fields.Char(
        string="Holiday Region",
        readonly=True,
        copy=False,
        help="The country or region code the public holiday's name was loaded from (BE, "
        "US-CA): a later load of another code that renames the day gives it that code.",
    )

    # The loader keeps one leave per calendar day, whatever the code it came from: two
    # loads at once must not both add it (the loader locks the calendar; this is the proof).
    _msp_sla_holiday_unique = models.UniqueIndex(
        "(calendar_id, msp_sla_holiday_date) WHERE msp_sla_holiday_date IS NOT NULL",
        "This calendar already has this public holiday.",
    )

    def _msp_sla_check_calendars(self):
        """A public leave (no resource) takes working time from its calendar, or from every
        calendar when it has none."""
        public = self.filtered(lambda leave: not leave.resource_id and leave.time_type == "leave")
        if not public:
            return
        calendars = public.calendar_id
        if any(not leave.calendar_id for leave in public):
            # sudo: every calendar an SLA policy counts in, whoever records the leave
            policies = self.env["msp.sla.policy"].sudo().with_context(active_test=False)
            calendars = policies.search([("target_ids.counting", "=", "business")]).calendar_id
        calendars._msp_sla_check_policies(public.mapped("date_from"))

    @api.model_create_multi
    def create(self, vals_list):
        leaves = super().create(vals_list)
        leaves._msp_sla_check_calendars()
        return leaves

    def write(self, vals):
        result = super().write(vals)
        if {"date_from", "date_to", "calendar_id", "resource_id", "time_type"} & vals.keys():
            self._msp_sla_check_calendars()
        return result
