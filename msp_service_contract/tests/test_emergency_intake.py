# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
from datetime import date

from odoo.addons.msp_sla.models.msp_alert_payload import parse_alerts
from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import MspContractCase

P1 = "3"
EMAIL = """From: Dr Ada <ada@dental.example>
To: emergency@msp.example
Subject: Nobody can log in
Message-ID: <{mid}@dental.example>
Content-Type: text/plain; charset=utf-8

The server room is dark.
"""


class EmergencyCase(MspContractCase):
    """A 24x7 emergency policy on the desk, the Business plan with emergency cover, a
    contract covering WS-01 (host name and address known) and an alert source. No test."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy_24x7 = cls.env["msp.sla.policy"].create(
            {
                "name": "Emergency 24x7",
                "calendar_id": cls.company.resource_calendar_id.id,
                "target_ids": [
                    Command.create(
                        {
                            "priority": P1,
                            "kind": "response",
                            "duration_minutes": 30,
                            "counting": "always",
                        }
                    )
                ],
            }
        )
        cls.team.write(
            {"msp_emergency_policy_id": cls.policy_24x7.id, "msp_emergency_intake": True}
        )
        cls.plan.emergency_cover = True
        cls.user_a.email = "ada@dental.example"
        cls.ws1.write({"hostname": "ws-01.dental.example", "ip_address": "10.1.2.3"})
        cls.contract = cls.make_contract(start=date(2026, 1, 1))
        cls.source = cls.env["msp.alert.source"].create(
            {"name": "Prometheus", "kind": "generic", "team_id": cls.team.id}
        )

    def fire(self, **labels):
        body = {"labels": {"alertname": "NodeDown", "severity": "critical", **labels}}
        self.source._msp_alert_ingest(parse_alerts("generic", json.dumps(body)))
        self.env["msp.alert"]._msp_alert_open_pending()
        return self.env["msp.alert"].search([("source_id", "=", self.source.id)], limit=1)

    def mail(self, mid):
        ticket_id = self.env["mail.thread"].message_process(
            "helpdesk.ticket",
            EMAIL.format(mid=mid),
            custom_values={"team_id": self.team.id},
        )
        return self.env["helpdesk.ticket"].browse(ticket_id)


class TestAlertMatchingAndEmergencyMail(EmergencyCase):
    """An alert's instance, host name or address labels find the asset, hence the customer,
    the contract and its SLA policy; an e-mail to the emergency alias opens a P1 on the 24x7
    clock when the plan covers it."""

    def test_instance_label_finds_asset_contract_and_24x7_policy(self):
        alert = self.fire(instance="WS-01.dental.example:9100")
        ticket = alert.ticket_id
        self.assertEqual(alert.partner_id, self.customer)
        self.assertEqual(ticket.msp_asset_id, self.ws1)
        self.assertEqual(ticket.msp_contract_id, self.contract)
        self.assertEqual(ticket.priority, P1)
        self.assertEqual(ticket.msp_sla_policy_id, self.policy_24x7, "the plan covers it")
        self.assertIn("asset", alert.match_note)

    def test_ip_label_and_plan_without_emergency_cover(self):
        self.plan.emergency_cover = False
        alert = self.fire(ip="10.1.2.3")
        ticket = alert.ticket_id
        self.assertEqual(ticket.msp_asset_id, self.ws1)
        self.assertEqual(ticket.msp_sla_policy_id, self.policy, "the contract's normal policy")
        self.assertIn("does not include emergency cover", ticket.msp_emergency_note)

    def test_unknown_host_is_unmatched(self):
        alert = self.fire(instance="printer-99:9100")
        self.assertFalse(alert.partner_id)
        self.assertFalse(alert.ticket_id.msp_asset_id)

    def test_mail_to_the_emergency_alias_opens_a_p1_on_the_24x7_clock(self):
        ticket = self.mail("covered")
        self.assertEqual(ticket.priority, P1)
        self.assertTrue(ticket.msp_emergency)
        self.assertEqual(ticket.partner_id, self.user_a)
        self.assertEqual(ticket.msp_sla_policy_id, self.policy_24x7)

    def test_without_cover_the_ticket_opens_under_the_normal_policy_and_says_so(self):
        self.plan.emergency_cover = False
        ticket = self.mail("not-covered")
        self.assertTrue(ticket.msp_emergency)
        self.assertEqual(ticket.msp_sla_policy_id, self.policy)
        notice = ticket.message_ids.filtered(lambda m: "does not include emergency" in m.body)
        self.assertEqual(len(notice), 1)
        self.assertIn(self.user_a, notice.partner_ids)


@tagged("post_install", "-at_install")
class TestPortalOutage(HttpCase, EmergencyCase):
    """The customer's "Report an outage" opens a P1 on the 24x7 clock when the plan covers
    it; the customer sees the outage ticket, not the alerts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = new_test_user(
            cls.env, login="portal_outage", groups="base.group_portal", partner_id=cls.user_a.id
        )

    def report(self, subject):
        form = self.url_open("/my/outage")
        self.assertEqual(form.status_code, 200)
        csrf = form.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        response = self.url_open(
            "/my/outage/submit",
            data={"subject": subject, "description": "All down", "csrf_token": csrf},
        )
        self.assertEqual(response.status_code, 200)
        return self.env["helpdesk.ticket"].search([("name", "=", f"Outage: {subject}")]), response

    def test_outage_covered_then_not(self):
        self.authenticate("portal_outage", "portal_outage")
        self.assertIn("/my/outage", self.url_open("/my/tickets").text)
        ticket, response = self.report("File server down")
        self.assertEqual(len(ticket), 1)
        self.assertEqual((ticket.priority, ticket.msp_emergency), (P1, True))
        self.assertEqual(ticket.msp_sla_policy_id, self.policy_24x7)
        self.assertIn("24x7 clock", response.text)
        self.assertFalse(self.env["msp.alert"].with_user(self.portal_user).has_access("read"))
        alert_ticket = self.fire(instance="ws-01:9100").ticket_id
        self.assertEqual(alert_ticket.partner_id, self.customer)
        visible = self.env["helpdesk.ticket"].with_user(self.portal_user).search([])
        self.assertIn(ticket, visible, "their outage ticket")
        self.assertNotIn(alert_ticket, visible, "not the monitoring's tickets")

        self.plan.emergency_cover = False
        ticket, response = self.report("Mail down")
        self.assertEqual(ticket.msp_sla_policy_id, self.policy)
        self.assertIn("does not include emergency cover", response.text)
