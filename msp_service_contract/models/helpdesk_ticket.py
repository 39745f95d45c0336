# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from .msp_contract_hours import HOURS_LEFT_HELP, HOURS_LEFT_LABEL, HOURS_PARTS_HELP

COVERAGES = [
    ("covered", "Covered"),
    ("billable", "Covered, no hours left: overage"),
    ("not_covered", "Not covered"),
]


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
        today = fields.Date.context_today(self)
        for ticket in self:
            contract, coverage, reason = ticket._msp_coverage_on(today)
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
        parts = contracts._msp_hours_parts(fields.Date.context_today(self))
        for ticket in self:
            contract = ticket.msp_contract_id.sudo()
            figures = parts.get(contract.id) if contract else None
            ticket.msp_hours_remaining = figures["left"] if figures else 0.0
            ticket.msp_hours_summary = contract._msp_hours_summary(figures) if figures else False

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
        today = fields.Date.context_today(self)
        for ticket in self:
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
