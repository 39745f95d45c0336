# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime, time, timedelta

from pytz import timezone, utc

from odoo import api, models, tools

# Business time is computed on windows of WINDOW_DAYS local days, aligned on EPOCH (a
# Monday). Each window's working intervals (attendances minus leaves) are cached per
# calendar; any change to a calendar, its attendances or its leaves clears the cache.
EPOCH = date(2000, 1, 3)
WINDOW_DAYS = 14
# A target that does not fit in about a year of the calendar's working time has no deadline.
MAX_WINDOWS = 27


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


class ResourceCalendarAttendance(models.Model):
    _name = "resource.calendar.attendance"
    _inherit = ["resource.calendar.attendance", "msp.sla.config.cache.mixin"]


class ResourceCalendarLeaves(models.Model):
    _name = "resource.calendar.leaves"
    _inherit = ["resource.calendar.leaves", "msp.sla.config.cache.mixin"]
