# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from pathlib import Path
from unittest.mock import patch

from odoo.addons.base.models import ir_actions_report
from odoo.tests import tagged
from odoo.tools import config

from .common import MspItAuditCommon


@tagged("post_install", "-at_install")
class TestAuditReportPrint(MspItAuditCommon):
    """The audit PDF prints without waiting: wkhtmltopdf fetches its styles from this server,
    not from a public address it may not reach, and waits for no chart script."""

    def print_audit(self):
        """The wkhtmltopdf arguments and the documents' HTML of one print of an audit."""
        partner = self.env["res.partner"].create({"name": "Quayside Clinic", "is_company": True})
        audit = self.env["msp.audit"].create({"partner_id": partner.id})
        calls = []
        run = ir_actions_report._run_wkhtmltopdf

        def record(args):
            html = [Path(arg).read_text() for arg in args if arg.endswith(".html")]
            calls.append((args, html))
            return run(args)

        with patch.object(ir_actions_report, "_run_wkhtmltopdf", record):
            pdf, _kind = (
                self.env["ir.actions.report"]
                .with_context(force_report_rendering=True)
                ._render_qweb_pdf("msp_it_audit.report_msp_audit", audit.ids)
            )
        self.assertTrue(pdf.startswith(b"%PDF"))
        self.assertEqual(len(calls), 1)
        return calls[0]

    def test_styles_come_from_this_server_without_a_script_delay(self):
        Param = self.env["ir.config_parameter"]
        Param.set_param("web.base.url", "https://msp.example.com")
        Param.set_param("report.url", False)
        args, html = self.print_audit()
        self.assertEqual(args[args.index("--javascript-delay") + 1], "0")
        local = f'<base href="http://127.0.0.1:{config["http_port"]}"'
        self.assertTrue(all(local in page for page in html), "every document from this server")
        self.assertFalse(any("msp.example.com" in page for page in html))

    def test_report_url_and_print_delay_settings_are_kept(self):
        Param = self.env["ir.config_parameter"]
        Param.set_param("report.url", "http://127.0.0.1:9")
        Param.set_param("msp_it_audit.report_print_delay", "250")
        args, html = self.print_audit()
        self.assertEqual(args[args.index("--javascript-delay") + 1], "250")
        self.assertIn('<base href="http://127.0.0.1:9"', html[0])
