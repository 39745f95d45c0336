# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import namedtuple
from types import MappingProxyType

from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError

# What the engine needs of a policy, cached per policy (see _msp_sla_config).
# targets: {(priority, kind): TargetConfig}
PolicyConfig = namedtuple(
    "PolicyConfig",
    "policy_id calendar_id at_risk_threshold pause_stage_ids pause_on_third_party targets",
)
TargetConfig = namedtuple("TargetConfig", "target_id priority kind duration_minutes counting")


class MspSlaPolicy(models.Model):
    _name = "msp.sla.policy"
    _description = "SLA Policy"
    _inherit = ["mail.thread", "mail.activity.mixin", "msp.sla.config.cache.mixin"]
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    description = fields.Html(help="What this service level promises, in the customer's words.")
    company_id = fields.Many2one(
        "res.company", default=lambda self: self.env.company, index=True, tracking=True
    )
    calendar_id = fields.Many2one(
        "resource.calendar",
        string="Business Hours",
        required=True,
        check_company=True,
        tracking=True,
        default=lambda self: self.env.company.resource_calendar_id,
        help="Working hours, time zone and leaves (public holidays) that business-hour "
        "targets are counted in.",
    )
    tz = fields.Selection(related="calendar_id.tz", string="Time Zone")
    target_ids = fields.One2many("msp.sla.target", "policy_id", string="Targets", copy=True)
    pause_stage_ids = fields.Many2many(
        "helpdesk.ticket.stage",
        "msp_sla_policy_pause_stage_rel",
        "policy_id",
        "stage_id",
        string="Pause Stages",
        help="While a ticket is in one of these stages (e.g. Waiting for customer) its clocks "
        "are paused; the paused time extends the deadline.",
    )
    pause_on_third_party = fields.Boolean(
        string="Pause Resolution on Third-Party Wait",
        tracking=True,
        help="While a ticket is in a stage marked as a third-party wait (e.g. Waiting on "
        "vendor), its resolution clock is paused: the contract excludes delays of the "
        "customer's other suppliers. The response and plan clocks keep running. The SLA "
        "ledger says whom the ticket waited for.",
    )
    at_risk_threshold = fields.Integer(
        string="At Risk at (%)",
        default=75,
        tracking=True,
        help="A clock is at risk once this share of its target has elapsed.",
    )
    escalation_ids = fields.One2many(
        "msp.sla.escalation", "policy_id", string="Escalation Rules", copy=True
    )
    ticket_count = fields.Integer(compute="_compute_ticket_count")

    _at_risk_threshold_range = models.Constraint(
        "CHECK(at_risk_threshold BETWEEN 1 AND 99)",
        "The at-risk threshold is a percentage of the target: give a value from 1 to 99.",
    )

    def _compute_ticket_count(self):
        counts = dict(
            self.env["helpdesk.ticket"]._read_group(
                [("msp_sla_policy_id", "in", self.ids)], ["msp_sla_policy_id"], ["__count"]
            )
        )
        for policy in self:
            policy.ticket_count = counts.get(policy, 0)

    @api.constrains("calendar_id", "target_ids")
    def _check_business_hours(self):
        for policy in self:
            if policy.calendar_id._msp_sla_has_work_time():
                continue
            if any(t.counting == "business" for t in policy.target_ids):
                raise ValidationError(
                    self.env._(
                        "Policy %(policy)s counts targets in business hours, but its calendar "
                        "%(calendar)s has no working hours. Give the calendar working hours, "
                        "or count those targets round the clock.",
                        policy=policy.name,
                        calendar=policy.calendar_id.name,
                    )
                )

    @api.model
    @tools.ormcache("policy_id")
    def _msp_sla_config(self, policy_id):
        """The policy as the engine reads it, cached: ticket creation and stage changes then
        cost no query for configuration. Any change to a policy or target clears the cache."""
        # sudo: configuration the engine reads on behalf of any user touching a ticket.
        policy = self.browse(policy_id).sudo()
        targets = {
            (t.priority, t.kind): TargetConfig(
                t.id, t.priority, t.kind, t.duration_minutes, t.counting
            )
            for t in policy.target_ids
        }
        return PolicyConfig(
            policy.id,
            policy.calendar_id.id,
            policy.at_risk_threshold,
            frozenset(policy.pause_stage_ids.ids),
            policy.pause_on_third_party,
            MappingProxyType(targets),
        )

    def action_view_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "helpdesk_mgmt.helpdesk_ticket_action"
        )
        action["domain"] = [("msp_sla_policy_id", "=", self.id)]
        action["context"] = {"default_msp_sla_policy_id": self.id}
        return action
