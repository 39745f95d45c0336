# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged

from .common import P1, P3, MspSlaCase, local


@tagged("post_install", "-at_install")
class TestSlaPause(MspSlaCase):
    """Pause stages stop the clocks; the paused time extends the deadline."""

    def test_pause_then_resume_extends_the_deadline(self):
        # Wednesday 9:00, resolution 8 business hours: due at 18:00 without pauses.
        ticket = self.create_ticket(local(2026, 11, 25, 9, 0), priority=P3)
        resolution = self.clock(ticket, "resolution")
        self.assertEqual(resolution.deadline, local(2026, 11, 25, 18, 0))

        self.move(ticket, self.stage_waiting, local(2026, 11, 25, 10, 0))
        self.assertEqual(resolution.state, "paused")
        self.assertFalse(resolution.deadline)
        self.assertEqual(resolution.consumed_minutes, 60)
        self.assertEqual(ticket.msp_sla_status, "paused")

        self.move(ticket, self.stage_progress, local(2026, 11, 25, 14, 0))
        self.assertEqual(resolution.state, "running")
        # Paused 10:00-14:00 = 3 business hours (lunch excluded): due 3 business hours later.
        self.assertEqual(resolution.paused_minutes, 180)
        self.assertEqual(resolution.deadline, local(2026, 11, 26, 11, 0))
        self.assertEqual(
            self.events(ticket).filtered(lambda e: e.clock_id == resolution).mapped("event_type"),
            ["resume", "pause", "start"],
        )

    def test_several_pauses_add_up(self):
        ticket = self.create_ticket(local(2026, 11, 25, 9, 0), priority=P3)
        resolution = self.clock(ticket, "resolution")
        for pause, resume in ((9, 10), (11, 15), (16, 17)):
            self.move(ticket, self.stage_waiting, local(2026, 11, 25, pause, 0))
            self.move(ticket, self.stage_progress, local(2026, 11, 25, resume, 0))
        # Paused 1 + 3 (lunch excluded) + 1 = 5 hours; counted 0 + 1 + 1 = 2 hours so far.
        self.assertEqual(resolution.paused_minutes, 300)
        self.assertEqual(resolution.consumed_minutes, 120)
        # 6 hours left from Wednesday 17:00: 1 today, 5 on Thursday (8-12, 13-14).
        self.assertEqual(resolution.deadline, local(2026, 11, 26, 14, 0))
        self.assertEqual(len(self.events(ticket, "pause").filtered("clock_id")), 6)

    def test_closed_from_pause_within_budget_is_met(self):
        ticket = self.create_ticket(local(2026, 11, 25, 9, 0), priority=P3)
        resolution = self.clock(ticket, "resolution")
        self.move(ticket, self.stage_waiting, local(2026, 11, 25, 10, 0))
        # Closed three days later, far past the original deadline: the budget was not
        # exhausted when the pause began, so the target is met.
        self.move(ticket, self.stage_done, local(2026, 11, 30, 10, 0))
        self.assertEqual(resolution.state, "met")
        self.assertEqual(resolution.consumed_minutes, 60)
        self.assertEqual(resolution.reached_at, local(2026, 11, 30, 10, 0))
        self.assertEqual(ticket.msp_sla_status, "met")

    def test_closed_from_pause_over_budget_is_breached(self):
        # P1 response: 60 minutes round the clock. Paused after 90 minutes, before any scan.
        ticket = self.create_ticket(local(2026, 11, 25, 9, 0), priority=P1)
        response = self.clock(ticket, "response")
        self.move(ticket, self.stage_waiting, local(2026, 11, 25, 10, 30))
        self.assertEqual(response.state, "breached")
        self.assertEqual(response.breached_at, local(2026, 11, 25, 10, 0))
        self.move(ticket, self.stage_done, local(2026, 11, 25, 11, 0))
        self.assertEqual(response.state, "breached")
        self.assertEqual(response.reached_at, local(2026, 11, 25, 11, 0))
        self.assertEqual(
            len(self.events(ticket, "breach").filtered(lambda e: e.clock_id == response)), 1
        )
        self.assertEqual(ticket.msp_sla_status, "breached")

    def test_reopen_resumes_the_resolution_clock(self):
        ticket = self.create_ticket(local(2026, 11, 25, 9, 0), priority=P3)
        resolution = self.clock(ticket, "resolution")
        self.move(ticket, self.stage_done, local(2026, 11, 25, 11, 0))
        self.assertEqual(resolution.state, "met")
        self.assertEqual(resolution.consumed_minutes, 120)

        self.move(ticket, self.stage_progress, local(2026, 11, 26, 9, 0))
        self.assertEqual(resolution.state, "running")
        self.assertFalse(resolution.reached_at)
        # Not restarted: 6 hours were left, counted from the reopening.
        self.assertEqual(resolution.deadline, local(2026, 11, 26, 16, 0))
        types = (
            self.events(ticket).filtered(lambda e: e.clock_id == resolution).mapped("event_type")
        )
        self.assertEqual(types, ["reopen", "met", "start"])

        self.move(ticket, self.stage_done, local(2026, 11, 26, 10, 0))
        self.assertEqual(resolution.state, "met")
        self.assertEqual(resolution.consumed_minutes, 180)

    def test_ticket_created_in_a_pause_stage_starts_paused(self):
        ticket = self.create_ticket(
            local(2026, 11, 25, 9, 0), priority=P3, stage_id=self.stage_waiting.id
        )
        self.assertEqual(set(ticket.msp_sla_clock_ids.mapped("state")), {"paused"})
        self.move(ticket, self.stage_progress, local(2026, 11, 25, 10, 0))
        self.assertEqual(self.clock(ticket, "response").deadline, local(2026, 11, 25, 15, 0))

    def test_third_party_wait_pauses_the_resolution_only_when_the_policy_says_so(self):
        vendor_wait = self.env["helpdesk.ticket.stage"].create(
            {"name": "SLA Waiting on vendor", "sequence": 3, "msp_sla_third_party_wait": True}
        )
        # Not excluded by the policy: waiting on a vendor is the MSP's time.
        ticket = self.create_ticket(local(2026, 11, 25, 9, 0), priority=P3)
        self.move(ticket, vendor_wait, local(2026, 11, 25, 10, 0))
        self.assertEqual(set(ticket.msp_sla_clock_ids.mapped("state")), {"running"})
        self.assertFalse(self.events(ticket, "pause"))

        # Excluded: the resolution clock pauses, the response clock keeps running.
        self.policy.pause_on_third_party = True
        ticket = self.create_ticket(local(2026, 11, 25, 9, 0), priority=P3)
        self.move(ticket, vendor_wait, local(2026, 11, 25, 10, 0))
        self.assertEqual(self.clock(ticket, "resolution").state, "paused")
        self.assertEqual(self.clock(ticket, "response").state, "running")
        pause = self.events(ticket, "pause")
        self.assertEqual(pause.clock_id, self.clock(ticket, "resolution"))
        self.assertEqual(pause.details, "waiting on a third party (stage SLA Waiting on vendor)")

        # From the vendor wait to the customer wait: the response pauses too, the
        # resolution stays paused; back to work, both resume.
        self.move(ticket, self.stage_waiting, local(2026, 11, 25, 11, 0))
        self.assertEqual(self.clock(ticket, "response").state, "paused")
        self.assertEqual(
            self.events(ticket, "pause").mapped("details")[0], "stage SLA Waiting for customer"
        )
        self.move(ticket, self.stage_progress, local(2026, 11, 25, 14, 0))
        self.assertEqual(set(ticket.msp_sla_clock_ids.mapped("state")), {"running"})
        # Paused 10:00-14:00 = 3 business hours (lunch excluded), 1 hour counted.
        self.assertEqual(self.clock(ticket, "resolution").paused_minutes, 180)
        self.assertEqual(self.clock(ticket, "resolution").deadline, local(2026, 11, 26, 11, 0))

        # A ticket created in the vendor wait starts with its resolution clock paused.
        ticket = self.create_ticket(local(2026, 11, 25, 9, 0), priority=P3, stage_id=vendor_wait.id)
        self.assertEqual(self.clock(ticket, "resolution").state, "paused")
        self.assertEqual(self.clock(ticket, "response").state, "running")
