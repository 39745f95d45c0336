# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.fields import Command
from odoo.tests import tagged

from .common import P1, P3
from .test_oncall import MspOncallCase

NOW = datetime(2026, 3, 25, 22, 0)  # a Wednesday night: Ann primary, Dan secondary


@tagged("post_install", "-at_install")
class TestPaging(MspOncallCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.schedule = cls.make_schedule(
            escalation_ids=[
                Command.create({"sequence": 1, "delay_minutes": 0, "target": "primary"}),
                Command.create({"sequence": 2, "delay_minutes": 5, "target": "primary"}),
                Command.create({"sequence": 3, "delay_minutes": 10, "target": "secondary"}),
                Command.create({"sequence": 4, "delay_minutes": 15, "target": "manager"}),
            ]
        )
        cls.cron = cls.env.ref("msp_sla.ir_cron_msp_page")
        cls.techs["Ann"].notification_type = "inbox"

    def scan(self, moment):
        """Run the paging cron as the scheduler does (its own environment, _commit_progress
        included); returns the pages it sent."""
        before = self.env["msp.page"].search_count([])
        with freeze_time(moment), self.enter_registry_test_mode():
            self.cron.method_direct_trigger()
        return self.env["msp.page"].search_count([]) - before

    def test_p1_pages_primary_then_again_then_secondary_then_manager(self):
        ticket = self.create_ticket(NOW, P1)
        incident = ticket.msp_page_incident_id
        self.assertEqual(incident.state, "triggered")
        self.assertEqual(incident.next_due_at, NOW)
        self.assertEqual(self.scan(NOW), 1)
        self.assertEqual(self.scan(NOW + timedelta(minutes=4)), 0, "step 2 is not due yet")
        self.assertEqual(self.scan(NOW + timedelta(minutes=5)), 1)
        self.assertEqual(self.scan(NOW + timedelta(minutes=15)), 1)
        self.assertEqual(self.scan(NOW + timedelta(minutes=30)), 1)
        self.assertEqual(self.scan(NOW + timedelta(minutes=90)), 0, "no step left")
        pages = incident.page_ids.sorted("step_index")
        self.assertEqual(pages.mapped("step_index"), [0, 1, 2, 3])
        self.assertEqual([p.user_id.name for p in pages], ["Ann", "Ann", "Dan", "Lea Lead"])
        ann = self.techs["Ann"]
        # Odoo's own channels: the notification, the e-mail with the link, the activity
        first = pages[0]
        self.assertEqual(first.channels, "inbox and push, e-mail, activity")
        self.assertEqual(first.activity_id.user_id, ann)
        notified = self.env["mail.message"].search(
            [
                ("model", "=", "helpdesk.ticket"),
                ("res_id", "=", ticket.id),
                ("partner_ids", "in", ann.partner_id.ids),
                ("body", "ilike", "/msp/page/ack/"),
            ]
        )
        self.assertEqual(len(notified), 2, "paged twice (steps 1 and 2)")
        self.assertIn(first._msp_ack_url(), notified.sorted("id")[0].body)
        mails = self.env["mail.mail"].search([("email_to", "ilike", "ann@msp.example")])
        self.assertTrue(mails, "an e-mail with the acknowledge link")
        self.assertEqual(len(self.events(ticket, "page")), 4)

    def test_a_paged_technician_with_a_phone_number_gets_an_sms_with_the_link(self):
        """Odoo's sms module (installed here through the suite's dependencies) sends the page
        as an SMS to the technician's phone, with the acknowledge link."""
        self.assertIn("sms.sms", self.env, "the sms module is part of the installed suite")
        self.techs["Ann"].partner_id.phone = "+32 470 12 34 56"
        ticket = self.create_ticket(NOW, P1)
        self.assertEqual(self.scan(NOW), 1)
        page = ticket.msp_page_incident_id.page_ids
        self.assertEqual(page.channels, "inbox and push, e-mail, activity, SMS")
        sms = self.env["sms.sms"].search([("partner_id", "=", self.techs["Ann"].partner_id.id)])
        self.assertEqual(len(sms), 1)
        self.assertEqual(sms.number, "+32 470 12 34 56")
        self.assertIn(page._msp_ack_url(), sms.body)
        self.techs["Dan"].partner_id.phone = False
        self.assertEqual(self.scan(NOW + timedelta(minutes=5)), 1)  # Ann again
        self.assertEqual(self.scan(NOW + timedelta(minutes=15)), 1)  # Dan, the secondary
        last = ticket.msp_page_incident_id.page_ids.sorted("step_index")[-1]
        self.assertEqual(last.user_id, self.techs["Dan"])
        self.assertEqual(
            self.env["sms.sms"].search_count(
                [("partner_id", "=", self.techs["Dan"].partner_id.id)]
            ),
            0,
            "no number, no SMS",
        )

    def test_reply_to_the_page_email_acknowledges_as_the_paged_sender(self):
        ticket = self.create_ticket(NOW, P1)
        incident = ticket.msp_page_incident_id
        self.scan(NOW)
        page_mail = self.env["mail.mail"].search(
            [("model", "=", "msp.page.incident"), ("res_id", "=", incident.id)]
        )
        self.assertEqual(page_mail.email_to, self.techs["Ann"].email_formatted)
        reply = (
            "From: {sender}\r\nTo: catchall@msp.example\r\nSubject: Re: {subject}\r\n"
            "Message-ID: <{mid}@msp.example>\r\nIn-Reply-To: {parent}\r\n"
            "References: {parent}\r\nContent-Type: text/plain\r\n\r\nOn it.\r\n"
        )
        parts = {"subject": page_mail.subject, "parent": page_mail.message_id}
        with freeze_time(NOW + timedelta(minutes=2)):
            # someone the incident did not page: the reply is kept, nothing else
            self.env["mail.thread"].message_process(
                False, reply.format(sender="Dan <dan@msp.example>", mid="r1", **parts)
            )
            self.assertEqual(incident.state, "triggered")
            # the paged person's out-of-office responder: kept, not an acknowledgement
            self.env["mail.thread"].message_process(
                False,
                "Auto-Submitted: auto-replied\r\n"
                + reply.format(sender="Ann <ann@msp.example>", mid="r0", **parts),
            )
            self.assertEqual(incident.state, "triggered")
            self.env["mail.thread"].message_process(
                False, reply.format(sender="Ann <ANN@msp.example>", mid="r2", **parts)
            )
        self.assertEqual(
            (incident.state, incident.acknowledged_by_id, incident.acknowledged_via),
            ("acknowledged", self.techs["Ann"], "email_reply"),
        )
        self.assertEqual(len(incident.message_ids.filtered(lambda m: "On it" in m.body)), 3)
        self.assertFalse(
            ticket.message_ids.filtered(lambda m: "On it" in (m.body or "")),
            "the replies stay off the ticket (and away from the customer)",
        )
        self.assertEqual(self.scan(NOW + timedelta(minutes=5)), 0, "paging stopped")

    def test_acknowledge_stops_paging_and_is_not_the_first_response(self):
        ticket = self.create_ticket(NOW, P1)
        incident = ticket.msp_page_incident_id
        self.scan(NOW)
        ann = self.techs["Ann"]
        with freeze_time(NOW + timedelta(minutes=3)):
            ticket.with_user(ann).action_msp_page_acknowledge()
        self.assertEqual(incident.state, "acknowledged")
        self.assertEqual(incident.acknowledged_by_id, ann)
        self.assertEqual(incident.acknowledged_via, "web")
        self.assertFalse(incident.next_due_at)
        self.assertEqual(self.scan(NOW + timedelta(minutes=60)), 0)
        self.assertEqual(len(incident.page_ids), 1)
        ack = self.events(ticket, "page_ack")
        self.assertEqual(len(ack), 1)
        self.assertEqual(ack.user_id, ann)
        self.assertIn("after 3 min", ack.details)
        # the customer still waits for an answer: the response clock keeps running
        response = self.clock(ticket, "response")
        self.assertEqual(response.state, "running")
        self.assertFalse(response.reached_at)
        self.assertFalse(self.events(ticket, "met"))
        self.assertFalse(incident.page_ids.activity_id.active, "the page's activity is done")
        # twice is once
        incident.with_user(ann).action_acknowledge(via="api")
        self.assertEqual(incident.acknowledged_via, "web")
        self.assertEqual(len(self.events(ticket, "page_ack")), 1)

    def test_only_the_paged_technician_or_a_manager_acknowledges(self):
        ticket = self.create_ticket(NOW, P1)
        incident = ticket.msp_page_incident_id
        self.scan(NOW)
        with self.assertRaisesRegex(AccessError, "You were not paged"):
            incident.with_user(self.techs["Bob"]).action_acknowledge()
        self.assertFalse(incident.with_user(self.techs["Bob"]).can_acknowledge)
        self.assertTrue(incident.with_user(self.techs["Ann"]).can_acknowledge)
        incident.with_user(self.lead).action_acknowledge(via="api")
        self.assertEqual(incident.acknowledged_by_id, self.lead)
        self.assertEqual(incident.acknowledged_via, "api")
        # technicians read schedules, SLA administrators manage them
        with self.assertRaises(AccessError):
            self.schedule.with_user(self.techs["Bob"]).write({"name": "Mine"})
        self.schedule.with_user(self.lead).write({"name": "Night desk"})

    def test_email_link_acknowledges_once_and_checks_its_signature(self):
        ticket = self.create_ticket(NOW, P1)
        incident = ticket.msp_page_incident_id
        self.scan(NOW)
        page = incident.page_ids
        self.assertFalse(page._msp_check_token(page._msp_ack_token()[:-1] + "x"))
        self.assertFalse(page._msp_check_token(""))
        self.assertTrue(page._msp_check_token(page._msp_ack_token()))
        done = incident.with_user(page.user_id).sudo()._msp_acknowledge("email")
        self.assertEqual(done, incident)
        again = incident.with_user(page.user_id).sudo()._msp_acknowledge("email")
        self.assertFalse(again)
        self.assertEqual(incident.acknowledged_by_id, self.techs["Ann"])

    def test_lower_priority_does_not_page_closing_resolves_and_hook_pages(self):
        quiet = self.create_ticket(NOW, P3)
        self.assertFalse(quiet.msp_page_incident_ids)
        # the hook alert intake calls for an alert of a severity that must wake someone
        incident = quiet._msp_page_start()
        self.assertEqual(incident.ticket_id, quiet)
        self.assertFalse(quiet._msp_page_start(), "one live incident per ticket")
        self.move(quiet, self.stage_done, NOW + timedelta(minutes=2))
        self.assertEqual(incident.state, "resolved")
        self.assertEqual(self.scan(NOW + timedelta(minutes=30)), 0)
        # raised to P1 later: paging starts then
        later = self.create_ticket(NOW, P3)
        with freeze_time(NOW):
            later.priority = P1
        self.assertEqual(later.msp_page_state, "triggered")
