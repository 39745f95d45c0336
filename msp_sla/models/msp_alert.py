# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re
import time
from datetime import timedelta
from textwrap import shorten

from markupsafe import Markup
from psycopg2.extensions import TRANSACTION_STATUS_IDLE as TRANSACTION_IDLE
from psycopg2.extras import Json

from odoo import api, fields, models
from odoo.exceptions import ConcurrencyError, UserError
from odoo.tools import SQL, groupby

ALERT_STATUSES = [("firing", "Firing"), ("resolved", "Resolved")]
EVENT_KINDS = [
    ("fired", "Fired"),
    ("repeat", "Fired again"),
    ("resolved", "Resolved"),
    ("resolved_again", "Resolved again"),
    ("reopened", "Fired again after resolving (flapping)"),
    ("closed", "Ticket closed"),
    ("kept_open", "Ticket kept open (touched by a person)"),
    ("assigned", "Assigned to a customer"),
]
# The history lines that stand for notifications: their counts are the alert's firings, their
# latest date is when it was last seen.
FIRING_KINDS = ("fired", "repeat", "reopened")
SEEN_KINDS = (*FIRING_KINDS, "resolved", "resolved_again")
P1 = "3"
# Characters that are wildcards in an =ilike pattern: escaped to compare the text as is.
LIKE_SPECIALS = re.compile(r"[\\%_]")
TICKET_NAME_LENGTH = 200


class MspAlert(models.Model):
    """One alert of a monitoring source, per (source, customer, fingerprint) while it is
    current: its firings and recoveries count here and land on one ticket. The unique index
    on current alerts makes two deliveries of the same alert at once create one alert and one
    ticket (see _msp_alert_ingest).

    A repeat firing appends a history line (msp.alert.event) and leaves the alert's row
    alone: the firing count and the time last seen are read from the history, so calls
    counting repeats of the same alert never wait for each other or for the scheduled action
    opening its ticket. The row changes only when the alert's state does (resolved,
    reopened, superseded, its ticket linked, a customer assigned)."""

    _name = "msp.alert"
    _description = "Monitoring Alert"
    _order = "first_seen desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True)
    source_id = fields.Many2one(
        "msp.alert.source", required=True, readonly=True, index=True, ondelete="restrict"
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    fingerprint = fields.Char(required=True, readonly=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        index="btree_not_null",
        readonly=True,
        help="The customer the alert's labels matched (empty: unmatched; assign one with "
        "'Assign to customer').",
    )
    match_note = fields.Char(string="Matched By", readonly=True)
    assigned_by_person = fields.Boolean(
        readonly=True,
        help="A person assigned the customer: later firings of the same fingerprint that "
        "match nothing go to this alert.",
    )
    ticket_id = fields.Many2one("helpdesk.ticket", readonly=True, index="btree_not_null")
    needs_ticket = fields.Boolean(
        readonly=True,
        copy=False,
        help="Recorded by the webhook; its ticket is opened by the scheduled action the "
        "webhook call wakes (seconds later).",
    )
    status = fields.Selection(ALERT_STATUSES, required=True, readonly=True, default="firing")
    is_current = fields.Boolean(
        string="Current",
        readonly=True,
        default=True,
        help="The alert its fingerprint's notifications go to. An alert that resolved longer "
        "ago than the source's flapping window stops being current when it fires again: "
        "that firing opens a new alert and ticket.",
    )
    severity = fields.Char(readonly=True)
    firing_count = fields.Integer(
        string="Firings",
        compute="_compute_seen",
        help="Firing notifications received for this alert (the counts of its history).",
    )
    first_seen = fields.Datetime(readonly=True, required=True)
    last_seen = fields.Datetime(
        compute="_compute_seen", help="The last notification (firing or resolved) received."
    )
    resolved_at = fields.Datetime(readonly=True)
    labels = fields.Json(
        string="Raw Labels",
        readonly=True,
        help="The labels of the first firing (or of the last reopening); a repeat carrying "
        "other labels or annotations keeps them on its history line.",
    )
    annotations = fields.Json(readonly=True)
    labels_display = fields.Text(string="Labels", compute="_compute_labels_display")
    event_ids = fields.One2many("msp.alert.event", "alert_id", string="History", readonly=True)

    # The exactly-once guard: INSERT ... ON CONFLICT DO NOTHING against this index.
    _one_current_per_key = models.UniqueIndex(
        "(source_id, fingerprint, COALESCE(partner_id, 0)) WHERE is_current",
        "An alert source has one current alert per customer and fingerprint.",
    )
    _needs_ticket_index = models.Index("(id) WHERE needs_ticket")

    @api.depends("event_ids.count", "event_ids.date", "event_ids.kind")
    def _compute_seen(self):
        firings = dict(
            self.env["msp.alert.event"]._read_group(
                [("alert_id", "in", self.ids), ("kind", "in", FIRING_KINDS)],
                ["alert_id"],
                ["count:sum"],
            )
        )
        seen = dict(
            self.env["msp.alert.event"]._read_group(
                [("alert_id", "in", self.ids), ("kind", "in", SEEN_KINDS)],
                ["alert_id"],
                ["date:max"],
            )
        )
        for alert in self:
            alert.firing_count = firings.get(alert, 0)
            alert.last_seen = seen.get(alert) or alert.resolved_at or alert.first_seen

    @api.depends("labels", "annotations", "event_ids.labels", "event_ids.annotations")
    def _compute_labels_display(self):
        latest = {}
        if self.ids:
            self.env["msp.alert.event"].flush_model(["alert_id", "labels", "annotations"])
            self.env.cr.execute(
                SQL(
                    "SELECT DISTINCT ON (alert_id) alert_id, labels, annotations "
                    "FROM msp_alert_event WHERE alert_id = ANY(%s) AND labels IS NOT NULL "
                    "ORDER BY alert_id, id DESC",
                    self.ids,
                )
            )
            latest = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        for alert in self:
            labels, annotations = latest.get(alert.id) or (alert.labels, alert.annotations)
            lines = [f"{k}={v}" for k, v in sorted((labels or {}).items())]
            lines += [f"{k}: {v}" for k, v in sorted((annotations or {}).items())]
            alert.labels_display = "\n".join(lines)

    # ------------------------------------------------------------------
    # A person assigns an unmatched alert
    # ------------------------------------------------------------------

    def _msp_assign_customer(self, partner):
        """Give these alerts (and their tickets) a customer: for the unmatched queue. The
        ticket's policy follows from its new customer (msp_sla's policy hook)."""
        partner = partner.commercial_partner_id
        if not partner:
            raise UserError(self.env._("Choose the customer to assign the alerts to."))
        for alert in self:
            if alert.partner_id:
                raise UserError(
                    self.env._(
                        "Alert %(alert)s already belongs to %(customer)s: only unmatched "
                        "alerts are assigned.",
                        alert=alert.name,
                        customer=alert.partner_id.display_name,
                    )
                )
        # sudo: SLA users may read alerts, not write them; this button is their one change
        # (the alert's customer, with the ticket they may edit anyway)
        self.sudo().write({"partner_id": partner.id, "assigned_by_person": True})
        self.ticket_id.write({"partner_id": partner.id})
        self.env["msp.alert.event"].sudo().create(
            [
                {
                    "alert_id": alert.id,
                    "kind": "assigned",
                    "date": fields.Datetime.now(),
                    "note": partner.display_name,
                }
                for alert in self
            ]
        )
        return True

    def action_open_assign_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Assign to customer"),
            "res_model": "msp.alert.assign.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": "msp.alert", "active_ids": self.ids},
        }

    # ------------------------------------------------------------------
    # Tickets of new alerts (the scheduled action the webhook wakes)
    # ------------------------------------------------------------------

    @api.model
    def _cron_msp_alert_tickets(self, batch_size=10):
        """Open the tickets of the alerts the webhook recorded, in batches that commit.
        Exactly once: each batch locks its alerts (FOR NO KEY UPDATE SKIP LOCKED: the
        history line of a repeat, whose foreign key only shares the alert's key, does not
        wait for it), so a second worker running at once takes other alerts, and an alert
        leaves the queue in the transaction that links its ticket. Small batches: a webhook
        call resolving an alert of the batch waits for it (one counting a repeat does not:
        it appends history).
        Stops before the cron's time limit would cut a batch; the scheduler runs it again
        for what remains."""
        while True:
            # No intake lock here: webhook calls go on while tickets open. One that closes a
            # ticket at the same moment may make this batch fail on the SLA ledger; the
            # batch is then done again at the next run (every minute).
            started = time.monotonic()
            done = self._msp_alert_open_pending(batch_size)
            remaining = self.search_count([("needs_ticket", "=", True)])
            time_left = self.env["ir.cron"]._commit_progress(done, remaining=remaining)
            if not done or not remaining or time_left <= 2 * (time.monotonic() - started):
                return

    @api.model
    def _msp_alert_open_pending(self, limit=200):
        """Open the tickets of up to ``limit`` recorded alerts; returns how many."""
        self.flush_model(["needs_ticket"])  # the SQL below reads what was written before
        self.env.cr.execute(
            SQL(
                "SELECT id FROM msp_alert WHERE needs_ticket ORDER BY id LIMIT %s "
                "FOR NO KEY UPDATE SKIP LOCKED",
                limit,
            )
        )
        alerts = self.browse([row[0] for row in self.env.cr.fetchall()])
        for source, batch in groupby(alerts, key=lambda a: a.source_id):
            source.with_company(source.company_id)._msp_alert_open_tickets(
                self.browse([a.id for a in batch])
            )
        return len(alerts)


class MspAlertEvent(models.Model):
    _name = "msp.alert.event"
    _description = "Monitoring Alert History"
    _order = "date desc, id desc"

    alert_id = fields.Many2one("msp.alert", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="alert_id.company_id", store=True)
    date = fields.Datetime(required=True)
    kind = fields.Selection(EVENT_KINDS, required=True)
    count = fields.Integer(default=1, help="Notifications this line stands for.")
    note = fields.Char()
    labels = fields.Json(
        readonly=True,
        help="A repeat's labels, when they or its annotations differ from the alert's.",
    )
    annotations = fields.Json(readonly=True)

    _count_positive = models.Constraint(
        "CHECK(count >= 0)", "An alert history line stands for 0 or more notifications."
    )


class MspAlertSourceIntake(models.Model):
    """The intake: what a webhook call does to alerts and tickets."""

    _inherit = "msp.alert.source"

    # ------------------------------------------------------------------
    # Matching (the hook msp_service_contract extends)
    # ------------------------------------------------------------------

    def _msp_alert_match(self, labels):
        """The customer of an alert with these labels: {"partner": res.partner (maybe
        empty), "note": how it matched}. Modules add keys (msp_service_contract: "asset").
        Here: the customer label (_msp_alert_match_customer_label)."""
        return self._msp_alert_match_customer_label(labels)

    def _msp_alert_match_customer_label(self, labels):
        """A ``customer`` label equal to a customer's Reference (its commercial entity)."""
        self.ensure_one()
        value = str(labels.get("customer") or "").strip()
        Partner = self.env["res.partner"]
        if value:
            partner = Partner.search(
                [
                    ("ref", "=ilike", LIKE_SPECIALS.sub(r"\\\g<0>", value)),
                    ("company_id", "in", [self.company_id.id, False]),
                ],
                limit=2,
            ).commercial_partner_id
            if len(partner) == 1:
                return {"partner": partner, "note": self.env._("customer label %s", value)}
        return {"partner": Partner, "note": False}

    def _msp_alert_match_many(self, label_sets):
        """{labels as a sorted tuple of items: _msp_alert_match(labels)} for these label sets.
        Modules that look matches up in the database do it here for all at once (one query
        for a webhook call's alerts, not one per alert)."""
        return {key: self._msp_alert_match(dict(key)) for key in label_sets}

    def _msp_alert_match_all(self, alerts):
        """The match of each alert. A repeat of a firing alert that matched a customer, with
        the same labels, keeps its alert's customer without a new lookup (the alert is about
        the same device until it resolves). The others: _msp_alert_match_many once per
        distinct label set; then, for those that match nothing, the customer a person
        assigned to the fingerprint's current alert."""
        firing = {}
        fingerprints = {alert["fingerprint"] for alert in alerts}
        for record in self._msp_alert_read_current(fingerprints, prefetch=True).values():
            if record.status == "firing":
                firing.setdefault(record.fingerprint, []).append(record)

        def known(alert):
            records = firing.get(alert["fingerprint"], [])
            if len(records) == 1 and records[0].partner_id and records[0].labels == alert["labels"]:
                return records[0]
            return None

        records = [known(alert) for alert in alerts]
        looked_up = self._msp_alert_match_many(
            {
                tuple(sorted(alert["labels"].items()))
                for alert, record in zip(alerts, records, strict=True)
                if not record
            }
        )
        matches = [
            {"partner": record.partner_id, "note": record.match_note}
            if record
            else looked_up[tuple(sorted(alert["labels"].items()))]
            for alert, record in zip(alerts, records, strict=True)
        ]
        pairs = zip(alerts, matches, strict=True)
        unmatched = {a["fingerprint"] for a, m in pairs if not m["partner"]}
        if unmatched:
            assigned = self.env["msp.alert"].search(
                [
                    ("source_id", "=", self.id),
                    ("is_current", "=", True),
                    ("assigned_by_person", "=", True),
                    ("fingerprint", "in", list(unmatched)),
                ]
            )
            by_fingerprint = {a.fingerprint: a.partner_id for a in assigned}
            matches = [
                {**m, "partner": by_fingerprint[a["fingerprint"]], "note": "assigned"}
                if not m["partner"] and a["fingerprint"] in by_fingerprint
                else m
                for a, m in zip(alerts, matches, strict=True)
            ]
        return matches

    # ------------------------------------------------------------------
    # Ticket values (hook)
    # ------------------------------------------------------------------

    def _msp_alert_ticket_values(self, alert, match, priority):
        """The values of a new alert's ticket; modules add theirs (the asset)."""
        self.ensure_one()
        labels, annotations = alert["labels"], alert["annotations"]
        title = labels.get("alertname") or alert["fingerprint"]
        summary = annotations.get("summary") or annotations.get("description") or ""
        where = labels.get("instance") or labels.get("hostname") or labels.get("host") or ""
        name = " · ".join(filter(None, [title, where, summary]))
        rows = Markup("").join(
            Markup("<tr><td>%s</td><td>%s</td></tr>") % (key, value)
            for key, value in [*sorted(labels.items()), *sorted(annotations.items())]
        )
        return {
            "name": shorten(name, TICKET_NAME_LENGTH, placeholder="..."),
            "description": Markup("<p>%s</p><table>%s</table>")
            % (self.env._("Alert from %s", self.name), rows),
            "team_id": self.team_id.id,
            "company_id": self.company_id.id,
            "partner_id": match["partner"].id,
            "priority": priority,
            "msp_emergency": priority == P1,
        }

    # ------------------------------------------------------------------
    # Intake
    # ------------------------------------------------------------------

    @api.model
    def _msp_alert_start_intake(self, changes_tickets):
        """Start a webhook call's transaction; call it before the transaction's first query.

        A call that may change existing tickets takes the intake lock
        (LOCK TABLE msp_alert_source IN SHARE ROW EXCLUSIVE MODE): such calls run one at a
        time. A ticket's change appends to the company's SLA ledger, and two calls doing so
        at once can clash there: under REPEATABLE READ the later one fails and Odoo retries
        it after a random wait of up to seconds. Waiting is cheaper, and since no query ran
        before the lock, the call's snapshot is taken after the wait and sees the previous
        call's work (PostgreSQL takes a REPEATABLE READ snapshot at the first query, not at
        LOCK). The lock mode blocks only other such calls and changes to alert sources.

        A call that only records firings (new alerts, repeats) runs in parallel with the
        others under READ COMMITTED: its repeats are history lines whose reference to their
        alert PostgreSQL checks with a key-share lock, which under REPEATABLE READ fails when
        the scheduled action linked the alert's ticket after the call's snapshot (the storm's
        retries); under READ COMMITTED it takes the alert's latest version, and a new alert
        another delivery inserted first is counted as a repeat of it (_msp_alert_lost_race).
        Correctness rests on neither: the unique index makes each alert exactly once, and a
        clash is retried. A transaction already under way (a test's) is left as it is."""
        cr = self.env.cr
        if changes_tickets:
            cr.execute("LOCK TABLE msp_alert_source IN SHARE ROW EXCLUSIVE MODE")
            return
        connection = getattr(cr, "connection", None)
        if connection is not None and connection.info.transaction_status == TRANSACTION_IDLE:
            cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
        # Such calls do not wait for each other (this mode does not conflict with itself),
        # but one that changes tickets waits for them and they for it: a firing is never
        # counted on an alert that a concurrent call resolved after this one read it.
        cr.execute("LOCK TABLE msp_alert_source IN ROW EXCLUSIVE MODE")

    def _msp_alert_changes_tickets(self, alerts):
        """Whether a call with these parsed alerts may change existing tickets (note a
        recovery, close, reopen): it carries a "resolved", or a firing of an alert whose
        current one is resolved. Read before the call's intake lock (controllers/alerts.py);
        only a hint for taking it, the intake is right either way."""
        self.ensure_one()
        if any(alert["status"] == "resolved" for alert in alerts):
            return True
        self.env["msp.alert"].flush_model(["is_current", "status", "fingerprint", "source_id"])
        self.env.cr.execute(
            SQL(
                "SELECT 1 FROM msp_alert WHERE source_id = %s AND is_current "
                "AND status = 'resolved' AND fingerprint = ANY(%s) LIMIT 1",
                self.id,
                sorted({alert["fingerprint"] for alert in alerts}),
            )
        )
        return bool(self.env.cr.fetchone())

    def _msp_alert_ingest(self, alerts, changes_tickets=True):
        """Record a batch of parsed alerts (see msp_alert_payload.parse_alerts) and apply
        them to tickets. Returns a summary {received, new, repeat, resolved, reopened,
        closed, unmatched, orphan}. ``changes_tickets`` False: the call was started to only
        record firings (_msp_alert_start_intake); should it find a ticket to change after
        all (an alert resolved meanwhile, to reopen), Odoo runs it again, with the lock.

        A repeat firing of a firing alert appends a history line and takes no lock: two
        calls counting repeats of the same alert, or one doing so while the scheduled action
        links the alert's ticket, both go through at once, and every firing is a line.
        The alerts whose state changes (resolved, reopened, superseded) are locked first
        (FOR NO KEY UPDATE, in id order); one changed by another transaction since this
        call's snapshot makes PostgreSQL refuse the lock (a serialization failure under Odoo's
        REPEATABLE READ), and Odoo runs the call again on the new state.

        Exactly once: new alerts are inserted with INSERT ... ON CONFLICT DO NOTHING against
        the unique index of current alerts. When two deliveries of the same new alert run at
        once, the second insert waits for the first transaction; under REPEATABLE READ it then
        fails with a serialization error, and Odoo's request retry runs the whole call again,
        which now finds the alert and counts a repeat. No check-then-insert can make two
        tickets."""
        self.ensure_one()
        now = fields.Datetime.now()
        summary = dict.fromkeys(
            ("new", "repeat", "resolved", "reopened", "closed", "unmatched", "orphan"), 0
        )
        summary["received"] = len(alerts)
        matches = self._msp_alert_match_all(alerts)
        by_key = {}
        for alert, match in zip(alerts, matches, strict=True):
            key = (alert["fingerprint"], match["partner"].id or 0)
            by_key.setdefault(key, []).append((alert, match))
        current = self._msp_alert_current_locked(by_key)
        Alert = self.env["msp.alert"]
        events, new_keys, orphans = [], [], []
        to_resolve, to_reopen = Alert, Alert
        window = timedelta(minutes=self.flap_window_minutes)
        for key in sorted(by_key):
            items = by_key[key]
            firings = sum(1 for alert, _m in items if alert["status"] == "firing")
            last_alert = items[-1][0]
            record = current.get(key)
            if record and firings and record.status == "resolved":
                if (
                    self.flap_window_minutes
                    and record.resolved_at
                    and now - record.resolved_at <= window
                ):
                    to_reopen |= record
                    record.write(
                        {
                            "status": "firing",
                            "resolved_at": False,
                            "labels": last_alert["labels"],
                            "annotations": last_alert["annotations"],
                        }
                    )
                    reopened = self._msp_alert_event(record, "reopened", now, firings)
                    reopened.update(
                        labels=last_alert["labels"], annotations=last_alert["annotations"]
                    )
                    events.append(reopened)
                    summary["reopened"] += 1
                else:
                    record.write({"is_current": False})
                    record = None
            elif record and firings:
                events.append(self._msp_alert_repeat(record, firings, last_alert, now))
                summary["repeat"] += 1
            if record is None:
                if firings:
                    new_keys.append((key, items, firings))
                else:
                    orphans.append((key, items))
                continue
            if last_alert["status"] == "resolved" and record.status == "firing":
                to_resolve |= record
            elif last_alert["status"] == "resolved":
                # a repeated "resolved": nothing changes, the history notes it was seen
                events.append(self._msp_alert_event(record, "resolved_again", now, 0))
        if (to_reopen or to_resolve) and not changes_tickets:
            raise ConcurrencyError(
                f"alerts of source {self.id} resolved meanwhile: their tickets change under "
                "the intake lock"
            )
        new_alerts = self._msp_alert_insert(new_keys, now)
        if new_alerts:
            # sudo: the intake wakes the scheduled action that opens the new alerts' tickets
            self.env.ref("msp_sla.ir_cron_msp_alert_tickets").sudo()._trigger()
        inserted = {(a.fingerprint, a.partner_id.id or 0): a for a in new_alerts}
        for key, items, firings in new_keys:
            if key in inserted:
                summary["new"] += 1
                summary["unmatched"] += not key[1]
                events.append(self._msp_alert_event(inserted[key], "fired", now, firings))
            else:
                events.append(self._msp_alert_lost_race(key, items, firings, now))
                summary["repeat"] += 1
        to_resolve |= new_alerts.filtered(
            lambda a: by_key[(a.fingerprint, a.partner_id.id or 0)][-1][0]["status"] == "resolved"
        )
        self._msp_alert_insert_orphans(orphans, now, summary)
        events += self._msp_alert_reopen_tickets(to_reopen, now)
        events += self._msp_alert_resolve(to_resolve, now, summary)
        self._msp_alert_append_history(events)
        return summary

    def _msp_alert_current_locked(self, by_key):
        """{key: msp.alert} of the current alerts of these keys, the alerts this call
        changes locked (FOR NO KEY UPDATE, in id order). Under REPEATABLE READ PostgreSQL
        refuses the lock of an alert changed since the call's snapshot (Odoo runs the call again).
        Under READ COMMITTED (calls that only record firings, _msp_alert_start_intake) the
        locked alerts are read again after their lock, so the call decides on their latest
        state, until no other alert needs a lock."""
        Alert = self.env["msp.alert"]
        fingerprints = {fingerprint for fingerprint, _partner in by_key}
        locked = Alert
        while True:
            current = self._msp_alert_read_current(fingerprints)
            changing = Alert.union(
                *(
                    record
                    for key, record in current.items()
                    if key in by_key and self._msp_alert_changes_state(record, by_key[key])
                )
            )
            if not changing - locked:
                return current
            self._msp_alert_lock(changing - locked)
            locked |= changing
            Alert.invalidate_model()

    def _msp_alert_lost_race(self, key, items, firings, now):
        """The history line of firings whose new alert another delivery inserted first
        (INSERT ... ON CONFLICT skipped it: only under READ COMMITTED, where the other
        alert is now visible): a repeat of that alert. Anything else the other call may
        have done to it meanwhile makes Odoo run this call again."""
        self.env["msp.alert"].invalidate_model()
        record = self._msp_alert_read_current({key[0]}).get(key)
        if not record or record.status != "firing" or items[-1][0]["status"] != "firing":
            raise ConcurrencyError(
                f"alert {key[0]} of source {self.id} was recorded by another delivery meanwhile"
            )
        return self._msp_alert_repeat(record, firings, items[-1][0], now)

    def _msp_alert_changes_state(self, record, items):
        """Whether these notifications change the current alert ``record`` (so that it must
        be locked): a firing of a resolved alert (reopened or superseded), or a "resolved"
        last of a firing one. A repeat of a firing alert, or of a "resolved", does not."""
        firing = any(alert["status"] == "firing" for alert, _m in items)
        if record.status == "resolved":
            return firing
        return items[-1][0]["status"] == "resolved"

    def _msp_alert_repeat(self, record, firings, last_alert, now):
        """The history line counting ``firings`` more notifications of a firing alert. It
        keeps the notification's labels and annotations (an annotation with the latest
        value, "94% full", or back to the first one): the form shows the newest line's; the
        alert's row is not written."""
        event = self._msp_alert_event(record, "repeat", now, firings)
        event.update(labels=last_alert["labels"], annotations=last_alert["annotations"])
        return event

    def _msp_alert_append_history(self, events):
        """Insert the history lines of a call (values of _msp_alert_event), in one INSERT:
        an alert storm's calls append hundreds each, and the ORM's create costs more than
        the rest of the call. The lines have no computed or default values besides these;
        their alerts' history and what is read from it are invalidated."""
        if not events:
            return
        Event = self.env["msp.alert.event"]
        Event.flush_model()
        rows = [
            SQL(
                "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                event["alert_id"],
                self.company_id.id,
                event["date"],
                event["kind"],
                event["count"],
                event["note"] or None,
                Json(event["labels"]) if event.get("labels") is not None else None,
                Json(event["annotations"]) if event.get("annotations") is not None else None,
                self.env.uid,
                self.env.cr.now(),
                self.env.uid,
                self.env.cr.now(),
            )
            for event in events
        ]
        self.env.cr.execute(
            SQL(
                "INSERT INTO msp_alert_event (alert_id, company_id, date, kind, count, note, "
                "labels, annotations, create_uid, create_date, write_uid, write_date) "
                "VALUES %s",
                SQL(", ").join(rows),
            )
        )
        self.env["msp.alert"].browse({event["alert_id"] for event in events}).invalidate_recordset(
            ["event_ids", "firing_count", "last_seen", "labels_display"]
        )

    def _msp_alert_event(self, alert, kind, date, count=1, note=False):
        return {"alert_id": alert.id, "kind": kind, "date": date, "count": count, "note": note}

    def _msp_alert_read_current(self, fingerprints, prefetch=False):
        """{(fingerprint, partner id or 0): msp.alert} of the current alerts (not locked).
        ``prefetch``: also read at once what the intake decides on."""
        if not fingerprints:
            return {}
        self.env["msp.alert"].flush_model(["is_current", "fingerprint", "source_id"])
        self.env.cr.execute(
            SQL(
                "SELECT id FROM msp_alert WHERE source_id = %s AND is_current "
                "AND fingerprint = ANY(%s) ORDER BY id",
                self.id,
                sorted(fingerprints),
            )
        )
        alerts = self.env["msp.alert"].browse([row[0] for row in self.env.cr.fetchall()])
        if prefetch:
            alerts.fetch(["fingerprint", "partner_id", "match_note", "status", "labels"])
        return {(a.fingerprint, a.partner_id.id or 0): a for a in alerts}

    def _msp_alert_lock(self, alerts):
        """Lock the alerts this call changes, in id order (two calls changing the same
        alerts cannot deadlock)."""
        if not alerts:
            return
        self.env.cr.execute(
            SQL(
                "SELECT id FROM msp_alert WHERE id = ANY(%s) ORDER BY id FOR NO KEY UPDATE",
                sorted(alerts.ids),
            )
        )

    def _msp_alert_insert(self, new_keys, now):
        """The new current alerts, in one INSERT ... ON CONFLICT DO NOTHING; their tickets
        are opened right after, by the scheduled action this call triggers
        (msp.alert._cron_msp_alert_tickets). Under REPEATABLE READ a conflict with an alert
        committed after the call's snapshot is a serialization failure; under READ
        COMMITTED the row is skipped (not returned) and the caller counts a repeat."""
        Alert = self.env["msp.alert"]
        if not new_keys:
            return Alert
        Alert.flush_model()  # the superseded alerts leave the unique index first
        rows = []
        for (fingerprint, partner_id), items, _firings in new_keys:
            alert, match = items[-1]
            rows.append(
                SQL(
                    "(%s, %s, %s, %s, %s, %s, true, 'firing', true, %s, %s, %s, %s, %s, %s, "
                    "%s, %s)",
                    alert["name"],
                    self.id,
                    self.company_id.id,
                    fingerprint,
                    partner_id or None,
                    match.get("note") or None,
                    alert["labels"].get(self.severity_label) or None,
                    now,
                    Json(alert["labels"]),
                    Json(alert["annotations"]),
                    self.env.uid,
                    now,
                    self.env.uid,
                    now,
                )
            )
        self.env.cr.execute(
            SQL(
                "INSERT INTO msp_alert (name, source_id, company_id, fingerprint, partner_id, "
                "match_note, needs_ticket, status, is_current, severity, first_seen, "
                "labels, annotations, create_uid, create_date, "
                "write_uid, write_date) VALUES %s "
                "ON CONFLICT (source_id, fingerprint, COALESCE(partner_id, 0)) "
                "WHERE is_current DO NOTHING RETURNING id",
                SQL(", ").join(rows),
            )
        )
        return Alert.browse([row[0] for row in self.env.cr.fetchall()])

    def _msp_alert_open_tickets(self, alerts):
        """One create for the tickets of these new alerts of this source; those resolved
        meanwhile are then closed as a recovery closes them."""
        now = fields.Datetime.now()
        vals_list = []
        for alert in alerts:
            data = {
                "fingerprint": alert.fingerprint,
                "labels": alert.labels or {},
                "annotations": alert.annotations or {},
            }
            match = self._msp_alert_match(data["labels"])
            if match["partner"] != alert.partner_id:
                # assigned by a person, or the register changed since: the alert's customer
                match = {"partner": alert.partner_id, "note": alert.match_note}
            priority = self._msp_alert_priority(data["labels"])
            vals_list.append(self._msp_alert_ticket_values(data, match, priority))
        tickets = (
            self.env["helpdesk.ticket"]
            .with_context(msp_alert_intake=True, mail_create_nosubscribe=True)
            .create(vals_list)
        )
        for alert, ticket in zip(alerts, tickets, strict=True):
            alert.write({"ticket_id": ticket.id, "needs_ticket": False})
        resolved = alerts.filtered(lambda a: a.status == "resolved")
        events = self._msp_alert_resolve(resolved, now, dict.fromkeys(("resolved", "closed"), 0))
        self.env["msp.alert.event"].create(events)

    def _msp_alert_insert_orphans(self, orphans, now, summary):
        """A "resolved" for an alert never seen firing (sent before the source was set up):
        recorded, not current, no ticket."""
        if not orphans:
            return
        vals = []
        for (fingerprint, partner_id), items in orphans:
            alert, match = items[-1]
            vals.append(
                {
                    "name": alert["name"],
                    "source_id": self.id,
                    "company_id": self.company_id.id,
                    "fingerprint": fingerprint,
                    "partner_id": partner_id or False,
                    "match_note": match.get("note"),
                    "status": "resolved",
                    "is_current": False,
                    "first_seen": now,
                    "resolved_at": now,
                    "labels": alert["labels"],
                    "annotations": alert["annotations"],
                    "severity": alert["labels"].get(self.severity_label) or False,
                }
            )
            summary["orphan"] += 1
        self.env["msp.alert"].create(vals)

    def _msp_alert_ticket_stage(self, ticket, closed):
        stages = ticket.team_id._get_applicable_stages()
        return stages.filtered(lambda s: bool(s.closed) == closed)[:1]

    def _msp_alert_reopen_tickets(self, alerts, now):
        """Flapping: the alert fired again within the window, its ticket opens again."""
        events = []
        Ticket = self.env["helpdesk.ticket"].with_context(msp_alert_intake=True)
        for alert in alerts:
            ticket = Ticket.browse(alert.ticket_id.id)
            if not ticket:
                continue
            if ticket.closed:
                stage = self._msp_alert_ticket_stage(ticket, closed=False)
                if stage:
                    ticket.stage_id = stage
            ticket.message_post(
                body=self.env._(
                    "Alert %(alert)s fired again %(minutes)s minutes or less after it resolved "
                    "(flapping): this ticket is open again.",
                    alert=alert.name,
                    minutes=self.flap_window_minutes,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return events

    def _msp_alert_resolve(self, alerts, now, summary):
        """Note the recovery on the tickets; close those the source may close and no person
        touched."""
        events = []
        if not alerts:
            return events
        firing = alerts.filtered(lambda a: a.status == "firing")
        firing.write({"status": "resolved", "resolved_at": now})
        Ticket = self.env["helpdesk.ticket"].with_context(msp_alert_intake=True)
        for alert in alerts:
            if alert in firing:
                summary["resolved"] += 1
                events.append(self._msp_alert_event(alert, "resolved", now))
            ticket = Ticket.browse(alert.ticket_id.id)
            if not ticket or ticket.closed:
                continue
            close = self.close_on_resolved and not ticket.msp_alert_touched
            stage = close and self._msp_alert_ticket_stage(ticket, closed=True)
            if stage:
                body = self.env._("Alert %s resolved: the ticket is closed.", alert.name)
            elif self.close_on_resolved:
                body = self.env._(
                    "Alert %s resolved. The ticket stays open: a person has worked on it.",
                    alert.name,
                )
            else:
                body = self.env._("Alert %s resolved.", alert.name)
            ticket.message_post(body=body, subtype_xmlid="mail.mt_note")
            if stage:
                ticket.stage_id = stage
                summary["closed"] += 1
                events.append(self._msp_alert_event(alert, "closed", now))
            elif self.close_on_resolved:
                events.append(self._msp_alert_event(alert, "kept_open", now))
        return events
