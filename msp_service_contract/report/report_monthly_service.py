# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dateutil.relativedelta import relativedelta

from odoo import api, models
from odoo.exceptions import UserError


class ReportMonthlyService(models.AbstractModel):
    """The monthly service report of a contract: what the MSP did for the customer that
    month, to prove its value. Sent by the MSP and printed from the customer portal."""

    _name = "report.msp_service_contract.report_monthly_service"
    _description = "Monthly Service Report"

    @api.model
    def _contract_figures(self, contract, first, after):
        # the month on the company's clock (dates of time entries are the company's too)
        start = contract.company_id._msp_day_start(first)
        end = contract.company_id._msp_day_start(after)
        Sla = self.env["msp.sla.report"]
        sla_rows = Sla._msp_sla_label_rows(
            Sla._msp_sla_summary(
                [
                    ("ticket_id.msp_contract_id", "=", contract.id),
                    ("start_at", ">=", start),
                    ("start_at", "<", end),
                ],
                ["kind"],
            )
        )
        hours = contract._msp_hours_parts(first)[contract.id]
        # The month's tickets: opened in the month, or worked on in it.
        tickets = self.env["helpdesk.ticket"].search(
            [
                ("msp_contract_id", "=", contract.id),
                "|",
                "&",
                ("create_date", ">=", start),
                ("create_date", "<", end),
                "&",
                ("msp_timesheet_ids.date", ">=", first),
                ("msp_timesheet_ids.date", "<", after),
            ],
            order="create_date",
        )
        horizon = after + relativedelta(months=6)
        eol_assets = contract.msp_covered_asset_ids.filtered(
            lambda a: a.eol_date and a.eol_date < horizon and a.state != "retired"
        ).sorted("eol_date")
        # The report goes to the customer (sent, or printed from the portal with elevated
        # rights): only findings of the audits the contract's company published to the
        # customer.
        findings = self.env["msp.audit.finding"].search(
            [
                ("audit_id.partner_id", "=", contract.commercial_partner_id.id),
                ("audit_id.is_published", "=", True),
                ("company_id", "=", contract.company_id.id),
                ("state", "in", ("open", "accepted")),
            ],
            order="severity, id",
        )
        return {
            "contract": contract,
            "sla_rows": sla_rows,
            "hours": hours,
            # what the month left before settling it carried the rest over or let it expire
            "hours_left": hours["included"] + hours["rollover"] + hours["prepaid"] - hours["used"],
            "tickets": tickets,
            "ticket_hours": {
                t.id: sum(
                    t.msp_timesheet_ids.filtered(lambda ln: first <= ln.date < after).mapped(
                        "unit_amount"
                    )
                )
                for t in tickets
            },
            "eol_assets": eol_assets,
            "horizon": horizon,
            "findings": findings,
        }

    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        contracts = self.env["contract.contract"].browse(docids)
        if not contracts:
            raise UserError(self.env._("Choose the contract to report on."))
        # The same calendar month as msp_sla's monthly customer report (default: last month).
        first, after = self.env["report.msp_sla.report_customer_sla"]._month_bounds(
            data.get("month")
        )
        return {
            "doc_ids": contracts.ids,
            "doc_model": "contract.contract",
            "docs": contracts,
            "period_start": first,
            "period_end": after - relativedelta(days=1),
            "figures": {c.id: self._contract_figures(c, first, after) for c in contracts},
        }
