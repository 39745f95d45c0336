# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

PAGE_TARGETS = [
    ("primary", "Primary on call"),
    ("secondary", "Secondary on call"),
    ("manager", "Team leader"),
    ("user", "A named user"),
]


class MspOncallEscalation(models.Model):
    """One step of a schedule's escalation policy: whom to page, and how long after the
    previous step (without an acknowledgement) this step runs. The first step runs at once
    (its delay counts from the incident's start)."""

    _name = "msp.oncall.escalation"
    _description = "On-Call Escalation Step"
    _order = "schedule_id, sequence, id"

    schedule_id = fields.Many2one(
        "msp.oncall.schedule", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="schedule_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    delay_minutes = fields.Integer(
        string="After (min)",
        default=0,
        help="Minutes without an acknowledgement after the previous step (after the start "
        "for the first step) before this step pages.",
    )
    target = fields.Selection(PAGE_TARGETS, string="Page", required=True, default="primary")
    user_id = fields.Many2one(
        "res.users",
        string="User",
        domain=[("share", "=", False)],
        help="For 'A named user' (or instead of the team leader when the team has none).",
    )

    _delay_positive = models.Constraint(
        "CHECK(delay_minutes >= 0)",
        "After (min) of an escalation step cannot be negative: enter 0 to page at once.",
    )

    @api.constrains("target", "user_id")
    def _check_user(self):
        for step in self:
            if step.target == "user" and not step.user_id:
                raise ValidationError(
                    self.env._(
                        "Escalation step %(seq)s of %(schedule)s pages a named user: choose the "
                        "User.",
                        seq=step.sequence,
                        schedule=step.schedule_id.name,
                    )
                )

    def _msp_recipient(self, at):
        """The user this step pages at ``at``, or an empty recordset."""
        self.ensure_one()
        if self.target in ("primary", "secondary"):
            return self.schedule_id._msp_oncall_at(at, self.target)
        if self.target == "manager":
            return self.schedule_id.team_id.user_id or self.user_id
        return self.user_id
