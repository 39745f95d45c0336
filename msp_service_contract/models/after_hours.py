# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""After-hours emergency work: included in the plan, or billed at a multiple of its rate.

Time logged on an emergency ticket (priority Very High, P1) outside the working hours of the
ticket's SLA calendar is after-hours time. The entry says when the work started
(``msp_work_start``); its hours run from then, and only the part outside working hours is
after-hours (an entry straddling the end of the day is split at the boundary). An entry
without a start time is after-hours as a whole when the technician chose the After hours
work type, and not at all otherwise.

The hours ledger gets an ``after_hours`` line for the after-hours part of covered time: on a
plan that includes after-hours work, for the record (no amount), and the time is consumed
from the included hours like any other; on a plan that bills it, with its price (hours x the
plan's hourly rate x the plan's multiplier), and that part is not taken from the included
hours. The next invoice bills each priced line once: the invoice line is linked to the ledger
line (the same exactly-once link as overage and prepaid blocks), and a deleted draft invoice
makes it billable again. Work that is not covered at all is billed as billable work, at the
plain rate.
"""

from datetime import timedelta

from odoo import fields, models
from odoo.fields import Command, Domain

EMERGENCY_PRIORITY = "3"


class MspServicePlan(models.Model):
    _inherit = "msp.service.plan"

    after_hours_billing = fields.Selection(
        [("included", "Included in the plan"), ("billed", "Billed at the after-hours rate")],
        string="After-Hours Emergency Work",
        required=True,
        default="included",
        tracking=True,
        help="Time logged on a P1 (emergency) ticket outside the SLA calendar's working hours. "
        "Included: taken from the included hours like any covered time. Billed: invoiced at "
        "the hourly rate times the multiplier, and not taken from the included hours.",
    )
    after_hours_rate_factor = fields.Float(
        string="After-Hours Multiplier",
        default=1.5,
        tracking=True,
        groups="msp_service_contract.msp_service_contract_group_manager",
        help="After-hours emergency work is billed at the hourly rate times this (1.5: time "
        "and a half).",
    )

    _after_hours_factor_positive = models.Constraint(
        "CHECK(after_hours_rate_factor IS NULL OR after_hours_rate_factor > 0)",
        "The After-Hours Multiplier must be more than 0 (1.5 bills time and a half).",
    )


class AccountAnalyticLine(models.Model):
    _inherit = "account.analytic.line"

    msp_work_start = fields.Datetime(
        string="Work Started",
        help="When this work started; its hours run from then. On an emergency ticket, the "
        "part outside the SLA calendar's working hours is after-hours work.",
    )
    msp_after_hours = fields.Float(
        string="After-Hours (h)",
        readonly=True,
        help="The hours of this entry that are after-hours emergency work.",
    )

    def _msp_after_hours_calendar(self):
        """The working hours that decide what is after hours: the ticket's SLA calendar,
        else its contract's, else the company's."""
        self.ensure_one()
        # sudo: the calendar's working hours, read for the line's own ticket
        ticket = self.msp_ticket_id.sudo()
        return (
            ticket.msp_sla_policy_id.calendar_id
            or ticket.msp_contract_id.msp_sla_policy_id.calendar_id
            or ticket.company_id.resource_calendar_id
        )

    def _msp_compute_after_hours(self):
        """Hours of this entry outside working hours, on an emergency ticket (else 0)."""
        self.ensure_one()
        if self.msp_ticket_id.priority != EMERGENCY_PRIORITY or self.unit_amount <= 0:
            return 0.0
        if not self.msp_work_start:
            return self.unit_amount if self.msp_work_type == "after_hours" else 0.0
        calendar = self._msp_after_hours_calendar()
        if not calendar:
            return self.unit_amount
        start = self.msp_work_start
        end = start + timedelta(hours=self.unit_amount)
        inside = calendar._msp_sla_business_minutes(start, end) / 60
        return round(max(self.unit_amount - inside, 0.0), 4)


class ContractContract(models.Model):
    _inherit = "contract.contract"

    def _msp_consume(self, timesheet):
        """Covered time: the after-hours part of an emergency gets its ledger line; on a plan
        that bills it, only the rest is taken from the included hours."""
        after = timesheet._msp_compute_after_hours()
        # sudo: the engine's read-only field on the line, as the coverage fields
        timesheet.sudo().msp_after_hours = after
        if not after:
            return super()._msp_consume(timesheet)
        # sudo: the plan's after-hours terms, read by the engine for whoever logged the time
        plan = self.sudo().msp_plan_id
        billed = plan.after_hours_billing == "billed"
        period = self._msp_period(timesheet.date)
        period._msp_lock()
        amount = round(after * plan.overage_rate * plan.after_hours_rate_factor, 2) if billed else 0
        self._msp_log_hours(
            period,
            "after_hours",
            after,
            timesheet.date,
            timesheet_id=timesheet.id,
            timesheet_version=timesheet.msp_ledger_version,
            ticket_id=timesheet.msp_ticket_id.id,
            amount=amount,
            note=self.env._(
                "After-hours emergency work on %(ticket)s: %(hours).2f h (%(how)s)",
                ticket=timesheet.msp_ticket_id.display_name,
                hours=after,
                how=(
                    self.env._(
                        "billed at %(factor)s x the rate", factor=plan.after_hours_rate_factor
                    )
                    if billed
                    else self.env._("included in the plan")
                ),
            ),
        )
        if not billed:
            return super()._msp_consume(timesheet)
        inside = timesheet.unit_amount - after
        if inside <= 0.0001:
            return None
        return super(ContractContract, self.with_context(msp_consume_hours=inside))._msp_consume(
            timesheet
        )

    def _msp_log_hours(self, period, kind, hours, day, **values):
        inside = self.env.context.get("msp_consume_hours")
        if kind == "consumption" and inside is not None:
            hours = -inside
        return super()._msp_log_hours(period, kind, hours, day, **values)

    def _msp_reverse(self, timesheet, reason):
        """The line changes before it was invoiced: its after-hours line is given back too.
        Once invoiced the line cannot change (it is linked to its invoice line)."""
        entry = self._msp_after_hours_entries(
            Domain("timesheet_id", "=", timesheet.id)
            & Domain("timesheet_version", "=", timesheet.msp_ledger_version)
        )
        if entry:
            self._msp_log_hours(
                entry.period_id,
                "after_hours",
                -entry.hours,
                entry.date,
                timesheet_id=timesheet.id,
                timesheet_version=entry.timesheet_version,
                ticket_id=entry.ticket_id.id,
                amount=-entry.amount,
                reversal_of_id=entry.id,
                note=reason,
            )
        return super()._msp_reverse(timesheet, reason)

    def _msp_after_hours_entries(self, domain=None):
        """The after-hours lines of this contract still to bill (or given back): not
        invoiced, not a reversal, not reversed."""
        # sudo: the hours ledger is the engine's (read-only to users); invoicing reads it
        Entry = self.env["msp.contract.hours.entry"].sudo()
        reversed_ids = Entry.search(
            Domain("contract_id", "in", self.ids)
            & Domain("kind", "=", "after_hours")
            & Domain("reversal_of_id", "!=", False)
        ).reversal_of_id.ids
        return Entry.search(
            Domain("contract_id", "in", self.ids)
            & Domain("kind", "=", "after_hours")
            & Domain("reversal_of_id", "=", False)
            & Domain("invoice_line_id", "=", False)
            & Domain("id", "not in", reversed_ids)
            & (domain or Domain.TRUE),
            order="date, id",
        )

    def _msp_after_hours_lines(self, before):
        """Invoice lines for the priced after-hours lines worked before ``before``."""
        self.ensure_one()
        plan = self.msp_plan_id
        entries = self._msp_after_hours_entries(Domain("date", "<", before)).filtered("amount")
        return [
            {
                "product_id": plan.overage_product_id.id,
                "name": entry.note,
                "quantity": entry.hours,
                "price_unit": round(entry.amount / entry.hours, 2),
                "msp_hours_period_id": entry.period_id.id,
                "msp_hours_entry_id": entry.id,
                "msp_contract_id": self.id,
                "msp_line_kind": "after_hours",
            }
            for entry in entries
        ]

    def _prepare_invoice(self, date_invoice, journal=None):
        vals = super()._prepare_invoice(date_invoice, journal=journal)
        if self.msp_plan_id and self.env.context.get("msp_invoicing"):
            vals["invoice_line_ids"] += [
                Command.create(line) for line in self._msp_after_hours_lines(date_invoice)
            ]
        return vals


class AccountMove(models.Model):
    _inherit = "account.move"

    def _msp_link_ledger(self):
        result = super()._msp_link_ledger()
        lines = self.line_ids.filtered(lambda ln: ln.msp_line_kind == "after_hours")
        for line in lines:
            # sudo: the ledger's engine links its line to the invoice line just made for it
            entry = line.msp_hours_entry_id.sudo()
            entry.invoice_line_id = line
            # the timesheet line is invoiced now: it can no longer change or be deleted
            entry.timesheet_id.sudo().msp_invoice_line_id = line
        return result
