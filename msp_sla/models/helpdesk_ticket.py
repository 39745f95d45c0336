# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import math
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_datetime, groupby

SLA_STATUSES = [
    ("none", "No SLA"),
    ("on_track", "On Track"),
    ("at_risk", "At Risk"),
    ("breached", "Breached"),
    ("met", "Met"),
    ("paused", "Paused"),
    ("no_deadline", "No Deadline"),
]
# Ticket fields whose change can change the policy that applies.
POLICY_INPUTS = ("partner_id", "commercial_partner_id", "team_id", "company_id")
# The largest id PostgreSQL's integer columns hold.
MAX_ID = 2**31 - 1
TEXT_TYPES = ("char", "text", "html")
# The absolute deadline next to the time left: weekday, day, month, time (babel pattern).
DEADLINE_FORMAT = "EEE d MMM HH:mm"
# The kinds of clock a ticket runs, in the order they start.
PAUSABLE_KINDS = ("response", "plan", "resolution")


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    msp_sla_policy_id = fields.Many2one(
        "msp.sla.policy",
        string="SLA Policy",
        index="btree_not_null",
        tracking=True,
        copy=False,
        check_company=True,
        help="Chosen when the ticket is created (contract, then customer, then team) and when "
        "its customer or team changes. Changing it re-targets the clocks and keeps the time "
        "already counted.",
    )
    msp_sla_clock_ids = fields.One2many("msp.sla.clock", "ticket_id", string="SLA Clocks")
    msp_sla_event_ids = fields.One2many("msp.sla.event", "ticket_id", string="SLA Ledger")
    msp_sla_deadline = fields.Datetime(
        string="SLA Deadline",
        compute="_compute_msp_sla_status",
        store=True,
        index="btree_not_null",
        help="The next deadline among the running clocks.",
    )
    msp_sla_due_at = fields.Datetime(
        string="SLA Due",
        compute="_compute_msp_sla_status",
        store=True,
        index="btree_not_null",
        help="When the most urgent open target is or was due: the next deadline of the running "
        "clocks, or the deadline a breached clock still counting has passed. The technician's "
        "queue is sorted on it (breached first, then the nearest deadline, paused last).",
    )
    msp_sla_status = fields.Selection(
        SLA_STATUSES,
        string="SLA Status",
        compute="_compute_msp_sla_status",
        store=True,
        index=True,
    )

    msp_sla_has_plan_clock = fields.Boolean(compute="_compute_msp_sla_has_plan_clock")
    msp_sla_time_left = fields.Char(
        string="SLA Time Left",
        compute="_compute_msp_sla_time_left",
        help="Business time left before the next SLA deadline (or past it, when overdue), "
        "counted in the SLA calendar's working hours like the SLA engine counts, then the "
        "deadline in your time zone. 'paused' while the clock waits.",
    )

    @api.depends("msp_sla_clock_ids.kind", "msp_sla_clock_ids.state")
    def _compute_msp_sla_has_plan_clock(self):
        for ticket in self:
            ticket.msp_sla_has_plan_clock = any(
                c.kind == "plan" and c.state in ("running", "paused")
                for c in ticket.msp_sla_clock_ids
            )

    @api.depends(
        "msp_sla_clock_ids.state",
        "msp_sla_clock_ids.deadline",
        "msp_sla_clock_ids.segment_start",
        "msp_sla_clock_ids.consumed_minutes",
        "msp_sla_clock_ids.reached_at",
    )
    @api.depends_context("uid", "tz", "lang")
    def _compute_msp_sla_time_left(self):
        """The most urgent open clock of each ticket: its business minutes left (negative:
        overdue), from the SLA engine's own counting (the clock's consumed minutes plus its
        running segment on the calendar's cached working windows: no query per ticket)."""
        now = fields.Datetime.now()
        # sudo: a customer and a technician read their ticket's clocks through the ticket
        clocks = self.sudo().msp_sla_clock_ids.filtered(
            lambda c: c.state in ("running", "paused", "breached") and not c.reached_at
        )
        by_ticket, left = {}, {}
        for clock in clocks:
            by_ticket.setdefault(clock.ticket_id.id, []).append(clock)
            if clock.segment_start and (clock.state == "breached" or clock.deadline):
                left[clock] = clock.target_minutes - clock._close_segment(now)
        for ticket in self:
            open_clocks = by_ticket.get(ticket.id, [])
            urgent = min((c for c in open_clocks if c in left), key=lambda c: left[c], default=None)
            if urgent is not None:
                ticket.msp_sla_time_left = ticket._msp_sla_time_left_label(
                    left[urgent], urgent.deadline or urgent.breached_at
                )
            elif any(c.paused_since for c in open_clocks):
                ticket.msp_sla_time_left = self.env._("paused")
            else:
                # no clock, all met, or running without a deadline (the status says so)
                ticket.msp_sla_time_left = False

    def _msp_sla_time_left_label(self, minutes, deadline):
        """'2 h 15 min left · Tue 1 Dec 14:30' or 'overdue by 40 min · Tue 1 Dec 13:50'."""
        if minutes >= 0:
            text = self.env._(
                "%(time)s left", time=self._msp_sla_hours_minutes(math.floor(minutes))
            )
        else:
            text = self.env._(
                "overdue by %(time)s", time=self._msp_sla_hours_minutes(max(math.ceil(-minutes), 1))
            )
        if deadline:
            text = f"{text} · {format_datetime(self.env, deadline, dt_format=DEADLINE_FORMAT)}"
        return text

    @api.model
    def _msp_sla_hours_minutes(self, minutes):
        hours, rest = divmod(int(minutes), 60)
        if not hours:
            return self.env._("%(minutes)s min", minutes=rest)
        return self.env._("%(hours)s h %(minutes)s min", hours=hours, minutes=rest)

    @api.depends(
        "msp_sla_clock_ids.state",
        "msp_sla_clock_ids.deadline",
        "msp_sla_clock_ids.at_risk_since",
        "msp_sla_clock_ids.breached_at",
        "msp_sla_clock_ids.reached_at",
        "msp_sla_clock_ids.segment_start",
    )
    def _compute_msp_sla_status(self):
        for ticket in self:
            clocks = ticket.msp_sla_clock_ids.filtered(lambda c: c.state != "cancelled")
            states = set(clocks.mapped("state"))
            running = clocks.filtered(lambda c: c.state == "running")
            ticket.msp_sla_deadline = min(filter(None, running.mapped("deadline")), default=False)
            overdue = clocks.filtered(
                lambda c: c.state == "breached" and c.segment_start and not c.reached_at
            )
            ticket.msp_sla_due_at = min(
                filter(None, [ticket.msp_sla_deadline, *overdue.mapped("breached_at")]),
                default=False,
            )
            if not clocks:
                ticket.msp_sla_status = "none"
            elif "breached" in states:
                ticket.msp_sla_status = "breached"
            elif running.filtered(lambda c: not c.deadline):
                # its calendar had no working time left: it would never breach, never say so
                ticket.msp_sla_status = "no_deadline"
            elif running.filtered("at_risk_since"):
                ticket.msp_sla_status = "at_risk"
            elif running:
                ticket.msp_sla_status = "on_track"
            elif "paused" in states:
                ticket.msp_sla_status = "paused"
            else:
                ticket.msp_sla_status = "met"

    # ------------------------------------------------------------------
    # Which policy applies
    # ------------------------------------------------------------------

    def _msp_sla_select_policy(self):
        """The SLA policy of each ticket: {ticket id: msp.sla.policy (maybe empty)}.

        The one place the choice is made; modules plug in by overriding it. Here: the
        customer's default policy (on its commercial entity), else the team's. A policy of
        another company than the ticket's is never chosen.
        """
        result = {}
        for ticket in self:
            customer = ticket.commercial_partner_id
            if ticket.company_id != self.env.company:
                customer = customer.with_company(ticket.company_id)
            policy = customer.msp_sla_policy_id or ticket.team_id.msp_sla_policy_id
            if policy.company_id and policy.company_id != ticket.company_id:
                policy = self.env["msp.sla.policy"]
            result[ticket.id] = policy
        return result

    # ------------------------------------------------------------------
    # Lifecycle
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        self._msp_check_values(vals_list, creating=True)
        tickets = super().create(vals_list)
        tickets._msp_sla_start()
        return tickets

    @api.model
    def _msp_check_values(self, vals_list, creating=False):
        """Refuse values of the wrong type before anything is written (docs/api.md, section
        2): a many2one that is not the id of an existing record, a selection value not in its
        list, text that is not text or holds a NUL character, a required text missing. Odoo's
        ORM sends such values on to PostgreSQL or to the modules' create (helpdesk_mgmt reads
        the team first), which fail with a database error or a TypeError that names nothing."""
        missing = {}
        for vals in vals_list:
            for name, value in vals.items():
                field = self._fields.get(name)
                if field is None:
                    continue  # Odoo's ORM refuses an unknown field itself
                if field.type == "many2one":
                    # None, false or 0 is empty; an empty list, text or object is not (Odoo's
                    # ORM would read it as the values of a new record)
                    empty = value is None or (isinstance(value, int) and value == 0)
                    if not (empty or isinstance(value, models.BaseModel)):
                        self._msp_check_id(field, value)
                        missing.setdefault(field, set()).add(value)
                elif field.type == "selection":
                    self._msp_check_selection(field, value)
                elif field.type in TEXT_TYPES:
                    self._msp_check_text(field, value)
            if creating:
                for field in self._msp_required_texts():
                    if field.name not in vals and f"default_{field.name}" not in self.env.context:
                        self._msp_check_text(field, None)
        for field, ids in missing.items():
            # sudo: whether the ids exist; reading them stays under the caller's rights
            found = set(self.env[field.comodel_name].sudo().browse(ids).exists().ids)
            if ids - found:
                raise ValidationError(
                    self.env._(
                        "Ticket: %(field)s (%(name)s) %(ids)s does not exist: give the id of "
                        "an existing record (%(model)s) or false.",
                        field=field.string,
                        name=field.name,
                        ids=", ".join(str(i) for i in sorted(ids - found)),
                        model=field.comodel_name,
                    )
                )

    def _msp_required_texts(self):
        return [
            field
            for field in self._fields.values()
            if field.type in TEXT_TYPES and field.required and field.store and not field.default
        ]

    @api.model
    def _msp_value_error(self, field, value, expected):
        shown = repr(value)
        raise ValidationError(
            self.env._(
                "Ticket: %(field)s (%(name)s) must be %(expected)s; got %(value)s.",
                field=field.string,
                name=field.name,
                expected=expected,
                value=shown if len(shown) <= 40 else f"{shown[:37]}...",
            )
        )

    @api.model
    def _msp_check_id(self, field, value):
        if not (isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID):
            self._msp_value_error(
                field,
                value,
                self.env._(
                    "the id of a record (%(model)s), a whole number, or false",
                    model=field.comodel_name,
                ),
            )

    @api.model
    def _msp_check_selection(self, field, value):
        allowed = field.get_values(self.env)
        if value in (None, False, "") or (isinstance(value, str) and value in allowed):
            return
        self._msp_value_error(
            field,
            value,
            self.env._("one of %(values)s (text)", values=", ".join(map(repr, allowed))),
        )

    @api.model
    def _msp_check_text(self, field, value):
        if value in (None, False):
            if field.required:
                raise ValidationError(
                    self.env._(
                        "Ticket: %(field)s (%(name)s) is required: give it as text.",
                        field=field.string,
                        name=field.name,
                    )
                )
            return
        if not isinstance(value, str):
            self._msp_value_error(field, value, self.env._("text"))
        if "\x00" in value:
            self._msp_value_error(field, value, self.env._("text without NUL characters"))

    @api.ondelete(at_uninstall=False)
    def _unlink_except_ledger_lines(self):
        kept = self._msp_tickets_with_ledger_lines()
        if kept:
            raise UserError(
                self.env._(
                    "These tickets have lines in a ledger (SLA events, contract hours), which "
                    "is kept for audit: archive them instead of deleting them (Actions > "
                    "Archive). %(tickets)s",
                    tickets=", ".join(kept.mapped("display_name")),
                )
            )

    def _msp_tickets_with_ledger_lines(self):
        """The tickets of ``self`` that ledger lines point to (they are archived, never
        deleted); modules with a ledger add theirs."""
        # sudo: whether lines exist, not what they say
        groups = (
            self.env["msp.sla.event"]
            .sudo()
            ._read_group([("ticket_id", "in", self.ids)], ["ticket_id"])
        )
        return self.browse([ticket.id for (ticket,) in groups])

    def _msp_sla_policy_inputs(self):
        """Ticket fields whose change can change the policy that applies; modules that add
        inputs to _msp_sla_select_policy add them here."""
        return POLICY_INPUTS

    def write(self, vals):
        if self.env.context.get("msp_sla_no_hook"):
            # the SLA engine's own writes (policy, status): values it computed, not input
            return super().write(vals)
        self._msp_check_values([vals])
        inputs = set(self._msp_sla_policy_inputs())
        if not ({"stage_id", "priority", "msp_sla_policy_id", *inputs} & vals.keys()):
            return super().write(vals)
        before = {t.id: (t.stage_id, t.priority, t.msp_sla_policy_id) for t in self}
        result = super().write(vals)
        if "msp_sla_policy_id" not in vals and inputs & vals.keys():
            self._msp_sla_apply_policies(self._msp_sla_select_policy())
        self._msp_sla_after_change(before)
        return result

    def _msp_sla_apply_policies(self, policies):
        """Store the selected policies, touching only the tickets whose policy changes."""
        changed = self.filtered(lambda t: policies[t.id] != t.msp_sla_policy_id)
        for policy, tickets in groupby(changed, key=lambda t: policies[t.id]):
            self.browse([t.id for t in tickets]).with_context(msp_sla_no_hook=True).write(
                {"msp_sla_policy_id": policy.id}
            )

    def _msp_sla_clocks(self):
        # sudo: users only read clocks; the engine moves them on their behalf, in reaction to
        # a change of the ticket they were allowed to make (and logs who made it).
        return self.msp_sla_clock_ids.sudo()

    def _msp_sla_config(self, policy=None):
        """The cached configuration of ``policy`` (default: the ticket's), or None."""
        policy = self.msp_sla_policy_id if policy is None else policy
        return self.env["msp.sla.policy"]._msp_sla_config(policy.id) if policy else None

    def _msp_sla_is_pause_stage(self, stage=None, policy=None):
        """Whether ``stage`` (default: the ticket's) pauses all the clocks of ``policy``."""
        self.ensure_one()
        stage = self.stage_id if stage is None else stage
        config = self._msp_sla_config(policy)
        return bool(config) and stage.id in config.pause_stage_ids

    def _msp_sla_paused_kinds(self, stage=None, policy=None):
        """The target kinds whose clocks ``stage`` (default: the ticket's) pauses under
        ``policy`` (default: the ticket's): all of them in a pause stage; the resolution in
        a third-party wait stage when the policy excludes third-party delays."""
        self.ensure_one()
        stage = self.stage_id if stage is None else stage
        if self._msp_sla_is_pause_stage(stage, policy):
            return frozenset(PAUSABLE_KINDS)
        config = self._msp_sla_config(policy)
        if config and config.pause_on_third_party and stage.msp_sla_third_party_wait:
            return frozenset(("resolution",))
        return frozenset()

    def _msp_sla_pause_reason(self, stage=None):
        """Why the ticket's clocks pause in ``stage`` (default: the ticket's), for the SLA
        ledger. Modules that know whom a third-party wait is for say so here."""
        self.ensure_one()
        stage = self.stage_id if stage is None else stage
        if stage.msp_sla_third_party_wait:
            return self.env._("waiting on a third party (stage %(stage)s)", stage=stage.name)
        return self.env._("stage %(stage)s", stage=stage.name)

    def _msp_sla_start(self):
        """Start the clocks of new tickets: one create for all clocks, one for the ledger."""
        now = fields.Datetime.now()
        self._msp_sla_apply_policies(self._msp_sla_select_policy())
        Clock = self.env["msp.sla.clock"].sudo()
        memo, clock_vals, events = {}, [], []
        for ticket in self:
            config = ticket._msp_sla_config()
            if not config:
                events.append(
                    ticket._msp_sla_ticket_event(
                        "no_policy", now, self.env._("No SLA policy matches: no clock runs.")
                    )
                )
                continue
            paused = ticket._msp_sla_paused_kinds()
            for kind in PAUSABLE_KINDS:
                target = config.targets.get((ticket.priority, kind))
                if target:
                    clock_vals.append(
                        Clock._prepare_start_values(
                            ticket, config, target, now, kind in paused, memo
                        )
                    )
        clocks = Clock.create(clock_vals)
        events += [clock._event("start", now) for clock in clocks]
        closed = clocks.filtered(lambda c: c.ticket_id.closed)
        events += closed._msp_reach(now)
        events += clocks._msp_flag_unplanned(now)
        self.env["msp.sla.event"]._msp_sla_log(events)

    def _msp_sla_after_change(self, before):
        """Apply what a write changed to the clocks: policy, priority, then stage."""
        now = fields.Datetime.now()
        memo, events = {}, []
        retarget, new_kinds = self.env["msp.sla.clock"].sudo(), self.browse()
        for ticket in self:
            old_stage, old_priority, old_policy = before[ticket.id]
            policy = ticket.msp_sla_policy_id
            if policy != old_policy or ticket.priority != old_priority:
                if policy != old_policy:
                    events.append(
                        ticket._msp_sla_ticket_event(
                            "policy", now, f"{old_policy.name or '-'} -> {policy.name or '-'}"
                        )
                    )
                if ticket.priority != old_priority:
                    events.append(
                        ticket._msp_sla_ticket_event(
                            "priority", now, f"{old_priority} -> {ticket.priority}"
                        )
                    )
                retarget |= ticket._msp_sla_clocks()
                new_kinds |= ticket
            was_paused = ticket._msp_sla_paused_kinds(old_stage, old_policy)
            is_paused = ticket._msp_sla_paused_kinds()
            clocks = ticket._msp_sla_clocks()
            if ticket.closed and not old_stage.closed:
                events += clocks._msp_reach(now, self.env._("ticket closed"))
            elif old_stage.closed and not ticket.closed:
                events += clocks.filtered(lambda c: c.kind == "resolution")._msp_reopen(
                    now, memo, "resolution" in is_paused
                )
            elif is_paused != was_paused:
                to_pause = clocks.filtered(
                    lambda c, new=is_paused, old=was_paused: (
                        c.kind in new - old and c.state in ("running", "breached")
                    )
                )
                if to_pause:
                    events += to_pause._msp_pause(now, ticket._msp_sla_pause_reason())
                events += clocks.filtered(
                    lambda c, new=is_paused, old=was_paused: c.kind in old - new
                )._msp_resume(now, memo)
        if retarget:
            events += retarget._msp_retarget(now, memo, self.env._("policy or priority"))
        events += new_kinds._msp_sla_add_missing_clocks(now, memo)
        events += self._msp_sla_clocks()._msp_flag_unplanned(now)
        self.env["msp.sla.event"]._msp_sla_log(events)

    def _msp_sla_add_missing_clocks(self, now, memo):
        """Clocks for target kinds the new policy or priority has and the ticket lacks."""
        Clock = self.env["msp.sla.clock"].sudo()
        vals_list = []
        for ticket in self.filtered(lambda t: t.msp_sla_policy_id and not t.closed):
            config = ticket._msp_sla_config()
            live = set(
                ticket._msp_sla_clocks().filtered(lambda c: c.state != "cancelled").mapped("kind")
            )
            paused = ticket._msp_sla_paused_kinds()
            for kind in PAUSABLE_KINDS:
                target = config.targets.get((ticket.priority, kind))
                if target and kind not in live:
                    vals_list.append(
                        Clock._prepare_start_values(
                            ticket, config, target, now, kind in paused, memo
                        )
                    )
        return [clock._event("start", now) for clock in Clock.create(vals_list)]

    def _msp_sla_ticket_event(self, event_type, date, details):
        self.ensure_one()
        return {
            "ticket_id": self.id,
            "company_id": self.company_id.id,
            "policy_id": self.msp_sla_policy_id.id,
            "event_type": event_type,
            "date": date,
            "details": details,
        }

    # ------------------------------------------------------------------
    # First response and plan
    # ------------------------------------------------------------------

    def _msp_sla_is_first_response(self, message):
        """A public reply written by an internal user, in the chatter or by email: not a
        note, not an automatic or template message (those are sent as notifications or
        auto-comments, or by OdooBot), not the customer's message, not a stage change."""
        if message.message_type not in ("comment", "email") or message.subtype_id.internal:
            return False
        if not message.subtype_id or message.subtype_id != self.env.ref("mail.mt_comment"):
            return False
        author = message.author_id
        if not author or author == self.env.ref("base.partner_root"):
            return False
        return any(not user.share for user in author.user_ids)

    def _message_post_after_hook(self, message, msg_values):
        result = super()._message_post_after_hook(message, msg_values)
        if len(self) == 1 and self._msp_sla_is_first_response(message):
            clocks = self._msp_sla_clocks().filtered(lambda c: c.kind == "response")
            events = clocks._msp_reach(
                message.date or fields.Datetime.now(), self.env._("public reply")
            )
            self.env["msp.sla.event"]._msp_sla_log(events)
        return result

    def action_msp_sla_plan_done(self):
        """The technician records that a plan or workaround was given to the customer."""
        now = fields.Datetime.now()
        clocks = self._msp_sla_clocks().filtered(lambda c: c.kind == "plan")
        self.env["msp.sla.event"]._msp_sla_log(clocks._msp_reach(now, self.env._("plan given")))
        return True

    # ------------------------------------------------------------------
    # Demo data
    # ------------------------------------------------------------------

    def _msp_sla_demo_rewind(self, minutes, reached_after=None):
        """Demo data only: pretend these tickets were opened ``minutes`` ago, then apply what
        is due now (at risk, breached). Moves their running clocks that were never paused,
        planning each deadline again from the new start in the clock's counting (business
        hours or round the clock). ``reached_after`` ({kind: minutes in the clock's counting})
        says when a target's event happened after the new start: that clock is reached then,
        met or breached as its budget says."""
        delta = timedelta(minutes=minutes)
        now = fields.Datetime.now()
        clocks = self._msp_sla_clocks().filtered(
            lambda c: c.state == "running" and not c.paused_minutes and not c.consumed_minutes
        )
        memo = {}
        for clock in clocks:
            start = clock.start_at - delta
            clock.write(
                {
                    "start_at": start,
                    "segment_start": start,
                    **clock._schedule_values(start, 0.0, memo),
                }
            )
        # sudo: the demo's start lines move with their clocks; the ledger is never rewritten,
        # so each gets a correcting line at the moved date (this runs at demo installation).
        self.env["msp.sla.event"]._msp_sla_log(
            [
                {
                    **event.clock_id._event(event.event_type, event.date - delta),
                    "details": self.env._("Demo data: opened %s minutes earlier", minutes),
                    "corrects_id": event.id,
                }
                # sudo: demo data only (the rewind runs at install): the clocks' own events
                for event in self.env["msp.sla.event"]
                .sudo()
                .search([("clock_id", "in", clocks.ids)])
            ]
        )
        breached = clocks.filtered(lambda c: c.deadline <= now)
        events = breached._msp_mark_breached()
        events += (clocks - breached).filtered(lambda c: c.risk_at <= now)._msp_mark_at_risk()
        for kind, after in (reached_after or {}).items():
            for clock in clocks.filtered(lambda c, k=kind: c.kind == k):
                [reached] = clock._plan(clock.start_at, [after], memo)
                events += clock._msp_reach(min(reached, now))
        self.env["msp.sla.event"]._msp_sla_log(events)
