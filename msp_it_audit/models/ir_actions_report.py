# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import ipaddress

from odoo import models
from odoo.tools import config

AUDIT_REPORT = "msp_it_audit.report_msp_audit"
# wkhtmltopdf waits report.print_delay (1,000 ms by default) after loading each document, for
# scripts that draw charts: the audit report has none, so it waits this long instead.
PRINT_DELAY_PARAM = "msp_it_audit.report_print_delay"


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        if self._get_report(report_ref).report_name == AUDIT_REPORT:
            self = self.with_context(msp_it_audit_report=True)
        return super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids=res_ids)

    def _get_report_url(self, layout=None):
        """Where wkhtmltopdf fetches the audit report's styles and fonts: ``report.url`` when
        set, else this server itself on its local address, not ``web.base.url``. The public
        address goes out through the proxy and back, or not at all from inside the server,
        and wkhtmltopdf has no timeout: it waits as long as the address does not answer."""
        # sudo: reads a system parameter (a URL setting), nothing of any record
        if (
            self.env.context.get("msp_it_audit_report")
            and not self.env["ir.config_parameter"].sudo().get_param("report.url")
            and config["http_enable"]
        ):
            return f"http://{self._msp_local_http_host()}:{config['http_port']}"
        return super()._get_report_url(layout=layout)

    def _msp_local_http_host(self):
        """The address this server answers HTTP on from the same machine."""
        interface = config["http_interface"] or "0.0.0.0"
        try:
            address = ipaddress.ip_address(interface)
        except ValueError:  # a host name
            return interface
        if address.is_unspecified:
            return "[::1]" if address.version == 6 else "127.0.0.1"
        return f"[{interface}]" if address.version == 6 else interface

    def _build_wkhtmltopdf_args(
        self, paperformat_id, landscape, specific_paperformat_args=None, set_viewport_size=False
    ):
        args = super()._build_wkhtmltopdf_args(
            paperformat_id,
            landscape,
            specific_paperformat_args=specific_paperformat_args,
            set_viewport_size=set_viewport_size,
        )
        if self.env.context.get("msp_it_audit_report") and "--javascript-delay" in args:
            # sudo: reads a system parameter (the print delay), nothing of any record
            delay = self.env["ir.config_parameter"].sudo().get_param(PRINT_DELAY_PARAM, "0")
            args[args.index("--javascript-delay") + 1] = str(int(delay))
        return args
