# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from textwrap import shorten

from odoo import api, fields, models
from odoo.addons.msp_it_audit.models.msp_customer_mixin import check_same_customer
from odoo.exceptions import UserError, ValidationError
from odoo.tools.mail import html_to_inner_content

from .msp_contract_hours import HOURS_LEFT_HELP, HOURS_LEFT_LABEL, HOURS_PARTS_HELP

COVERAGES = [
    ("covered", "Covered"),
    ("billable", "Covered, no hours left: overage"),
    ("not_covered", "Not covered"),
]
# The context keys of a reply or note that logs time (the chatter composer sends them with
# the message: see static/src/composer_time_patch.js).
LOG_HOURS_KEY = "msp_log_hours"
LOG_WORK_TYPE_KEY = "msp_log_work_type"
# A time entry named after its message keeps the message's first words.
ENTRY_NAME_LENGTH = 120


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    msp_asset_id = fields.Many2one(
        "msp.asset",
        string="Asset",
        index="btree_not_null",
        domain="[('partner_id', '=', commercial_partner_id)]",
        tracking=True,
    )
    msp_contract_id = fields.Many2one(
        "contract.contract",
        string="Service Contract",
        compute="_compute_msp_coverage",
        store=True,
        index="btree_not_null",
        help="The customer's active service contract (the one covering the asset, if given).",
    )
    msp_coverage = fields.Selection(
        COVERAGES, string="Coverage", compute="_compute_msp_coverage", store=True
    )
    msp_coverage_reason = fields.Char(
        string="Coverage Reason", compute="_compute_msp_coverage", store=True
    )
    msp_hours_remaining = fields.Float(
        string=HOURS_LEFT_LABEL,
        compute="_compute_msp_hours_remaining",
        help=HOURS_LEFT_HELP,
    )
    msp_hours_summary = fields.Char(
        "Hours This Month", compute="_compute_msp_hours_remaining", help=HOURS_PARTS_HELP["summary"]
    )
    # Time entries are for the roles that may read them (technicians, managers): an SLA
    # agent without timesheet rights opens tickets without them.
    msp_timesheet_ids = fields.One2many(
        "account.analytic.line",
        "msp_ticket_id",
        string="Time",
        groups="hr_timesheet.group_hr_timesheet_user",
    )
    msp_timesheet_project_id = fields.Many2one(
        "project.project",
        compute="_compute_msp_timesheet_project_id",
        help="The project the ticket's time is logged on.",
    )
    msp_timesheet_hours = fields.Float(
        string="Time Spent",
        help="The time logged on the ticket, covered or not.",
        compute="_compute_msp_timesheet_hours",
        groups="hr_timesheet.group_hr_timesheet_user",
    )
    msp_timer_start = fields.Datetime(
        string="My Timer Started",
        compute="_compute_msp_timer_start",
        groups="hr_timesheet.group_hr_timesheet_user",
        help="When the current user's timer on this ticket started (empty: not running).",
    )

    @api.constrains("msp_asset_id", "duplicate_id", "partner_id")
    def _check_msp_same_customer(self):
        # Another customer's asset or ticket would show its name to the customer's portal
        # user (a many2one is read with its display name, whatever the record rules say).
        check_same_customer(self, "msp_asset_id", "commercial_partner_id")
        check_same_customer(self, "duplicate_id", "commercial_partner_id", "commercial_partner_id")

    @api.onchange("partner_id")
    def _onchange_partner_id_msp_asset(self):
        if self.msp_asset_id and self.msp_asset_id.partner_id != self.commercial_partner_id:
            self.msp_asset_id = False

    def _msp_today(self):
        """Today on these tickets' calendar: their company's (res.company._msp_today)."""
        return self.company_id._msp_today()

    @api.depends(
        "commercial_partner_id",
        "msp_asset_id",
        "category_id",
        "commercial_partner_id.msp_contract_ids.msp_renewal_state",
        "commercial_partner_id.msp_contract_ids.msp_covered_asset_ids",
        "commercial_partner_id.msp_contract_ids.msp_plan_id",
        "commercial_partner_id.msp_contract_ids.date_end",
    )
    def _compute_msp_coverage(self):
        for ticket in self:
            contract, coverage, reason = ticket._msp_coverage_on(ticket._msp_today())
            ticket.msp_contract_id = contract
            ticket.msp_coverage = coverage
            ticket.msp_coverage_reason = reason

    def _msp_refresh_coverage(self):
        """Decide again the coverage of these tickets (their stored contract, coverage and
        reason), for what the dependencies cannot see: the month's hours running out or coming
        back, and dates passing (a contract that starts or ends, a new month)."""
        fields_to_compute = [
            self._fields[name]
            for name in ("msp_contract_id", "msp_coverage", "msp_coverage_reason")
        ]
        for field in fields_to_compute:
            self.env.add_to_compute(field, self)
        self.flush_recordset(["msp_contract_id", "msp_coverage", "msp_coverage_reason"])

    @api.model
    def _cron_msp_refresh_coverage(self, batch_size=500):
        """Daily: the coverage of the open tickets of customers with a service contract."""
        domain = [
            ("closed", "=", False),
            ("commercial_partner_id.msp_contract_ids.msp_plan_id", "!=", False),
        ]
        last_id = 0
        while True:
            tickets = self.search([*domain, ("id", ">", last_id)], limit=batch_size, order="id")
            if not tickets:
                return
            tickets._msp_refresh_coverage()
            last_id = tickets[-1].id
            remaining = self.search_count([*domain, ("id", ">", last_id)])
            time_left = self.env["ir.cron"]._commit_progress(len(tickets), remaining=remaining)
            tickets.invalidate_recordset()
            if not remaining or time_left <= 0:
                return

    def _msp_find_contract(self, day):
        """The service contract of the ticket's customer on ``day``: the one covering the
        ticket's asset if there is one, else the most recent active one; or the latest
        expired one (to say why the ticket is not covered)."""
        self.ensure_one()
        contracts = self.commercial_partner_id.msp_contract_ids.filtered("msp_plan_id").sorted(
            lambda c: c.date_start or fields.Date.to_date("1970-01-01"), reverse=True
        )
        active = contracts.filtered(lambda c: c._msp_is_active_on(day))
        if self.msp_asset_id:
            covering = active.filtered(lambda c: self.msp_asset_id in c.msp_covered_asset_ids)
            if covering:
                return covering[0]
        return active[:1] or contracts[:1]

    def _msp_coverage_on(self, day):
        """(contract, coverage, reason) of the ticket on ``day``: the one place where the
        coverage rules live (see docs/service-contracts.md)."""
        self.ensure_one()
        contract = self._msp_find_contract(day)
        if not contract:
            return contract, "not_covered", self.env._("No service contract")
        if not contract._msp_is_active_on(day):
            return contract, "not_covered", self.env._("Contract expired")
        plan = contract.msp_plan_id
        category = self.category_id
        if category and category in plan.excluded_category_ids:
            return contract, "not_covered", self.env._("Category %s is excluded", category.name)
        if category and plan.covered_category_ids and category not in plan.covered_category_ids:
            return contract, "not_covered", self.env._("Category %s is not covered", category.name)
        asset = self.msp_asset_id
        if asset and asset not in contract.msp_covered_asset_ids:
            return (
                contract,
                "not_covered",
                self.env._("Asset %s is not covered", asset.display_name),
            )
        if plan.included_hours and contract._msp_hours_left(day) <= 0:
            return contract, "billable", self.env._("No included hours left this month")
        return contract, "covered", False

    @api.depends("msp_contract_id")
    def _compute_msp_hours_remaining(self):
        # sudo: technicians see the hours of the ticket's contract, not the contract itself
        contracts = self.msp_contract_id.sudo()
        parts = contracts._msp_hours_parts_today()
        for ticket in self:
            figures = parts.get(ticket.msp_contract_id.id)
            ticket.msp_hours_remaining = figures["left"] if figures else 0.0
            ticket.msp_hours_summary = contracts._msp_hours_summary(figures) if figures else False

    def _compute_msp_timesheet_project_id(self):
        project = self.env.ref(
            "msp_service_contract.project_managed_services", raise_if_not_found=False
        )
        for ticket in self:
            ticket.msp_timesheet_project_id = project

    @api.depends("msp_timesheet_ids.unit_amount")
    def _compute_msp_timesheet_hours(self):
        for ticket in self:
            ticket.msp_timesheet_hours = sum(ticket.msp_timesheet_ids.mapped("unit_amount"))

    def _msp_sla_select_policy(self):
        """The contract's SLA policy comes first (msp_sla's policy hook)."""
        result = super()._msp_sla_select_policy()
        for ticket in self:
            today = ticket._msp_today()
            contract = ticket.sudo()._msp_find_contract(today)
            policy = (
                contract.msp_sla_policy_id
                if contract and contract._msp_is_active_on(today)
                else False
            )
            if policy and (not policy.company_id or policy.company_id == ticket.company_id):
                result[ticket.id] = policy
        return result

    def _msp_sla_policy_inputs(self):
        return (*super()._msp_sla_policy_inputs(), "msp_asset_id")

    def _msp_tickets_with_ledger_lines(self):
        """Tickets the hours ledger points to are archived, not deleted (msp_sla's hook)."""
        # sudo: whether lines exist, not what they say
        groups = (
            self.env["msp.contract.hours.entry"]
            .sudo()
            ._read_group([("ticket_id", "in", self.ids)], ["ticket_id"])
        )
        return super()._msp_tickets_with_ledger_lines() | self.browse(
            [ticket.id for (ticket,) in groups]
        )

    @api.depends_context("uid")
    def _compute_msp_timer_start(self):
        # sudo: the user's own timers only (the domain), whatever the ticket's company
        timers = (
            self.env["msp.ticket.timer"]
            .sudo()
            .search([("user_id", "=", self.env.uid), ("ticket_id", "in", self.ids)])
        )
        start_of = {timer.ticket_id.id: timer.date_start for timer in timers}
        for ticket in self:
            ticket.msp_timer_start = start_of.get(ticket.id, False)

    # Time logged with a reply or note, and the timer

    def message_post(self, **kwargs):
        """A reply or note may carry time spent (hours, context ``msp_log_hours``) and a work
        type (``msp_log_work_type``): the time entry is created first, so refused values post
        nothing, and in the same transaction as the message."""
        context = self.env.context
        hours = context.get(LOG_HOURS_KEY)
        work_type = context.get(LOG_WORK_TYPE_KEY)
        if hours is None and work_type is None:
            return super().message_post(**kwargs)
        ticket = self.with_context(**{LOG_HOURS_KEY: None, LOG_WORK_TYPE_KEY: None})
        ticket.ensure_one()
        # sudo(False): the chatter posts as superuser; the entry is the user's own work and
        # obeys the timesheet rights.
        ticket.sudo(False)._msp_log_time(
            hours, work_type=work_type or "covered", description=kwargs.get("body")
        )
        return super(HelpdeskTicket, ticket).message_post(**kwargs)

    def _msp_log_time(self, hours, work_type="covered", description=None):
        """Log ``hours`` of the current user's work today on the ticket: a normal time entry
        (coverage, hours ledger and billing apply as to any other). ``description`` (text or
        HTML) names the entry. Returns the entry."""
        self.ensure_one()
        if isinstance(hours, bool) or not isinstance(hours, int | float):
            raise ValidationError(
                self.env._(
                    "Time Spent must be a number of hours, not %(value)r: enter minutes (30) or "
                    "hours and minutes (1:30).",
                    value=hours,
                )
            )
        if hours <= 0:
            # The entry's own limits check the maximum; zero is "nothing to check" for them.
            raise ValidationError(
                self.env._(
                    "Time Spent must be more than 0 (you entered %(value)s hours): enter the "
                    "minutes (30) or hours and minutes (1:30) you worked.",
                    value=hours,
                )
            )
        line_model = self.env["account.analytic.line"]
        work_types = dict(line_model._fields["msp_work_type"]._description_selection(self.env))
        if work_type not in work_types:
            raise ValidationError(
                self.env._(
                    "Work Type %(value)r is unknown: choose one of %(choices)s.",
                    value=work_type,
                    choices=", ".join(work_types.values()),
                )
            )
        employee, project = self._msp_time_logging_targets()
        text = " ".join(html_to_inner_content(description or "").split())
        name = shorten(text, ENTRY_NAME_LENGTH, placeholder="…") or self.env._(
            "Work on %s", self.name
        )
        return line_model.create(
            {
                "name": name,
                "date": self._msp_today(),
                "unit_amount": hours,
                "msp_work_type": work_type,
                "msp_ticket_id": self.id,
                "project_id": project.id,
                "employee_id": employee.id,
            }
        )

    def _msp_time_logging_targets(self):
        """The current user's employee and the project the ticket's time is logged on, or a
        UserError saying who can fix what is missing (checked before a timer starts too)."""
        self.ensure_one()
        employee = self.env.user.employee_id
        if not employee:
            raise UserError(
                self.env._(
                    "You have no employee in company %(company)s, so your time cannot be "
                    "logged: ask your HR manager to link your user %(user)s to an employee.",
                    company=self.env.company.name,
                    user=self.env.user.name,
                )
            )
        project = self.msp_timesheet_project_id
        if not project:
            raise UserError(
                self.env._(
                    "The Managed Services project, where ticket time is logged, is missing: "
                    "ask your administrator to update the Service Contracts module."
                )
            )
        return employee, project

    def action_msp_timer_start(self):
        """Start the current user's timer on this ticket (refused on a closed ticket, or
        while the user's timer runs elsewhere: one timer per user)."""
        self.ensure_one()
        timers = self.env["msp.ticket.timer"]
        timers._msp_check_can_start(self)
        timers.create({"ticket_id": self.id})
        return True

    def _msp_my_timer(self):
        """The current user's timer on this ticket, or a UserError when none runs here."""
        self.ensure_one()
        timer = self.env["msp.ticket.timer"].search(
            [("user_id", "=", self.env.uid), ("ticket_id", "=", self.id)]
        )
        if not timer:
            raise UserError(
                self.env._("Your timer is not running on ticket %s: start it first.", self.name)
            )
        return timer

    def action_msp_timer_stop(self):
        """Stop the current user's timer on this ticket and log its time (rounded up by the
        company's setting). A timer that ran longer than one time entry may hold is refused:
        discard it instead."""
        self._msp_my_timer()._msp_stop()
        return True

    def action_msp_timer_discard(self):
        """Delete the current user's timer on this ticket without logging its time (a timer
        left running); a note on the ticket says so."""
        self._msp_my_timer()._msp_discard()
        return True
