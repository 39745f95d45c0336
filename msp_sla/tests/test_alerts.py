# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.addons.msp_sla.models.msp_alert_payload import PayloadError, parse_alerts
from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from .common import P1, P3, MspAlertCase


class TestAlertIntake(MspAlertCase):
    """Alerts become tickets: one per alert, repeats count, recoveries close untouched
    tickets, flapping reopens, unmatched alerts are kept; tokens, rights and payloads."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sla_user = new_test_user(
            cls.env, login="alert_sla_user", groups="msp_sla.msp_sla_group_user"
        )

    def test_firing_opens_one_p1_ticket_and_repeats_count(self):
        summary = self.ingest(self.am_alert(instance="db1", customer="acme"))
        self.assertEqual(summary["new"], 1)
        alert = self.alerts_of("fp-DiskFull-db1")
        self.assertEqual(len(alert), 1)
        ticket = alert.ticket_id
        self.assertEqual(ticket.priority, P1)
        self.assertTrue(ticket.msp_emergency)
        self.assertEqual(ticket.commercial_partner_id, self.customer)
        self.assertEqual(ticket.msp_sla_policy_id, self.policy_24x7, "P1 alert: 24x7 clock")
        self.assertEqual(alert.match_note, "customer label acme")

        summary = self.ingest(self.am_alert(instance="db1", customer="acme"))
        summary2 = self.ingest(self.am_alert(instance="db1", customer="acme"))
        self.assertEqual((summary["repeat"], summary2["repeat"]), (1, 1))
        self.assertEqual(self.alerts_of("fp-DiskFull-db1"), alert)
        self.assertEqual(alert.firing_count, 3)
        self.assertEqual(
            self.env["helpdesk.ticket"].search_count([("msp_alert_ids", "in", alert.ids)]), 1
        )
        self.assertEqual(alert.event_ids.mapped("kind").count("repeat"), 2)

    def test_repeats_append_history_and_leave_the_alert_row_alone(self):
        start = fields.Datetime.now()
        with freeze_time(start):
            self.ingest(self.am_alert(instance="db1", customer="acme"))
        alert = self.alerts_of("fp-DiskFull-db1")
        changed = self.am_alert(instance="db1", customer="acme")
        changed["annotations"] = {"summary": "/var is 94% full"}
        with freeze_time(start + timedelta(minutes=5)):
            self.ingest(changed, changed)
        with freeze_time(start + timedelta(minutes=6)):
            self.ingest(self.am_alert(instance="db1", customer="acme"))
        self.env.invalidate_all()
        self.assertEqual(
            alert.annotations, {"summary": "DiskFull on db1"}, "a repeat leaves the row alone"
        )
        self.assertEqual(alert.firing_count, 4)
        self.assertEqual(alert.last_seen, start + timedelta(minutes=6))
        repeats = alert.event_ids.filtered(lambda e: e.kind == "repeat")
        self.assertEqual(sorted(repeats.mapped("count")), [1, 2])
        # the history keeps each repeat's annotations; the form shows the latest notification's
        self.assertEqual(
            repeats.filtered(lambda e: e.count == 2).annotations, {"summary": "/var is 94% full"}
        )
        self.assertEqual(
            repeats.filtered(lambda e: e.count == 1).annotations, {"summary": "DiskFull on db1"}
        )
        self.assertIn("summary: DiskFull on db1", alert.labels_display, "back to the first value")
        # a "resolved" sent twice: the second one is a history line, nothing else changes
        with freeze_time(start + timedelta(minutes=7)):
            self.ingest(self.am_alert(instance="db1", customer="acme", status="resolved"))
        with freeze_time(start + timedelta(minutes=8)):
            summary = self.ingest(self.am_alert(instance="db1", customer="acme", status="resolved"))
        self.assertEqual(summary["resolved"], 0)
        self.assertEqual(alert.resolved_at, start + timedelta(minutes=7))
        self.assertEqual(alert.last_seen, start + timedelta(minutes=8))
        self.assertIn("resolved_again", alert.event_ids.mapped("kind"))

    def test_only_calls_that_may_change_tickets_take_the_intake_lock(self):
        def changes(*alerts):
            body = json.dumps(self.am_body(*alerts))
            return self.source._msp_alert_changes_tickets(parse_alerts("alertmanager", body))

        self.ingest(self.am_alert(instance="db1", customer="acme"))
        self.assertFalse(changes(self.am_alert(instance="db1"), self.am_alert(instance="db2")))
        self.assertTrue(changes(self.am_alert(instance="db2", status="resolved")))
        self.ingest(self.am_alert(instance="db1", customer="acme", status="resolved"))
        # firing again: may reopen its ticket
        self.assertTrue(changes(self.am_alert(instance="db1")))

    def test_severity_maps_to_priority_per_source(self):
        self.ingest(self.am_alert("Slow", instance="web1", severity="warning"))
        self.assertEqual(self.alerts_of("fp-Slow-web1").ticket_id.priority, P3)
        self.source.severity_ids.filtered(lambda s: s.severity == "warning").priority = "2"
        self.ingest(self.am_alert("Slow", instance="web2", severity="warning"))
        self.assertEqual(self.alerts_of("fp-Slow-web2").ticket_id.priority, "2")
        self.ingest(self.am_alert("Odd", instance="web3", severity="whatever"))
        self.assertEqual(self.alerts_of("fp-Odd-web3").ticket_id.priority, "1")

    def test_resolved_closes_untouched_ticket(self):
        self.ingest(self.am_alert(instance="db1", customer="acme"))
        summary = self.ingest(self.am_alert(instance="db1", customer="acme", status="resolved"))
        alert = self.alerts_of("fp-DiskFull-db1")
        self.assertEqual((summary["resolved"], summary["closed"]), (1, 1))
        self.assertEqual(alert.status, "resolved")
        self.assertTrue(alert.ticket_id.closed)
        self.assertIn("resolved", alert.ticket_id.message_ids[:1].body)

    def test_resolved_keeps_a_touched_ticket_open(self):
        self.ingest(self.am_alert(instance="db1", customer="acme"))
        self.ingest(self.am_alert(instance="db2", customer="acme"))
        self.ingest(self.am_alert(instance="db3", customer="acme"))
        replied = self.alerts_of("fp-DiskFull-db1").ticket_id
        assigned = self.alerts_of("fp-DiskFull-db2").ticket_id
        untouched = self.alerts_of("fp-DiskFull-db3").ticket_id
        replied.with_user(self.agent).message_post(
            body="Looking at it", message_type="comment", subtype_xmlid="mail.mt_note"
        )
        assigned.with_user(self.agent).user_id = self.agent
        # OdooBot's and the intake's own changes are not a person's
        untouched.stage_id = self.stage_progress
        untouched.message_post(body="Automatic note", subtype_xmlid="mail.mt_note")
        self.assertEqual(
            (replied.msp_alert_touched, assigned.msp_alert_touched, untouched.msp_alert_touched),
            (True, True, False),
        )
        for instance in ("db1", "db2", "db3"):
            self.ingest(self.am_alert(instance=instance, customer="acme", status="resolved"))
        self.assertFalse(replied.closed)
        self.assertFalse(assigned.closed)
        self.assertTrue(untouched.closed)
        self.assertIn("stays open", replied.message_ids[:1].body)

    def test_resolved_does_not_close_when_the_source_says_so(self):
        self.source.close_on_resolved = False
        self.ingest(self.am_alert(instance="db1", customer="acme"))
        self.ingest(self.am_alert(instance="db1", customer="acme", status="resolved"))
        alert = self.alerts_of("fp-DiskFull-db1")
        self.assertEqual(alert.status, "resolved")
        self.assertFalse(alert.ticket_id.closed)

    def test_flapping_reopens_its_ticket_then_a_late_firing_opens_a_new_one(self):
        start = fields.Datetime.now()
        with freeze_time(start):
            self.ingest(self.am_alert(instance="db1", customer="acme"))
            self.ingest(self.am_alert(instance="db1", customer="acme", status="resolved"))
        alert = self.alerts_of("fp-DiskFull-db1")
        ticket = alert.ticket_id
        self.assertTrue(ticket.closed)
        with freeze_time(start + timedelta(minutes=30)):
            summary = self.ingest(self.am_alert(instance="db1", customer="acme"))
        self.assertEqual((summary["reopened"], summary["new"]), (1, 0))
        self.assertEqual(self.alerts_of("fp-DiskFull-db1"), alert)
        self.assertEqual(alert.status, "firing")
        self.assertFalse(ticket.closed, "flapping reopens the recent ticket")
        self.assertEqual(alert.firing_count, 2)

        with freeze_time(start + timedelta(minutes=31)):
            self.ingest(self.am_alert(instance="db1", customer="acme", status="resolved"))
        with freeze_time(start + timedelta(minutes=31 + 61)):
            summary = self.ingest(self.am_alert(instance="db1", customer="acme"))
        self.assertEqual(summary["new"], 1)
        alerts = self.alerts_of("fp-DiskFull-db1")
        self.assertEqual(len(alerts), 2)
        self.assertFalse(alert.is_current)
        self.assertNotEqual(alerts.filtered("is_current").ticket_id, ticket)

    def test_unmatched_alert_is_kept_and_can_be_assigned(self):
        summary = self.ingest(self.am_alert(instance="nowhere", customer="nobody"))
        self.assertEqual(summary["unmatched"], 1)
        alert = self.alerts_of("fp-DiskFull-nowhere")
        self.assertFalse(alert.partner_id)
        self.assertTrue(alert.ticket_id, "an unmatched alert still opens a ticket")
        self.assertIn(
            alert,
            self.env["msp.alert"].search([("partner_id", "=", False)]),
            "in the unmatched queue",
        )
        wizard = (
            self.env["msp.alert.assign.wizard"]
            .with_user(self.sla_user)
            .with_context(active_ids=alert.ids)
            .create({"partner_id": self.other_customer.id})
        )
        wizard.action_assign()
        self.assertEqual(alert.partner_id, self.other_customer)
        self.assertEqual(alert.ticket_id.partner_id, self.other_customer)
        # the next firing of the same fingerprint finds the assigned alert
        summary = self.ingest(self.am_alert(instance="nowhere", customer="nobody"))
        self.assertEqual((summary["new"], summary["repeat"]), (0, 1))
        self.assertEqual(alert.firing_count, 2)

    def test_resolved_without_firing_is_recorded(self):
        summary = self.ingest(self.am_alert(instance="db9", status="resolved"))
        self.assertEqual(summary["orphan"], 1)
        alert = self.alerts_of("fp-DiskFull-db9")
        self.assertEqual(
            (alert.status, alert.is_current, alert.ticket_id.id), ("resolved", False, False)
        )

    def test_token_is_stored_as_a_hash_and_checked(self):
        self.assertTrue(self.source._msp_alert_check_token(self.TOKEN))
        self.assertFalse(self.source._msp_alert_check_token("wrong"))
        self.assertFalse(self.source._msp_alert_check_token(""))
        action = self.source.action_rotate_token()
        wizard = self.env["msp.alert.token.wizard"].browse(action["res_id"])
        token = wizard.token
        self.assertNotEqual(self.source.sudo().token_hash, token, "only the hash is stored")
        self.assertTrue(self.source._msp_alert_check_token(token))
        self.assertFalse(self.source._msp_alert_check_token(self.TOKEN), "the old one is dead")
        wizard.action_done()
        self.assertFalse(wizard.exists(), "the token is shown once")

    def test_sources_are_for_sla_managers_alerts_for_sla_users(self):
        user = self.sla_user
        with self.assertRaises(AccessError):
            self.source.with_user(user).write({"name": "Mine"})
        with self.assertRaises(AccessError):
            self.source.with_user(user).action_rotate_token()
        self.ingest(self.am_alert(instance="db1", customer="acme"))
        self.assertEqual(
            self.env["msp.alert"]
            .with_user(user)
            .search_count([("source_id", "=", self.source.id)]),
            1,
        )
        portal = new_test_user(self.env, login="alert_portal", groups="base.group_portal")
        with self.assertRaises(AccessError):
            self.env["msp.alert"].with_user(portal).search([])

    def test_formats_and_refusals(self):
        generic = parse_alerts("generic", '{"labels": {"alertname": "X", "host": "h"}}')
        self.assertEqual(generic[0]["status"], "firing")
        self.assertEqual(len(generic[0]["fingerprint"]), 16, "computed from the labels")
        self.assertEqual(
            parse_alerts("generic", '[{"labels": {"a": "1"}, "status": "resolved"}]')[0]["status"],
            "resolved",
        )
        for kind, body, says in [
            ("alertmanager", "{not json", "not JSON"),
            ("alertmanager", '{"version": "3", "alerts": []}', "version"),
            ("alertmanager", '{"version": "4"}', "alerts is missing"),
            ("alertmanager", '{"version": "4", "alerts": [{"status": "firing"}]}', "labels"),
            ("grafana", '{"alerts": [{"labels": {"a": "1"}, "status": "odd"}]}', "status"),
            ("generic", '{"labels": {"a": {"b": 1}}}', "must be text"),
            ("generic", "42", "generic notification"),
        ]:
            with self.subTest(body=body), self.assertRaisesRegex(PayloadError, says):
                parse_alerts(kind, body)
