# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
from datetime import datetime

from freezegun import freeze_time
from pytz import timezone

from odoo.addons.msp_sla.models.msp_alert_payload import parse_alerts
from odoo.addons.msp_sla.models.msp_alert_source import hash_token
from odoo.fields import Command
from odoo.tests import TransactionCase, new_test_user

BRUSSELS = timezone("Europe/Brussels")

# Priorities of helpdesk_mgmt: "3" Very High (P1), "2" High (P2), "1" Medium (P3), "0" Low (P4).
P1, P2, P3, P4 = "3", "2", "1", "0"


def local(*args):
    """A Brussels wall-clock time as the naive UTC datetime Odoo stores."""
    return BRUSSELS.localize(datetime(*args)).astimezone(timezone("UTC")).replace(tzinfo=None)


class MspSlaCase(TransactionCase):
    """Shared data: a Brussels calendar (8-12, 13-18, Mon-Fri), stages with a pause stage,
    a team, a policy "Gold" (P1 24x7, P3 business hours) and two customers. No test here."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.calendar = cls.env["resource.calendar"].create(
            {
                "name": "MSP test hours (Brussels)",
                "tz": "Europe/Brussels",
                "attendance_ids": [
                    Command.create(
                        {
                            "name": f"{day} {period}",
                            "dayofweek": str(day),
                            "hour_from": start,
                            "hour_to": end,
                            "day_period": period,
                        }
                    )
                    for day in range(5)
                    for start, end, period in ((8, 12, "morning"), (13, 18, "afternoon"))
                ],
            }
        )
        Stage = cls.env["helpdesk.ticket.stage"]
        cls.stage_new = Stage.create({"name": "SLA New", "sequence": 1})
        cls.stage_progress = Stage.create({"name": "SLA In Progress", "sequence": 2})
        cls.stage_waiting = Stage.create({"name": "SLA Waiting for customer", "sequence": 3})
        cls.stage_done = Stage.create({"name": "SLA Done", "sequence": 4, "closed": True})
        cls.policy = cls.env["msp.sla.policy"].create(
            {
                "name": "Gold",
                "calendar_id": cls.calendar.id,
                "pause_stage_ids": [Command.set(cls.stage_waiting.ids)],
                "target_ids": [
                    Command.create(
                        {
                            "priority": P1,
                            "kind": "response",
                            "duration_minutes": 60,
                            "counting": "always",
                        }
                    ),
                    Command.create(
                        {
                            "priority": P1,
                            "kind": "resolution",
                            "duration_minutes": 240,
                            "counting": "always",
                        }
                    ),
                    Command.create({"priority": P3, "kind": "response", "duration_minutes": 240}),
                    Command.create({"priority": P3, "kind": "resolution", "duration_minutes": 480}),
                ],
            }
        )
        cls.team = cls.env["helpdesk.ticket.team"].create(
            {"name": "SLA Service Desk", "msp_sla_policy_id": cls.policy.id}
        )
        cls.customer = cls.env["res.partner"].create({"name": "Acme Dental", "is_company": True})
        cls.contact = cls.env["res.partner"].create(
            {"name": "Ann Acme", "parent_id": cls.customer.id, "email": "ann@acme.example"}
        )
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Brill Law", "is_company": True}
        )
        cls.other_contact = cls.env["res.partner"].create(
            {"name": "Bob Brill", "parent_id": cls.other_customer.id, "email": "bob@brill.example"}
        )
        cls.agent = new_test_user(
            cls.env,
            login="sla_agent",
            name="Alice Agent",
            groups="helpdesk_mgmt.group_helpdesk_user",
        )

    def create_ticket(self, at, priority=P3, **vals):
        with freeze_time(at):
            return self.env["helpdesk.ticket"].create(
                {
                    "name": "Printer on fire",
                    "description": "<p>It is on fire.</p>",
                    "team_id": self.team.id,
                    "partner_id": self.contact.id,
                    "priority": priority,
                    "stage_id": self.stage_new.id,
                    **vals,
                }
            )

    def move(self, ticket, stage, at):
        with freeze_time(at):
            ticket.stage_id = stage

    def clock(self, ticket, kind):
        clocks = ticket.msp_sla_clock_ids.filtered(
            lambda c: c.kind == kind and c.state != "cancelled"
        )
        self.assertEqual(len(clocks), 1, f"one live {kind} clock expected")
        return clocks

    def events(self, ticket, event_type=None):
        """The ticket's ledger, newest first."""
        domain = [("ticket_id", "=", ticket.id)]
        if event_type:
            domain.append(("event_type", "=", event_type))
        return self.env["msp.sla.event"].search(domain)


class MspAlertCase(MspSlaCase):
    """An Alertmanager source for the SLA team, its token, and a 24x7 emergency policy on
    the team. No test here."""

    TOKEN = "test-token-0123456789"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # alerts of the database (the demo's) waiting for their tickets get them first, so
        # that each test's count of opened tickets is its own
        cls.env["msp.alert"]._msp_alert_open_pending()
        cls.policy_24x7 = cls.env["msp.sla.policy"].create(
            {
                "name": "Emergency 24x7",
                "calendar_id": cls.calendar.id,
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
        cls.team.msp_emergency_policy_id = cls.policy_24x7
        cls.customer.ref = "ACME"
        cls.source = cls.env["msp.alert.source"].create(
            {"name": "Prometheus test", "kind": "alertmanager", "team_id": cls.team.id}
        )
        cls.source.sudo().token_hash = hash_token(cls.TOKEN)

    @staticmethod
    def am_alert(name="DiskFull", status="firing", fingerprint=None, **labels):
        """One alert as Alertmanager's webhook carries it."""
        labels = {"alertname": name, "severity": "critical", **labels}
        return {
            "status": status,
            "labels": labels,
            "annotations": {"summary": f"{name} on {labels.get('instance', '?')}"},
            "startsAt": "2030-01-07T09:00:00Z",
            "endsAt": "0001-01-01T00:00:00Z",
            "fingerprint": fingerprint or f"fp-{name}-{labels.get('instance', '')}",
        }

    @staticmethod
    def am_body(*alerts, status="firing"):
        return {
            "version": "4",
            "status": status,
            "receiver": "msp-suite",
            "groupKey": "{}:{}",
            "alerts": list(alerts),
        }

    def ingest(self, *alerts, source=None):
        source = source or self.source
        body = json.dumps(self.am_body(*alerts))
        summary = source._msp_alert_ingest(parse_alerts(source.kind, body))
        # what the scheduled action the webhook wakes does next
        self.env["msp.alert"]._msp_alert_open_pending()
        return summary

    def alerts_of(self, fingerprint):
        return self.env["msp.alert"].search(
            [("source_id", "=", self.source.id), ("fingerprint", "=", fingerprint)]
        )
