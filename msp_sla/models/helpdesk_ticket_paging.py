# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class HelpdeskTicket(models.Model):
    """Paging of urgent tickets: a new ticket at the paging priority of its team's on-call
    schedule (P1 by default), whatever created it, pages the person on call; closing it
    stops the paging. Alert intake pages tickets of other severities through
    ``_msp_page_start``."""

    _inherit = "helpdesk.ticket"

    msp_page_incident_ids = fields.One2many(
        "msp.page.incident", "ticket_id", string="Paging Incidents"
    )
    msp_page_incident_id = fields.Many2one(
        "msp.page.incident", string="Paging", compute="_compute_msp_page_incident_id"
    )
    msp_page_state = fields.Selection(
        [("triggered", "Triggered"), ("acknowledged", "Acknowledged")],
        string="Paging State",
        compute="_compute_msp_page_incident_id",
    )
    msp_page_can_acknowledge = fields.Boolean(compute="_compute_msp_page_incident_id")

    @api.depends("msp_page_incident_ids.state", "msp_page_incident_ids.page_ids.user_id")
    @api.depends_context("uid")
    def _compute_msp_page_incident_id(self):
        for ticket in self:
            live = ticket.msp_page_incident_ids.filtered(lambda i: i.state != "resolved")[:1]
            ticket.msp_page_incident_id = live
            ticket.msp_page_state = live.state
            ticket.msp_page_can_acknowledge = live.can_acknowledge

    @api.model_create_multi
    def create(self, vals_list):
        tickets = super().create(vals_list)
        tickets._msp_page_autostart()
        return tickets

    def write(self, vals):
        result = super().write(vals)
        if "priority" in vals or "team_id" in vals:
            self.filtered(lambda t: not t.closed)._msp_page_autostart()
        if "stage_id" in vals:
            # sudo: paging stops with the ticket, whoever closed it
            self.filtered("closed").sudo().msp_page_incident_ids._msp_resolve()
        return result

    def _msp_page_schedules(self):
        """{ticket id: the active on-call schedule of its team} for these tickets."""
        # sudo: the schedule is configuration the engine reads for whoever created the ticket
        schedules = self.env["msp.oncall.schedule"].sudo()._msp_for_teams(self.team_id)
        return {
            ticket.id: schedules[ticket.team_id.id]
            for ticket in self
            if ticket.team_id.id in schedules
        }

    def _msp_page_autostart(self):
        """Page the open tickets of these at their schedule's paging priority or above."""
        # no schedule pages below its lowest choice: most tickets need no schedule lookup
        lowest = min(
            key
            for key, _label in self.env["msp.oncall.schedule"]._fields["page_priority"].selection
        )
        candidates = self.filtered(
            lambda t: t.id and not t.closed and (t.priority or "0") >= lowest
        )
        if not candidates:
            return
        schedules = candidates._msp_page_schedules()
        urgent = candidates.filtered(
            lambda t: t.id in schedules and (t.priority or "0") >= schedules[t.id].page_priority
        )
        if urgent:
            urgent._msp_page_start(schedules)

    def _msp_page_start(self, schedules=None):
        """Start paging the people on call for these tickets (those of a team with an on-call
        schedule and no live incident). The hook for alert intake: an alert of a severity
        that must wake someone calls it on its ticket. Returns the new incidents."""
        schedules = schedules if schedules is not None else self._msp_page_schedules()
        tickets = self.filtered(lambda t: t.id in schedules)
        return self.env["msp.page.incident"]._msp_start(tickets, schedules)

    def action_msp_page_acknowledge(self):
        """The ticket's Acknowledge button: acknowledge its live incident."""
        self.ensure_one()
        self.msp_page_incident_id.action_acknowledge()
        return True
