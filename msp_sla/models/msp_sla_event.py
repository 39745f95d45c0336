# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

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
    ("page", "Paged On Call"),
    ("page_ack", "Page Acknowledged"),
]


class MspSlaEvent(models.Model):
    """The SLA ledger of a ticket: append-only and tamper-evident.

    Lines are written by the SLA engine only (as superuser, after the business checks of the
    action that caused them). Nobody changes or deletes one, superuser included: a correction
    is a new line that names the line it corrects (``corrects_id``). Each line is sealed by a
    hash chained to the previous line of its company (msp.ledger.hash.mixin).
    """

    _name = "msp.sla.event"
    _inherit = ["msp.ledger.hash.mixin"]
    _description = "SLA Ledger Line"
    _order = "date desc, id desc"
    _rec_name = "event_type"
    _msp_ledger_hashed_fields = (
        "company_id",
        "ticket_id",
        "clock_id",
        "policy_id",
        "event_type",
        "date",
        "user_id",
        "escalation_id",
        "details",
        "corrects_id",
    )
    _msp_ledger_manager_group = "msp_sla.msp_sla_group_manager"

    # restrict: the ledger keeps what it points to (tickets are archived, not deleted)
    ticket_id = fields.Many2one("helpdesk.ticket", required=True, ondelete="restrict", index=True)
    clock_id = fields.Many2one("msp.sla.clock", ondelete="restrict", index="btree_not_null")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    policy_id = fields.Many2one("msp.sla.policy", ondelete="restrict")
    kind = fields.Selection(related="clock_id.kind", string="Target Kind")
    event_type = fields.Selection(EVENT_TYPES, required=True, readonly=True)
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now, index=True)
    user_id = fields.Many2one(
        "res.users",
        string="By",
        readonly=True,
        ondelete="restrict",
        default=lambda self: self.env.user,
    )
    escalation_id = fields.Many2one("msp.sla.escalation", ondelete="restrict", readonly=True)
    details = fields.Char(readonly=True)
    corrects_id = fields.Many2one(
        "msp.sla.event",
        string="Corrects",
        readonly=True,
        ondelete="restrict",
        index="btree_not_null",
        help="The earlier line this line corrects; the ledger is never rewritten.",
    )

    _escalation_once = models.UniqueIndex(
        "(clock_id, escalation_id) WHERE escalation_id IS NOT NULL",
        "An escalation rule runs only once per clock.",
    )

    def _msp_ledger_describe(self):
        self.ensure_one()
        return self.env._(
            "%(event)s on ticket %(ticket)s",
            event=dict(self._fields["event_type"]._description_selection(self.env))[
                self.event_type
            ],
            ticket=self.ticket_id.display_name,
        )

    @api.model
    def _msp_sla_log(self, vals_list):
        """Append lines to the ledger in one create. Internal: the engine's only writer."""
        if not vals_list:
            return self
        # sudo: the ledger has no create right for users; the engine writes it on their behalf
        # after the action that caused the line was allowed, and user_id records who it was.
        user = self.env.user.id
        return self.sudo().create([{"user_id": user, **vals} for vals in vals_list])
