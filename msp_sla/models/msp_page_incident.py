# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Paging: an incident per urgent ticket pages the people on call, step by step, until one
of them acknowledges.

The paging scan (a cron, triggered at once when an incident starts) runs the due step of each
triggered incident exactly once, also under two cron workers: due incidents are read through
a partial index, locked with FOR NO KEY UPDATE SKIP LOCKED, checked again under the lock, and
each step leaves one msp.page row that a unique index keeps single. Progress is committed
batch by batch with ``_commit_progress``, like the SLA scan.
"""

import logging
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.fields import Domain
from odoo.tools import SQL, consteq
from odoo.tools.misc import hmac

_logger = logging.getLogger(__name__)

INCIDENT_STATES = [
    ("triggered", "Triggered"),
    ("acknowledged", "Acknowledged"),
    ("resolved", "Resolved"),
]
ACK_SCOPE = "msp_sla-page-ack"


class MspPageIncident(models.Model):
    _name = "msp.page.incident"
    _description = "Paging Incident"
    _order = "id desc"
    _check_company_auto = True

    ticket_id = fields.Many2one("helpdesk.ticket", required=True, ondelete="cascade", index=True)
    schedule_id = fields.Many2one("msp.oncall.schedule", required=True, ondelete="restrict")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    state = fields.Selection(INCIDENT_STATES, required=True, default="triggered", readonly=True)
    started_at = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    step_index = fields.Integer(
        string="Steps Done", readonly=True, help="How many escalation steps have paged."
    )
    next_due_at = fields.Datetime(
        string="Next Step Due",
        readonly=True,
        help="When the next escalation step pages if nobody acknowledges.",
    )
    acknowledged_by_id = fields.Many2one("res.users", readonly=True)
    acknowledged_at = fields.Datetime(readonly=True)
    acknowledged_via = fields.Selection(
        [
            ("web", "Web or mobile client"),
            ("email", "E-mail link"),
            ("email_reply", "E-mail reply"),
            ("api", "API"),
        ],
        readonly=True,
    )
    resolved_at = fields.Datetime(readonly=True)
    page_ids = fields.One2many("msp.page", "incident_id", string="Pages Sent")
    can_acknowledge = fields.Boolean(compute="_compute_can_acknowledge")

    # The scan reads only due, triggered incidents: however many closed ones there are.
    _due_triggered_idx = models.Index("(next_due_at) WHERE state = 'triggered'")
    _one_live_per_ticket = models.UniqueIndex(
        "(ticket_id) WHERE state != 'resolved'", "A ticket has one live paging incident."
    )

    @api.depends("ticket_id")
    def _compute_display_name(self):
        for incident in self:
            incident.display_name = self.env._(
                "Page: %(ticket)s", ticket=incident.ticket_id.display_name
            )

    @api.depends_context("uid")
    @api.depends("state", "page_ids.user_id")
    def _compute_can_acknowledge(self):
        manager = self.env.user.has_group("msp_sla.msp_sla_group_manager")
        for incident in self:
            incident.can_acknowledge = incident.state == "triggered" and (
                manager or self.env.user in incident.page_ids.user_id
            )

    # ------------------------------------------------------------------
    # Start and stop
    # ------------------------------------------------------------------

    @api.model
    def _msp_start(self, tickets, schedules):
        """Start paging for ``tickets`` ({ticket id: schedule}), skipping those with a live
        incident, and wake the paging scan up now. Returns the new incidents."""
        now = fields.Datetime.now()
        if not tickets:
            return self
        # Two transactions starting the paging of one ticket (an alert firing again while its
        # ticket is raised to P1) are serialised on the ticket's row, an update that changes
        # nothing: the later one is refused and retried (Odoo retries a serialisation failure)
        # and then finds the live incident, instead of failing on the unique index.
        self.env.cr.execute(
            SQL(
                "UPDATE helpdesk_ticket SET write_date = write_date WHERE id IN %s",
                tuple(tickets.ids),
            )
        )
        # sudo: whether a live incident exists, whoever created the ticket
        live = set(
            self.sudo()
            .search(Domain("ticket_id", "in", tickets.ids) & Domain("state", "!=", "resolved"))
            .ticket_id.ids
        )
        vals_list = []
        for ticket in tickets.filtered(lambda t: t.id not in live):
            schedule = schedules[ticket.id]
            first = schedule.escalation_ids[:1]
            vals_list.append(
                {
                    "ticket_id": ticket.id,
                    "schedule_id": schedule.id,
                    "company_id": ticket.company_id.id,
                    "started_at": now,
                    "next_due_at": now + timedelta(minutes=first.delay_minutes) if first else False,
                }
            )
        # sudo: paging is the engine's: the ticket's creator (a customer, an alert) starts it
        incidents = self.sudo().create(vals_list)
        if incidents:
            # sudo: waking the paging cron up is not the creator's right, but this is all it does
            self.env.ref("msp_sla.ir_cron_msp_page").sudo()._trigger(
                min(incidents.mapped("next_due_at") or [now])
            )
        return incidents

    def _msp_resolve(self):
        live = self.filtered(lambda i: i.state != "resolved")
        live.write(
            {"state": "resolved", "resolved_at": fields.Datetime.now(), "next_due_at": False}
        )
        live.page_ids.activity_id.filtered("active").action_feedback(
            feedback=self.env._("Ticket closed")
        )

    # ------------------------------------------------------------------
    # Acknowledge
    # ------------------------------------------------------------------

    def action_acknowledge(self, via=None):
        """Acknowledge these incidents as the current user: paging stops. Public (the ticket's
        and the incident's button, and the API with ``via="api"``, docs/api.md). A technician
        acknowledges the incidents that paged them; an SLA administrator any. Acknowledging
        twice changes nothing."""
        manager = self.env.user.has_group("msp_sla.msp_sla_group_manager")
        for incident in self:
            if not manager and self.env.user not in incident.page_ids.user_id:
                raise AccessError(
                    self.env._(
                        "You were not paged for %(incident)s: only the technicians it paged or "
                        "an SLA administrator can acknowledge it.",
                        incident=incident.display_name,
                    )
                )
        via = via if via in ("web", "api") else "web"
        # sudo: the person was checked above; the incident's fields are the engine's
        self.sudo()._msp_acknowledge(via)
        return True

    def _msp_acknowledge(self, via):
        """Acknowledge as the environment's user, once: the row is locked first, so a second
        click or a concurrent e-mail link finds it acknowledged (or is refused and retried)."""
        if not self:
            return self
        self.env.cr.execute(
            SQL(
                "SELECT id FROM msp_page_incident WHERE id IN %s FOR NO KEY UPDATE",
                tuple(self.ids),
            )
        )
        self.invalidate_recordset()
        todo = self.filtered(lambda i: i.state == "triggered")
        if not todo:
            return todo
        now = fields.Datetime.now()
        user = self.env.user
        todo.write(
            {
                "state": "acknowledged",
                "acknowledged_by_id": user.id,
                "acknowledged_at": now,
                "acknowledged_via": via,
                "next_due_at": False,
            }
        )
        labels = dict(self._fields["acknowledged_via"]._description_selection(self.env))
        events = []
        for incident in todo:
            text = self.env._(
                "Page acknowledged by %(user)s (%(via)s) after %(minutes)s min",
                user=user.name,
                via=labels[via],
                minutes=round((now - incident.started_at).total_seconds() / 60),
            )
            events.append(incident._msp_event("page_ack", now, text))
            # a note, not a reply to the customer: the first-response clock keeps running
            incident.ticket_id.message_post(
                body=text, message_type="notification", subtype_xmlid="mail.mt_note"
            )
        todo.page_ids.activity_id.filtered("active").action_feedback(
            feedback=self.env._("Acknowledged by %s", user.name)
        )
        self.env["msp.sla.event"]._msp_sla_log(events)
        return todo

    def _msp_event(self, event_type, date, details):
        self.ensure_one()
        ticket = self.ticket_id
        return {
            "ticket_id": ticket.id,
            "company_id": self.company_id.id,
            "policy_id": ticket.msp_sla_policy_id.id,
            "event_type": event_type,
            "date": date,
            "details": details,
        }

    # ------------------------------------------------------------------
    # The paging scan
    # ------------------------------------------------------------------

    @api.model
    def _msp_due_domain(self, now):
        # matches the partial index: state = 'triggered', ordered on next_due_at
        return Domain("state", "=", "triggered") & Domain("next_due_at", "<=", now)

    @api.model
    def _cron_page(self):
        """Run the due escalation step of each triggered incident, once. Batched and
        resumable; a second worker skips the incidents this one holds. Returns the number of
        steps run."""
        now = fields.Datetime.now()
        domain = self._msp_due_domain(now)
        batch_size = 100
        done = 0
        while True:
            candidates = self.search(domain, limit=batch_size, order="next_due_at, id")
            if not candidates:
                break
            locked = candidates.try_lock_for_update(allow_referencing=True)
            locked.invalidate_recordset()
            locked = locked.filtered_domain(domain)
            if locked:
                self.env["msp.sla.event"]._msp_sla_log(locked._msp_run_step(now))
                done += len(locked)
            full = len(candidates) == batch_size
            time_left = self.env["ir.cron"]._commit_progress(
                len(locked), remaining=self.search_count(domain) if full else 0
            )
            if time_left <= 0 or not full or not locked:
                break
        self._msp_trigger_next()
        return done

    @api.model
    def _msp_trigger_next(self):
        """Wake the scan up when the next step falls due (sooner than its interval)."""
        nxt = self.search(
            Domain("state", "=", "triggered") & Domain("next_due_at", "!=", False),
            limit=1,
            order="next_due_at, id",
        )
        if nxt:
            self.env.ref("msp_sla.ir_cron_msp_page")._trigger(nxt.next_due_at)

    def _msp_run_step(self, now):
        """Page the next step of each of these (locked, due) incidents; returns ledger lines."""
        events = []
        Page = self.env["msp.page"]
        for incident in self:
            steps = incident.schedule_id.escalation_ids
            if incident.step_index >= len(steps):
                incident.next_due_at = False
                continue
            step = steps[incident.step_index]
            user = step._msp_recipient(now)
            page = Page.create(
                {
                    "incident_id": incident.id,
                    "step_index": incident.step_index,
                    "user_id": user.id,
                    "sent_at": now,
                }
            )
            nxt = incident.step_index + 1
            incident.write(
                {
                    "step_index": nxt,
                    "next_due_at": (
                        now + timedelta(minutes=steps[nxt].delay_minutes)
                        if nxt < len(steps)
                        else False
                    ),
                }
            )
            if user:
                page._msp_send()
                text = self.env._(
                    "Paged %(user)s (step %(step)s: %(target)s) by %(channels)s",
                    user=user.name,
                    step=nxt,
                    target=dict(step._fields["target"]._description_selection(self.env))[
                        step.target
                    ],
                    channels=page.channels,
                )
            else:
                text = self.env._(
                    "Step %(step)s found nobody to page (%(target)s): going on to the next step",
                    step=nxt,
                    target=step.target,
                )
            events.append(incident._msp_event("page", now, text))
        return events


class MspPage(models.Model):
    """One page sent to one person (the incident's log)."""

    _name = "msp.page"
    _description = "Page Sent"
    _order = "sent_at desc, id desc"

    incident_id = fields.Many2one(
        "msp.page.incident", required=True, ondelete="cascade", index=True
    )
    ticket_id = fields.Many2one(related="incident_id.ticket_id", store=True, index=True)
    company_id = fields.Many2one(related="incident_id.company_id", store=True)
    step_index = fields.Integer(string="Step", required=True)
    user_id = fields.Many2one("res.users", string="Paged", index="btree_not_null")
    sent_at = fields.Datetime(required=True)
    channels = fields.Char(readonly=True)
    activity_id = fields.Many2one("mail.activity", ondelete="set null", readonly=True)

    # the database's own guarantee that a step pages once, whatever the scan does
    _step_once = models.UniqueIndex(
        "(incident_id, step_index)", "An escalation step pages only once per incident."
    )

    def _msp_ack_token(self):
        self.ensure_one()
        return hmac(self.env(su=True), ACK_SCOPE, (self.id, self.user_id.id))

    def _msp_check_token(self, token):
        self.ensure_one()
        return bool(token) and consteq(self._msp_ack_token(), token)

    def _msp_ack_url(self):
        self.ensure_one()
        base = self.incident_id.ticket_id.get_base_url()
        return f"{base}/msp/page/ack/{self.id}/{self._msp_ack_token()}"

    def _msp_send(self):
        """Page the person through Odoo's own channels: a notification in the inbox and the
        mobile app's push (for users notified in Odoo), the page e-mail with the one-click
        acknowledge link (for everyone with an address; a reply to it acknowledges too, see
        msp_page_reply.py), an activity, and an SMS when the sms module is installed and the
        person has a phone number."""
        self.ensure_one()
        ticket, user = self.incident_id.ticket_id, self.user_id
        url = self._msp_ack_url()
        subject = self.env._("PAGE: %(ticket)s", ticket=ticket.display_name)
        body = Markup(
            "<p>%s</p><p><a href='%s' class='btn btn-primary o_msp_page_ack'>%s</a></p>"
        ) % (
            self.env._(
                "You are on call: ticket %(ticket)s (%(customer)s) needs you now.",
                ticket=ticket.display_name,
                customer=ticket.partner_id.display_name or "-",
            ),
            url,
            self.env._("Acknowledge"),
        )
        # the inbox (and the mobile app's push) for people notified in Odoo; the page e-mail
        # is the notification of those who chose e-mail in their preferences
        channels = []
        if user.notification_type == "inbox":
            ticket.message_notify(
                partner_ids=user.partner_id.ids,
                subject=subject,
                body=body,
                email_layout_xmlid="mail.mail_notification_light",
            )
            channels.append("inbox and push")
        if user.email:
            # the incident's e-mail, not the ticket's: a reply goes to the incident (and
            # acknowledges), never to the ticket's followers. Kept once sent: the gateway
            # finds the incident of a reply by this e-mail's message id.
            self.env["mail.mail"].create(
                {
                    "subject": subject,
                    "body_html": body,
                    "email_to": user.email_formatted,
                    "auto_delete": False,
                    "model": "msp.page.incident",
                    "res_id": self.incident_id.id,
                }
            )
            channels.append("e-mail")
        activity = ticket.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=subject,
            note=body,
            user_id=user.id,
            date_deadline=fields.Date.context_today(self),
        )
        channels.append("activity")
        number = user.partner_id.phone
        if "sms.sms" in self.env and number:
            self.env["sms.sms"].create(
                {
                    "number": number,
                    "partner_id": user.partner_id.id,
                    "body": f"{subject} {url}",
                }
            )
            channels.append("SMS")
        self.write({"activity_id": activity.id, "channels": ", ".join(channels)})
