# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .vendor_register import TECHNICIAN

CASE_STATES = [
    ("open", "Open"),
    ("waiting", "Waiting on Vendor"),
    ("resolved", "Resolved"),
]


class MspVendorCase(models.Model):
    """A case the MSP opened with a vendor for one of its tickets (the carrier's fault
    ticket, the publisher's support case). While the case waits on the vendor, the ticket is
    in a third-party wait stage; the periods it waited are kept for the monthly report."""

    _name = "msp.vendor.case"
    _description = "Vendor Case"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "opened_at desc, id desc"
    _check_company_auto = True

    ticket_id = fields.Many2one(
        "helpdesk.ticket", required=True, index=True, ondelete="cascade", check_company=True
    )
    company_id = fields.Many2one(related="ticket_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(
        related="ticket_id.commercial_partner_id", string="Customer", store=True
    )
    vendor_account_id = fields.Many2one(
        "msp.vendor.account",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        tracking=True,
        domain="[('partner_id', '=', partner_id)]",
    )
    vendor_id = fields.Many2one(related="vendor_account_id.vendor_id", store=True)
    vendor_ref = fields.Char(
        string="Vendor's Ticket Number",
        tracking=True,
        help="The vendor's own reference for this case: quote it when calling them.",
    )
    opened_at = fields.Datetime(required=True, default=fields.Datetime.now)
    state = fields.Selection(
        CASE_STATES, required=True, default="open", tracking=True, index=True, readonly=True
    )
    # What the technician needs at hand to chase the vendor
    support_phone = fields.Char(related="vendor_account_id.support_phone")
    escalation_phone = fields.Char(related="vendor_account_id.escalation_phone")
    support_url = fields.Char(related="vendor_account_id.support_url")
    account_number = fields.Char(related="vendor_account_id.account_number")
    circuit_ref = fields.Char(related="vendor_account_id.circuit_ref")
    stage_before_id = fields.Many2one(
        "helpdesk.ticket.stage",
        readonly=True,
        help="The ticket's stage before it waited on the vendor: it goes back there when the "
        "vendor answers.",
    )
    wait_ids = fields.One2many("msp.vendor.case.wait", "case_id", string="Waiting Periods")
    waiting_hours = fields.Float(
        string="Hours Waiting", compute="_compute_waiting_hours", help="Wall-clock hours."
    )

    @api.depends("wait_ids.date_start", "wait_ids.date_end")
    def _compute_waiting_hours(self):
        now = fields.Datetime.now()
        for case in self:
            case.waiting_hours = sum(w._hours_between(w.date_start, now) for w in case.wait_ids)

    @api.depends("vendor_id", "vendor_ref", "ticket_id")
    def _compute_display_name(self):
        for case in self:
            case.display_name = " ".join(
                filter(None, [case.vendor_id.name, case.vendor_ref or self.env._("(no number)")])
            )

    @api.constrains("vendor_account_id", "ticket_id")
    def _check_account_of_the_customer(self):
        for case in self:
            if case.vendor_account_id.partner_id != case.ticket_id.commercial_partner_id:
                raise ValidationError(
                    self.env._(
                        "Vendor case %(case)s: the vendor account %(account)s is not one of "
                        "%(customer)s's, the ticket's customer. Choose one of the customer's "
                        "vendor accounts.",
                        case=case.display_name,
                        account=case.vendor_account_id.display_name,
                        customer=case.ticket_id.commercial_partner_id.display_name
                        or self.env._("(no customer)"),
                    )
                )

    # ------------------------------------------------------------------
    # Waiting on the vendor
    # ------------------------------------------------------------------

    def _msp_third_party_stage(self):
        """The stage a ticket waits on a vendor in: a third-party wait stage of its team
        (or of all teams), the first in sequence."""
        self.ensure_one()
        ticket = self.ticket_id
        stage = self.env["helpdesk.ticket.stage"].search(
            [
                ("msp_sla_third_party_wait", "=", True),
                ("company_id", "in", [ticket.company_id.id, False]),
                "|",
                ("team_ids", "=", False),
                ("team_ids", "in", ticket.team_id.ids),
            ],
            order="sequence, id",
            limit=1,
        )
        if not stage:
            raise UserError(
                self.env._(
                    "No ticket stage is marked as a third-party wait: mark one (Helpdesk > "
                    "Configuration > Stages, 'Third-Party Wait'), e.g. 'Waiting on vendor'."
                )
            )
        return stage

    def _msp_set_state(self, state):
        """Move these cases to ``state``, opening or closing their waiting periods."""
        now = fields.Datetime.now()
        leaving = self.filtered(lambda c: c.state == "waiting" and state != "waiting")
        entering = self.filtered(lambda c: c.state != "waiting" and state == "waiting")
        leaving.wait_ids.filtered(lambda w: not w.date_end).write({"date_end": now})
        self.env["msp.vendor.case.wait"].create(
            [{"case_id": case.id, "date_start": now} for case in entering]
        )
        self.write({"state": state})

    def action_wait_on_vendor(self):
        """The MSP waits for the vendor: the case waits, and its ticket moves to the
        third-party wait stage (the SLA ledger then says which vendor it waits for)."""
        for case in self.filtered(lambda c: c.state != "waiting"):
            ticket = case.ticket_id
            if ticket.closed:
                raise UserError(
                    self.env._(
                        "Ticket %(ticket)s is closed: reopen it before waiting on the vendor.",
                        ticket=ticket.display_name,
                    )
                )
            case._msp_set_state("waiting")
            if not ticket.stage_id.msp_sla_third_party_wait:
                case.stage_before_id = ticket.stage_id
                ticket.stage_id = case._msp_third_party_stage()
        return True

    def action_vendor_answered(self):
        """The vendor answered: the case is open again and, when no other case of the ticket
        waits, the ticket goes back to the stage it was in."""
        self._msp_stop_waiting("open")
        return True

    def action_resolve(self):
        self._msp_stop_waiting("resolved")
        return True

    def action_reopen(self):
        self.filtered(lambda c: c.state == "resolved")._msp_set_state("open")
        return True

    def _msp_stop_waiting(self, state):
        waiting = self.filtered(lambda c: c.state == "waiting")
        self._msp_set_state(state)
        for case in waiting:
            ticket = case.ticket_id
            still = ticket.msp_vendor_case_ids.filtered(lambda c: c.state == "waiting")
            if not still and ticket.stage_id.msp_sla_third_party_wait and case.stage_before_id:
                ticket.stage_id = case.stage_before_id

    def action_open_ticket(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "helpdesk.ticket",
            "res_id": self.ticket_id.id,
            "view_mode": "form",
        }


class MspVendorCaseWait(models.Model):
    """One period a vendor case waited on the vendor (wall-clock time)."""

    _name = "msp.vendor.case.wait"
    _description = "Vendor Case Waiting Period"
    _order = "date_start, id"

    case_id = fields.Many2one("msp.vendor.case", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="case_id.company_id", store=True)
    vendor_id = fields.Many2one(related="case_id.vendor_id", store=True)
    ticket_id = fields.Many2one(related="case_id.ticket_id", store=True)
    date_start = fields.Datetime(required=True, readonly=True)
    date_end = fields.Datetime(readonly=True)

    _end_after_start = models.Constraint(
        "CHECK(date_end IS NULL OR date_end >= date_start)",
        "A waiting period ends after it starts.",
    )

    def _hours_between(self, first, after):
        """Hours of this period within [first, after)."""
        self.ensure_one()
        start = max(self.date_start, first) if first else self.date_start
        end = min(self.date_end or after, after)
        return max((end - start).total_seconds() / 3600, 0.0)


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    msp_vendor_case_ids = fields.One2many(
        "msp.vendor.case", "ticket_id", string="Vendor Cases", groups=TECHNICIAN
    )

    def _msp_sla_pause_reason(self, stage=None):
        self.ensure_one()
        stage = self.stage_id if stage is None else stage
        if stage.msp_sla_third_party_wait:
            # sudo: the vendors' names go to the SLA ledger, whoever moved the ticket
            cases = self.sudo().msp_vendor_case_ids
            waited = cases.filtered(lambda c: c.state == "waiting") or cases.filtered(
                lambda c: c.state == "open"
            )
            if waited:
                return self.env._(
                    "waiting on vendor %(vendors)s",
                    vendors=", ".join(
                        f"{c.vendor_id.name} ({c.vendor_ref})" if c.vendor_ref else c.vendor_id.name
                        for c in waited
                    ),
                )
        return super()._msp_sla_pause_reason(stage)
