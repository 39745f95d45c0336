# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..controllers.monthly_report_pdf_cache import PdfCache
from .common import MspContractCase


@tagged("post_install", "-at_install")
class TestContractReports(MspContractCase):
    """MRR as invoiced, profitability, and the monthly service report."""

    def mrr_by_month(self, contract):
        rows = self.env["msp.contract.mrr.report"].search([("contract_id", "=", contract.id)])
        return {row.month: round(row.mrr, 2) for row in rows}

    def test_mrr_after_upgrade_downgrade_and_termination(self):
        contract = self.make_contract(start=date(2026, 6, 1))
        lines = {line.msp_billing_mode: line for line in contract.contract_line_ids}
        self.invoice(contract, date(2026, 6, 1))  # 500 + 2 x 30 + 2 x 20 = 600
        lines["per_device"].quantity = 5  # upgrade: 3 more workstations
        self.invoice(contract, date(2026, 7, 1))  # 500 + 150 + 40 = 690
        lines["flat"].price_unit = 400  # downgrade of the flat fee
        self.invoice(contract, date(2026, 8, 1))  # 400 + 150 + 40 = 590
        contract._msp_terminate(date(2026, 8, 31), "Moved to another MSP", force=True)
        self.assertEqual(
            self.mrr_by_month(contract),
            {date(2026, 6, 1): 600.0, date(2026, 7, 1): 690.0, date(2026, 8, 1): 590.0},
        )
        rows = self.env["msp.contract.mrr.report"].search([("contract_id", "=", contract.id)])
        self.assertEqual(round(sum(rows.mapped("arr")), 2), (600 + 690 + 590) * 12)
        self.assertEqual(contract.msp_mrr, 0.0, "terminated: no MRR any more")

    def test_profitability_against_hand_computed_figures(self):
        self.employee.hourly_cost = 40
        contract = self.make_contract(start=date(2026, 9, 1))
        ticket = self.make_ticket()
        self.log_time(ticket, date(2026, 9, 10), 12.0)  # 2 h overage at 100
        self.invoice(contract, date(2026, 9, 1))
        self.invoice(contract, date(2026, 10, 1))
        rows = self.env["msp.contract.profit.report"].search([("contract_id", "=", contract.id)])
        by_month = {row.month: row for row in rows}
        september, october = by_month[date(2026, 9, 1)], by_month[date(2026, 10, 1)]
        self.assertAlmostEqual(september.revenue, 600.0)
        self.assertAlmostEqual(september.cost, 12 * 40)
        self.assertAlmostEqual(september.margin, 600.0 - 480.0)
        self.assertAlmostEqual(september.hours, 12.0)
        self.assertAlmostEqual(october.revenue, 600.0 + 200.0)
        self.assertAlmostEqual(october.cost, 0.0)

    def test_only_managers_see_profitability(self):
        with self.assertRaises(AccessError):
            self.env["msp.contract.profit.report"].with_user(self.technician).search([])
        self.env["msp.contract.profit.report"].with_user(self.manager).search([])

    def test_monthly_service_report(self):
        self.company.external_report_layout_id = self.env.ref("web.external_layout_standard")
        self.ws1.write({"os_name": "Windows 10", "eol_date": date(2026, 10, 14)})
        contract = self.make_contract(start=date(2026, 9, 1))
        with freeze_time(datetime(2026, 9, 8, 9, 0)):
            ticket = self.make_ticket()
        self.log_time(ticket, date(2026, 9, 8), 3.5)
        with freeze_time(datetime(2026, 9, 8, 9, 30)):
            ticket.with_user(self.technician.sudo()).sudo().message_post(
                body="On it",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                author_id=self.technician.partner_id.id,
            )
        html, _format = self.env["ir.actions.report"]._render_qweb_html(
            "msp_service_contract.report_monthly_service",
            contract.ids,
            data={"month": "2026-09-01"},
        )
        text = html.decode()
        self.assertIn("Monthly Service Report", text)
        self.assertIn("Dental Care Ltd", text)
        self.assertIn("100.0 %", text, "the one response target was met")
        self.assertRegex(text, r"used: <strong>3\.50</strong> h")
        self.assertIn("WS-01", text, "the workstation reaches its end of life")
        self.assertIn("Outlook keeps crashing", text)
        with self.allow_pdf_render():
            pdf, file_format = (
                self.env["ir.actions.report"]
                .with_context(force_report_rendering=True)
                ._render_qweb_pdf(
                    "msp_service_contract.report_monthly_service",
                    contract.ids,
                    data={"month": "2026-09-01"},
                )
            )
        self.assertEqual(file_format, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))

    def test_monthly_report_pdf_is_kept_while_its_content_does_not_change(self):
        """The portal's PDF cache: the same HTML gives the kept PDF without printing again;
        any change shown in the report prints a new one."""
        self.company.external_report_layout_id = self.env.ref("web.external_layout_standard")
        contract = self.make_contract(start=date(2026, 9, 1))
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        report, data = "msp_service_contract.report_monthly_service", {"month": "2026-09-01"}
        cache = PdfCache()

        def pdf():
            html = Report._render_qweb_html(report, contract.ids, data=dict(data))[0]
            return cache.get_or_render(
                html, lambda: Report._render_qweb_pdf(report, contract.ids, data=dict(data))
            )

        with self.allow_pdf_render():
            first, file_format = pdf()
            again, _format = pdf()
            self.assertEqual(file_format, "pdf")
            self.assertTrue(first.startswith(b"%PDF"))
            self.assertIs(again, first, "kept: not printed again")
            self.assertEqual((cache.hits, cache.misses), (1, 1))
            contract.name = "Renamed agreement"
            renamed, _format = pdf()
        self.assertEqual((cache.hits, cache.misses), (1, 2), "a change prints a new PDF")
        self.assertIsNot(renamed, first)
