# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError

EVENT_TYPES = [
    ("start", "Started"),
    ("no_policy", "No Policy"),
    ("pause", "Paused"),
    ("resume", "Resumed"),
    ("priority", "Priority Changed"),
    ("policy", "Policy Changed"),
    ("retarget", "Re-targeted"),
    ("at_risk", "At Risk"),
    ("escalation", "Escalated"),
    ("met", "Met"),
    ("breach", "Breached"),
    ("reopen", "Reopened"),
    ("cancel", "Cancelled"),
    ("no_deadline", "Deadline Not Planned"),
]


class MspSlaEvent(models.Model):
    """The SLA ledger of a ticket: append-only.

    Lines are written by the SLA engine only (as superuser, after the business checks of the
    action that caused them). Nobody but a system administrator may change or delete one, and
    no re-computation rewrites them.
    """

    _name = "msp.sla.event"
    _description = "SLA Ledger Line"
    _order = "date desc, id desc"
    _rec_name = "event_type"

    ticket_id = fields.Many2one("helpdesk.ticket", required=True, ondelete="cascade", index=True)
    clock_id = fields.Many2one("msp.sla.clock", ondelete="cascade", index="btree_not_null")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    policy_id = fields.Many2one("msp.sla.policy", ondelete="set null")
    kind = fields.Selection(related="clock_id.kind", string="Target Kind")
    event_type = fields.Selection(EVENT_TYPES, required=True, readonly=True)
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now, index=True)
    user_id = fields.Many2one(
        "res.users", string="By", readonly=True, default=lambda self: self.env.user
    )
    escalation_id = fields.Many2one("msp.sla.escalation", ondelete="set null", readonly=True)
    details = fields.Char(readonly=True)

    _escalation_once = models.UniqueIndex(
        "(clock_id, escalation_id) WHERE escalation_id IS NOT NULL",
        "An escalation rule runs only once per clock.",
    )

    def _check_ledger_admin(self):
        if not self.env.is_superuser() and not self.env.user.has_group("base.group_system"):
            raise AccessError(
                self.env._(
                    "The SLA ledger is append-only: only a system administrator can change or "
                    "delete its lines."
                )
            )

    def write(self, vals):
        self._check_ledger_admin()
        return super().write(vals)

    def unlink(self):
        self._check_ledger_admin()
        return super().unlink()

    @api.model
    def _msp_sla_log(self, vals_list):
        """Append lines to the ledger in one create. Internal: the engine's only writer."""
        if not vals_list:
            return self
        # sudo: the ledger has no create right for users; the engine writes it on their behalf
        # after the action that caused the line was allowed, and user_id records who it was.
        user = self.env.user.id
        return self.sudo().create([{"user_id": user, **vals} for vals in vals_list])
