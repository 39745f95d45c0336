# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime

from freezegun import freeze_time
from lxml import etree

from odoo.fields import Command
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import MspContractCase


@tagged("post_install", "-at_install")
class TestInvoicing(MspContractCase):
    """OCA contract's invoice carries the overage, the billable work and the SLA credit."""

    def breach(self, ticket):
        """What msp_sla's scan does when the deadline passes (the scan is tested there)."""
        clocks = ticket.msp_sla_clock_ids.sudo()
        self.env["msp.sla.event"]._msp_sla_log(clocks._msp_mark_breached())

    def test_invoice_with_overage_billable_work_and_sla_credit(self):
        contract = self.make_contract()
        with freeze_time("2026-09-02 09:00:00"):
            covered = self.make_ticket(category_id=self.category_covered.id)
            project = self.make_ticket(category_id=self.category_excluded.id)
        self.log_time(covered, date(2026, 9, 3), 11.0)
        self.log_time(project, date(2026, 9, 4), 3.0)
        # The covered ticket's 60-minute response target was breached: one SLA breach.
        with freeze_time("2026-09-02 11:00:00"):
            self.breach(covered)
        september = self.invoice(contract, date(2026, 9, 1))
        october = self.invoice(contract, date(2026, 10, 1))

        recurring = october.invoice_line_ids.filtered("contract_line_id")
        self.assertEqual(len(recurring), 3)
        by_kind = {
            line.msp_line_kind: line for line in october.invoice_line_ids.filtered("msp_line_kind")
        }
        self.assertEqual(set(by_kind), {"overage", "billable", "sla_credit"})
        self.assertAlmostEqual(by_kind["overage"].quantity, 1.0)
        self.assertAlmostEqual(by_kind["billable"].quantity, 3.0)
        self.assertAlmostEqual(by_kind["billable"].price_unit, 100)
        self.assertIn("New project", by_kind["billable"].name)
        # MRR 500 + 2 x 30 + 2 x 20 = 600; one breach x 5% = 30 credited.
        self.assertAlmostEqual(contract.msp_mrr, 600)
        self.assertAlmostEqual(by_kind["sla_credit"].price_unit, -30)
        self.assertIn("2026-09", by_kind["sla_credit"].name)
        self.assertFalse(september.invoice_line_ids.filtered("msp_line_kind"))
        self.assertEqual(by_kind["billable"].msp_timesheet_ids, project.msp_timesheet_ids)

    def test_sla_credit_is_capped(self):
        self.plan.sla_credit_cap_percent = 10
        contract = self.make_contract()
        for _index in range(3):
            with freeze_time(datetime(2026, 9, 2, 9, 0)):
                ticket = self.make_ticket()
            with freeze_time(datetime(2026, 9, 2, 11, 0)):
                self.breach(ticket)
        self.invoice(contract, date(2026, 9, 1))
        october = self.invoice(contract, date(2026, 10, 1))
        credit = october.invoice_line_ids.filtered(lambda ln: ln.msp_line_kind == "sla_credit")
        self.assertAlmostEqual(credit.price_unit, -60, msg="3 x 5% capped at 10% of 600")

    def test_sla_credit_counts_the_breaches_of_the_company_s_month(self):
        """A breach at 23:40 UTC on 30 September (the one-hour round-the-clock response of a
        ticket opened at 22:40) is one of 1 October in Brussels: with the company there, it
        is credited for October, not September."""
        self.company.partner_id.tz = "Europe/Brussels"
        contract = self.make_contract()
        with freeze_time(datetime(2026, 9, 30, 22, 40)):
            ticket = self.make_ticket()
        with freeze_time(datetime(2026, 9, 30, 23, 45)):
            self.breach(ticket)
        [breach] = ticket.msp_sla_clock_ids.filtered(lambda c: c.state == "breached")
        self.assertEqual(breach.breached_at, datetime(2026, 9, 30, 23, 40))
        self.invoice(contract, date(2026, 9, 1))
        credits = []
        for day in (date(2026, 10, 1), date(2026, 11, 1)):
            invoice = self.invoice(contract, day)
            lines = invoice.invoice_line_ids.filtered(lambda ln: ln.msp_line_kind == "sla_credit")
            credits.append(lines.mapped("name"))
        self.assertEqual(credits[0], [], "nothing for September")
        self.assertEqual(len(credits[1]), 1)
        self.assertIn("2026-10: 1 breach(es)", credits[1][0])

    def compliance_breaches(self):
        """Breaches per (customer, month) in the SLA compliance report as it opens: the
        action's domain and its context's default filters (search_default_*), grouped as its
        default view (the pivot's rows and columns) groups them, as the web client does."""
        action = self.env.ref("msp_sla.msp_sla_report_action")
        context = safe_eval(action.context or "{}", {"uid": self.env.uid})
        Report = self.env["msp.sla.report"]
        views = Report.get_views([(False, "search"), (False, action.view_mode.split(",")[0])])
        search = etree.fromstring(views["views"]["search"]["arch"])
        domain = safe_eval(action.domain or "[]", {"uid": self.env.uid})
        groupby = list(context.get("group_by") or [])
        for key in context:
            if key.startswith("search_default_"):
                [node] = search.xpath(f"//filter[@name='{key[len('search_default_') :]}']")
                domain += safe_eval(node.get("domain") or "[]", {"uid": self.env.uid})
                node_context = safe_eval(node.get("context") or "{}")
                groupby += [node_context["group_by"]] if "group_by" in node_context else []
        pivot = etree.fromstring(views["views"]["pivot"]["arch"])
        rows = [f.get("name") for f in pivot.xpath("//field[@type='row']")]
        cols = [
            f"{f.get('name')}:{f.get('interval')}" if f.get("interval") else f.get("name")
            for f in pivot.xpath("//field[@type='col']")
        ]
        self.assertIn("partner_id", rows, "the customer's figures are one row")
        self.assertIn("start_at:month", cols, "one column per month")
        return {
            (partner, month.date()): breaches
            for partner, month, breaches in Report._read_group(
                domain, ["partner_id", "start_at:month"], ["breach_count:sum"]
            )
        }

    def test_compliance_report_credit_and_monthly_report_count_the_same_breaches(self):
        """A month with a response breach and a resolution breach: 2 everywhere."""
        self.policy.target_ids = [
            Command.create(
                {
                    "priority": "1",
                    "kind": "resolution",
                    "duration_minutes": 240,
                    "counting": "always",
                }
            )
        ]
        contract = self.make_contract()
        with freeze_time("2026-09-02 09:00:00"):
            ticket = self.make_ticket(category_id=self.category_covered.id)
        self.assertEqual(set(ticket.msp_sla_clock_ids.mapped("kind")), {"response", "resolution"})
        with freeze_time("2026-09-02 15:00:00"):
            self.breach(ticket)
        self.assertEqual(set(ticket.msp_sla_clock_ids.mapped("state")), {"breached"})

        self.assertEqual(self.compliance_breaches()[(self.customer, date(2026, 9, 1))], 2)

        self.invoice(contract, date(2026, 9, 1))
        october = self.invoice(contract, date(2026, 10, 1))
        credit = october.invoice_line_ids.filtered(lambda ln: ln.msp_line_kind == "sla_credit")
        self.assertIn("2 breach(es)", credit.name)
        self.assertAlmostEqual(credit.price_unit, -60, msg="2 x 5% of 600")

        values = self.env["report.msp_sla.report_customer_sla"]._get_report_values(
            self.customer.ids, {"month": "2026-09-01"}
        )
        figures = values["figures"][self.customer.id]
        self.assertEqual(sum(row["breaches"] for row in figures["by_kind"]), 2)
        self.assertEqual(len(figures["breaches"]), 2)
        html, _format = self.env["ir.actions.report"]._render_qweb_html(
            "msp_service_contract.report_monthly_service",
            contract.ids,
            data={"month": "2026-09-01"},
        )
        cells = etree.fromstring(html.decode(), etree.HTMLParser()).xpath(
            "//td[hasclass('o_msp_sla_breaches')]"
        )
        self.assertEqual(sum(int(cell.text) for cell in cells), 2, "the service report too")

    def test_billable_work_is_invoiced_once(self):
        contract = self.make_contract()
        ticket = self.make_ticket(category_id=self.category_excluded.id)
        self.log_time(ticket, date(2026, 9, 4), 3.0)
        self.invoice(contract, date(2026, 9, 1))
        first = self.invoice(contract, date(2026, 10, 1))
        second = self.invoice(contract, date(2026, 11, 1))
        billed = (first | second).invoice_line_ids.filtered(
            lambda ln: ln.msp_line_kind == "billable"
        )
        self.assertEqual(len(billed), 1)
