# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import math

from odoo import api, fields, models
from odoo.exceptions import UserError


class MspTicketTimer(models.Model):
    """A technician's running timer on a ticket: one per user, kept in the database so that it
    survives a reload or a change of device. Stopping it logs the time on the ticket and
    deletes the timer."""

    _name = "msp.ticket.timer"
    _description = "Ticket Timer"
    _order = "date_start desc"
    _check_company_auto = True

    user_id = fields.Many2one(
        "res.users", string="Technician", required=True, default=lambda self: self.env.user
    )
    ticket_id = fields.Many2one(
        "helpdesk.ticket", required=True, ondelete="cascade", index=True, check_company=True
    )
    company_id = fields.Many2one(related="ticket_id.company_id", store=True)
    date_start = fields.Datetime(string="Started", required=True, default=fields.Datetime.now)

    _user_unique = models.UniqueIndex(
        "(user_id)", "A technician runs one timer at a time: stop the running one first."
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
        for timer in self:
            ticket = timer.ticket_id.with_user(timer.user_id)
            hours = self._msp_rounded_hours(timer.date_start, now, ticket.company_id)
            entries |= ticket._msp_log_time(
                hours, description=self.env._("Timer on %s", ticket.name)
            )
        self.unlink()
        return entries

    def _msp_check_can_start(self, ticket):
        """Refuse a timer on a closed ticket, or a second timer for the same user."""
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
                    "it there before starting another one.",
                    ticket=running.ticket_id.display_name,
                    start=fields.Datetime.context_timestamp(self, running.date_start).strftime(
                        "%H:%M"
                    ),
                )
            )
