# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, time

import pytz

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .expiry_watch import DEFAULT_THRESHOLDS, parse_thresholds


class ResCompany(models.Model):
    _inherit = "res.company"

    msp_timer_rounding_minutes = fields.Integer(
        string="Round Ticket Timers Up To (minutes)",
        default=15,
        help="A stopped ticket timer logs its time rounded up to this many minutes "
        "(0: to the minute).",
    )

    _msp_timer_rounding_range = models.Constraint(
        "CHECK(msp_timer_rounding_minutes BETWEEN 0 AND 240)",
        "The timer rounding is between 0 and 240 minutes.",
    )

    msp_expiry_thresholds = fields.Char(
        string="Expiry Reminders (days before)",
        default="60,30,7",
        help="The expiry watch reminds of each watched item this many days before it "
        "expires, once per threshold, e.g. 60,30,7.",
    )
    msp_expiry_reminder_mode = fields.Selection(
        [
            ("ticket", "Helpdesk ticket for the customer"),
            ("activity", "Activity for the account manager"),
        ],
        string="Expiry Reminder",
        default="ticket",
        required=True,
    )

    def _msp_zone(self):
        """The company's clock: the time zone of its address (UTC when it has none), the
        one calendar that a contract's months, included hours and cover follow, whoever
        reads them (two users in two time zones see the same balance on the last evening
        of a month). The first company of ``self``, else the current one."""
        company = self[:1] or self.env.company
        # sudo: a company's time zone is not private (a portal or API user reads the figures)
        return pytz.timezone(company.sudo().partner_id.tz or "UTC")

    def _msp_today(self):
        """Today on the company's clock."""
        return self._msp_local_date(fields.Datetime.now())

    def _msp_local_date(self, moment):
        """The company's date at ``moment`` (a naive UTC datetime, as Odoo stores them)."""
        return pytz.utc.localize(moment).astimezone(self._msp_zone()).date()

    def _msp_day_start(self, day):
        """The UTC moment (naive, as Odoo stores datetimes) that ``day`` begins on the
        company's clock: a month's events (SLA breaches, tickets opened) are cut there."""
        local = self._msp_zone().localize(datetime.combine(day, time.min))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    @api.constrains("msp_expiry_thresholds")
    def _check_msp_expiry_thresholds(self):
        for company in self:
            try:
                parse_thresholds(company.msp_expiry_thresholds)
            except ValueError:
                raise ValidationError(
                    self.env._(
                        "Expiry reminders of %(company)s: %(value)s is not a list of days. "
                        "Give whole numbers of days between 0 and 3650, separated by commas, "
                        "e.g. 60,30,7.",
                        company=company.name,
                        value=company.msp_expiry_thresholds,
                    )
                ) from None

    def _msp_expiry_thresholds(self):
        """The reminder thresholds in days, largest first."""
        self.ensure_one()
        try:
            return parse_thresholds(self.msp_expiry_thresholds or DEFAULT_THRESHOLDS)
        except ValueError:
            return parse_thresholds(DEFAULT_THRESHOLDS)

    def write(self, vals):
        result = super().write(vals)
        if "msp_expiry_thresholds" in vals:
            # sudo: rescheduling every item of the companies whose setting changed
            self.env["msp.expiry.item"].sudo().search(
                [("company_id", "in", self.ids)]
            )._msp_schedule_reminders()
        return result
