# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from .helpdesk_ticket import COVERAGES

# Fields of a timesheet line whose change moves time in the hours ledger.
LEDGER_FIELDS = ("unit_amount", "date", "msp_ticket_id", "msp_work_type", "msp_work_start")

# What the technician says the work was. "covered" lets the contract decide (the default: it
# never makes uncovered work covered); "billable" is work the customer pays for even under a
# contract (out of scope); "after_hours" marks after-hours work when the entry has no start
# time (after_hours.py prices after-hours emergency work as the plan says).
WORK_TYPES = [
    ("covered", "Covered by contract"),
    ("billable", "Billable"),
    ("after_hours", "After hours"),
]


class AccountAnalyticLine(models.Model):
    _name = "account.analytic.line"
    _inherit = ["account.analytic.line", "msp.input.limits"]
    # Input limits (input_limits.py) on time logged on tickets, which feeds the hours ledger;
    # other timesheets (projects, sale_timesheet's corrections) keep Odoo's own rules.
    _msp_limits_scope = "msp_ticket_id"

    msp_ticket_id = fields.Many2one(
        "helpdesk.ticket", string="Ticket", index="btree_not_null", ondelete="restrict"
    )
    msp_contract_id = fields.Many2one(
        "contract.contract", string="Service Contract", readonly=True, index="btree_not_null"
    )
    msp_coverage = fields.Selection(COVERAGES, string="Coverage", readonly=True)
    msp_billable = fields.Boolean(
        string="Billable (not covered)",
        readonly=True,
        help="Not covered work, invoiced at the plan's rate.",
    )
    msp_invoice_line_id = fields.Many2one(
        "account.move.line", string="Invoiced On", readonly=True, ondelete="set null", copy=False
    )
    msp_ledger_version = fields.Integer(readonly=True, copy=False)
    msp_work_type = fields.Selection(
        WORK_TYPES,
        string="Work Type",
        default="covered",
        required=True,
        help="Covered by contract: the contract's coverage rules decide. Billable: invoiced at "
        "the plan's rate even when the ticket is covered. After hours: recorded on the entry; "
        "the contract's coverage rules decide as for covered work.",
    )

    @api.model
    def default_get(self, fields):
        """Time on a ticket is dated by its company's clock (res.company._msp_today), the one
        its contract's month follows, not by the reader's."""
        values = super().default_get(fields)
        # sudo: the ticket's company, for its clock
        tickets = self.env["helpdesk.ticket"].sudo()
        ticket = tickets.browse(self.env.context.get("default_msp_ticket_id"))
        if "date" in fields and "default_date" not in self.env.context and ticket.exists():
            values["date"] = ticket._msp_today()
        return values

    @api.model_create_multi
    def create(self, vals_list):
        undated = [vals for vals in vals_list if vals.get("msp_ticket_id") and not vals.get("date")]
        if undated:
            # sudo: the ticket's company, for its clock (the caller logs time, may not read it)
            tickets = (
                self.env["helpdesk.ticket"]
                .sudo()
                .browse({vals["msp_ticket_id"] for vals in undated})
            )
            today = {ticket.id: ticket._msp_today() for ticket in tickets}
            for vals in undated:
                vals["date"] = today[vals["msp_ticket_id"]]
        lines = super().create(vals_list)
        lines.filtered("msp_ticket_id")._msp_apply_coverage()
        return lines

    def write(self, vals):
        moving = (
            self.filtered("msp_ticket_id") if set(LEDGER_FIELDS) & vals.keys() else self.browse()
        )
        if moving:
            # Refused values never reach the ledger, not even as a reversal rolled back.
            self._msp_check_write_values(vals)
            moving._msp_check_not_invoiced()
            given_back = moving._msp_unapply(self.env._("Timesheet line changed"), refresh=False)
        result = super().write(vals)
        if moving or "msp_ticket_id" in vals:
            (moving | self.filtered("msp_ticket_id"))._msp_apply_coverage(
                also_refresh=given_back if moving else None
            )
        return result

    def unlink(self):
        ticket_lines = self.filtered("msp_ticket_id")
        ticket_lines._msp_check_not_invoiced()
        ticket_lines._msp_unapply(self.env._("Timesheet line deleted"))
        return super().unlink()

    def _msp_check_not_invoiced(self):
        invoiced = self.filtered("msp_invoice_line_id")
        if invoiced:
            raise UserError(
                self.env._(
                    "These timesheet lines were already invoiced as billable work and cannot be "
                    "changed or deleted: %s",
                    ", ".join(invoiced.mapped("name")),
                )
            )

    def _msp_unapply(self, reason, refresh=True):
        """Reverse the hours ledger for lines about to change (refused when invoiced).
        Returns the contracts that got hours back; their open tickets' coverage is refreshed
        now, or by the caller (``refresh=False``) once the lines are applied again."""
        reversed_lines = self.filtered(
            lambda ln: ln.msp_contract_id and ln.msp_coverage != "not_covered"
        )
        for line in reversed_lines:
            line.msp_contract_id.sudo()._msp_reverse(line, reason)
        contracts = reversed_lines.msp_contract_id.sudo()
        if refresh:
            contracts._msp_refresh_open_tickets()
        return contracts

    def _msp_apply_coverage(self, also_refresh=None):
        """Decide the coverage of each ticket line on its work date, then consume covered
        time in the contract's hours ledger (one new ledger version per change). A line taken
        off its ticket loses its coverage. The open tickets of the contracts that consumed
        hours, or gave some back (``also_refresh``), get their coverage refreshed once."""
        consumed_by = also_refresh or self.env["contract.contract"]
        off_ticket = self.filtered(lambda ln: not ln.msp_ticket_id and ln.msp_coverage)
        if off_ticket:
            # sudo: the engine's read-only fields, as below
            off_ticket.sudo().write(
                {"msp_contract_id": False, "msp_coverage": False, "msp_billable": False}
            )
        for line in self:
            if not line.msp_ticket_id:
                continue
            # sudo: coverage reads the customer's contract, which technicians may not read;
            # they see the outcome on the line, not the contract's prices.
            contract, coverage, _reason = line.msp_ticket_id.sudo()._msp_coverage_on(line.date)
            if line.msp_work_type == "billable":
                # The technician's word: out-of-scope work, billed and not taken from the hours.
                coverage = "not_covered"
            in_scope = bool(contract) and coverage in ("covered", "billable")
            billable = (
                bool(contract)
                and coverage == "not_covered"
                and contract._msp_is_active_on(line.date)
            )
            values = {
                "msp_contract_id": contract.id if contract and (in_scope or billable) else False,
                "msp_coverage": coverage,
                "msp_billable": billable,
                "msp_ledger_version": line.msp_ledger_version + 1,
            }
            # sudo: the coverage fields are the engine's, read-only for the technician; none of
            # them is a LEDGER_FIELDS, so this write does not come back here.
            line.sudo().write(values)
            if in_scope:
                contract._msp_consume(line)
                consumed_by |= contract
        consumed_by.sudo()._msp_refresh_open_tickets()
