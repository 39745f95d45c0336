# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from freezegun import freeze_time

from odoo.fields import Command
from odoo.tests import tagged

from .common import P1, P3, MspSlaCase, local


@tagged("post_install", "-at_install")
class TestSlaCron(MspSlaCase):
    """The scheduled scan: at risk, then breached, escalations exactly once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.leader = cls.env["res.users"].create(
            {"name": "Lea Leader", "login": "sla_leader", "email": "lea@msp.example"}
        )
        cls.team.user_id = cls.leader
        cls.policy.escalation_ids = [
            Command.create(
                {"name": "Warn the team leader", "trigger": "at_risk", "action": "activity"}
            ),
            Command.create(
                {"name": "Tell the followers", "trigger": "breached", "action": "email"}
            ),
            Command.create(
                {
                    "name": "Raise to P1",
                    "trigger": "breached",
                    "target_kind": "response",
                    "action": "priority",
                    "new_priority": P1,
                }
            ),
        ]
        cls.cron = cls.env.ref("msp_sla.ir_cron_msp_sla_scan")

    def scan(self, at):
        # As the scheduler runs it: its own cursor and environment, _commit_progress included.
        with freeze_time(at), self.enter_registry_test_mode():
            self.cron.method_direct_trigger()

    def test_nothing_due_writes_nothing(self):
        ticket = self.create_ticket(local(2026, 11, 25, 9, 0), priority=P3)
        before = len(self.env["msp.sla.event"].search([]))
        self.scan(local(2026, 11, 25, 9, 30))
        self.assertEqual(len(self.env["msp.sla.event"].search([])), before)
        self.assertEqual(ticket.msp_sla_status, "on_track")
        self.assertFalse(ticket.activity_ids)

    def test_at_risk_then_breached(self):
        # P3 response: 240 business minutes from 9:00, at risk after 75% (180): 12:00 is
        # lunch, so the risk point is 12:00 and the deadline 14:00.
        ticket = self.create_ticket(local(2026, 11, 25, 9, 0), priority=P3)
        response = self.clock(ticket, "response")
        self.assertEqual(response.risk_at, local(2026, 11, 25, 12, 0))

        self.scan(local(2026, 11, 25, 12, 30))
        self.assertEqual(response.state, "running")
        self.assertEqual(response.at_risk_since, local(2026, 11, 25, 12, 0))
        self.assertEqual(ticket.msp_sla_status, "at_risk")
        self.assertEqual(len(self.events(ticket, "at_risk")), 1)
        activity = ticket.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.leader)

        self.scan(local(2026, 11, 25, 14, 5))
        self.assertEqual(response.state, "breached")
        self.assertEqual(response.breached_at, local(2026, 11, 25, 14, 0))
        self.assertEqual(ticket.msp_sla_status, "breached")
        self.assertEqual(ticket.priority, P1, "the breach rule raises the priority")
        # At P1 the resolution target is 240 minutes round the clock, and 305 have passed: the
        # raise breaches the resolution clock too, which the same scan escalates.
        resolution = self.clock(ticket, "resolution")
        self.assertEqual(resolution.state, "breached")
        self.assertEqual(resolution.breached_at, local(2026, 11, 25, 14, 5))
        escalations = self.events(ticket, "escalation")
        self.assertEqual(
            sorted((e.clock_id.kind, e.details) for e in escalations),
            [
                ("resolution", "Tell the followers"),
                ("response", "Raise to P1"),
                ("response", "Tell the followers"),
                ("response", "Warn the team leader"),
            ],
        )

    def test_scan_twice_escalates_once(self):
        ticket = self.create_ticket(local(2026, 11, 25, 9, 0), priority=P3)
        for _run in range(2):
            self.scan(local(2026, 11, 25, 14, 5))
        response = self.clock(ticket, "response")
        self.assertEqual(response.state, "breached")
        self.assertEqual(
            len(self.events(ticket, "breach").filtered(lambda e: e.clock_id == response)), 1
        )
        # First seen past its deadline: straight to breached, no late at-risk warning.
        self.assertFalse(self.events(ticket, "at_risk"))
        # The raise to P1 also breaches the resolution clock (240 minutes round the clock at
        # P1): escalated in the same scan. Each (clock, rule) once over the two scans.
        escalations = self.events(ticket, "escalation")
        self.assertEqual(
            sorted((e.clock_id.kind, e.details) for e in escalations),
            [
                ("resolution", "Tell the followers"),
                ("response", "Raise to P1"),
                ("response", "Tell the followers"),
            ],
        )
        self.assertEqual(len({(e.clock_id, e.escalation_id) for e in escalations}), 3)
        self.assertFalse(ticket.activity_ids)
        notes = ticket.message_ids.filtered(
            lambda m: m.subtype_id == self.env.ref("msp_sla.mt_ticket_sla_escalation")
        )
        self.assertEqual(len(notes), 2)

    def test_breach_found_at_a_pause_is_escalated_by_the_next_scan(self):
        # P3 response due at 14:00; no scan ran before the technician paused at 14:30.
        ticket = self.create_ticket(local(2026, 11, 25, 9, 0), priority=P3)
        self.move(ticket, self.stage_waiting, local(2026, 11, 25, 14, 30))
        response = self.clock(ticket, "response")
        self.assertEqual(response.state, "breached")
        self.assertEqual(response.breached_at, local(2026, 11, 25, 14, 0))
        self.assertFalse(self.events(ticket, "escalation"), "not inside the stage change")

        self.scan(local(2026, 11, 25, 14, 35))
        self.assertEqual(
            sorted(self.events(ticket, "escalation").mapped("details")),
            ["Raise to P1", "Tell the followers"],
        )
        self.assertEqual(ticket.priority, P1)
        self.assertFalse(response.escalation_due)
        self.scan(local(2026, 11, 25, 14, 40))
        self.assertEqual(len(self.events(ticket, "escalation")), 2, "escalated once")

    def test_breach_at_a_priority_change_is_escalated_by_the_next_scan(self):
        # 90 minutes into a P3 ticket, the customer calls: P1, whose response target is 60.
        ticket = self.create_ticket(local(2026, 11, 25, 9, 0), priority=P3)
        with freeze_time(local(2026, 11, 25, 10, 30)):
            ticket.priority = P1
        response = self.clock(ticket, "response")
        self.assertEqual(response.state, "breached")
        self.assertTrue(response.escalation_due)
        self.scan(local(2026, 11, 25, 10, 35))
        self.assertEqual(
            sorted(self.events(ticket, "escalation").mapped("details")),
            ["Raise to P1", "Tell the followers"],
        )

    def test_at_risk_again_after_a_lower_priority_escalates_once(self):
        # P1 response: 60 minutes round the clock, at risk from 9:45.
        ticket = self.create_ticket(local(2026, 11, 25, 9, 0), priority=P1)
        self.scan(local(2026, 11, 25, 9, 50))
        response = self.clock(ticket, "response")
        self.assertTrue(response.at_risk_since)
        # Lowered to P3: the risk point moves ahead, the warning is cleared...
        with freeze_time(local(2026, 11, 25, 9, 55)):
            ticket.priority = P3
        self.assertFalse(response.at_risk_since)
        # ...and comes back: the scan marks it at risk again, the rule does not run twice.
        self.scan(response.risk_at + timedelta(minutes=1))
        self.assertTrue(response.at_risk_since)
        self.assertEqual(len(self.events(ticket, "at_risk")), 2)
        warnings = self.events(ticket, "escalation").filtered(
            lambda e: e.details == "Warn the team leader"
        )
        self.assertEqual(len(warnings), 1)
        self.assertEqual(len(ticket.activity_ids), 1)

    def test_paused_and_met_clocks_are_not_scanned(self):
        paused = self.create_ticket(local(2026, 11, 25, 9, 0), priority=P3)
        self.move(paused, self.stage_waiting, local(2026, 11, 25, 9, 30))
        done = self.create_ticket(local(2026, 11, 25, 9, 0), priority=P3)
        self.move(done, self.stage_done, local(2026, 11, 25, 9, 45))
        self.scan(local(2026, 11, 26, 9, 0))
        self.assertEqual(paused.msp_sla_status, "paused")
        self.assertEqual(done.msp_sla_status, "met")
        self.assertFalse(
            (paused | done).msp_sla_event_ids.filtered(lambda e: e.event_type == "breach")
        )
