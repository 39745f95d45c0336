# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class ReportMonthlyService(models.AbstractModel):
    _inherit = "report.msp_service_contract.report_monthly_service"

    @api.model
    def _contract_figures(self, contract, first, after):
        figures = super()._contract_figures(contract, first, after)
        figures["vendor_waits"] = self._msp_vendor_waits(contract, first, after)
        return figures

    @api.model
    def _msp_vendor_waits(self, contract, first, after):
        """The time the contract's tickets waited on each vendor in the month [first, after):
        [(vendor, cases, hours)], the longest first. Wall-clock hours of the vendor cases'
        waiting periods, cut to the month."""
        start, end = fields.Datetime.to_datetime(first), fields.Datetime.to_datetime(after)
        # sudo: the report goes to the customer (sent, or printed from the portal), who does
        # not read vendor cases; only the vendors' names and the hours are shown
        waits = (
            self.env["msp.vendor.case.wait"]
            .sudo()
            .search(
                [
                    ("ticket_id.msp_contract_id", "=", contract.id),
                    ("date_start", "<", end),
                    "|",
                    ("date_end", "=", False),
                    ("date_end", ">", start),
                ]
            )
        )
        by_vendor = {}
        for wait in waits:
            cases, hours = by_vendor.get(wait.vendor_id, (set(), 0.0))
            cases.add(wait.case_id.id)
            by_vendor[wait.vendor_id] = (cases, hours + wait._hours_between(start, end))
        return sorted(
            ((vendor, len(cases), hours) for vendor, (cases, hours) in by_vendor.items()),
            key=lambda row: (-row[2], row[0].name or ""),
        )
