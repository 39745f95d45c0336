# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class MspAlertSeverity(models.Model):
    """A severity can page the person on call whatever the ticket's priority: a "warning"
    that must wake someone although its ticket is a P3."""

    _inherit = "msp.alert.severity"

    page_oncall = fields.Boolean(
        string="Page On Call",
        help="Alerts of this severity page the team's on-call person even when their ticket's "
        "priority is below the schedule's paging priority (tickets at that priority page "
        "anyway).",
    )


class MspAlertSource(models.Model):
    _inherit = "msp.alert.source"

    def _msp_alert_pages(self, labels):
        """Whether an alert with these labels pages the person on call by its severity."""
        self.ensure_one()
        severity = str(labels.get(self.severity_label) or "").strip().lower()
        return any(line.page_oncall for line in self.severity_ids if line.severity == severity)

    def _msp_alert_open_tickets(self, alerts):
        result = super()._msp_alert_open_tickets(alerts)
        paging = alerts.filtered(
            lambda a: (
                a.ticket_id and not a.ticket_id.closed and self._msp_alert_pages(a.labels or {})
            )
        )
        # tickets at the schedule's paging priority started paging when they were created;
        # _msp_page_start skips a ticket that has a live incident
        paging.ticket_id._msp_page_start()
        return result
