# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import math

from odoo import api, fields, models
from odoo.exceptions import UserError

from .input_limits import _max_hours_per_entry

# What a timer is: whose, on which ticket, since when. Set by the timer's own methods only, so
# that the time it logs is the time it ran.
PROTECTED_FIELDS = ("user_id", "ticket_id", "date_start")


class MspTicketTimer(models.Model):
    """A technician's running timer on a ticket: one per user, kept in the database so that it
    survives a reload or a change of device. Stopping it logs the time on the ticket and
    deletes the timer."""

    _name = "msp.ticket.timer"
    _description = "Ticket Timer"
    _order = "date_start desc"
    _check_company_auto = True

    user_id = fields.Many2one(
        "res.users",
        string="Technician",
        required=True,
        readonly=True,
        default=lambda self: self.env.user,
    )
    ticket_id = fields.Many2one(
        "helpdesk.ticket",
        required=True,
        readonly=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(related="ticket_id.company_id", store=True)
    date_start = fields.Datetime(
        string="Started", required=True, readonly=True, default=fields.Datetime.now
    )

    _user_unique = models.UniqueIndex(
        "(user_id)", "A technician runs one timer at a time: stop the running one first."
    )

    @api.model_create_multi
    def create(self, vals_list):
        """A user's timer starts now and is their own: the start time or another user is
        refused (the superuser, for the suite's own code, may set them)."""
        if not self.env.su:
            for vals in vals_list:
                if vals.get("date_start") or vals.get("user_id", self.env.uid) != self.env.uid:
                    raise UserError(self._msp_protected_error())
        return super().create(vals_list)

    def write(self, vals):
        """Who, which ticket and since when are not edited: stop or discard the timer."""
        if not self.env.su and any(name in vals for name in PROTECTED_FIELDS):
            raise UserError(self._msp_protected_error())
        return super().write(vals)

    def _msp_protected_error(self):
        return self.env._(
            "A ticket timer's Technician, Ticket and Started time are set when it starts and "
            "cannot be changed: stop the timer to log its time, or discard it and log the time "
            "you worked with a reply or note."
        )

    @api.model
    def _msp_rounded_hours(self, date_start, date_stop, company):
        """The time between start and stop in hours, rounded up to the company's step
        (minutes; 0 = to the minute), never less than one step (or one minute)."""
        minutes = max((date_stop - date_start).total_seconds() / 60.0, 0.0)
        step = max(company.msp_timer_rounding_minutes, 0) or 1
        return max(math.ceil(round(minutes, 6) / step), 1) * step / 60.0

    def _msp_stop(self):
        """Log each timer's time on its ticket (as the timer's owner) and delete the timers.
        Returns the time entries."""
        entries = self.env["account.analytic.line"]
        now = fields.Datetime.now()
        max_hours = _max_hours_per_entry(self.env)
        for timer in self:
            ticket = timer.ticket_id.with_user(timer.user_id)
            hours = self._msp_rounded_hours(timer.date_start, now, ticket.company_id)
            if hours > max_hours:
                raise UserError(
                    self.env._(
                        "Your timer on ticket %(ticket)s has run for %(hours)s hours, more than "
                        "the %(max)s hours one time entry may hold: it was probably left "
                        "running. Click Discard timer (nothing is logged), then log the time "
                        "you really worked with a reply or note.",
                        ticket=ticket.display_name,
                        hours=self._msp_format_hours(timer.date_start, now),
                        max=f"{max_hours:g}",
                    )
                )
            entries |= ticket._msp_log_time(
                hours, description=self.env._("Timer on %s", ticket.name)
            )
        self.unlink()
        return entries

    @api.model
    def _msp_format_hours(self, date_start, date_stop):
        return f"{(date_stop - date_start).total_seconds() / 3600.0:.1f}"

    def _msp_discard(self):
        """Delete the timers without logging their time, with a note on each ticket saying
        whose timer was discarded and after how long."""
        now = fields.Datetime.now()
        for timer in self:
            timer.ticket_id.message_post(
                body=self.env._(
                    "Timer of %(user)s discarded after %(hours)s h (no time logged).",
                    user=timer.user_id.name,
                    hours=self._msp_format_hours(timer.date_start, now),
                ),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        self.unlink()

    def _msp_check_can_start(self, ticket):
        """Refuse a timer on a closed ticket, a second timer for the same user, or one whose
        time could not be logged when it stops (no employee, no project)."""
        if ticket.closed:
            raise UserError(
                self.env._(
                    "Ticket %s is closed: reopen it before starting a timer on it.", ticket.name
                )
            )
        running = self.search([("user_id", "=", self.env.uid)], limit=1)
        if running:
            raise UserError(
                self.env._(
                    "Your timer is already running on ticket %(ticket)s since %(start)s: stop "
                    "(or discard) it there before starting another one.",
                    ticket=running.ticket_id.display_name,
                    start=fields.Datetime.context_timestamp(self, running.date_start).strftime(
                        "%H:%M"
                    ),
                )
            )
        ticket._msp_time_logging_targets()
