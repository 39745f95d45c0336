# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

ENTRY_KINDS = [
    ("included", "Included hours"),
    ("prepaid", "Prepaid block"),
    ("rollover", "Rolled over"),
    ("carried", "Carried to next month"),
    ("consumption", "Covered time"),
    ("reversal", "Reversal of covered time"),
    ("expiry", "Expired"),
    ("overage", "Overage invoiced"),
    ("late_credit", "Late time against expired hours"),
    ("after_hours", "After-hours emergency time"),
]
CREDIT_KINDS = ("included", "prepaid", "rollover")
# Lines that record time without moving the balance of included hours (after_hours.py).
NOT_BALANCE_KINDS = ("after_hours",)
# The one label of a contract's remaining hours: on the contract (form and list), the
# customer's smart button, the ticket, the portal and the monthly report.
HOURS_LEFT_LABEL = "Hours left this month"
HOURS_LEFT_HELP = (
    "Hours left this month = included + rolled over + prepaid - used. Included: the plan's "
    "hours of the month; rolled over: unused hours carried from earlier months; prepaid: "
    "blocks of hours sold this month; used: covered time logged on tickets this month "
    "(less time given back). Below zero, the time is billed as overage."
)
HOURS_PARTS = ("included", "rollover", "prepaid", "used", "left")
HOURS_PARTS_HELP = {
    "included": "The plan's included hours of this month.",
    "rollover": "Unused hours carried over from earlier months (the plan's rollover rule).",
    "prepaid": "Blocks of prepaid hours sold this month.",
    "used": "Covered time logged on tickets this month, less the time given back.",
    "summary": "How the hours left this month are made: included + rolled over + prepaid - used.",
}


def lock_rows(env, table, ids):
    """Lock rows of ``table`` by an update that changes no value, once per transaction, and
    return the ids locked now (those locked earlier in the transaction are skipped).

    An update, not ``SELECT ... FOR UPDATE``: under Odoo's REPEATABLE READ a transaction that
    started before another updated the row is then refused (a serialisation failure, which
    Odoo retries) instead of deciding on what it read before. The memo lives as long as the
    transaction: precommit data is cleared at commit and at rollback, when the locks go."""
    locked = env.cr.precommit.data.setdefault(f"msp_locked_{table}", set())
    todo = [row_id for row_id in ids if row_id not in locked]
    if todo:
        env.cr.execute(
            SQL(
                "UPDATE %s SET write_date = write_date WHERE id IN %s",
                SQL.identifier(table),
                tuple(todo),
            )
        )
        locked.update(todo)
    return todo


def month_start(day):
    return day.replace(day=1)


class MspContractHoursPeriod(models.Model):
    """A month of a contract's included hours. Settling it (once, at the first invoice after it
    ends) turns a negative balance into overage and the unused hours into rollover or expiry."""

    _name = "msp.contract.hours.period"
    _description = "Contract Hours Period"
    _order = "contract_id, date_start"
    _rec_name = "date_start"

    # cascade stops at the ledger: its lines restrict their period (and contracts with
    # ledger lines are archived, not deleted: _unlink_except_ledger)
    contract_id = fields.Many2one(
        "contract.contract", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="contract_id.company_id", store=True)
    date_start = fields.Date(required=True)
    date_end = fields.Date(required=True)
    state = fields.Selection(
        [("open", "Open"), ("settled", "Settled")], required=True, default="open", index=True
    )
    settled_date = fields.Date(readonly=True)
    entry_ids = fields.One2many("msp.contract.hours.entry", "period_id", string="Entries")
    credit_line_id = fields.Many2one(
        "account.move.line", string="SLA Credit Line", readonly=True, ondelete="set null"
    )
    credit_due = fields.Boolean(
        string="SLA Credit Due",
        readonly=True,
        help="Settling the month gave an SLA credit: it is billed again if its invoice line "
        "goes (a draft invoice deleted).",
    )
    credit_hours = fields.Float(compute="_compute_balance", string="Credited")
    used_hours = fields.Float(compute="_compute_balance", string="Used")
    balance_hours = fields.Float(compute="_compute_balance", string="Balance")

    _one_period_per_month = models.UniqueIndex(
        "(contract_id, date_start)", "A contract has one hours period per month."
    )

    @api.depends("entry_ids.hours", "entry_ids.kind")
    def _compute_balance(self):
        for period in self:
            entries = period.entry_ids
            period.credit_hours = sum(e.hours for e in entries if e.kind in CREDIT_KINDS)
            period.used_hours = -sum(
                e.hours for e in entries if e.kind in ("consumption", "reversal")
            )
            period.balance_hours = sum(e.hours for e in entries if e.kind not in NOT_BALANCE_KINDS)

    def _msp_lock(self):
        """Lock these months before reading their state or balance.

        Every path that consumes, reverses or settles hours calls this first. It updates the
        rows (without changing a value), so that PostgreSQL serialises those paths: a second
        transaction waits for the first, and one that started before the first committed is
        refused (a serialisation failure, which Odoo retries from the start) instead of
        deciding on a state or balance that is no longer true."""
        locked = lock_rows(self.env, "msp_contract_hours_period", self.ids)
        if locked:
            self.browse(locked).invalidate_recordset(
                ["state", "settled_date", "entry_ids", "credit_line_id"]
            )

    @api.depends("contract_id", "date_start")
    def _compute_display_name(self):
        for period in self:
            period.display_name = (
                f"{period.contract_id.display_name}: {period.date_start:%Y-%m}"
                if period.date_start
                else period.contract_id.display_name
            )


class MspContractHoursEntry(models.Model):
    """One line of a contract's hours ledger. Append-only and tamper-evident: the ledger is
    corrected with new lines (a reversal names the line it reverses), never by editing or
    deleting old ones, and each line is sealed by a hash chained to the previous line of its
    company (msp.ledger.hash.mixin, from msp_sla)."""

    _name = "msp.contract.hours.entry"
    _inherit = ["msp.ledger.hash.mixin"]
    _description = "Contract Hours Ledger Line"
    _order = "date, id"
    # Not hashed: timesheet_id (set empty when its timesheet line is deleted, after the
    # reversal line was written) and invoice_line_id (the invoice line that billed the line,
    # linked at invoicing and emptied when a draft invoice is deleted).
    _msp_ledger_hashed_fields = (
        "company_id",
        "period_id",
        "contract_id",
        "kind",
        "date",
        "hours",
        "timesheet_version",
        "ticket_id",
        "origin_period_start",
        "amount",
        "note",
        "reversal_of_id",
    )
    _msp_ledger_writable_fields = ("invoice_line_id",)
    _msp_ledger_manager_group = "msp_service_contract.msp_service_contract_group_manager"

    period_id = fields.Many2one(
        "msp.contract.hours.period", required=True, ondelete="restrict", index=True
    )
    contract_id = fields.Many2one(related="period_id.contract_id", store=True, index=True)
    # The period's company when the line was written; a plain field so that nothing
    # recomputes a sealed line.
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    kind = fields.Selection(ENTRY_KINDS, required=True, readonly=True)
    date = fields.Date(required=True, readonly=True, help="The work date for covered time.")
    hours = fields.Float(required=True, readonly=True, help="Credits are positive, uses negative.")
    timesheet_id = fields.Many2one(
        "account.analytic.line", ondelete="set null", index="btree_not_null", readonly=True
    )
    timesheet_version = fields.Integer(readonly=True, default=0)
    ticket_id = fields.Many2one("helpdesk.ticket", ondelete="restrict", readonly=True)
    origin_period_start = fields.Date(
        readonly=True, help="For rolled-over hours: the month they were first credited in."
    )
    invoice_line_id = fields.Many2one("account.move.line", ondelete="set null", readonly=True)
    amount = fields.Float(readonly=True, help="For prepaid blocks: the price to invoice.")
    note = fields.Char(readonly=True)
    reversal_of_id = fields.Many2one(
        "msp.contract.hours.entry",
        string="Reverses",
        readonly=True,
        ondelete="restrict",
        index="btree_not_null",
        help="The covered time this line gives back.",
    )

    _consumed_once = models.UniqueIndex(
        "(timesheet_id, timesheet_version) WHERE kind = 'consumption'",
        "A timesheet line is consumed only once.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        periods = self.env["msp.contract.hours.period"].browse(
            [vals["period_id"] for vals in vals_list if vals.get("period_id")]
        )
        # sudo: the engine writes ledger lines for users who may not read periods; only the
        # period's company is read
        company = {period.id: period.company_id.id for period in periods.sudo()}
        for vals in vals_list:
            if not vals.get("company_id") and vals.get("period_id"):
                vals["company_id"] = company[vals["period_id"]]
        return super().create(vals_list)

    def _msp_ledger_describe(self):
        self.ensure_one()
        return self.env._(
            "%(kind)s of %(hours).2f h, %(period)s",
            kind=dict(ENTRY_KINDS)[self.kind],
            hours=self.hours,
            period=self.period_id.display_name,
        )


class ContractHoursLedger(models.AbstractModel):
    """The ledger's rules, on contract.contract (see contract_contract.py)."""

    _name = "msp.contract.hours.ledger"
    _description = "Contract hours ledger rules"

    @api.ondelete(at_uninstall=False)
    def _unlink_except_ledger(self):
        # sudo: whether the ledger exists, not what it says
        kept = self.sudo().filtered("msp_hours_entry_ids")
        if kept:
            raise UserError(
                self.env._(
                    "These contracts have an hours ledger, which is kept for audit: archive "
                    "them instead of deleting them. %(contracts)s",
                    contracts=", ".join(kept.mapped("display_name")),
                )
            )

    def _msp_period(self, day, create=True):
        """The hours period of this contract holding ``day``; opened (with its included
        hours) when missing."""
        self.ensure_one()
        start = month_start(day)
        Period = self.env["msp.contract.hours.period"].sudo()
        # From the contract's periods (read once, and prefetched for a whole invoicing batch)
        # rather than a search per call; the unique index still refuses a duplicate month.
        period = self._msp_periods().filtered(lambda p: p.date_start == start)
        if period or not create:
            return period
        # Two transactions opening the same month would collide on the unique index, an error
        # Odoo does not retry: the contract's row serialises them (the later one is refused
        # and retried, then finds the month).
        self._msp_lock_contracts()
        period = self._msp_periods().filtered(lambda p: p.date_start == start)
        if period:
            return period
        period = Period.create(
            {
                "contract_id": self.id,
                "date_start": start,
                "date_end": start + relativedelta(months=1, days=-1),
            }
        )
        if self.msp_plan_id.included_hours:
            self._msp_log_hours(
                period,
                "included",
                self.msp_plan_id.included_hours,
                start,
                note=self.env._("Included hours"),
            )
        return period

    def _msp_lock_contracts(self):
        """Lock the contracts' rows (an update that changes no value, see _msp_lock), once
        per transaction, and forget the periods read before."""
        locked = lock_rows(self.env, "contract_contract", self.ids)
        # sudo: the periods are read as superuser (_msp_periods), so that cache is the one to drop
        self.browse(locked).sudo().invalidate_recordset(["msp_hours_period_ids"])

    def _msp_log_hours(self, period, kind, hours, day, **values):
        # sudo: ledger lines are written by the contract's rules only, on behalf of the user
        # whose action (timesheet, invoicing) caused them.
        return (
            self.env["msp.contract.hours.entry"]
            .sudo()
            .create({"period_id": period.id, "kind": kind, "hours": hours, "date": day, **values})
        )

    def _msp_refresh_open_tickets(self):
        """Hours were consumed or given back: the open tickets of these contracts that say
        "covered" while this month's hours are used up, or "billable" while some are left,
        are decided again (only those, so that logging time stays cheap)."""
        planned = self.filtered(lambda c: c.msp_plan_id.included_hours)
        left = planned._msp_hours_parts_today() if planned else {}
        wrong = {
            contract.id: "covered" if left[contract.id]["left"] <= 0 else "billable"
            for contract in planned
        }
        if not wrong:
            return
        tickets = (
            self.env["helpdesk.ticket"]
            .sudo()
            .search(
                [
                    ("msp_contract_id", "in", list(wrong)),
                    ("closed", "=", False),
                    ("msp_coverage", "in", ("covered", "billable")),
                ]
            )
        )
        tickets.filtered(
            lambda t: t.msp_coverage == wrong[t.msp_contract_id.id]
        )._msp_refresh_coverage()

    def _msp_hours_parts(self, day):
        """{contract id: {included, rollover, prepaid, used, left}} for the month of ``day``,
        read with one grouped query for all these contracts (lists, smart buttons). A
        contract with nothing logged in that month has its plan's included hours left."""
        start = month_start(day)
        # sudo: technicians and portal customers see the hours (not the prices) of the
        # contracts they may see; the ledger itself is for managers and billing.
        groups = (
            self.env["msp.contract.hours.entry"]
            .sudo()
            ._read_group(
                [
                    ("contract_id", "in", self._origin.ids),
                    ("period_id.date_start", "=", start),
                ],
                ["contract_id", "kind"],
                ["hours:sum"],
            )
        )
        logged = {}
        for contract, kind, hours in groups:
            logged.setdefault(contract.id, {})[kind] = hours
        result = {}
        for contract in self:
            kinds = logged.get(contract._origin.id)
            if kinds is None:
                # sudo: technicians see the hours, not the plan; only its included hours are read
                included = contract.sudo().msp_plan_id.included_hours
                result[contract.id] = dict.fromkeys(HOURS_PARTS, 0.0) | {
                    "included": included,
                    "left": included,
                }
                continue
            result[contract.id] = {
                "included": kinds.get("included", 0.0),
                "rollover": kinds.get("rollover", 0.0),
                "prepaid": kinds.get("prepaid", 0.0),
                "used": -(kinds.get("consumption", 0.0) + kinds.get("reversal", 0.0)),
                # the period's balance: every line of the month (as _msp_hours_left)
                "left": sum(h for k, h in kinds.items() if k not in NOT_BALANCE_KINDS),
            }
        return result

    def _msp_hours_summary(self, figures):
        """One line saying how the hours left are made, in hours and minutes."""

        def hm(hours):
            minutes = round(abs(hours) * 60)
            return f"{'-' if hours < 0 else ''}{minutes // 60}:{minutes % 60:02d}"

        text = self.env._("%(included)s included", included=hm(figures["included"]))
        if figures["rollover"]:
            text += " + " + self.env._("%(h)s rolled over", h=hm(figures["rollover"]))
        if figures["prepaid"]:
            text += " + " + self.env._("%(h)s prepaid", h=hm(figures["prepaid"]))
        return text + " - " + self.env._("%(h)s used", h=hm(figures["used"]))

    def _msp_hours_left(self, day):
        """Hours left in the month of ``day``: its period's balance, or the included hours
        when nothing was logged yet."""
        self.ensure_one()
        period = self._msp_period(day, create=False)
        return period.balance_hours if period else self.msp_plan_id.included_hours

    # ------------------------------------------------------------------
    # Covered time
    # ------------------------------------------------------------------

    def _msp_consume(self, timesheet):
        """Debit covered time in the period of its work date, once per timesheet version.
        Time entered late in a settled period first takes back hours that expired there;
        the rest is billed as overage on the next invoice, which says so."""
        self.ensure_one()
        period = self._msp_period(timesheet.date)
        period._msp_lock()
        entry = self._msp_log_hours(
            period,
            "consumption",
            -timesheet.unit_amount,
            timesheet.date,
            timesheet_id=timesheet.id,
            timesheet_version=timesheet.msp_ledger_version,
            ticket_id=timesheet.msp_ticket_id.id,
            note=timesheet.name,
        )
        if period.state == "settled":
            expired = -sum(e.hours for e in period.entry_ids if e.kind == "expiry")
            reclaimed = sum(e.hours for e in period.entry_ids if e.kind == "late_credit")
            credit = min(timesheet.unit_amount, max(expired - reclaimed, 0.0))
            if credit:
                self._msp_log_hours(
                    period,
                    "late_credit",
                    credit,
                    timesheet.date,
                    timesheet_id=timesheet.id,
                    note=self.env._("Time entered late, against hours that had expired"),
                )
        return entry

    def _msp_reverse(self, timesheet, reason):
        """Reverse the consumption of a timesheet line, explicitly, in its own period.
        Refused once that period is settled: the time was already invoiced."""
        self.ensure_one()
        consumed = (
            self.env["msp.contract.hours.entry"]
            .sudo()
            .search(
                [
                    ("timesheet_id", "=", timesheet.id),
                    ("kind", "=", "consumption"),
                    ("timesheet_version", "=", timesheet.msp_ledger_version),
                ]
            )
        )
        if not consumed:
            return False
        consumed.period_id._msp_lock()
        if consumed.period_id.state == "settled":
            raise UserError(
                self.env._(
                    "The time of %(line)s (%(date)s) was already invoiced with contract "
                    "%(contract)s: it cannot be changed or deleted. Log missing time as a new "
                    "line; time invoiced in excess is given back with a credit note.",
                    line=timesheet.name,
                    date=timesheet.date,
                    contract=self.display_name,
                )
            )
        return self._msp_log_hours(
            consumed.period_id,
            "reversal",
            -consumed.hours,
            consumed.date,
            timesheet_id=timesheet.id,
            timesheet_version=consumed.timesheet_version,
            ticket_id=consumed.ticket_id.id,
            reversal_of_id=consumed.id,
            note=reason,
        )

    # ------------------------------------------------------------------
    # Settlement, at invoicing
    # ------------------------------------------------------------------

    def _msp_settle(self, invoice_date):
        """Settle the ended periods of the contract (once each) and return the invoice line
        values they give: overage, late corrections, SLA credits, prepaid blocks."""
        self.ensure_one()
        self._msp_periods()._msp_lock()
        lines = []
        for period in self._msp_periods().filtered(lambda p: p.state == "settled"):
            # What a deleted draft invoice billed for a settled month is billed again.
            for entry in period.entry_ids.filtered(
                lambda e: e.kind == "overage" and not e.invoice_line_id
            ):
                lines.append(self._msp_overage_line(period, entry))
            if period.credit_due and not period.credit_line_id:
                credit = self._msp_sla_credit(period)
                if credit:
                    lines.append(credit)
            # Late time in periods settled earlier: bill what is beyond the balance now.
            if period.balance_hours < -0.001:
                lines.append(self._msp_overage(period, -period.balance_hours, late=True))
        # The months that ended before this invoice, oldest first.
        self._msp_open_periods_until(invoice_date)
        for period in self._msp_periods().filtered(
            lambda p: p.state == "open" and p.date_end < invoice_date
        ):
            balance = period.balance_hours
            if balance < -0.001:
                lines.append(self._msp_overage(period, -balance))
            elif balance > 0.001:
                self._msp_carry(period, balance)
            credit = self._msp_sla_credit(period)
            if credit:
                lines.append(credit)
            period.write(
                {"state": "settled", "settled_date": invoice_date, "credit_due": bool(credit)}
            )
        lines += self._msp_prepaid_lines()
        return lines

    def _msp_periods(self):
        """The contract's hours periods, oldest first (as superuser: the ledger's rules run
        on behalf of users who may not read it)."""
        return self.sudo().msp_hours_period_ids.sorted("date_start")

    def _msp_open_periods_until(self, day):
        """Open every month from the contract's start (or its first period) to ``day``, so
        that each gets its included hours and can be settled."""
        first = self._msp_periods()[:1].date_start or self.date_start
        if not first:
            return
        month = month_start(first)
        while month <= day:
            self._msp_period(month)
            month += relativedelta(months=1)

    def _msp_overage(self, period, hours, late=False):
        label = self.env._(
            "Overage %(month)s: %(hours).2f h beyond the included hours",
            month=f"{period.date_start:%Y-%m}",
            hours=hours,
        )
        if late:
            label = self.env._(
                "Correction for %(month)s: %(hours).2f h of time entered late, beyond the balance",
                month=f"{period.date_start:%Y-%m}",
                hours=hours,
            )
        entry = self._msp_log_hours(period, "overage", hours, period.date_end, note=label)
        return self._msp_overage_line(period, entry)

    def _msp_overage_line(self, period, entry):
        """The invoice line of an overage ledger line (linked to it once invoiced)."""
        plan = self.msp_plan_id
        return {
            "product_id": plan.overage_product_id.id,
            "name": entry.note,
            "quantity": entry.hours,
            "price_unit": plan.overage_rate,
            "msp_hours_period_id": period.id,
            "msp_hours_entry_id": entry.id,
            "msp_contract_id": self.id,
            "msp_line_kind": "overage",
        }

    def _msp_carry(self, period, balance):
        """Unused hours at the end of ``period``: rolled over or expired, per the plan."""
        plan = self.msp_plan_id
        following = period.date_end + relativedelta(days=1)
        if plan.rollover_rule == "none":
            keep = []
        elif plan.rollover_rule == "cap":
            keep = [(period.date_start, min(balance, plan.rollover_cap_hours))]
        else:
            keep = self._msp_rollover_buckets(period, balance, following, plan.rollover_periods)
        kept = 0.0
        if any(hours for _origin, hours in keep):
            next_period = self._msp_period(following)
            for origin, hours in keep:
                if hours > 0.001:
                    self._msp_log_hours(
                        next_period,
                        "rollover",
                        hours,
                        following,
                        origin_period_start=origin,
                        note=self.env._("Rolled over from %s", f"{period.date_start:%Y-%m}"),
                    )
                    kept += hours
        if balance - kept > 0.001:
            self._msp_log_hours(
                period,
                "expiry",
                -(balance - kept),
                period.date_end,
                note=self.env._("Unused hours expired"),
            )
        if kept:
            self._msp_log_hours(
                period,
                "carried",
                -kept,
                period.date_end,
                note=self.env._("Carried to the next month"),
            )

    def _msp_rollover_buckets(self, period, balance, following, max_periods):
        """Split the unused ``balance`` by the month its hours were credited in: time uses
        the oldest hours first, so what is left is the newest. Hours keep rolling while they
        are at most ``max_periods`` months old at the next period."""
        credits = [
            (
                period.date_start,
                sum(e.hours for e in period.entry_ids if e.kind in ("included", "prepaid")),
            )
        ]
        for entry in period.entry_ids.filtered(lambda e: e.kind == "rollover").sorted(
            "origin_period_start", reverse=True
        ):
            credits.append((entry.origin_period_start, entry.hours))
        buckets, left = [], balance
        for origin, hours in credits:
            take = min(hours, left)
            left -= take
            age = (following.year - origin.year) * 12 + following.month - origin.month
            if take > 0.001 and age <= max_periods:
                buckets.append((origin, take))
        return buckets

    def _msp_sla_credit(self, period):
        """A service credit for the SLA breaches of the contract's tickets in ``period``."""
        plan = self.msp_plan_id
        if not plan.sla_credit_percent:
            return None
        breaches = (
            self.env["msp.sla.event"]
            .sudo()
            .search_count(
                [
                    ("event_type", "=", "breach"),
                    ("ticket_id.msp_contract_id", "=", self.id),
                    # the month on the company's clock
                    ("date", ">=", self.company_id._msp_day_start(period.date_start)),
                    (
                        "date",
                        "<",
                        self.company_id._msp_day_start(period.date_end + relativedelta(days=1)),
                    ),
                ]
            )
        )
        if not breaches:
            return None
        percent = min(breaches * plan.sla_credit_percent, plan.sla_credit_cap_percent)
        return {
            "product_id": self.env.ref("msp_service_contract.product_sla_credit").id,
            "name": self.env._(
                "SLA service credit %(month)s: %(count)s breach(es) x %(rate)s%% (cap %(cap)s%%)",
                month=f"{period.date_start:%Y-%m}",
                count=breaches,
                rate=plan.sla_credit_percent,
                cap=plan.sla_credit_cap_percent,
            ),
            "quantity": 1,
            "price_unit": -round(self.msp_mrr * percent / 100, 2),
            "msp_hours_period_id": period.id,
            "msp_contract_id": self.id,
            "msp_line_kind": "sla_credit",
        }

    def _msp_prepaid_lines(self):
        entries = self.msp_hours_entry_ids.filtered(
            lambda e: e.kind == "prepaid" and not e.invoice_line_id and e.amount
        )
        return [
            {
                "product_id": self.msp_plan_id.overage_product_id.id,
                "name": self.env._(
                    "Prepaid block of %(hours).2f hours (%(date)s)", hours=e.hours, date=e.date
                ),
                "quantity": 1,
                "price_unit": e.amount,
                "msp_hours_entry_id": e.id,
                "msp_contract_id": self.id,
                "msp_line_kind": "prepaid",
            }
            for e in entries
        ]
