# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.fields import Command
from odoo.tests import tagged

from .common import P1, P3, MspAlertCase
from .test_oncall import MspOncallCase


@tagged("post_install", "-at_install")
class TestAlertPaging(MspAlertCase, MspOncallCase):
    """Alerts page the person on call: a P1 alert's ticket pages as every P1 does, and a
    severity marked "Page On Call" pages although its ticket is below the paging priority."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_schedule(
            escalation_ids=[
                Command.create({"sequence": 1, "delay_minutes": 0, "target": "primary"})
            ]
        )
        cls.warning = cls.source.severity_ids.filtered(lambda s: s.severity == "warning")

    def ticket_of(self, name, instance, severity):
        self.ingest(self.am_alert(name, instance=instance, customer="acme", severity=severity))
        return self.alerts_of(f"fp-{name}-{instance}").ticket_id

    def test_p1_alert_pages(self):
        ticket = self.ticket_of("HostDown", "db1", "critical")
        self.assertEqual(ticket.priority, P1)
        self.assertEqual(ticket.msp_page_incident_id.state, "triggered")

    def test_severity_marked_to_page_pages_below_the_paging_priority(self):
        quiet = self.ticket_of("Slow", "web1", "warning")
        self.assertEqual(quiet.priority, P3)
        self.assertFalse(quiet.msp_page_incident_id, "a P3 warning does not page by default")

        self.warning.page_oncall = True
        loud = self.ticket_of("Slow", "web2", "warning")
        self.assertEqual(loud.priority, P3, "the priority stays the severity's")
        self.assertEqual(loud.msp_page_incident_id.state, "triggered")
        self.assertEqual(len(loud.msp_page_incident_id), 1)
