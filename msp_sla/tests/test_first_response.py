# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from freezegun import freeze_time

from odoo.tests import tagged

from .common import P3, MspSlaCase, local


@tagged("post_install", "-at_install")
class TestSlaFirstResponse(MspSlaCase):
    """Only a public reply from an internal user meets the first-response target."""

    def setUp(self):
        super().setUp()
        self.ticket = self.create_ticket(local(2026, 11, 25, 9, 0), priority=P3)
        self.response = self.clock(self.ticket, "response")

    def assertStillRunning(self):
        self.assertEqual(self.response.state, "running")
        self.assertFalse(self.response.reached_at)

    def test_internal_note_does_not_count(self):
        with freeze_time(local(2026, 11, 25, 9, 10)):
            self.ticket.with_user(self.agent).message_post(
                body="Looking into it", message_type="comment", subtype_xmlid="mail.mt_note"
            )
        self.assertStillRunning()

    def test_automatic_acknowledgement_does_not_count(self):
        with freeze_time(local(2026, 11, 25, 9, 1)):
            # What a stage template or auto-reply sends: an automatic message by the system.
            self.ticket.message_post(
                body="We received your ticket",
                message_type="auto_comment",
                subtype_xmlid="mail.mt_comment",
            )
            self.ticket.with_user(self.env.ref("base.user_root")).message_post(
                body="We received your ticket",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        self.assertStillRunning()

    def test_customer_message_does_not_count(self):
        with freeze_time(local(2026, 11, 25, 9, 20)):
            self.ticket.message_post(
                body="Any news?",
                author_id=self.contact.id,
                message_type="email",
                subtype_xmlid="mail.mt_comment",
            )
        self.assertStillRunning()

    def test_stage_change_alone_does_not_count(self):
        self.move(self.ticket, self.stage_progress, local(2026, 11, 25, 9, 30))
        self.assertStillRunning()

    def test_agent_public_reply_meets_the_target(self):
        with freeze_time(local(2026, 11, 25, 10, 15)):
            self.ticket.with_user(self.agent).message_post(
                body="On my way", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        self.assertEqual(self.response.state, "met")
        self.assertEqual(self.response.reached_at, local(2026, 11, 25, 10, 15))
        self.assertEqual(self.response.consumed_minutes, 75)
        met = self.events(self.ticket, "met")
        self.assertEqual(met.clock_id, self.response)
        self.assertEqual(met.user_id, self.agent)
        # The resolution clock is untouched by a reply.
        self.assertEqual(self.clock(self.ticket, "resolution").state, "running")

    def test_second_reply_changes_nothing(self):
        for minute in (15, 45):
            with freeze_time(local(2026, 11, 25, 10, minute)):
                self.ticket.with_user(self.agent).message_post(
                    body="Reply", message_type="comment", subtype_xmlid="mail.mt_comment"
                )
        self.assertEqual(self.response.reached_at, local(2026, 11, 25, 10, 15))
        self.assertEqual(len(self.events(self.ticket, "met")), 1)


@tagged("post_install", "-at_install")
class TestSlaPlan(MspSlaCase):
    """The plan / workaround target is met from the ticket's button, once."""

    def test_workaround_given_meets_the_plan_target(self):
        self.env["msp.sla.target"].create(
            {"policy_id": self.policy.id, "priority": P3, "kind": "plan", "duration_minutes": 120}
        )
        ticket = self.create_ticket(local(2026, 11, 25, 9, 0), priority=P3)
        plan = self.clock(ticket, "plan")
        self.assertTrue(ticket.msp_sla_has_plan_clock)
        with freeze_time(local(2026, 11, 25, 10, 30)):
            ticket.with_user(self.agent).action_msp_sla_plan_done()
        self.assertEqual(plan.state, "met")
        self.assertEqual(plan.consumed_minutes, 90)
        self.assertFalse(ticket.msp_sla_has_plan_clock)
        # The other clocks run on.
        self.assertEqual(self.clock(ticket, "response").state, "running")
        with freeze_time(local(2026, 11, 25, 11, 0)):
            ticket.action_msp_sla_plan_done()
        self.assertEqual(len(self.events(ticket, "met")), 1)
