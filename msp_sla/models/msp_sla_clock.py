# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.fields import Domain

from .msp_sla_target import COUNTINGS, TARGET_KINDS, priority_selection

_logger = logging.getLogger(__name__)

CLOCK_STATES = [
    ("running", "Running"),
    ("paused", "Paused"),
    ("met", "Met"),
    ("breached", "Breached"),
    ("cancelled", "Cancelled"),
]
# States whose time still counts or may count again: the ones a stage change can touch.
OPEN_STATES = ("running", "paused", "breached")


class MspSlaClock(models.Model):
    """One SLA target being measured on one ticket.

    Time is kept as closed segments plus the open one: ``consumed_minutes`` holds the minutes
    (business minutes, or wall-clock minutes for round-the-clock targets) of the segments
    already closed, and ``segment_start`` the start of the running one. Pausing closes the
    segment; resuming opens a new one and plans ``deadline`` for the budget that is left.
    So a pause extends the deadline by exactly the paused time, and a change of priority or
    policy keeps what was consumed. A breached clock keeps measuring (for response-time
    statistics) but stays breached.
    """

    _name = "msp.sla.clock"
    _description = "SLA Clock"
    _order = "deadline, id"
    _check_company_auto = True

    ticket_id = fields.Many2one("helpdesk.ticket", required=True, ondelete="cascade", index=True)
    # The ticket's company, set by the engine (a stored related field would cost an UPDATE
    # after every insert on the hot path of ticket creation).
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    policy_id = fields.Many2one("msp.sla.policy", required=True, ondelete="restrict", index=True)
    target_id = fields.Many2one("msp.sla.target", ondelete="set null")
    kind = fields.Selection(TARGET_KINDS, required=True, readonly=True)
    priority = fields.Selection(priority_selection, readonly=True)
    counting = fields.Selection(COUNTINGS, required=True, default="business")
    target_minutes = fields.Integer(required=True)
    state = fields.Selection(CLOCK_STATES, required=True, default="running", index=True)
    start_at = fields.Datetime(string="Started", required=True)
    segment_start = fields.Datetime(
        string="Counting Since", help="Start of the running segment; empty while stopped."
    )
    consumed_minutes = fields.Float(
        string="Consumed (min)", help="Minutes counted in the closed segments."
    )
    paused_since = fields.Datetime()
    paused_minutes = fields.Float(string="Paused (min)", help="Minutes spent paused, in total.")
    deadline = fields.Datetime(help="When the target is breached if the clock keeps running.")
    risk_at = fields.Datetime(string="At Risk From")
    at_risk_since = fields.Datetime()
    is_at_risk = fields.Boolean(compute="_compute_is_at_risk")
    reached_at = fields.Datetime(
        string="Reached", help="When the target's event happened (response, resolution)."
    )
    breached_at = fields.Datetime()
    escalation_due = fields.Boolean(
        help="Breached at a pause, before the scan saw it: the next scan runs the breach "
        "escalation rules."
    )
    unplanned_since = fields.Datetime(
        string="No Deadline Since",
        help="Running without a deadline since then: the policy's calendar has no working time "
        "left to plan one (no working hours, or leaves covering about a year). The ledger "
        "says so and the SLA scan lists the clock until a deadline is planned.",
    )

    _deadline_running_idx = models.Index("(deadline) WHERE state = 'running'")
    _risk_running_idx = models.Index("(risk_at) WHERE state = 'running' AND at_risk_since IS NULL")
    # the predicate as Odoo writes the scan's domain ("escalation_due" IS TRUE), to be used
    _escalation_due_scan_idx = models.Index("(id) WHERE escalation_due IS TRUE")
    _one_clock_per_kind = models.UniqueIndex(
        "(ticket_id, kind) WHERE state != 'cancelled'",
        "A ticket has only one live clock of each kind.",
    )

    @api.depends("at_risk_since", "state")
    def _compute_is_at_risk(self):
        for clock in self:
            clock.is_at_risk = bool(clock.at_risk_since) and clock.state == "running"

    @api.depends("ticket_id", "kind")
    def _compute_display_name(self):
        kinds = dict(TARGET_KINDS)
        for clock in self:
            clock.display_name = f"{clock.ticket_id.display_name}: {kinds.get(clock.kind)}"

    # ------------------------------------------------------------------
    # Time arithmetic (counting-aware), memoised per call
    # ------------------------------------------------------------------

    def _config(self):
        """The cached configuration of this clock's policy."""
        return self.env["msp.sla.policy"]._msp_sla_config(self.policy_id.id)

    def _calendar(self):
        return self.env["resource.calendar"].browse(self._config().calendar_id)

    def _elapsed(self, start, end):
        """Minutes between start and end in this clock's counting."""
        self.ensure_one()
        if not start or not end or end <= start:
            return 0.0
        if self.counting == "always":
            return (end - start).total_seconds() / 60
        return self._calendar()._msp_sla_business_minutes(start, end)

    def _plan(self, start, offsets, memo):
        """Datetimes reached after each offset (minutes) from start, in this clock's counting."""
        self.ensure_one()
        calendar = self._calendar()
        key = (self.counting, calendar.id, start, tuple(offsets))
        if key not in memo:
            if self.counting == "always":
                memo[key] = [start + timedelta(minutes=max(m, 0)) for m in offsets]
            else:
                memo[key] = calendar._msp_sla_add_minutes(start, offsets)
        return memo[key]

    def _schedule_values(self, segment_start, consumed, memo):
        """deadline and risk_at for a clock running from segment_start with consumed minutes."""
        self.ensure_one()
        remaining = self.target_minutes - consumed
        risk_left = self.target_minutes * (100 - self._config().at_risk_threshold) / 100
        deadline, risk_at = self._plan(
            segment_start, [max(remaining, 0), max(remaining - risk_left, 0)], memo
        )
        # A deadline planned again clears the mark of a clock that had none (a clock still
        # without one is marked again, with its ledger line, by _msp_flag_unplanned).
        return {"deadline": deadline, "risk_at": risk_at, "unplanned_since": False}

    def _msp_flag_unplanned(self, now):
        """Mark the running clocks among these that have no deadline (their calendar had no
        working time left to plan one) and return their ledger lines; a clock already marked
        is left alone, so each planning that failed is said once."""
        unplanned = self.filtered(
            lambda c: c.state == "running" and not c.deadline and not c.unplanned_since
        )
        if not unplanned:
            return []
        unplanned.write({"unplanned_since": now})
        return [
            clock._event(
                "no_deadline",
                now,
                self.env._(
                    "No deadline could be planned: calendar %(calendar)s has no working time "
                    "left for the %(minutes)s minutes of this target.",
                    # sudo: the calendar's name, whoever's action planned the clock
                    calendar=clock._calendar().sudo().display_name,
                    minutes=clock.target_minutes - round(clock.consumed_minutes),
                ),
            )
            for clock in unplanned
        ]

    # ------------------------------------------------------------------
    # Transitions. Each works on a batch, writes each clock once and returns ledger lines.
    # ------------------------------------------------------------------

    @api.model
    def _prepare_start_values(self, ticket, config, target, now, paused, memo):
        """Values of a new clock for ``ticket`` measuring ``target`` (a TargetConfig of the
        policy ``config``) from ``now``."""
        vals = {
            "ticket_id": ticket.id,
            "company_id": ticket.company_id.id,
            "policy_id": config.policy_id,
            "target_id": target.target_id,
            "kind": target.kind,
            "priority": target.priority,
            "counting": target.counting,
            "target_minutes": target.duration_minutes,
            "start_at": now,
            "consumed_minutes": 0.0,
            "state": "paused" if paused else "running",
        }
        if paused:
            vals["paused_since"] = now
        else:
            vals["segment_start"] = now
            # A new record to reuse the planning code before the clock exists.
            vals.update(self.new(vals)._schedule_values(now, 0.0, memo))
        return vals

    def _paused_total(self, now):
        """Minutes paused including the running pause, up to now."""
        self.ensure_one()
        return self.paused_minutes + self._elapsed(self.paused_since, now)

    def _close_segment(self, now):
        """Minutes consumed including the running segment, up to now."""
        self.ensure_one()
        return self.consumed_minutes + self._elapsed(self.segment_start, now)

    def _msp_pause(self, now, reason=None):
        """Pause these clocks at ``now``; ``reason`` (why, e.g. the stage or whom the ticket
        waits for) goes to the ledger's pause lines."""
        events = []
        for clock in self.filtered(lambda c: c.segment_start):
            consumed = clock._close_segment(now)
            vals = {
                "consumed_minutes": consumed,
                "segment_start": False,
                "paused_since": now,
                "deadline": False,
                "risk_at": False,
            }
            if clock.state == "running":
                vals["state"] = "paused"
                if consumed > clock.target_minutes:
                    # Over budget before the scan saw it: the breach happened at the deadline.
                    # Its escalation is left to the next scan, outside this ticket's write
                    # (a rule may change the ticket's priority).
                    vals.update(
                        state="breached", breached_at=clock.deadline or now, escalation_due=True
                    )
                    events.append(clock._event("breach", clock.deadline or now))
            clock.write(vals)
            events.append(clock._event("pause", now, reason))
        return events

    def _msp_resume(self, now, memo):
        events = []
        for clock in self.filtered(lambda c: c.paused_since):
            vals = {
                "paused_minutes": clock._paused_total(now),
                "paused_since": False,
                "segment_start": now,
            }
            if clock.state == "paused":
                vals["state"] = "running"
                vals.update(clock._schedule_values(now, clock.consumed_minutes, memo))
            clock.write(vals)
            events.append(clock._event("resume", now))
        return events

    def _msp_reach(self, now, details=None):
        """The target's event happened at ``now``: met if within budget, else breached.

        A clock closed straight from a pause counts the budget it had when the pause began.
        """
        events = []
        for clock in self.filtered(lambda c: c.state in OPEN_STATES and not c.reached_at):
            consumed = clock._close_segment(now)
            vals = {
                "consumed_minutes": consumed,
                "segment_start": False,
                "reached_at": now,
                "deadline": False,
                "risk_at": False,
            }
            if clock.paused_since:
                vals.update(paused_minutes=clock._paused_total(now), paused_since=False)
            if clock.state != "breached":
                if consumed <= clock.target_minutes:
                    vals["state"] = "met"
                    events.append(clock._event("met", now, details))
                else:
                    breached_at = clock.deadline or now
                    vals.update(state="breached", breached_at=breached_at)
                    events.append(clock._event("breach", breached_at, details))
            clock.write(vals)
        return events

    def _msp_reopen(self, now, memo, paused):
        """The ticket left its closed stage: measuring goes on from what was consumed."""
        events = []
        for clock in self.filtered(lambda c: c.reached_at and c.state in ("met", "breached")):
            vals = {"reached_at": False}
            if paused:
                vals["paused_since"] = now
            else:
                vals["segment_start"] = now
            if clock.state == "met":
                vals["state"] = "paused" if paused else "running"
                if not paused:
                    vals.update(clock._schedule_values(now, clock.consumed_minutes, memo))
            clock.write(vals)
            events.append(clock._event("reopen", now))
        return events

    def _msp_retarget(self, now, memo, reason):
        """Move open clocks to the target of their ticket's current policy and priority,
        keeping the minutes already consumed; cancel those whose kind has no target."""
        events = []
        Policy = self.env["msp.sla.policy"]
        for clock in self.filtered(lambda c: c.state in OPEN_STATES and not c.reached_at):
            ticket = clock.ticket_id
            policy = ticket.msp_sla_policy_id
            config = Policy._msp_sla_config(policy.id) if policy else None
            target = config and config.targets.get((ticket.priority, clock.kind))
            if clock.paused_since:
                # Close the pause under the old calendar so none of it is lost.
                clock.write({"paused_minutes": clock._paused_total(now), "paused_since": now})
            consumed = clock._close_segment(now)
            if not target:
                clock.write(
                    {
                        "state": "cancelled",
                        "consumed_minutes": consumed,
                        "segment_start": False,
                        "paused_since": False,
                        "deadline": False,
                        "risk_at": False,
                    }
                )
                events.append(clock._event("cancel", now, reason))
                continue
            old = f"{clock.target_minutes} min"
            vals = {
                "policy_id": config.policy_id,
                "target_id": target.target_id,
                "priority": target.priority,
                "counting": target.counting,
                "target_minutes": target.duration_minutes,
                "consumed_minutes": consumed,
            }
            if clock.segment_start:
                vals["segment_start"] = now
            clock.write(vals)
            if clock.state == "running":
                schedule = clock._schedule_values(now, consumed, memo)
                if consumed > clock.target_minutes:
                    # escalated by the next scan, like a breach found at a pause
                    schedule.update(state="breached", breached_at=now, escalation_due=True)
                    events.append(clock._event("breach", now, reason))
                elif schedule["risk_at"] and schedule["risk_at"] > now:
                    schedule["at_risk_since"] = False
                clock.write(schedule)
            events.append(
                clock._event("retarget", now, f"{reason}: {old} -> {clock.target_minutes} min")
            )
        return events

    def _event(self, event_type, date, details=None, escalation=None):
        self.ensure_one()
        return {
            "ticket_id": self.ticket_id.id,
            "company_id": self.company_id.id,
            "clock_id": self.id,
            "policy_id": self.policy_id.id,
            "event_type": event_type,
            "date": date,
            "details": details,
            "escalation_id": escalation.id if escalation else False,
        }

    # ------------------------------------------------------------------
    # The scheduled scan
    # ------------------------------------------------------------------

    @api.model
    def _scan_batch_size(self):
        return int(self.env["ir.config_parameter"].sudo().get_param("msp_sla.scan_batch_size", 500))

    @api.model
    def _cron_scan(self):
        """Mark due clocks breached, then clocks past their threshold at risk, and run the
        escalation rules of each transition; mark running clocks that have no deadline.
        Batched, resumable, and exactly-once: a clock is picked only in the state the
        transition leaves, under a row lock that a second worker skips.

        Returns (and logs) a summary: the clocks each step moved, whether the scan finished,
        and every running clock that has no deadline (it can never breach until its calendar
        gets working time again)."""
        now = fields.Datetime.now()
        summary = {"finished": True}
        for domain, order, transition in self._scan_steps(now):
            finished, done = self._run_batches(domain, order, transition)
            summary[transition] = done
            if not finished:
                summary["finished"] = False
                break
        return self._scan_summary(summary)

    @api.model
    def _scan_summary(self, summary):
        unplanned = self.search(
            Domain("state", "=", "running") & Domain("deadline", "=", False), order="id"
        )
        _logger.info("SLA scan: %s; running without a deadline: %s", summary, len(unplanned))
        summary["no_deadline_count"] = len(unplanned)
        summary["no_deadline_clock_ids"] = unplanned.ids
        if unplanned:
            _logger.warning(
                "SLA scan: %s running clock(s) have no deadline and cannot breach (their "
                "policy's calendar has no working time left): %s",
                len(unplanned),
                ", ".join(f"{c.display_name} [clock {c.id}]" for c in unplanned[:100]),
            )
        return summary

    @api.model
    def _scan_steps(self, now):
        """(domain, order, transition) of each step of the scan. Each domain and order match
        a partial index, so a step reads only the clocks that are due, however many run."""
        return [
            (
                Domain("state", "=", "running") & Domain("deadline", "<=", now),
                "deadline, id",
                "_msp_mark_breached",
            ),
            (
                Domain("state", "=", "running")
                & Domain("at_risk_since", "=", False)
                & Domain("risk_at", "<=", now),
                "risk_at, id",
                "_msp_mark_at_risk",
            ),
            (Domain("escalation_due", "=", True), "id", "_msp_escalate_due_breach"),
            (
                Domain("state", "=", "running")
                & Domain("deadline", "=", False)
                & Domain("unplanned_since", "=", False),
                "id",
                "_msp_mark_unplanned",
            ),
        ]

    @api.model
    def _run_batches(self, domain, order, transition):
        """Run ``transition`` on the clocks of ``domain``, batch by batch. Returns (finished,
        clocks done): finished is False when the scheduler's time ran out (it runs the job
        again for what remains)."""
        batch_size = self._scan_batch_size()
        done = 0
        while True:
            candidates = self.search(domain, limit=batch_size, order=order)
            if not candidates:
                return True, done
            # Skip rows another worker holds; re-check the ones we got under the lock.
            locked = candidates.try_lock_for_update(allow_referencing=True)
            locked.invalidate_recordset()
            locked = locked.filtered_domain(domain)
            if locked:
                events = getattr(locked, transition)()
                self.env["msp.sla.event"]._msp_sla_log(events)
                done += len(locked)
            full = len(candidates) == batch_size
            time_left = self.env["ir.cron"]._commit_progress(
                len(locked), remaining=self.search_count(domain) if full else 0
            )
            if time_left <= 0:
                return False, done  # the scheduler runs the scan again for what remains
            if not full or not locked:
                return True, done

    def _msp_mark_breached(self):
        events = []
        for clock in self:
            clock.write({"state": "breached", "breached_at": clock.deadline})
            events.append(clock._event("breach", clock.deadline))
        return events + self._msp_escalate("breached")

    def _msp_escalate_due_breach(self):
        """Breaches found at a pause: their escalation rules, once (the scan's last step)."""
        self.write({"escalation_due": False})
        return self._msp_escalate("breached")

    def _msp_mark_unplanned(self):
        """Running clocks without a deadline that no ledger line speaks of yet (their
        calendar lost its working time before this check existed, or outside the ORM)."""
        return self._msp_flag_unplanned(fields.Datetime.now())

    def _msp_mark_at_risk(self):
        events = []
        for clock in self:
            clock.at_risk_since = clock.risk_at
            events.append(clock._event("at_risk", clock.risk_at))
        return events + self._msp_escalate("at_risk")

    def _msp_escalate(self, trigger):
        """Run the policy's escalation rules for ``trigger`` on these clocks, once each: a
        clock at risk again (after a change of priority moved its risk point) does not run a
        rule it already ran (the ledger's unique index would refuse the line)."""
        events = []
        done = set(
            self.env["msp.sla.event"]
            .sudo()
            ._read_group(
                [("clock_id", "in", self.ids), ("escalation_id", "!=", False)],
                ["clock_id", "escalation_id"],
            )
        )
        for clock in self:
            for rule in clock.policy_id.escalation_ids.filtered(
                lambda r, c=clock: (
                    r.trigger == trigger and r.target_kind in (False, c.kind) and (c, r) not in done
                )
            ):
                clock._msp_run_escalation(rule)
                events.append(
                    clock._event("escalation", fields.Datetime.now(), rule.name, escalation=rule)
                )
        return events

    def _msp_run_escalation(self, rule):
        self.ensure_one()
        ticket = self.ticket_id
        kind = dict(TARGET_KINDS)[self.kind]
        state = dict(self._fields["state"]._description_selection(self.env))[self.state]
        summary = rule.activity_summary or self.env._(
            "SLA %(state)s: %(kind)s on %(ticket)s",
            state=state.lower() if self.state == "breached" else self.env._("at risk"),
            kind=kind,
            ticket=ticket.display_name,
        )
        if rule.action == "activity":
            user = rule.activity_user_id or ticket.team_id.user_id or ticket.user_id
            ticket.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=summary,
                user_id=(user or self.env.user).id,
                date_deadline=fields.Date.context_today(ticket),
            )
        elif rule.action == "email":
            if rule.notify_group_id:
                ticket.message_notify(
                    partner_ids=rule.notify_group_id.all_user_ids.partner_id.ids,
                    subject=summary,
                    body=summary,
                    subtype_xmlid="msp_sla.mt_ticket_sla_escalation",
                )
            else:
                ticket.message_post(
                    subject=summary,
                    body=summary,
                    message_type="notification",
                    subtype_xmlid="msp_sla.mt_ticket_sla_escalation",
                )
        elif rule.action == "priority" and rule.new_priority > ticket.priority:
            ticket.priority = rule.new_priority
