# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class HelpdeskTicketTeam(models.Model):
    _inherit = "helpdesk.ticket.team"

    msp_sla_policy_id = fields.Many2one(
        "msp.sla.policy",
        string="Default SLA Policy",
        check_company=True,
        help="Used for the team's tickets when neither a contract nor the customer gives one.",
    )

    msp_oncall_schedule_ids = fields.One2many(
        "msp.oncall.schedule", "team_id", string="On-Call Schedules"
    )
    msp_oncall_primary_id = fields.Many2one(
        "res.users", string="Primary On Call", compute="_compute_msp_oncall"
    )
    msp_oncall_secondary_id = fields.Many2one(
        "res.users", string="Secondary On Call", compute="_compute_msp_oncall"
    )
    msp_oncall_next_handover = fields.Datetime(
        string="Next Hand-over", compute="_compute_msp_oncall"
    )

    def _compute_msp_oncall(self):
        now = fields.Datetime.now()
        # sudo: who is on call is shown to the team's members, who read no schedule themselves
        schedules = self.env["msp.oncall.schedule"].sudo()._msp_for_teams(self)
        for team in self:
            schedule = schedules.get(team.id)
            if not schedule:
                team.msp_oncall_primary_id = team.msp_oncall_secondary_id = False
                team.msp_oncall_next_handover = False
                continue
            team.msp_oncall_primary_id = schedule._msp_oncall_at(now, "primary")
            team.msp_oncall_secondary_id = schedule._msp_oncall_at(now, "secondary")
            handovers = [
                schedule._msp_next_handover(now, layer) for layer in ("primary", "secondary")
            ]
            team.msp_oncall_next_handover = min(filter(None, handovers), default=False)
