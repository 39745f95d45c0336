# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.msp_sla_target import TARGET_KINDS

# The months a report may cover.
FIRST_MONTH, LAST_MONTH = date(2000, 1, 1), date(2100, 12, 1)


class ReportCustomerSla(models.AbstractModel):
    """The monthly SLA report of a customer, fit to send to that customer."""

    _name = "report.msp_sla.report_customer_sla"
    _description = "Monthly SLA Report"

    @api.model
    def _month_bounds(self, month):
        """The first day of ``month`` (any day of it; default: last month) and of the month
        after. Months are 2000-01 to 2100-12: the reports add months to them."""
        first = fields.Date.to_date(month) if month else date.today() - relativedelta(months=1)
        first = first.replace(day=1)
        if not FIRST_MONTH <= first <= LAST_MONTH:
            raise UserError(
                self.env._(
                    "Month of the report must be between %(first)s and %(last)s, not %(month)s.",
                    first=FIRST_MONTH.isoformat()[:7],
                    last=LAST_MONTH.isoformat()[:7],
                    month=first.isoformat()[:7],
                )
            )
        return first, first + relativedelta(months=1)

    @api.model
    def _customer_figures(self, partner, first, after):
        Report = self.env["msp.sla.report"]
        domain = [
            ("partner_id", "=", partner.commercial_partner_id.id),
            ("start_at", ">=", fields.Datetime.to_datetime(first)),
            ("start_at", "<", fields.Datetime.to_datetime(after)),
        ]
        kinds = dict(TARGET_KINDS)
        by_kind = Report._msp_sla_label_rows(Report._msp_sla_summary(domain, ["kind"]))
        by_priority = Report._msp_sla_label_rows(
            Report._msp_sla_summary(domain, ["priority", "kind"])
        )
        breaches = Report.search([*domain, ("state", "=", "breached")], order="start_at")
        # The tickets measured in the period: those whose clocks started in it.
        tickets = Report.search(domain).ticket_id
        return {
            "partner": partner,
            "by_kind": sorted(by_kind, key=lambda r: list(kinds).index(r["kind"])),
            "by_priority": sorted(by_priority, key=lambda r: (-int(r["priority"]), r["kind"])),
            "breaches": breaches,
            "ticket_count": len(tickets),
            "closed_count": len(tickets.filtered("closed")),
        }

    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        partners = self.env["res.partner"].browse(data.get("partner_ids") or docids)
        if not partners:
            raise UserError(self.env._("Choose the customer to report on."))
        first, after = self._month_bounds(data.get("month"))
        return {
            "doc_ids": partners.ids,
            "doc_model": "res.partner",
            "docs": partners,
            "period_start": first,
            "period_end": after - relativedelta(days=1),
            "figures": {p.id: self._customer_figures(p, first, after) for p in partners},
        }
