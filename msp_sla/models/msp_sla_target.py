# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

TARGET_KINDS = [
    ("response", "First Response"),
    ("plan", "Plan / Workaround"),
    ("resolution", "Resolution"),
]
COUNTINGS = [("business", "Business Hours"), ("always", "Round the Clock (24x7)")]
# The longest target: ten years of minutes (far below the integer column's 2^31 limit).
MAX_DURATION_MINUTES = 10 * 365 * 24 * 60


def priority_selection(model):
    """The ticket priorities, as helpdesk_mgmt (or a module extending it) defines them."""
    return model.env["helpdesk.ticket"]._fields["priority"].selection


class MspSlaTarget(models.Model):
    _name = "msp.sla.target"
    _inherit = ["msp.sla.config.cache.mixin"]
    _description = "SLA Target"
    _order = "policy_id, priority desc, kind"

    policy_id = fields.Many2one("msp.sla.policy", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="policy_id.company_id", store=True)
    priority = fields.Selection(priority_selection, required=True, default="1")
    kind = fields.Selection(TARGET_KINDS, required=True, default="response")
    duration_minutes = fields.Integer(
        string="Target (minutes)",
        required=True,
        default=240,
        help="Time allowed, in minutes: 15 and 30-minute targets are fine.",
    )
    duration_display = fields.Char(string="Target", compute="_compute_duration_display")
    counting = fields.Selection(
        COUNTINGS,
        required=True,
        default="business",
        help="Business Hours counts only the policy calendar's working time (leaves excluded); "
        "Round the Clock counts every minute.",
    )

    _duration_positive = models.Constraint(
        "CHECK(duration_minutes > 0)",
        "An SLA target must be a positive number of minutes.",
    )
    _one_target_per_kind = models.Constraint(
        "UNIQUE(policy_id, priority, kind)",
        "A policy can have only one target of each kind for a priority: edit the existing one.",
    )

    @api.depends("duration_minutes")
    def _compute_duration_display(self):
        for target in self:
            hours, minutes = divmod(target.duration_minutes or 0, 60)
            target.duration_display = (
                f"{hours}h {minutes:02d}m"
                if hours and minutes
                else f"{hours}h"
                if hours
                else f"{minutes}m"
            )

    @api.depends("policy_id", "priority", "kind")
    def _compute_display_name(self):
        priorities = dict(priority_selection(self))
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for target in self:
            priority, kind = priorities.get(target.priority), kinds.get(target.kind)
            target.display_name = f"{target.policy_id.name}: {priority} / {kind}"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_duration_value(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_duration_value(vals)
        return super().write(vals)

    @api.model
    def _check_duration_value(self, vals):
        """Refuse a target of 0 or fewer minutes, or of more than ten years, before SQL does
        (its CHECK constraint or the integer column's range would raise a raw database error
        in server code, and @api.constrains runs after the insert)."""
        if "duration_minutes" not in vals:
            return
        minutes = vals["duration_minutes"]
        try:
            whole = int(float(minutes or 0))  # what the Integer field would store
        except OverflowError:  # infinity
            whole = MAX_DURATION_MINUTES + 1
        except (TypeError, ValueError):
            whole = 0
        if whole > MAX_DURATION_MINUTES:
            raise ValidationError(
                self.env._(
                    "Target (minutes) of an SLA target must be at most %(max)s minutes (ten "
                    "years), not %(value)s.",
                    max=MAX_DURATION_MINUTES,
                    value=minutes,
                )
            )
        if whole <= 0:
            raise ValidationError(
                self.env._(
                    "Target (minutes) of an SLA target must be a positive number of minutes "
                    "(for example 240 for four hours), not %(value)s.",
                    value=minutes,
                )
            )

    @api.constrains("counting", "policy_id")
    def _check_calendar_has_hours(self):
        self.policy_id._check_business_hours()
