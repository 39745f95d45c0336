# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import io

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form
from odoo.tools.pdf import PdfFileReader

from .common import MspItAuditCommon


class TestAuditFlow(MspItAuditCommon):
    """From the opportunity, through the audit, to the report and the quotation, as the
    salesperson and the auditor."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template = cls.env["msp.audit.template"].create(
            {
                "name": "Small office",
                "item_ids": [
                    (
                        0,
                        0,
                        {
                            "area": "security",
                            "name": "MFA on email",
                            "weight": 3,
                            "finding_title": "No multi-factor authentication",
                            "finding_severity": "critical",
                            "recommendation": "Enforce MFA.",
                            "product_id": cls.product_hour.id,
                            "estimated_hours": 2.0,
                        },
                    ),
                    (0, 0, {"area": "backup", "name": "Restore tested", "weight": 2}),
                    (0, 0, {"area": "physical", "name": "Server room locked", "weight": 1}),
                ],
            }
        )

    def _schedule_as_salesperson(self):
        lead = self.lead.with_user(self.salesman)
        action = lead.action_schedule_it_audit()
        wizard_form = Form(
            self.env[action["res_model"]].with_user(self.salesman).with_context(**action["context"])
        )
        wizard_form.auditor_id = self.auditor
        wizard_form.template_id = self.template
        wizard_form.date_planned = "2026-12-01 09:00:00"
        result = wizard_form.save().action_schedule()
        return self.env["msp.audit"].browse(result["res_id"])

    def test_schedule_from_the_opportunity(self):
        audit = self._schedule_as_salesperson()
        self.assertEqual(audit.lead_id, self.lead)
        self.assertEqual(audit.partner_id, self.customer)
        self.assertEqual(audit.user_id, self.auditor)
        self.assertEqual(audit.state, "scheduled")
        self.assertTrue(audit.name.startswith("AUD/"))
        activity = audit.activity_ids
        self.assertEqual(activity.user_id, self.auditor)
        self.assertEqual(str(activity.date_deadline), "2026-12-01")
        self.assertIn("Harbour Dental Ltd", activity.summary)
        self.assertEqual(self.lead.with_user(self.salesman).msp_audit_count, 2)
        self.assertEqual(self.customer.with_user(self.salesman).msp_audit_count, 2)

    def test_only_auditors_audit(self):
        action = self.lead.with_user(self.salesman).action_schedule_it_audit()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.salesman)
            .with_context(**action["context"])
            .create({"auditor_id": self.other_salesman.id})
        )
        with self.assertRaisesRegex(UserError, "is not an auditor"):
            wizard.action_schedule()

    def test_failed_check_raises_its_finding(self):
        audit = self._schedule_as_salesperson().with_user(self.auditor)
        audit.action_start()
        self.assertEqual(len(audit.check_line_ids), 3)
        mfa = audit.check_line_ids.filtered(lambda c: c.name == "MFA on email")
        mfa.result = "fail"
        finding = mfa.finding_id
        self.assertEqual(finding.name, "No multi-factor authentication")
        self.assertEqual(finding.severity, "critical")
        self.assertEqual(finding.price, 200.0, "2 hours of a 100.0 product")
        self.assertEqual(finding.source, "check")
        mfa.result = "pass"
        self.assertFalse(mfa.finding_id)
        self.assertFalse(finding.exists(), "an open finding goes with the failure")
        mfa.result = "fail"
        mfa.finding_id.action_accept()
        mfa.result = "warning"
        self.assertEqual(mfa.finding_id.state, "accepted", "a decided finding stays")

    def test_whole_flow_to_report_and_quotation(self):
        audit = self._schedule_as_salesperson().with_user(self.auditor)
        audit.action_start()
        audit.check_line_ids.filtered(lambda c: c.name == "MFA on email").result = "fail"
        audit.check_line_ids.filtered(lambda c: c.name == "Restore tested").result = "pass"
        audit.import_nmap_xml(self.b64("nmap_edge_cases.xml"), "office.xml")
        audit.import_glpi_inventory(self.b64("glpi_printer.json"), "printer.json")
        audit.user_count = 5
        audit.executive_summary = "<p>Harbour's data is one phishing email away.</p>"
        by_title = {f.name: f for f in audit.finding_ids}
        accepted = (
            by_title["No multi-factor authentication"]
            | by_title["Telnet is exposed"]
            | by_title["Windows 7 is past its end of life"]
        )
        accepted.action_accept()
        by_title["FTP is exposed"].action_decline()
        audit.action_done()
        self.assertEqual(audit.state, "done")
        self.assertTrue(0 < audit.risk_score <= 100)

        # the report, rendered to PDF by wkhtmltopdf; without the web fonts (a report.url that
        # refuses): with them, Debian's wkhtmltopdf draws the text as shapes, unreadable here
        self.env["ir.config_parameter"].set_param("report.url", "http://127.0.0.1:9")
        pdf, _type = (
            self.env["ir.actions.report"]
            .with_user(self.auditor)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("msp_it_audit.report_msp_audit", audit.ids)
        )
        self.assertTrue(pdf.startswith(b"%PDF"))
        text = " ".join(page.extract_text() for page in PdfFileReader(io.BytesIO(pdf)).pages)
        text = " ".join(text.split())
        for expected in (
            audit.name,
            "Harbour Dental Ltd",
            f"Risk score: {audit.risk_score} / 100",
            "one phishing email away",
            "No multi-factor authentication",
            "Enforce MFA.",
            "SMBv1 is enabled",
            "Past end of life",
            "Total remediation",
        ):
            self.assertIn(expected, text)

        # the quotation
        action = audit.action_create_proposal()
        order = self.env["sale.order"].browse(action["res_id"])
        self.assertEqual(audit.state, "proposed")
        self.assertEqual(order.msp_audit_id, audit)
        self.assertEqual(order.opportunity_id, self.lead)
        self.assertEqual(order.partner_id, self.customer)
        # sold by the opportunity's salesperson; the auditor who made it keeps working on it
        self.assertEqual(order.user_id, self.salesman)
        self.assertTrue(order.with_user(self.salesman).order_line.read(["name"]))
        section = order.order_line[:1]
        section.with_user(self.auditor).write({"name": section.name})
        with self.assertRaises(AccessError):
            order.with_user(self.other_salesman).read(["name"])
        one_time = order.order_line.filtered("msp_finding_id")
        self.assertEqual(one_time.msp_finding_id, accepted)
        for line in one_time:
            self.assertEqual(line.price_subtotal, line.msp_finding_id.price)
            self.assertEqual(line.msp_asset_ids, line.msp_finding_id.asset_ids)
        self.assertEqual(sum(one_time.mapped("price_subtotal")), sum(accepted.mapped("price")))
        # an hourly product is quoted by the hour, another one as one unit at the price
        eol_line = one_time.filtered(lambda line: line.msp_finding_id.source == "eol")
        self.assertEqual((eol_line.product_uom_qty, eol_line.price_unit), (3.0, 95.0))
        mfa_line = one_time.filtered(lambda line: line.msp_finding_id.source == "check")
        self.assertEqual((mfa_line.product_uom_qty, mfa_line.price_unit), (1.0, 200.0))
        self.assertIn("No multi-factor authentication (estimated 2.0 h)", mfa_line.name)
        recurring = {
            line.product_id: line for line in order.order_line.filtered("msp_is_recurring")
        }
        assets = {a.name: a for a in audit.asset_ids}
        workstation = recurring[self.product_workstation]
        self.assertEqual(workstation.product_uom_qty, 2)
        self.assertEqual(
            workstation.msp_asset_ids, assets["acct-pc.corp.example"] | assets["10.0.0.20"]
        )
        self.assertEqual(workstation.price_subtotal, 60.0)
        self.assertEqual(recurring[self.product_server].msp_asset_ids, assets["nas.corp.example"])
        self.assertEqual(recurring[self.product_network].msp_asset_ids, assets["core-sw"])
        self.assertEqual(recurring[self.product_user].product_uom_qty, 5)
        printer = assets["NPIF2BE10"]
        self.assertFalse(
            order.order_line.filtered(lambda line: printer in line.msp_asset_ids),
            "printers have no managed-service product here",
        )
        monthly = 60.0 + 120.0 + 20.0 + 5 * 15.0
        self.assertEqual(sum(line.price_subtotal for line in recurring.values()), monthly)
        self.assertEqual(order.amount_untaxed, sum(accepted.mapped("price")) + monthly)
        self.assertEqual(
            order.order_line.filtered("display_type").mapped("name"),
            ["Remediation (one-time)", "Managed services (monthly)"],
        )
        self.assertEqual(self.lead.expected_revenue, order.amount_untaxed)
        self.assertEqual(self.lead.recurring_revenue, monthly)
        self.assertEqual(audit.sale_order_ids, order)
        with self.assertRaisesRegex(UserError, "Finish audit"):
            audit.action_create_proposal()

    def test_proposal_needs_a_done_audit(self):
        with self.assertRaisesRegex(UserError, "Finish audit"):
            self.audit.action_create_proposal()

    def test_smart_buttons_of_lead_and_partner(self):
        self.audit.import_nmap_xml(self.b64("nmap_edge_cases.xml"))
        self.assertEqual(self.lead.with_user(self.salesman).msp_asset_count, 4)
        self.assertEqual(self.customer_contact.with_user(self.auditor).msp_asset_count, 4)
        action = self.customer_contact.action_view_msp_assets()
        self.assertEqual(self.env["msp.asset"].search(action["domain"]), self.customer_assets())
        action = self.lead.action_view_msp_audits()
        self.assertEqual(self.env["msp.audit"].search(action["domain"]), self.audit)

    def test_import_wizard(self):
        wizard = (
            self.env["msp.audit.import.wizard"]
            .with_user(self.auditor)
            .create(
                {
                    "audit_id": self.audit.id,
                    "file": self.b64("glpi_printer.json"),
                    "filename": "printer.json",
                    "file_format": "glpi",
                }
            )
        )
        wizard.action_import()
        self.assertEqual(wizard.state, "done")
        self.assertIn("Assets: 1 created", wizard.result)
        self.assertEqual(self.customer_assets().kind, "printer")

    def test_schedule_creates_the_customer_of_a_lead_without_one(self):
        lead = self.env["crm.lead"].create(
            {
                "name": "Walk-in: network check",
                "type": "opportunity",
                "partner_name": "Quay Opticians",
                "user_id": self.salesman.id,
            }
        )
        wizard = (
            self.env["msp.audit.schedule.wizard"]
            .with_user(self.salesman)
            .create({"lead_id": lead.id, "auditor_id": self.auditor.id})
        )
        audit = self.env["msp.audit"].browse(wizard.action_schedule()["res_id"])
        self.assertEqual(audit.partner_id.name, "Quay Opticians")
        self.assertTrue(audit.partner_id.is_company)
        self.assertEqual(lead.partner_id.commercial_partner_id, audit.partner_id)

    def test_check_end_of_life_of_assets_entered_by_hand(self):
        old, current = self.env["msp.asset"].create(
            [
                {
                    "name": "OLD-SRV",
                    "partner_id": self.customer.id,
                    "kind": "server",
                    "os_name": "Microsoft Windows Server 2008 R2 Standard",
                },
                {
                    "name": "NEW-SRV",
                    "partner_id": self.customer.id,
                    "kind": "server",
                    "os_name": "Microsoft Windows Server 2022 Standard",
                },
            ]
        )
        self.audit.asset_ids = old | current
        self.audit.action_check_eol()
        self.assertEqual(str(old.eol_date), "2020-01-14")
        self.assertEqual(str(current.eol_date), "2031-10-14")
        finding = self.audit.finding_ids
        self.assertEqual(finding.name, "Windows Server 2008 / 2008 R2 is past its end of life")
        self.assertEqual(finding.asset_ids, old)
        self.audit.action_check_eol()
        self.assertEqual(self.audit.finding_ids, finding, "checking again raises nothing new")
