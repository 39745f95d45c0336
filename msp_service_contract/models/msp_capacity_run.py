# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Capacity check: will the team keep its SLA targets over the next weeks, with or without a
prospect? The run is queued from the UI and computed by a cron in the background (see
docs/capacity.md); the estimation and the simulation are plain Python (../capacity)."""

import logging
import math
import time
from collections import namedtuple
from datetime import datetime, timedelta

from markupsafe import Markup
from pytz import timezone, utc

from odoo import api, fields, models
from odoo.addons.msp_sla.models.msp_sla_target import priority_selection
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..capacity import estimation, simulation

_logger = logging.getLogger(__name__)

RUN_STATES = [
    ("draft", "Draft"),
    ("queued", "Queued"),
    ("running", "Running"),
    ("done", "Done"),
    ("failed", "Failed"),
]
SCENARIOS = [
    ("before", "Current book"),
    ("after", "With the prospect"),
    ("restored", "With the staffing change"),
]
KINDS = [("response", "First Response"), ("resolution", "Resolution")]
# A run still "running" without news for this long lost its worker: it is marked failed.
STALE_RUNNING = timedelta(minutes=30)
# Customers most like the prospect whose history gives its load.
SIMILAR_CUSTOMERS = 5
# Fewer tickets with time logged than this: the priority takes the desk's handling time.
MIN_HANDLING_SAMPLES = 5


# an open ticket when the check runs, with its place in the queue (_msp_capacity_history)
OpenTicket = namedtuple("OpenTicket", "priority created due answered")


def _priorities(model):
    """The ticket priorities (a selection callable: receives a model)."""
    return priority_selection(model)


class MspCapacityRun(models.Model):
    _name = "msp.capacity.run"
    _description = "Capacity Check"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    user_id = fields.Many2one(
        "res.users", string="Requested by", default=lambda self: self.env.user, readonly=True
    )
    team_id = fields.Many2one(
        "helpdesk.ticket.team",
        string="Team",
        check_company=True,
        help="Empty: the whole service desk (every team's members and tickets).",
    )
    lead_id = fields.Many2one("crm.lead", string="Opportunity", check_company=True)
    sale_order_id = fields.Many2one("sale.order", string="Proposal", check_company=True)
    audit_id = fields.Many2one(
        "msp.audit",
        string="Audit",
        compute="_compute_audit_id",
        store=True,
        readonly=False,
        check_company=True,
        help="The prospect's audit: its counts of users and devices scale the load of "
        "customers like it.",
    )
    prospect_users = fields.Integer(
        string="Prospect Users", compute="_compute_prospect_counts", store=True, readonly=False
    )
    prospect_devices = fields.Integer(
        string="Prospect Devices", compute="_compute_prospect_counts", store=True, readonly=False
    )
    policy_id = fields.Many2one(
        "msp.sla.policy",
        string="SLA Policy",
        required=True,
        check_company=True,
        default=lambda self: self._default_policy(),
        help="Whose targets the prediction is measured against.",
    )
    calendar_id = fields.Many2one(
        "resource.calendar",
        string="Business Hours (what-if)",
        check_company=True,
        help="Empty: the policy's calendar, and each technician's own working schedule. Set: "
        "targets are counted in these hours and every technician works them (their leaves "
        "kept).",
    )
    queue_order = fields.Selection(
        [
            (simulation.DEADLINE, "Nearest SLA deadline first"),
            (simulation.PRIORITY, "Highest priority first"),
        ],
        string="Queue Order (what-if)",
        default=simulation.DEADLINE,
        required=True,
        help="How the technicians pick their next ticket. Nearest SLA deadline first is how "
        "the suite lists the queue (My Queue, Tickets by Deadline): a low-priority ticket "
        "close to its deadline comes before an urgent one due later. Highest priority "
        "first: a desk that works every urgent ticket before any lower one.",
    )
    weeks = fields.Integer(string="Weeks Ahead", default=12, required=True)
    history_weeks = fields.Integer(
        string="History (weeks)",
        default=26,
        required=True,
        help="How many past weeks of tickets and time entries the rates are estimated from.",
    )
    replications = fields.Integer(
        string="Replications (at least)",
        default=10,
        required=True,
        help="How many times the weeks ahead are simulated, at least. A small desk is "
        "simulated more times (up to 50, as many as about 150,000 simulated tickets allow) "
        "for a steadier answer at the same cost.",
    )
    replications_run = fields.Integer(
        string="Replications Run",
        readonly=True,
        help="How many times the weeks ahead were simulated for this answer.",
    )
    goal_percent = fields.Float(
        string="Required Share (%)",
        default=90.0,
        required=True,
        help="The share of tickets that must meet each target for the team to be 'OK'.",
    )
    extra_technicians = fields.Integer(
        string="Add Technicians (what-if)",
        help="Technicians added (negative: removed) to the team's schedules. Added ones work "
        "the business hours; removed ones are those with the most working hours.",
    )
    seed = fields.Integer(default=1, help="The same seed gives the same prediction.")
    target_ids = fields.One2many(
        "msp.capacity.run.target",
        "run_id",
        string="Targets (what-if)",
        compute="_compute_target_ids",
        store=True,
        readonly=False,
        copy=True,
    )
    state = fields.Selection(RUN_STATES, default="draft", required=True, tracking=True, index=True)
    progress = fields.Float(readonly=True)
    stalled = fields.Boolean(
        compute="_compute_stalled",
        help="Running without news for 30 minutes: its worker stopped. Predict runs it again.",
    )
    started_at = fields.Datetime(readonly=True)
    finished_at = fields.Datetime(readonly=True)
    error = fields.Text(readonly=True)
    result_ids = fields.One2many("msp.capacity.result", "run_id", string="Prediction")
    technician_count = fields.Integer(string="Technicians", readonly=True)
    weekly_tickets = fields.Float(string="Tickets per Week", readonly=True, digits=(16, 1))
    season_factor = fields.Float(
        string="Season Ahead",
        readonly=True,
        digits=(16, 2),
        help="How much busier the weeks ahead are than the history window, from the same "
        "weeks a year earlier, less the part of last year's difference that was chance "
        "(1.00: no season, or less than a year of history).",
    )
    book_weekly_tickets = fields.Float(
        string="Book Change (tickets/week)",
        readonly=True,
        digits=(16, 1),
        help="Tickets a week added (negative: taken away) for the customers signed inside "
        "the history window or since, and those whose contracts end.",
    )
    prospect_weekly_tickets = fields.Float(
        string="Prospect Tickets per Week", readonly=True, digits=(16, 1)
    )
    prospect_load = fields.Text(string="Prospect Load", readonly=True)
    verdict_before = fields.Char(string="Current Book", readonly=True)
    verdict_after = fields.Char(string="With the Prospect", readonly=True)
    technicians_needed = fields.Integer(
        readonly=True, help="The fewest technicians to add so that every target is met."
    )
    hours_short = fields.Float(
        string="Short (hours/week)", readonly=True, help="Technician hours a week missing."
    )
    duration = fields.Float(string="Computed in (s)", readonly=True, digits=(16, 1))

    _weeks_range = models.Constraint(
        "CHECK(weeks BETWEEN 1 AND 52)", "Weeks Ahead must be from 1 to 52 weeks."
    )
    _history_range = models.Constraint(
        "CHECK(history_weeks BETWEEN 1 AND 156)", "History (weeks) must be from 1 to 156 weeks."
    )
    _replications_range = models.Constraint(
        "CHECK(replications BETWEEN 2 AND 50)", "Replications must be from 2 to 50."
    )
    _goal_range = models.Constraint(
        "CHECK(goal_percent > 0 AND goal_percent <= 100)",
        "Required Share (%) must be more than 0 and at most 100.",
    )

    @api.model
    def _default_policy(self):
        team = self.env["helpdesk.ticket.team"].browse(self.env.context.get("default_team_id"))
        return team.msp_sla_policy_id or self.env["msp.sla.policy"].search(
            [("company_id", "in", [False, self.env.company.id])], limit=1
        )

    @api.depends("team_id", "lead_id", "sale_order_id")
    @api.depends("state", "write_date")
    def _compute_stalled(self):
        limit = fields.Datetime.now() - STALE_RUNNING
        for run in self:
            run.stalled = run.state == "running" and bool(run.write_date) and run.write_date < limit

    def _compute_name(self):
        for run in self:
            scope = run.team_id.name or self.env._("Service desk")
            prospect = run.sale_order_id.name or run.lead_id.name
            run.name = f"{scope} + {prospect}" if prospect else scope

    @api.depends("sale_order_id", "lead_id")
    def _compute_audit_id(self):
        for run in self:
            run.audit_id = run.sale_order_id.msp_audit_id or run.lead_id.msp_audit_ids[:1]

    @api.depends("audit_id")
    def _compute_prospect_counts(self):
        for run in self:
            run.prospect_users = run.audit_id.user_count
            run.prospect_devices = run.audit_id.asset_count

    @api.depends("policy_id")
    def _compute_target_ids(self):
        for run in self:
            targets = {}
            for target in run.policy_id.target_ids.filtered(lambda t: t.kind != "plan"):
                targets.setdefault(target.priority, {})[target.kind] = target
            run.target_ids = [fields.Command.clear()] + [
                fields.Command.create(
                    {
                        "priority": priority,
                        "response_minutes": kinds.get("response").duration_minutes
                        if kinds.get("response")
                        else 0,
                        "resolution_minutes": kinds.get("resolution").duration_minutes
                        if kinds.get("resolution")
                        else 0,
                        **{
                            f"{kind}_business_hours": target.counting == "business"
                            for kind, target in kinds.items()
                        },
                    }
                )
                for priority, kinds in sorted(targets.items(), reverse=True)
            ]

    # ------------------------------------------------------------------
    # Entry points
    # ------------------------------------------------------------------

    @api.model
    def _msp_capacity_open(self, values):
        """The capacity form for a team, the whole desk, an opportunity or a proposal."""
        context = {f"default_{key}": value for key, value in values.items()}
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Capacity"),
            "res_model": "msp.capacity.run",
            "view_mode": "form",
            "target": "current",
            "context": context,
        }

    def action_queue(self):
        """Queue the prediction: the cron computes it in the background and notifies."""
        # a check whose worker stopped (no news for 30 minutes) may be queued again
        running = self.filtered(lambda r: r.state == "running" and not r.stalled)
        if running:
            raise UserError(
                self.env._(
                    "Capacity check %(name)s is being computed: wait for its answer (you are "
                    "notified), then change the inputs and predict again.",
                    name=running[0].display_name,
                )
            )
        for run in self:
            if not run.target_ids.filtered(lambda t: t.response_minutes or t.resolution_minutes):
                raise UserError(
                    self.env._(
                        "Policy %(policy)s has no response or resolution target: give "
                        "Targets (what-if) at least one, or choose another SLA Policy.",
                        policy=run.policy_id.name,
                    )
                )
        self.write({"state": "queued", "progress": 0.0, "error": False, "started_at": False})
        self.env.ref("msp_service_contract.ir_cron_msp_capacity_runs")._trigger()
        return True

    def action_reset(self):
        self.filtered(lambda r: r.state in ("done", "failed")).write({"state": "draft"})
        return True

    # ------------------------------------------------------------------
    # The background job
    # ------------------------------------------------------------------

    @api.model
    def _cron_msp_capacity_runs(self):
        """Compute the queued runs, one at a time. A run is taken under a row lock that a
        second worker skips, and marked running in the same transaction, so each is computed
        once."""
        self._msp_capacity_fail_stale()
        while True:
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM msp_capacity_run WHERE state = 'queued' ORDER BY id "
                    "LIMIT 1 FOR UPDATE SKIP LOCKED"
                )
            )
            row = self.env.cr.fetchone()
            if not row:
                return
            run = self.browse(row[0])
            run.write({"state": "running", "started_at": fields.Datetime.now(), "progress": 0})
            remaining = self.search_count([("state", "=", "queued")])
            self.env["ir.cron"]._commit_progress(remaining=remaining + 1)
            run._msp_capacity_execute()
            if self.env["ir.cron"]._commit_progress(1) <= 0:
                return

    def _msp_capacity_fail_stale(self):
        stale = self.search([("state", "=", "running")]).filtered("stalled")
        stale.write(
            {
                "state": "failed",
                "error": self.env._("Interrupted (the worker stopped): run it again."),
            }
        )

    def _msp_capacity_execute(self):
        """Compute this run, then mark it done or failed and notify the requester."""
        self.ensure_one()
        begin = time.monotonic()
        try:
            self._msp_capacity_compute(progress=self._msp_capacity_progress_writer())
        except Exception as error:
            self.env.cr.rollback()  # this run's partial results (its progress stays committed)
            self.env.invalidate_all()
            if not isinstance(error, UserError):
                _logger.exception("Capacity check %s failed", self.id)
            self.write({"state": "failed", "error": str(error), "progress": 0.0})
        else:
            self.write(
                {
                    "state": "done",
                    "progress": 100.0,
                    "finished_at": fields.Datetime.now(),
                    "duration": time.monotonic() - begin,
                }
            )
        self._msp_capacity_notify()

    def _msp_capacity_progress_writer(self):
        """A callback writing the share done, committed at most every second so the form
        shows it while the run goes on."""
        last = [0.0]

        def write(share):
            now = time.monotonic()
            if now - last[0] < 1.0:
                return
            last[0] = now
            self.progress = round(100 * min(share, 0.99), 1)
            self.env["ir.cron"]._commit_progress()

        return write

    def _msp_capacity_notify(self):
        """Tell the requester: a message on the run (inbox) and a notification on screen."""
        if self.state == "done":
            body = Markup("%s<br/>%s") % (
                self.env._(
                    "Capacity check done: %(verdict)s",
                    verdict=self.verdict_after or self.verdict_before,
                ),
                self.env._("Open it to see the prediction per priority."),
            )
        else:
            body = self.env._("Capacity check failed: %(error)s", error=self.error)
        self.message_post(
            body=body,
            partner_ids=self.user_id.partner_id.ids,
            subtype_xmlid="mail.mt_comment",
            message_type="notification",
        )
        self.user_id._bus_send(
            "simple_notification",
            {
                "type": "success" if self.state == "done" else "warning",
                "title": self.env._("Capacity check: %(name)s", name=self.name),
                "message": self.verdict_after or self.verdict_before or self.error or "",
            },
        )

    # ------------------------------------------------------------------
    # The computation
    # ------------------------------------------------------------------

    def _msp_capacity_compute(self, progress=None):
        """Read the history and the schedules, simulate before and after, search the
        smallest staffing change, and store the results."""
        self.ensure_one()
        progress = progress or (lambda share: None)
        now = fields.Datetime.now()
        history = self._msp_capacity_history(now)
        setup = self._msp_capacity_setup(now)
        scenario = self._msp_capacity_scenario(history, setup)
        with_prospect = bool(self.audit_id or self.prospect_users or self.prospect_devices)
        steps = 2 + with_prospect
        results, lines = {}, []

        def stage(index):
            return lambda done, total: progress((index + done / total) / steps)

        # one count for every stage: the same draws, only the load or the staff differ
        count = simulation.replications_for(scenario, self.replications)
        raw = {}
        results["before"], raw["before"] = simulation.run(scenario, count, self.seed, stage(0))
        final = scenario
        if with_prospect:
            load = estimation.prospect_load(
                history["customers"], self.prospect_users, self.prospect_devices, SIMILAR_CUSTOMERS
            )
            extra = estimation.weekly_by_priority(load)
            final = self._msp_capacity_scenario(history, setup, extra_weekly=extra)
            results["after"], raw["after"] = simulation.run(final, count, self.seed, stage(1))
            self.prospect_weekly_tickets = sum(extra.values())
            self.prospect_load = self._msp_capacity_load_text(load)
        goal = self.goal_percent / 100
        added = simulation.smallest_addition(final, setup["extra_shifts"], goal, count, self.seed)
        progress((steps - 0.5) / steps)
        if added and added > 0:
            restored = simulation.with_added(final, setup["extra_shifts"], added)
            results["restored"], raw["restored"] = simulation.run(restored, count, self.seed)
        targets = scenario.targets
        for scenario_key, summary in results.items():
            for priority, kinds in summary.items():
                for kind, estimate in kinds.items():
                    lines.append(
                        {
                            "scenario": scenario_key,
                            "priority": priority,
                            "kind": kind,
                            "target_minutes": targets[priority][kind].minutes,
                            "share": 100 * estimate.mean,
                            "share_low": 100 * estimate.low,
                            "share_high": 100 * estimate.high,
                            "tickets": estimate.tickets,
                            "ok": estimate.mean >= goal,
                            "miss_chance": 100
                            * (
                                simulation.chance_below(raw[scenario_key], priority, kind, goal)
                                or 0.0
                            ),
                        }
                    )
        hours_each = setup["extra_hours_per_week"]
        before_added = added
        if with_prospect and not simulation.meets(results["before"], goal):
            before_added = simulation.smallest_addition(
                scenario, setup["extra_shifts"], goal, count, self.seed
            )
        self.result_ids.unlink()
        self.write(
            {
                "result_ids": [fields.Command.create(v) for v in lines],
                "technician_count": len(scenario.shifts),
                "replications_run": count,
                "weekly_tickets": sum(history["arrivals"].weekly.values()),
                "season_factor": history["season"],
                "book_weekly_tickets": sum(history["book"].values()),
                "technicians_needed": added if added is not None else -1,
                "hours_short": (added or 0) * hours_each,
                "verdict_before": self._msp_capacity_verdict(
                    results["before"], goal, before_added, hours_each
                ),
                "verdict_after": self._msp_capacity_verdict(
                    results["after"], goal, added, hours_each
                )
                if with_prospect
                else False,
            }
        )

    def _msp_capacity_verdict(self, summary, goal, added, hours_each):
        """The verdict: "OK", or how many technician hours a week are missing (``added``
        technicians of ``hours_each`` hours a week each restore the targets; None: more than
        the search tried)."""
        if simulation.meets(summary, goal):
            return self.env._("OK")
        if added is None:
            return self.env._(
                "Short: even %(n)s more technicians would not meet the targets",
                n=simulation.SEARCH_LIMIT,
            )
        return self.env._(
            "Short by about %(hours)s technician hours a week (%(n)s more technician(s))",
            hours=round(added * hours_each),
            n=added,
        )

    @api.model
    def _msp_capacity_load_text(self, load):
        priorities = dict(_priorities(self))
        lines = []
        for (priority, category), per_month in sorted(load.items(), reverse=True):
            if per_month >= 0.05:
                lines.append(
                    self.env._(
                        "%(priority)s / %(category)s: %(n)s tickets a month",
                        priority=priorities.get(priority, priority),
                        category=category or self.env._("No category"),
                        n=round(per_month, 1),
                    )
                )
        return "\n".join(lines)

    # ------------------------------------------------------------------
    # Inputs: history (grouped queries), schedules, targets
    # ------------------------------------------------------------------

    def _msp_capacity_ticket_filter(self, since, until):
        company = SQL("t.company_id = %s", self.company_id.id)
        team = SQL("t.team_id = %s", self.team_id.id) if self.team_id else SQL("TRUE")
        return SQL(
            "%s AND %s AND t.create_date >= %s AND t.create_date < %s", company, team, since, until
        )

    def _msp_capacity_history(self, now):
        """The history the estimation needs, in a few grouped queries: tickets by priority and
        hour of week, and by day; time logged per ticket; the tickets open now; tickets per
        customer with its coverage."""
        self.ensure_one()
        for model in (
            "helpdesk.ticket",
            "msp.sla.clock",
            "account.analytic.line",
            "contract.contract",
        ):
            self.env[model].flush_model()
        until = now
        since = now - timedelta(weeks=self.history_weeks)
        tz = self._msp_capacity_tz()
        where = self._msp_capacity_ticket_filter(since, until)
        cr = self.env.cr
        cr.execute(
            SQL(
                """SELECT t.priority,
                          (EXTRACT(ISODOW FROM local.at)::int - 1) * 24
                            + EXTRACT(HOUR FROM local.at)::int,
                          COUNT(*)
                     FROM helpdesk_ticket t,
                          LATERAL (SELECT (t.create_date AT TIME ZONE 'UTC') AT TIME ZONE %s
                                   AS at) local
                    WHERE %s
                 GROUP BY 1, 2""",
                tz,
                where,
            )
        )
        counts = {(priority or "1", hour): n for priority, hour, n in cr.fetchall()}
        cr.execute(
            SQL(
                """SELECT ((t.create_date AT TIME ZONE 'UTC') AT TIME ZONE %s)::date, COUNT(*)
                     FROM helpdesk_ticket t
                    WHERE %s
                 GROUP BY 1""",
                tz,
                where,
            )
        )
        per_day = dict(cr.fetchall())
        # whole local days only: the window's first day, begun at the hour the check runs,
        # would count as a quiet day (the last one, today, is left out the same way)
        local_since = utc.localize(since).astimezone(timezone(tz))
        first_day = local_since.date()
        if local_since.replace(tzinfo=None) > datetime.combine(first_day, datetime.min.time()):
            first_day += timedelta(days=1)
        days = (utc.localize(until).astimezone(timezone(tz)).date() - first_day).days
        daily = [per_day.get(first_day + timedelta(days=n), 0) for n in range(days)]
        arrivals = estimation.estimate_arrivals(
            counts, self.history_weeks, (first_day.weekday(), daily)
        )
        cr.execute(
            SQL(
                """SELECT t.priority, SUM(l.unit_amount) * 60
                     FROM account_analytic_line l
                     JOIN helpdesk_ticket t ON t.id = l.msp_ticket_id
                    WHERE %s
                 GROUP BY t.id, t.priority
                   HAVING SUM(l.unit_amount) > 0""",
                where,
            )
        )
        minutes = {}
        for priority, spent in cr.fetchall():
            minutes.setdefault(priority or "1", []).append(spent)
        # the queue as it stands: open tickets of the window (closed_date: helpdesk_mgmt's),
        # each with its place in the suite's queue (msp_sla_due_at, from its clocks)
        cr.execute(
            SQL(
                """SELECT t.priority, t.create_date,
                          MIN(COALESCE(c.deadline, c.breached_at))
                            FILTER (WHERE c.state IN ('running', 'breached')
                                      AND c.reached_at IS NULL),
                          BOOL_OR(c.reached_at > %s),
                          BOOL_OR(c.kind = 'response' AND c.reached_at <= %s)
                     FROM helpdesk_ticket t
                LEFT JOIN msp_sla_clock c
                       ON c.ticket_id = t.id AND c.state != 'cancelled' AND c.start_at <= %s
                    WHERE %s AND (t.closed_date IS NULL OR t.closed_date > %s)
                 GROUP BY t.id, t.priority, t.create_date""",
                until,
                until,
                until,
                where,
                until,
            )
        )
        # due: when its most urgent open target is or was due (what msp_sla_due_at holds
        # and the suite's queue sorts by); math.inf without one (paused, or no SLA: last in
        # the queue); None when one of its clocks was reached since ``until`` (the history
        # read as it stood in the past, in a backtest: a reached clock keeps no deadline, so
        # the others do not tell the order): the simulation works it out from the targets
        backlog = [
            OpenTicket(
                priority or "1", created, None if reached_later else due or math.inf, answered
            )
            for priority, created, due, reached_later, answered in cr.fetchall()
        ]
        customers = self._msp_capacity_customers(since, until)
        season = self._msp_capacity_season(since, until, arrivals.day_cv)
        return {
            "arrivals": arrivals,
            "backlog": backlog,
            "handling_minutes": minutes,
            "customers": customers,
            "book": estimation.book_change(
                customers, self.history_weeks, self.weeks, SIMILAR_CUSTOMERS
            ),
            "season": season.index,
            "season_raw": season.raw,
        }

    def _msp_capacity_coverage(self, since_day):
        """SQL: each customer's coverage in this company (customer, users, devices, since,
        until): its active contracts on a plan that had not ended by ``since_day``, from the
        earliest start to the latest end (NULL: no end), with their covered users and
        devices. The one definition the book of customers and the season read."""
        return SQL(
            """SELECT p.commercial_partner_id AS customer,
                      COUNT(DISTINCT u.partner_id) AS users,
                      COUNT(DISTINCT a.asset_id) AS devices,
                      MIN(c.date_start) AS since,
                      CASE WHEN bool_or(c.date_end IS NULL) THEN NULL
                           ELSE MAX(c.date_end) END AS until
                 FROM contract_contract c
                 JOIN res_partner p ON p.id = c.partner_id
            LEFT JOIN msp_contract_covered_user_rel u ON u.contract_id = c.id
            LEFT JOIN msp_contract_covered_asset_rel a ON a.contract_id = c.id
                WHERE c.company_id = %s AND c.msp_plan_id IS NOT NULL AND c.active
                  AND (c.date_end IS NULL OR c.date_end >= %s)
             GROUP BY p.commercial_partner_id""",
            self.company_id.id,
            since_day,
        )

    def _msp_capacity_season(self, since, until, day_cv=0.0):
        """The seasonal index of the weeks ahead against the history window, from the same
        weeks a year earlier, shrunk by how much of last year's week-to-week change was
        chance (``estimation.season_from_weeks``). One query: tickets per week from last
        year's window to now, leaving out the customers whose coverage started or ended in
        that time (a change of the book is not a season). No season (1.0) when the desk was
        not running a year ago."""
        year = timedelta(weeks=52)
        last_since = since - year
        weeks = (until - last_since) // timedelta(weeks=1)
        company = SQL("t.company_id = %s", self.company_id.id)
        team = SQL("t.team_id = %s", self.team_id.id) if self.team_id else SQL("TRUE")
        self.env.cr.execute(
            SQL(
                """WITH changed AS (
                       SELECT customer FROM (%(coverage)s) cov
                        WHERE (cov.since > %(since_day)s AND cov.since < %(until_day)s)
                           OR (cov.until >= %(since_day)s AND cov.until < %(until_day)s))
                   SELECT GREATEST(FLOOR(EXTRACT(EPOCH FROM t.create_date - %(since)s)
                                         / 604800)::int, -1),
                          COUNT(*) FILTER (WHERE changed.customer IS NULL),
                          COUNT(*)
                     FROM helpdesk_ticket t
                LEFT JOIN changed ON changed.customer = t.commercial_partner_id
                    WHERE %(company)s AND %(team)s AND t.create_date < %(until)s
                 GROUP BY 1""",
                coverage=self._msp_capacity_coverage(last_since.date()),
                since=last_since,
                until=until,
                since_day=last_since.date(),
                until_day=until.date(),
                company=company,
                team=team,
            )
        )
        stable, everyone = {}, {}
        for week, count, total in self.env.cr.fetchall():
            stable[week], everyone[week] = count, total
        if not everyone.get(-1):
            # the desk was not running before last year's window (a part of it, counted as
            # the whole, would read as a busy season ahead): no season to learn from
            return estimation.Season(1.0, 1.0, 0.0)
        return estimation.season_from_weeks(
            [stable.get(week, 0) for week in range(weeks)], self.history_weeks, self.weeks, day_cv
        )

    def _msp_capacity_customers(self, since, until):
        """Each covered customer's users, devices and tickets by priority, category and
        whether the ticket was about a device (one query). Customers with no ticket in the
        scope (the team, the window) are left out: they are not this desk's customers."""
        cr = self.env.cr
        cr.execute(
            SQL(
                """WITH coverage AS (%(coverage)s)
                   SELECT cov.customer, cov.users, cov.devices, cov.since, cov.until,
                          t.priority, cat.name, t.msp_asset_id IS NOT NULL, COUNT(t.id),
                          -- while covered: a customer's calls before it signed (break-fix)
                          -- or after it left are not what its plan brings
                          COUNT(t.id) FILTER (
                              WHERE ((t.create_date AT TIME ZONE 'UTC') AT TIME ZONE %(tz)s)::date
                                    BETWEEN cov.since AND COALESCE(cov.until, 'infinity'))
                     FROM coverage cov
                LEFT JOIN helpdesk_ticket t ON t.commercial_partner_id = cov.customer
                      AND %(where)s
                LEFT JOIN helpdesk_ticket_category cat ON cat.id = t.category_id
                 GROUP BY 1, 2, 3, 4, 5, 6, 7, 8""",
                coverage=self._msp_capacity_coverage(since.date()),
                where=self._msp_capacity_ticket_filter(since, until),
                tz=self._msp_capacity_tz(),
            )
        )
        rows = {}
        for row in cr.fetchall():
            customer, users, devices, start, end, priority, category, on_device, n, covered = row
            entry = rows.setdefault(
                customer,
                {
                    "users": users,
                    "devices": devices,
                    "start": start,
                    "end": end,
                    "tickets": {},
                    "window": {},
                },
            )
            if n:
                entry["window"][priority or "1"] = entry["window"].get(priority or "1", 0) + n
            if covered:
                name = (
                    category.get(self.env.lang) or category.get("en_US")
                    if isinstance(category, dict)
                    else category
                )
                entry["tickets"][priority or "1", name or "", on_device] = covered
        customers = []
        for customer, entry in rows.items():
            begin = max(since.date(), entry["start"] or since.date())
            start_week = (begin - since.date()).days / 7
            if not entry["window"] and (self.team_id or start_week <= 0):
                # no ticket in the scope: not this desk's customer, unless it was signed
                # inside the window or later (the whole desk will take its tickets; which
                # team will is not known)
                continue
            # the months it was covered in the window: its tickets are counted while covered
            stop = until.date()
            if entry["end"]:
                stop = min(stop, entry["end"] + timedelta(days=1))
            months = max((stop - begin).days, 0) / estimation.DAYS_PER_MONTH
            end = entry["end"] and (entry["end"] + timedelta(days=1) - since.date()).days / 7
            customers.append(
                estimation.CustomerHistory(
                    customer,
                    entry["users"],
                    entry["devices"],
                    months,
                    entry["tickets"],
                    start_week=start_week,
                    end_week=end,
                    window_tickets=entry["window"],
                )
            )
        return customers

    def _msp_capacity_tz(self):
        calendar = (
            self.calendar_id or self.policy_id.calendar_id or self.company_id.resource_calendar_id
        )
        return calendar.tz or "UTC"

    def _msp_capacity_employees(self):
        """The technicians: the team's members (every team's, for the whole desk) who are
        employees of the company."""
        if self.team_id:
            users = self.team_id.user_ids
        else:
            users = (
                self.env["helpdesk.ticket.team"]
                .search([("company_id", "in", [False, self.company_id.id])])
                .user_ids
            )
        # sudo: the capacity check reads the technicians' working schedules, not their files
        employees = (
            self.env["hr.employee"]
            .sudo()
            .search([("user_id", "in", users.ids), ("company_id", "=", self.company_id.id)])
        )
        if not employees:
            raise UserError(
                self.env._(
                    "%(team)s has no technicians with an employee record: add members to the "
                    "team (Team Members) and give them an employee with a working schedule.",
                    team=self.team_id.name or self.env._("The service desk"),
                )
            )
        return employees

    def _msp_capacity_setup(self, now):
        """Simulation time zero (a Monday 00:00 in the desk's time zone), the technicians'
        shifts, the business hours and the shift of a technician to add, in minutes."""
        tz = timezone(self._msp_capacity_tz())
        local_now = utc.localize(now).astimezone(tz)
        # last week's Monday 00:00: the simulation warms up until now
        monday = tz.localize(
            datetime.combine(
                local_now.date() - timedelta(days=local_now.weekday() + 7), datetime.min.time()
            )
        )
        simulated_weeks = self.weeks + 3
        end = monday + timedelta(weeks=simulated_weeks)

        def minutes(intervals):
            return [
                ((begin - monday).total_seconds() / 60, (stop - monday).total_seconds() / 60)
                for begin, stop in intervals
            ]

        employees = self._msp_capacity_employees()
        shifts = []
        for employee in employees:
            calendar = (
                self.calendar_id
                or employee.resource_calendar_id
                or self.company_id.resource_calendar_id
            )
            intervals = calendar._work_intervals_batch(
                monday, end, resources=employee.resource_id, tz=tz
            )[employee.resource_id.id]
            shifts.append(sorted(minutes((b, e) for b, e, _meta in intervals)))
        if self.extra_technicians < 0:
            shifts.sort(key=lambda s: sum(e - b for b, e in s))
            shifts = shifts[: max(len(shifts) + self.extra_technicians, 0)]
        template_calendar = self.calendar_id or self.company_id.resource_calendar_id
        template = minutes(
            (b, e)
            for b, e, _meta in template_calendar._work_intervals_batch(monday, end, tz=tz)[False]
        )
        if self.extra_technicians > 0:
            shifts += [template] * self.extra_technicians
        counting = self.calendar_id or self.policy_id.calendar_id
        business = minutes(
            (b, e) for b, e, _meta in counting._work_intervals_batch(monday, end, tz=tz)[False]
        )
        hours_each = sum(e - b for b, e in template) / 60 / simulated_weeks
        # the local hour of the week of each simulated hour: the rates are by local hour,
        # and a change to or from summer time moves it against the elapsed time
        first = monday.astimezone(utc)
        local_hours = []
        # (a day more than the simulated weeks: time zero is local, the end elapsed time)
        for hour in range(simulated_weeks * simulation.WEEK_MINUTES // 60 + 24):
            local = (first + timedelta(hours=hour)).astimezone(tz)
            local_hours.append(local.weekday() * 24 + local.hour)
        if all(local == hour % 168 for hour, local in enumerate(local_hours)):
            local_hours = []  # no change of offset: elapsed hours are local hours
        return {
            "monday": monday,
            "shifts": shifts,
            "extra_shifts": template,
            "extra_hours_per_week": hours_each,
            "business_hours": business,
            "now_minutes": (utc.localize(now) - monday).total_seconds() / 60,
            "local_hours": local_hours,
        }

    def _msp_capacity_targets(self):
        targets = {}
        for line in self.target_ids:
            for kind in ("response", "resolution"):
                minutes = line[f"{kind}_minutes"]
                if minutes > 0:
                    targets.setdefault(line.priority, {})[kind] = simulation.Target(
                        minutes, line[f"{kind}_business_hours"]
                    )
        return targets

    def _msp_capacity_scenario(self, history, setup, extra_weekly=None):
        order = [p for p, _label in sorted(_priorities(self), reverse=True)]
        pooled = [m for values in history["handling_minutes"].values() for m in values]
        handling = {}
        for priority in order:
            samples = history["handling_minutes"].get(priority, [])
            handling[priority] = estimation.fit_handling(
                samples if len(samples) >= MIN_HANDLING_SAMPLES else pooled
            )
        season = history.get("season", 1.0)
        extra = dict(history.get("book") or {})
        for priority, per_week in (extra_weekly or {}).items():
            extra[priority] = extra.get(priority, 0.0) + per_week

        def minutes(moment):
            return (utc.localize(moment) - setup["monday"]).total_seconds() / 60

        scenario = simulation.Scenario(
            # the window's average, corrected for the book of customers ahead (and the
            # prospect), times the season ahead
            rates=history["arrivals"].hourly_rates(
                scale=season, extra_weekly={p: n * season for p, n in extra.items()}
            ),
            handling=handling,
            shifts=setup["shifts"],
            targets=self._msp_capacity_targets(),
            business_hours=setup["business_hours"],
            order=order,
            discipline=self.queue_order,
            # time zero is last week's Monday (the rates are by hour of the week); tickets
            # arrive from now on, the open ones waiting in the queue
            warmup=setup["now_minutes"],
            horizon=self.weeks * simulation.WEEK_MINUTES,
            drain=simulation.WEEK_MINUTES,
            day_cv=history["arrivals"].day_cv,
            start=setup["now_minutes"],
            backlog=[
                simulation.Backlog(
                    minutes(ticket.created),
                    ticket.priority,
                    ticket.due if ticket.due in (None, math.inf) else minutes(ticket.due),
                    ticket.answered,
                )
                for ticket in history["backlog"]
            ],
            local_hours=setup.get("local_hours", []),
        )
        scenario.oncall_shifts, scenario.oncall_priorities = self._msp_capacity_oncall(
            setup, scenario.end
        )
        return scenario


class MspCapacityRunTarget(models.Model):
    _name = "msp.capacity.run.target"
    _description = "Capacity Check Target"
    _order = "run_id, priority desc"

    run_id = fields.Many2one("msp.capacity.run", required=True, ondelete="cascade", index=True)
    priority = fields.Selection(_priorities, required=True)
    response_minutes = fields.Integer(string="Response (min)")
    resolution_minutes = fields.Integer(string="Resolution (min)")
    response_business_hours = fields.Boolean(
        string="Response in Business Hours",
        default=True,
        help="The response target is counted in business hours, else round the clock.",
    )
    resolution_business_hours = fields.Boolean(
        string="Resolution in Business Hours",
        default=True,
        help="The resolution target is counted in business hours, else round the clock.",
    )

    _minutes_positive = models.Constraint(
        "CHECK(response_minutes >= 0 AND resolution_minutes >= 0)",
        "Target minutes cannot be negative: give 0 for no target.",
    )


class MspCapacityResult(models.Model):
    _name = "msp.capacity.result"
    _description = "Capacity Check Result"
    _order = "run_id, scenario, priority desc, kind"

    run_id = fields.Many2one("msp.capacity.run", required=True, ondelete="cascade", index=True)
    scenario = fields.Selection(SCENARIOS, required=True)
    priority = fields.Selection(_priorities, required=True)
    kind = fields.Selection(KINDS, required=True)
    target_minutes = fields.Float(string="Target (min)")
    share = fields.Float(string="Predicted (%)", digits=(16, 1))
    share_low = fields.Float(string="Low (%)", digits=(16, 1))
    share_high = fields.Float(string="High (%)", digits=(16, 1))
    tickets = fields.Float(string="Tickets", digits=(16, 0))
    ok = fields.Boolean(string="OK")
    miss_chance = fields.Float(
        string="Miss Risk (%)",
        digits=(16, 0),
        help="The chance of missing the Required Share: in how many of the replications "
        "(each a run of the weeks ahead) fewer tickets than the Required Share met this "
        "target. A predicted share that meets it can still carry a real risk.",
    )
