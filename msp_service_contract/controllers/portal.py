# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dateutil.relativedelta import relativedelta

from odoo import fields, http
from odoo.addons.contract.controllers.main import PortalContract
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from .monthly_report_pdf_cache import monthly_report_pdfs

# The paper format's fields that reach wkhtmltopdf.
PAPER_FIELDS = (
    "format", "page_height", "page_width", "orientation", "margin_top", "margin_bottom",
    "margin_left", "margin_right", "header_line", "header_spacing", "dpi", "disable_shrinking",
    "css_margins",
)  # fmt: skip


class MspPortalContract(PortalContract):
    def _contract_get_page_view_values(self, contract, access_token, **kwargs):
        values = super()._contract_get_page_view_values(contract, access_token, **kwargs)
        if contract.msp_plan_id:
            # contract is the sudo record the access check returned: only its own tickets
            values["msp_open_tickets"] = (
                request.env["helpdesk.ticket"]
                .sudo()
                .search([("msp_contract_id", "=", contract.id), ("closed", "=", False)], limit=50)
            )
            start, first = self._msp_report_months(contract)
            values["msp_report_months"] = [
                month
                for month in (first - relativedelta(months=n) for n in range(1, 7))
                if month >= start
            ]
        return values

    def _msp_report_months(self, contract):
        """The first days of the first and the last month the contract's monthly report may
        cover: from the month it started to this month."""
        current = contract._msp_today().replace(day=1)
        start = contract.date_start.replace(day=1) if contract.date_start else current
        return start, current

    def _msp_monthly_report_pdf(self, contract_sudo, first):
        """The report's PDF, kept while its HTML does not change (monthly_report_pdf_cache)."""
        # sudo: the route checked the customer's access to this contract
        reports = request.env["ir.actions.report"].sudo()
        report, data = (
            "msp_service_contract.report_monthly_service",
            {"month": fields.Date.to_string(first)},
        )
        html = reports._render_qweb_html(report, contract_sudo.ids, data=dict(data))[0]
        paper = reports._get_report(report).get_paperformat()
        settings = repr(
            (request.env.cr.dbname, paper.read(list(PAPER_FIELDS))[0] if paper else None)
        )
        return monthly_report_pdfs.get_or_render(
            html,
            lambda: reports._render_qweb_pdf(report, contract_sudo.ids, data=dict(data)),
            settings,
        )

    @http.route(
        ["/my/contracts/<int:contract_id>/report/<string:month>"],
        type="http",
        auth="public",
        website=True,
    )
    def portal_msp_monthly_report(self, contract_id, month, access_token=None, **kw):
        try:
            contract_sudo = self._document_check_access(
                "contract.contract", contract_id, access_token
            )
            first = fields.Date.to_date(f"{month}-01")
        except (AccessError, MissingError, ValueError):
            return request.redirect("/my")
        start, current = self._msp_report_months(contract_sudo)
        if not start <= first <= current:  # not a month of this contract
            return request.redirect("/my")
        content, file_format = self._msp_monthly_report_pdf(contract_sudo, first)
        # Odoo renders HTML instead of a PDF in test mode; say which one this is.
        content_type = "application/pdf" if file_format == "pdf" else "text/html; charset=utf-8"
        return request.make_response(
            content,
            headers=[
                ("Content-Type", content_type),
                ("Content-Disposition", f'inline; filename="service-report-{month}.{file_format}"'),
            ],
        )
