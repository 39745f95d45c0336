# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import io
from datetime import date, datetime, time
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import SQL
from odoo.tools.pdf import PdfFileReader

from .common import MspContractCase
from .tour_screenshots import TourScreenshotMixin

# make test runs the browser tours in its second process, on its own copy of the database
pytestmark = pytest.mark.standalone


class MspTourCase(TourScreenshotMixin, HttpCase, MspContractCase):
    """The contract data of MspContractCase, plus a technician who may work tickets in the
    browser (password = login), a "Waiting for customer" stage that pauses the contract's SLA
    policy, and a resolution target. No test here."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.waiting_stage = cls.env["helpdesk.ticket.stage"].create(
            {"name": "Waiting for customer", "sequence": 3, "closed": False, "fold": False}
        )
        cls.done_stage = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        cls.add_resolution_target(pause_stage_ids=[Command.set(cls.waiting_stage.ids)])
        cls.user_a.email = "ada@dental.example"
        cls.tour_technician = new_test_user(
            cls.env,
            login="msp_tour_tech",
            name="Terry Technician",
            email="terry@msp.example",
            groups="msp_service_contract.msp_service_contract_group_user,"
            "helpdesk_mgmt.group_helpdesk_user",
        )
        cls.tour_employee = cls.env["hr.employee"].create(
            {"name": "Terry Technician", "user_id": cls.tour_technician.id}
        )

    def make_tour_ticket(self):
        """The covered ticket the technician's tours work on (service_desk_steps.js TICKET)."""
        return self.make_ticket(
            name="Outlook keeps crashing on WS-01",
            msp_asset_id=self.ws1.id,
            category_id=self.category_covered.id,
            user_id=self.tour_technician.id,
        )

    def make_vendor_account(self, service, kind):
        """The customer's account with a vendor of ``kind`` (the carrier: Lumen Fibre, with
        its escalation number)."""
        name = {"isp": "Lumen Fibre Ltd", "registrar": "NameHarbour Registrar"}[kind]
        vendor = self.env["res.partner"].create(
            {"name": name, "is_company": True, "msp_vendor_kind": kind}
        )
        return self.env["msp.vendor.account"].create(
            {
                "name": service,
                "partner_id": self.customer.id,
                "vendor_id": vendor.id,
                "account_number": "LF-448120",
                "circuit_ref": "LF-ETH-0048213" if kind == "isp" else False,
                "support_phone": "+44 800 046 0000",
                "escalation_phone": "+44 20 7946 0123",
                "cost": 89.0,
            }
        )

    def make_auditor(self):
        return new_test_user(
            self.env,
            login="msp_tour_auditor",
            name="Alex Auditor",
            groups="msp_it_audit.msp_it_audit_group_user",
        )

    def make_audit_template(self):
        """The checklist the auditors' tours answer: MFA (fails: a critical finding) and
        backups."""
        return self.env["msp.audit.template"].create(
            {
                "name": "Small office",
                "item_ids": [
                    Command.create(
                        {
                            "area": "security",
                            "name": "MFA on email",
                            "weight": 3,
                            "finding_title": "No multi-factor authentication",
                            "finding_severity": "critical",
                            "recommendation": "Enforce MFA.",
                            "product_id": self.product_hour.id,
                            "estimated_hours": 2.0,
                        }
                    ),
                    Command.create({"area": "backup", "name": "Restore tested", "weight": 2}),
                ],
            }
        )

    def record_printed_pdfs(self):
        """From now on, reports printed through the web client are rendered as real PDFs
        (Odoo renders HTML in tests) and kept: a list of (report name, ids, PDF bytes)."""
        printed = []
        report_class = type(self.env["ir.actions.report"])
        render = report_class._render_qweb_pdf

        def render_and_keep(report, report_ref, res_ids=None, data=None):
            report = report.with_context(force_report_rendering=True)
            content, kind = render(report, report_ref, res_ids=res_ids, data=data)
            self.assertEqual(kind, "pdf")
            ids = [res_ids] if isinstance(res_ids, int) else list(res_ids or ())
            printed.append((report._get_report(report_ref).report_name, ids, content))
            return content, kind

        self.patch(report_class, "_render_qweb_pdf", render_and_keep)
        return printed


class MspServiceDeskTourCase(MspTourCase):
    """Runs a service desk tour on a covered ticket and checks what it left. No test here."""

    def make_queue(self):
        """More tickets of the technician around the tour's: one due later, an older one
        without an SLA target (priority Low: last, although the oldest), and one of nobody."""
        mine = {"user_id": self.tour_technician.id, "category_id": self.category_covered.id}
        self.make_ticket(name="New laptop for Dr Ben", priority="0", **mine)
        with freeze_time(datetime.now() + relativedelta(minutes=30)):
            later = self.make_ticket(name="Printer offline", **mine)
        self.assertTrue(later.msp_sla_due_at)
        self.make_ticket(name="Not Terry's ticket")

    def run_service_desk_tour(self, tour, picture, url="/odoo/helpdesk-tickets", queue=False):
        contract = self.make_contract(start=date.today().replace(day=1))
        if queue:
            self.make_queue()
        ticket = self.make_tour_ticket()
        self.assertEqual(ticket.msp_coverage, "covered")
        self.assertEqual(ticket.msp_sla_policy_id, self.policy)

        self.start_tour(url, tour, login="msp_tour_tech")

        ticket.invalidate_recordset()
        clocks = {clock.kind: clock for clock in ticket.msp_sla_clock_ids}
        self.assertEqual(clocks["response"].state, "met", "the public reply met the response")
        self.assertEqual(clocks["resolution"].state, "met", "closed from the pause, in budget")
        events = ticket.msp_sla_event_ids
        pauses = events.filtered(lambda e: e.event_type == "pause")
        self.assertEqual(pauses.clock_id, clocks["resolution"])
        self.assertEqual(pauses.user_id, self.tour_technician)
        met = events.filtered(lambda e: e.event_type == "met")
        self.assertEqual(met.clock_id, clocks["response"] | clocks["resolution"])
        self.assertTrue(ticket.stage_id.closed)
        self.assertEqual(ticket.stage_id, self.done_stage)

        timesheet = ticket.msp_timesheet_ids
        self.assertEqual(len(timesheet), 1)
        self.assertAlmostEqual(timesheet.unit_amount, 1.5)
        self.assertEqual(timesheet.employee_id, self.tour_employee)
        self.assertEqual(timesheet.msp_coverage, "covered")
        consumed = self.env["msp.contract.hours.entry"].search(
            [("timesheet_id", "=", timesheet.id), ("kind", "=", "consumption")]
        )
        self.assertEqual(consumed.contract_id, contract)
        self.assertAlmostEqual(consumed.hours, -1.5)
        self.assertAlmostEqual(contract.msp_hours_balance, 10 - 1.5)
        self.assertScreenshots(picture)


@tagged("post_install", "-at_install")
class TestServiceDeskTour(MspServiceDeskTourCase):
    def test_service_desk_tour(self):
        """A technician opens Helpdesk on their queue (most urgent first), then answers,
        pauses, logs time on and closes that covered ticket."""
        self.run_service_desk_tour("msp_service_desk_tour", "ticket-sla", url="/odoo", queue=True)

    def test_vendor_case_tour(self):
        """A technician opens a case with the carrier from the ticket, has its escalation
        number as a tel: link, and puts the ticket on hold for the carrier."""
        carrier = self.make_vendor_account("Fibre 500/500", "isp")
        ticket = self.make_ticket(
            name="No internet at the practice",
            category_id=self.category_covered.id,
            user_id=self.tour_technician.id,
        )
        self.start_tour(
            f"/odoo/helpdesk.ticket/{ticket.id}", "msp_vendor_case_tour", login="msp_tour_tech"
        )
        case = ticket.msp_vendor_case_ids
        self.assertEqual(case.vendor_account_id, carrier)
        self.assertEqual(case.vendor_ref, "LF-FLT-7781203")
        self.assertEqual(case.state, "waiting")
        self.assertTrue(ticket.stage_id.msp_sla_third_party_wait)
        self.assertScreenshots("vendor-case")


@tagged("post_install", "-at_install")
class TestServiceDeskMobileTour(MspServiceDeskTourCase):
    """The same work on a phone: Odoo's mobile web client at 375 x 667, touch events."""

    browser_size = "375x667"
    touch_enabled = True

    def test_service_desk_mobile_tour(self):
        """On a phone the kanban card shows the SLA; the whole flow works there too."""
        self.run_service_desk_tour("msp_service_desk_mobile_tour", "ticket-kanban-phone")

    def test_oncall_page_phone_tour(self):
        """The technician on call opens the paged P1 ticket on the phone (the page's link)
        and acknowledges it in one tap: the paging stops, the SLA ledger says who and how."""
        self.env["msp.oncall.schedule"].create(
            {
                "name": "Contract desk 24x7",
                "team_id": self.team.id,
                "tz": "Europe/Brussels",
                "layer_ids": [
                    Command.create(
                        {
                            "layer": "primary",
                            "start_date": date.today() - relativedelta(days=7),
                            "member_ids": [Command.create({"user_id": self.tour_technician.id})],
                        }
                    )
                ],
                "escalation_ids": [
                    Command.create({"sequence": 1, "target": "primary"}),
                    Command.create({"sequence": 2, "delay_minutes": 5, "target": "primary"}),
                ],
            }
        )
        self.policy.target_ids = [
            Command.create(
                {"priority": "3", "kind": "response", "duration_minutes": 30, "counting": "always"}
            )
        ]
        self.make_contract(start=date.today().replace(day=1))
        ticket = self.make_ticket(
            name="Practice server down",
            priority="3",
            msp_asset_id=self.ws1.id,
            category_id=self.category_covered.id,
            user_id=self.tour_technician.id,
        )
        incident = ticket.msp_page_incident_id
        # the paging job's first step, as the cron runs it (without its commits)
        incident._msp_run_step(incident.next_due_at)
        self.assertEqual(incident.page_ids.user_id, self.tour_technician)

        self.start_tour(
            f"/odoo/helpdesk-tickets/{ticket.id}",
            "msp_oncall_page_phone_tour",
            login="msp_tour_tech",
        )

        self.assertEqual(incident.state, "acknowledged")
        self.assertEqual(incident.acknowledged_by_id, self.tour_technician)
        self.assertEqual(incident.acknowledged_via, "web")
        self.assertFalse(incident.next_due_at)
        ack = ticket.msp_sla_event_ids.filtered(lambda e: e.event_type == "page_ack")
        self.assertEqual(ack.user_id, self.tour_technician)
        response = ticket.msp_sla_clock_ids.filtered(lambda c: c.kind == "response")
        self.assertEqual(response.state, "running", "acknowledging is not answering the customer")
        self.assertScreenshots("oncall-page-phone", "oncall-acknowledged-phone")

        # The e-mail's link acknowledges without a login, once; a forged one does nothing.
        other = self.make_ticket(name="Firewall down", priority="3").msp_page_incident_id
        other._msp_run_step(other.next_due_at)
        page = other.page_ids
        self.authenticate(None, None)
        forged = self.url_open(f"/msp/page/ack/{page.id}/{'0' * 64}")
        self.assertEqual(forged.status_code, 404)
        self.assertEqual(other.state, "triggered")
        link = f"/msp/page/ack/{page.id}/{page._msp_ack_token()}"
        self.assertIn("Paging has stopped", self.url_open(link).text)
        other.invalidate_recordset()
        self.assertEqual(other.state, "acknowledged")
        self.assertEqual(other.acknowledged_via, "email")
        self.assertEqual(other.acknowledged_by_id, self.tour_technician)
        self.assertIn("already acknowledged by Terry Technician", self.url_open(link).text)


@tagged("post_install", "-at_install")
class TestBillingTour(MspTourCase):
    def test_billing_tour(self):
        """A manager invoices the contract: fees, last month's overage and SLA credit; loads
        the public holidays; sees a customer's hours; renews, declines and sends a renewal
        quotation (the customer signs one in the portal tour); lists the vendor services
        renewing next month."""
        this_month = date.today().replace(day=1)
        last_month = this_month - relativedelta(months=1)
        contract = self.make_contract(start=last_month)
        with freeze_time(datetime.combine(last_month, time(9)) + relativedelta(days=1)):
            ticket = self.make_ticket(category_id=self.category_covered.id)
        self.log_time(ticket, last_month + relativedelta(days=2), 11.0)
        # The 60-minute response target passes unanswered: one breach last month.
        with freeze_time(datetime.combine(last_month, time(11)) + relativedelta(days=1)):
            clocks = ticket.msp_sla_clock_ids.sudo().filtered(lambda c: c.kind == "response")
            self.env["msp.sla.event"]._msp_sla_log(clocks._msp_mark_breached())
        self.invoice(contract, last_month).action_post()

        new_test_user(
            self.env,
            login="msp_tour_manager",
            name="Morgan Manager",
            groups="msp_service_contract.msp_service_contract_group_manager,"
            "msp_sla.msp_sla_group_manager,sales_team.group_sale_salesman",
        )
        # The business hours of the contract's SLA policy, for the public holidays
        calendar = self.policy.calendar_id
        calendar.name = "Service desk hours"
        self.assertFalse(calendar.global_leave_ids)

        # Two contracts whose term ends this month: in their notice period.
        renewal_start = this_month - relativedelta(months=11)
        self.plan.write({"minimum_term_months": 12, "yearly_increase_percent": 3})
        renewed, declined, quoted = (
            self.make_contract(
                customer=self.env["res.partner"].create(
                    {"name": name, "is_company": True, "email": "office@customer.example"}
                ),
                start=renewal_start,
            )
            for name in ("Harbour Optics", "Closing Clinic", "Seaside Surgery")
        )

        # Next month's renewals: the fibre line; the domain renews later.
        next_month = this_month + relativedelta(months=1)
        fibre = self.make_vendor_account("Fibre 500/500", "isp")
        fibre.write({"renewal_date": next_month + relativedelta(days=9), "notice_days": 30})
        domain = self.make_vendor_account("Domain dentalcare.example", "registrar")
        domain.renewal_date = next_month + relativedelta(months=2)

        self.start_tour(
            "/odoo/action-msp_service_contract.msp_service_contract_action",
            "msp_billing_tour",
            login="msp_tour_manager",
        )
        self.assertEqual(renewed.msp_renewal_state, "renewed")
        self.assertEqual(
            renewed.contract_line_ids.filtered(
                lambda line: line.product_id == self.product_flat
            ).price_unit,
            515,
        )
        self.assertEqual(declined.msp_no_renewal_reason_kind, "in_house")
        self.assertEqual(declined.msp_renewal_state, "active", "expires at its term end")
        new_year = calendar.global_leave_ids.filtered(
            lambda leave: leave.msp_sla_holiday_date == date(this_month.year, 1, 1)
        )
        self.assertEqual(len(new_year), 1, "Belgium's New Year's Day, loaded once")
        self.assertEqual(set(calendar.global_leave_ids.mapped("msp_sla_holiday_region")), {"BE"})
        quotation = quoted.msp_renewal_order_ids
        self.assertEqual(quotation.state, "sent", "sent to the customer")
        self.assertTrue(quotation.require_signature)
        self.assertEqual(quotation.partner_id, quoted.partner_id)
        self.assertEqual(quoted.msp_renewal_state, "active", "until the customer signs")

        invoices = contract._get_related_invoices()
        self.assertEqual(len(invoices), 2)
        invoice = invoices.filtered(lambda move: move.state == "draft")
        self.assertEqual(invoice.invoice_date, this_month)
        self.assertEqual(len(invoice.invoice_line_ids.filtered("contract_line_id")), 3)
        by_kind = {
            line.msp_line_kind: line for line in invoice.invoice_line_ids.filtered("msp_line_kind")
        }
        self.assertEqual(set(by_kind), {"overage", "sla_credit"})
        self.assertAlmostEqual(by_kind["overage"].quantity, 1.0)
        self.assertAlmostEqual(by_kind["overage"].price_unit, 100)
        self.assertAlmostEqual(by_kind["sla_credit"].price_unit, -30)
        self.assertAlmostEqual(invoice.amount_untaxed, 670)
        period = contract.msp_hours_period_ids.filtered(lambda p: p.date_start == last_month)
        self.assertEqual(period.state, "settled")
        self.assertAlmostEqual(period.balance_hours, 0)
        self.assertScreenshots("sla-compliance", "vendor-renewals")


@tagged("post_install", "-at_install")
class TestPortalContractTour(MspTourCase):
    def test_portal_contract_tour(self):
        """The customer sees their contract, hours, tickets and reports; not another's. Then
        they sign the renewal quotation of another contract from the e-mail's link (it
        renews), and see their ticket's business time left."""
        self.run_portal_tour()

        # A contract in its notice period, whose renewal quotation was sent (Send Renewal
        # Quotation, as in the billing tour)
        self.plan.minimum_term_months = 12
        renewing = self.make_contract(
            start=date.today().replace(day=1) - relativedelta(months=11),
            assets=self.env["msp.asset"],
            name="Backup plan",
        )
        self.customer.email = "office@dental.example"
        action = renewing.action_msp_send_renewal_quotation()
        self.env["mail.compose.message"].with_context(**action["context"]).create(
            {}
        ).action_send_mail()
        quotation = renewing.msp_renewal_order_ids
        self.assertEqual(quotation.state, "sent")

        self.start_tour(
            quotation.get_portal_url(), "msp_portal_renewal_and_ticket_tour", login="portal_dental"
        )

        self.assertEqual(quotation.state, "sale")
        self.assertTrue(quotation.signature)
        self.assertEqual(renewing.msp_renewal_state, "renewed")

    def run_portal_tour(self):
        this_month = date.today().replace(day=1)
        last_month = this_month - relativedelta(months=1)
        # The internal reference the product's name carries on the line ("[MSP-NET] ...").
        self.product_flat.default_code = "MSP-NET"
        mine = self.make_contract(start=last_month)
        flat_line = mine.contract_line_ids.filtered(
            lambda line: line.product_id == self.product_flat
        )
        flat_line.name = f"[MSP-NET] {self.product_flat.name}"
        self.assertEqual(mine.user_id, self.env.ref("base.user_root"), "OdooBot is responsible")
        rival = self.env["res.partner"].create({"name": "Rival Dentists", "is_company": True})
        theirs = self.make_contract(customer=rival, start=last_month)
        theirs.name = "Rival secret contract"
        new_test_user(
            self.env, login="portal_dental", groups="base.group_portal", partner_id=self.user_a.id
        )
        open_ticket = self.make_ticket(
            name="Scanner offline in surgery 2", category_id=self.category_covered.id
        )
        self.log_time(open_ticket, this_month, 2.0)
        self.make_ticket(name="Printer jammed in surgery 1").stage_id = self.done_stage
        self.assertEqual(open_ticket.msp_sla_status, "on_track")
        # Last month, for the monthly report: a ticket worked for 3 hours and closed.
        morning = datetime.combine(last_month + relativedelta(days=2), time(9))
        with freeze_time(morning):
            backup = self.make_ticket(
                name="Server backup failed", category_id=self.category_covered.id
            )
        self.log_time(backup, morning.date(), 3.0)
        with freeze_time(morning + relativedelta(hours=4)):
            backup.stage_id = self.done_stage

        self.start_tour("/my", "msp_portal_contract_tour", login="portal_dental")
        self.assertScreenshots(
            *(
                name
                for name in ("portal-contract", "monthly-report")
                if name not in self.screenshots_not_taken
            )
        )

        self.authenticate("portal_dental", "portal_dental")
        for url in (
            f"/my/contracts/{theirs.id}",
            f"/my/contracts/{theirs.id}/report/{last_month:%Y-%m}",
        ):
            response = self.url_open(url, allow_redirects=False)
            self.assertNotEqual(response.status_code, 200, url)
            self.assertNotIn("Rival", response.text)
        report = self.url_open(f"/my/contracts/{mine.id}/report/{last_month:%Y-%m}")
        self.assertEqual(report.status_code, 200)


@tagged("post_install", "-at_install")
class TestSalesToContractTour(MspTourCase):
    def test_sales_to_contract_tour(self):
        """Salesperson, then auditor, then salesperson: opportunity to contract in the browser."""
        seller = new_test_user(
            self.env,
            login="msp_tour_sales",
            name="Sasha Seller",
            # An account manager: sells (own documents) and looks after contracts.
            groups="sales_team.group_sale_salesman,"
            "msp_service_contract.msp_service_contract_group_manager",
        )
        auditor = self.make_auditor()
        self.assertFalse(seller.has_group("msp_it_audit.msp_it_audit_group_user"))
        self.assertFalse(seller.has_group("sales_team.group_sale_salesman_all_leads"))
        self.assertFalse(auditor.has_group("msp_service_contract.msp_service_contract_group_user"))
        self.assertFalse(
            (seller | auditor).filtered(lambda u: u.has_group("project.group_project_user"))
        )
        self.make_audit_template()
        self.product_ws.list_price = 30
        # One Business plan to choose from (the demo data has its own)
        self.env["msp.service.plan"].search([("id", "!=", self.plan.id)]).active = False
        self.env["msp.audit.pricing"].create(
            {
                "basis": "workstation",
                "product_id": self.product_ws.id,
                "company_id": self.company.id,
            }
        )
        lead = self.env["crm.lead"].create(
            {
                "name": "Dental Care: managed IT",
                "partner_id": self.customer.id,
                "type": "opportunity",
                "user_id": seller.id,
            }
        )
        # The scan file the auditor brings back, for the tour to upload (see the tour).
        fixture = (
            Path(__file__).resolve().parents[2] / "msp_it_audit/tests/fixtures/nmap_host_os.xml"
        )
        self.env["ir.attachment"].with_user(auditor).create(
            {"name": "office-scan.xml", "datas": base64.b64encode(fixture.read_bytes())}
        )

        self.start_tour("/odoo/crm", "msp_sales_schedule_audit_tour", login="msp_tour_sales")

        audit = lead.msp_audit_ids
        self.assertEqual(audit.state, "scheduled")
        self.assertEqual(audit.user_id, auditor)
        self.assertEqual(audit.partner_id, self.customer)

        printed = self.record_printed_pdfs()
        self.start_tour(
            "/odoo/action-msp_it_audit.msp_audit_action",
            "msp_audit_onsite_tour",
            login="msp_tour_auditor",
        )

        self.assertEqual(audit.state, "proposed")
        results = {check.name: check.result for check in audit.check_line_ids}
        self.assertEqual(results, {"MFA on email": "fail", "Restore tested": "pass"})
        scanned = audit.asset_ids
        self.assertEqual(scanned.mapped("name"), ["192.0.2.2"])
        self.assertEqual(scanned.kind, "workstation")
        accepted = audit.finding_ids.filtered(lambda f: f.state == "accepted")
        self.assertEqual(
            set(accepted.mapped("name")), {"Telnet is exposed", "No multi-factor authentication"}
        )
        # The Print button gave the audit report of this audit, as a real PDF.
        self.assertEqual(len(printed), 1)
        report_name, res_ids, content = printed[0]
        self.assertEqual(report_name, "msp_it_audit.report_msp_audit")
        self.assertEqual(res_ids, audit.ids)
        self.assertTrue(content.startswith(b"%PDF-"))
        # With the server's web fonts, Debian's wkhtmltopdf draws text as shapes: pages only.
        self.assertGreaterEqual(len(PdfFileReader(io.BytesIO(content)).pages), 1)
        order = audit.sale_order_ids
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.user_id, seller, "the auditor's proposal is the salesperson's")

        self.start_tour("/odoo/crm", "msp_sales_confirm_contract_tour", login="msp_tour_sales")

        self.assertEqual(order.state, "sale")
        self.assertEqual(order.msp_service_plan_id, self.plan)
        contract = order.msp_contract_ids
        self.assertEqual(len(contract), 1)
        self.assertEqual(contract.msp_plan_id, self.plan)
        self.assertEqual(contract.msp_audit_id, audit)
        self.assertEqual(contract.msp_lead_id, lead)
        self.assertEqual(contract.msp_covered_asset_ids, scanned)
        self.assertScreenshots("audit", "proposal", "contract")

    def test_proposal_capacity_tour(self):
        """The account manager opens the proposal's capacity check, predicts (the cron
        computes in the background), sees the desk short with the prospect, adds a
        technician and predicts again: OK. Pictures of both."""
        manager = new_test_user(
            self.env,
            login="msp_tour_capacity",
            name="Morgan Manager",
            groups="sales_team.group_sale_salesman_all_leads,"
            "msp_service_contract.msp_service_contract_group_manager",
        )
        policy = self.env["msp.sla.policy"].create(
            {
                "name": "Capacity SLA",
                "calendar_id": self.company.resource_calendar_id.id,
                "target_ids": [
                    Command.create({"priority": "1", "kind": "response", "duration_minutes": 240}),
                    Command.create(
                        {"priority": "1", "kind": "resolution", "duration_minutes": 960}
                    ),
                ],
            }
        )
        team = self.env["helpdesk.ticket.team"].create(
            {
                "name": "Capacity desk",
                "user_ids": [Command.set(self.technician.ids)],
                "msp_sla_policy_id": policy.id,
            }
        )
        self.make_contract(start=date.today() - relativedelta(years=1))
        # The last four weeks: 16 tickets a week from Dental Care (2 users, 2 workstations),
        # Monday to Thursday, an hour's work each, all closed.
        monday = datetime.combine(date.today(), time(0)) - relativedelta(
            weeks=4, days=date.today().weekday()
        )
        moments = [
            monday + relativedelta(weeks=week, days=day, hours=hour)
            for week in range(4)
            for day in range(4)
            for hour in (9, 11, 13, 15)
        ]
        tickets = self.env["helpdesk.ticket"].create(
            [
                {
                    "name": f"Past ticket {n}",
                    "description": "<p>Help</p>",
                    "team_id": team.id,
                    "partner_id": self.user_a.id,
                    "priority": "1",
                    "category_id": self.category_covered.id,
                    "msp_asset_id": self.ws1.id if n % 2 else False,
                }
                for n in range(len(moments))
            ]
        )
        self.env.flush_all()
        for ticket, moment in zip(tickets, moments, strict=True):
            self.env.cr.execute(
                SQL(
                    "UPDATE helpdesk_ticket SET create_date = %s, closed_date = %s WHERE id = %s",
                    moment,
                    moment + relativedelta(hours=1),
                    ticket.id,
                )
            )
        self.env.invalidate_all()
        self.env["account.analytic.line"].create(
            [
                {
                    "name": "Work",
                    "date": moment.date(),
                    "unit_amount": 1.0,
                    "msp_ticket_id": ticket.id,
                    "project_id": self.project.id,
                    "employee_id": self.employee.id,
                }
                for ticket, moment in zip(tickets, moments, strict=True)
            ]
        )
        # The prospect: three users and three workstations, one and a half times Dental Care
        prospect = self.env["res.partner"].create({"name": "Northwind Dental", "is_company": True})
        audit = self.env["msp.audit"].create(
            {"name": "Audit Northwind", "partner_id": prospect.id, "user_count": 3}
        )
        audit.asset_ids = self.env["msp.asset"].create(
            [{"name": f"NW-{n}", "partner_id": prospect.id} for n in range(3)]
        )
        order = self.env["sale.order"].create(
            {"partner_id": prospect.id, "msp_audit_id": audit.id, "user_id": manager.id}
        )
        # The background job: the cron's work is done when the run is queued (its trigger),
        # as the cron's user, so that the tour sees the answer when the form reloads.
        cron = self.env.ref("msp_service_contract.ir_cron_msp_capacity_runs")
        Cron = self.registry["ir.cron"]
        trigger, triggered = Cron._trigger, []

        def run_when_triggered(job, at=None):
            if job != cron:
                return trigger(job, at)
            triggered.append(job)
            job.env.flush_all()
            job.env["msp.capacity.run"].with_user(job.sudo().user_id)._cron_msp_capacity_runs()
            return None

        self.patch(Cron, "_trigger", run_when_triggered)

        self.start_tour(
            f"/odoo/action-sale.action_quotations_with_onboarding/{order.id}",
            "msp_capacity_proposal_tour",
            login="msp_tour_capacity",
        )
        self.assertEqual(len(triggered), 2, "each Predict queued the run for the cron")
        run = self.env["msp.capacity.run"].search([("sale_order_id", "=", order.id)])
        self.assertEqual((run.state, run.team_id, run.policy_id), ("done", team, policy))
        self.assertEqual((run.extra_technicians, run.technician_count), (1, 2))
        self.assertEqual((run.verdict_before, run.verdict_after), ("OK", "OK"))
        first = run.message_ids.filtered(lambda m: "Short by about" in str(m.body))
        self.assertIn(manager.partner_id, first.partner_ids, "the first answer was sent")
        self.assertScreenshots("capacity-before", "capacity-after-technician")


@tagged("post_install", "-at_install")
class TestPortalContractPhoneTour(TestPortalContractTour):
    """The same portal visit on the customer's phone (375 x 667, touch)."""

    browser_size = "375x667"
    touch_enabled = True
    screenshot_suffix = "-phone"
    # The report is an A4 PDF outside tests: its HTML at phone width is no picture of it.
    screenshots_not_taken = ("monthly-report",)

    def test_portal_contract_tour(self):
        """On a phone, the customer reads their contract, hours, tickets and last report."""
        self.run_portal_tour()


@tagged("post_install", "-at_install")
class TestAuditOnSitePhoneTour(MspTourCase):
    """The auditor on site with a phone (375 x 667, touch): the checklist is answered there."""

    browser_size = "375x667"
    touch_enabled = True
    screenshot_suffix = "-phone"

    def test_audit_onsite_phone_tour(self):
        """From the audit cards to the answered checklist and its finding, on a phone."""
        auditor = self.make_auditor()
        template = self.make_audit_template()
        audit = self.env["msp.audit"].create(
            {
                "partner_id": self.customer.id,
                "user_id": auditor.id,
                "template_id": template.id,
                "date_planned": datetime.combine(date.today(), time(9)),
            }
        )
        audit.action_schedule()

        self.start_tour(
            "/odoo/action-msp_it_audit.msp_audit_action",
            "msp_audit_onsite_phone_tour",
            login="msp_tour_auditor",
        )

        self.assertEqual(audit.state, "in_progress")
        results = {check.name: check.result for check in audit.check_line_ids}
        self.assertEqual(results, {"MFA on email": "fail", "Restore tested": "pass"})
        self.assertEqual(audit.finding_ids.mapped("name"), ["No multi-factor authentication"])
        self.assertScreenshots("audit-checklist")


@tagged("post_install", "-at_install")
class TestTimeWithReplyTour(MspTourCase):
    def test_time_with_reply_tour(self):
        """From the app switcher, a reply with 30 minutes of after-hours work, the ticket's
        timer, then a note whose wrong time is refused and corrected: three normal time entries
        for the technician's employee, today."""
        contract = self.make_contract(start=date.today().replace(day=1))
        ticket = self.make_tour_ticket()

        self.start_tour("/odoo", "msp_time_with_reply_tour", login="msp_tour_tech")

        reply = ticket.message_ids.filtered(lambda m: "Rebuilt the Outlook" in str(m.body))
        self.assertEqual(len(reply), 1)
        note = ticket.message_ids.filtered(lambda m: "Checked the add-ins" in str(m.body))
        self.assertEqual(len(note), 1, "posted once: the refused tries posted nothing")
        entries = ticket.msp_timesheet_ids.sorted("id")
        self.assertEqual(len(entries), 3)
        replied, timed, noted = entries
        self.assertAlmostEqual(noted.unit_amount, 0.25)
        self.assertAlmostEqual(replied.unit_amount, 0.5)
        self.assertEqual(replied.msp_work_type, "after_hours")
        self.assertEqual(replied.name, "Rebuilt the Outlook profile: it opens again.")
        self.assertAlmostEqual(timed.unit_amount, 0.25, msg="rounded up to 15 minutes")
        self.assertEqual(entries.employee_id, self.tour_employee)
        self.assertEqual(set(entries.mapped("date")), {date.today()})
        self.assertEqual(set(entries.mapped("msp_coverage")), {"covered"})
        self.assertAlmostEqual(contract.msp_hours_balance, 10 - 1.0)
        self.assertFalse(self.env["msp.ticket.timer"].search([]))
        self.assertScreenshots("ticket-time-reply")
