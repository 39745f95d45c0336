# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .msp_sla_target import TARGET_KINDS, priority_selection


class MspSlaEscalation(models.Model):
    """What happens when a clock of the policy turns at risk or breaches.

    Each rule runs once per clock: the scheduled scan runs the rules of a trigger at the
    moment it moves the clock into that state, and the ledger's unique index on
    (clock, rule) refuses a second run.
    """

    _name = "msp.sla.escalation"
    _description = "SLA Escalation Rule"
    _order = "policy_id, trigger, sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(string="Level", default=10)
    active = fields.Boolean(default=True)
    policy_id = fields.Many2one("msp.sla.policy", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="policy_id.company_id", store=True)
    trigger = fields.Selection(
        [("at_risk", "At Risk"), ("breached", "Breached")], required=True, default="at_risk"
    )
    target_kind = fields.Selection(
        TARGET_KINDS, string="For Target", help="Leave empty to escalate every kind of target."
    )
    action = fields.Selection(
        [
            ("activity", "Schedule an activity"),
            ("email", "Email a group or the followers"),
            ("priority", "Raise the priority"),
        ],
        required=True,
        default="activity",
    )
    activity_user_id = fields.Many2one(
        "res.users",
        string="Assign To",
        domain=[("share", "=", False)],
        help="Leave empty to assign the activity to the team leader, or else the ticket's "
        "assignee.",
    )
    activity_summary = fields.Char(string="Activity Summary")
    notify_group_id = fields.Many2one(
        "res.groups",
        string="Notify Group",
        help="Leave empty to notify the ticket's followers (internal note subtype).",
    )
    new_priority = fields.Selection(priority_selection, string="Raise Priority To")

    @api.constrains("action", "new_priority")
    def _check_action_settings(self):
        for rule in self:
            if rule.action == "priority" and not rule.new_priority:
                raise ValidationError(
                    self.env._(
                        "Escalation rule %(rule)s raises the priority: choose the priority to "
                        "raise it to.",
                        rule=rule.name,
                    )
                )
