# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from freezegun import freeze_time

from odoo.fields import Command
from odoo.tests import tagged

from .common import P1, P2, P3, MspSlaCase, local


@tagged("post_install", "-at_install")
class TestSlaChanges(MspSlaCase):
    """Which policy applies, and priority or policy changes mid-flight."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.silver = cls.env["msp.sla.policy"].create(
            {
                "name": "Silver",
                "calendar_id": cls.calendar.id,
                "pause_stage_ids": [Command.set(cls.stage_waiting.ids)],
                "target_ids": [
                    Command.create({"priority": P3, "kind": "response", "duration_minutes": 480}),
                    Command.create({"priority": P3, "kind": "resolution", "duration_minutes": 960}),
                ],
            }
        )

    def test_customer_policy_before_team_policy(self):
        self.customer.msp_sla_policy_id = self.silver
        ticket = self.create_ticket(local(2026, 11, 25, 9, 0))
        self.assertEqual(ticket.msp_sla_policy_id, self.silver)
        self.assertEqual(self.clock(ticket, "response").target_minutes, 480)

    def test_team_policy_when_customer_has_none(self):
        ticket = self.create_ticket(local(2026, 11, 25, 9, 0))
        self.assertEqual(ticket.msp_sla_policy_id, self.policy)

    def test_no_policy_runs_no_clock_and_says_so(self):
        self.team.msp_sla_policy_id = False
        ticket = self.create_ticket(local(2026, 11, 25, 9, 0))
        self.assertFalse(ticket.msp_sla_policy_id)
        self.assertFalse(ticket.msp_sla_clock_ids)
        self.assertEqual(ticket.msp_sla_status, "none")
        self.assertEqual(self.events(ticket).mapped("event_type"), ["no_policy"])

    def test_priority_without_target_runs_no_clock(self):
        ticket = self.create_ticket(local(2026, 11, 25, 9, 0), priority=P2)
        self.assertEqual(ticket.msp_sla_policy_id, self.policy)
        self.assertFalse(ticket.msp_sla_clock_ids)

    def test_priority_change_keeps_the_elapsed_time(self):
        ticket = self.create_ticket(local(2026, 11, 25, 9, 0), priority=P3)
        response = self.clock(ticket, "response")
        with freeze_time(local(2026, 11, 25, 9, 30)):
            ticket.priority = P1
        # 30 minutes counted under P3; P1 allows 60 round the clock: 30 left.
        self.assertEqual(response.target_minutes, 60)
        self.assertEqual(response.counting, "always")
        self.assertEqual(response.consumed_minutes, 30)
        self.assertEqual(response.deadline, local(2026, 11, 25, 10, 0))
        self.assertEqual(len(self.events(ticket, "priority")), 1)
        self.assertEqual(len(self.events(ticket, "retarget")), 2)

    def test_priority_change_past_the_new_target_breaches(self):
        ticket = self.create_ticket(local(2026, 11, 25, 9, 0), priority=P3)
        response = self.clock(ticket, "response")
        with freeze_time(local(2026, 11, 25, 11, 0)):
            ticket.priority = P1
        self.assertEqual(response.state, "breached")
        self.assertEqual(response.breached_at, local(2026, 11, 25, 11, 0))

    def test_priority_without_target_cancels_the_clocks(self):
        ticket = self.create_ticket(local(2026, 11, 25, 9, 0), priority=P3)
        with freeze_time(local(2026, 11, 25, 9, 30)):
            ticket.priority = P2
        self.assertEqual(set(ticket.msp_sla_clock_ids.mapped("state")), {"cancelled"})
        self.assertEqual(ticket.msp_sla_status, "none")

    def test_policy_change_during_a_pause_keeps_paused_time(self):
        ticket = self.create_ticket(local(2026, 11, 25, 9, 0), priority=P3)
        resolution = self.clock(ticket, "resolution")
        self.move(ticket, self.stage_waiting, local(2026, 11, 25, 10, 0))
        with freeze_time(local(2026, 11, 25, 11, 0)):
            ticket.msp_sla_policy_id = self.silver
        self.assertEqual(resolution.state, "paused")
        self.assertEqual(resolution.policy_id, self.silver)
        self.assertEqual(resolution.target_minutes, 960)
        self.move(ticket, self.stage_progress, local(2026, 11, 25, 14, 0))
        # Paused 10:00-14:00: 1 hour under Gold, 2 under Silver (lunch excluded); nothing lost.
        self.assertEqual(resolution.paused_minutes, 180)
        self.assertEqual(resolution.consumed_minutes, 60)
        # 15 hours left from Wednesday 14:00: 4 today, 9 on Thursday, 2 on Friday.
        self.assertEqual(resolution.deadline, local(2026, 11, 27, 10, 0))
        self.assertEqual(len(self.events(ticket, "policy")), 1)

    def test_customer_change_selects_the_new_policy(self):
        self.other_customer.msp_sla_policy_id = self.silver
        ticket = self.create_ticket(local(2026, 11, 25, 9, 0), priority=P3)
        with freeze_time(local(2026, 11, 25, 9, 30)):
            ticket.partner_id = self.other_contact
        self.assertEqual(ticket.msp_sla_policy_id, self.silver)
        self.assertEqual(self.clock(ticket, "response").target_minutes, 480)
        self.assertEqual(self.clock(ticket, "response").consumed_minutes, 30)
