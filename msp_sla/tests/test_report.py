# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import P3, MspSlaCase, local


@tagged("post_install", "-at_install")
class TestSlaReport(MspSlaCase):
    """Compliance figures (share met, median and 90th percentile, breaches) and the PDF."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Five November tickets answered after 30, 60, 90, 120 and 300 business minutes
        # (the last one past its 240-minute target), one December ticket for another month.
        for hour, minute in ((9, 30), (10, 0), (10, 30), (11, 0), (15, 0)):
            ticket = cls.create_ticket(cls, local(2026, 11, 2, 9, 0), priority=P3)
            with freeze_time(local(2026, 11, 2, hour, minute)):
                ticket.with_user(cls.agent).message_post(
                    body="Hello", message_type="comment", subtype_xmlid="mail.mt_comment"
                )
        cls.create_ticket(cls, local(2026, 12, 1, 9, 0), priority=P3)
        cls.domain = [
            ("partner_id", "=", cls.customer.id),
            ("kind", "=", "response"),
            ("start_at", ">=", local(2026, 11, 1, 0, 0)),
            ("start_at", "<", local(2026, 12, 1, 0, 0)),
        ]

    def test_compliance_figures(self):
        (row,) = self.env["msp.sla.report"]._msp_sla_summary(self.domain)
        self.assertEqual(row["targets"], 5)
        self.assertEqual(row["met"], 4)
        self.assertEqual(row["breaches"], 1)
        self.assertAlmostEqual(row["met_rate"], 80.0)
        self.assertAlmostEqual(row["median"], 90.0)
        # 90th percentile, interpolated between 120 and 300: 120 + 0.6 * 180.
        self.assertAlmostEqual(row["p90"], 228.0)

    def test_pivot_cells_are_true_percentiles(self):
        groups = self.env["msp.sla.report"].formatted_read_group(
            self.domain, ["partner_id"], ["median_minutes:avg", "met_rate:avg", "breach_count:sum"]
        )
        self.assertEqual(len(groups), 1)
        self.assertAlmostEqual(groups[0]["median_minutes:avg"], 90.0)
        self.assertAlmostEqual(groups[0]["met_rate:avg"], 80.0)
        self.assertEqual(groups[0]["breach_count:sum"], 1)

    def test_monthly_customer_report(self):
        # A company whose document layout is set prints directly (else Odoo asks for it first).
        self.env.company.external_report_layout_id = self.env.ref("web.external_layout_standard")
        wizard = self.env["msp.sla.customer.report.wizard"].create(
            {"partner_ids": [(6, 0, self.customer.ids)], "month": "2026-11-15"}
        )
        action = wizard.action_print()
        self.assertEqual(action["report_name"], "msp_sla.report_customer_sla")
        html, _format = self.env["ir.actions.report"]._render_qweb_html(
            "msp_sla.report_customer_sla", self.customer.ids, data=action["data"]
        )
        text = html.decode()
        self.assertIn("Acme Dental", text)
        self.assertIn("Service Level Report", text)
        self.assertIn("80.0 %", text)
        self.assertIn("1h 30m", text, "median first response, in business time")
        self.assertRegex(
            text, r"in the period:\s*<strong>5</strong>, of which closed:\s*<strong>0</strong>"
        )
        self.assertIn("Printer on fire", text, "the breach is listed")

    def test_monthly_customer_report_of_an_absurd_month_is_refused(self):
        """Months are 2000-01 to 2100-12: year 9999 overflowed while the report was built."""
        Report = self.env["report.msp_sla.report_customer_sla"]
        for month in ("9999-12-01", "9999-07-01", "0001-01-01", "1999-12-01", "2101-01-01"):
            with self.assertRaisesRegex(UserError, "Month .* between 2000-01 and 2100-12"):
                Report._get_report_values(self.customer.ids, {"month": month})
        first, after = Report._month_bounds("2100-12-15")
        self.assertEqual((str(first), str(after)), ("2100-12-01", "2101-01-01"))

    def test_monthly_customer_report_prints_a_pdf(self):
        self.env.company.external_report_layout_id = self.env.ref("web.external_layout_standard")
        with self.allow_pdf_render():
            report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
            pdf, file_format = report._render_qweb_pdf(
                "msp_sla.report_customer_sla",
                self.customer.ids,
                data={"partner_ids": self.customer.ids, "month": "2026-11-01"},
            )
        self.assertEqual(file_format, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"), "wkhtmltopdf produced a PDF")
