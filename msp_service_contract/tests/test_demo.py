# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from dateutil.relativedelta import relativedelta

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoStory(TransactionCase):
    """The demo data tells the story with real records (the suite is tested on demo data)."""

    def test_northwind_breach_is_a_real_clock_and_is_credited(self):
        """Last month's backup ticket missed its SLA on real clocks, which the compliance
        report counts and this month's invoice credits."""
        this_month = date.today().replace(day=1)
        opened = this_month - relativedelta(months=1, days=-4)
        ticket = self.env.ref("msp_service_contract.ticket_northwind_backup")
        self.assertTrue(ticket.stage_id.closed)
        clocks = ticket.msp_sla_clock_ids
        self.assertEqual(set(clocks.mapped("kind")), {"response", "resolution"})
        self.assertEqual(set(clocks.mapped("state")), {"breached"})
        self.assertEqual({clock.start_at.date() for clock in clocks}, {opened})
        minutes = {clock.kind: round(clock.consumed_minutes) for clock in clocks}
        self.assertEqual(minutes, {"response": 600, "resolution": 3000}, "business minutes")
        self.assertTrue(all(clock.reached_at.date() < this_month for clock in clocks))
        breaches = ticket.msp_sla_event_ids.filtered(lambda e: e.event_type == "breach")
        self.assertEqual(breaches.clock_id, clocks)
        self.assertTrue(all(b.date.date() < this_month for b in breaches), "last month")

        northwind = ticket.commercial_partner_id
        report = self.env["msp.sla.report"].search(
            [("partner_id", "=", northwind.id), ("state", "=", "breached")]
        )
        self.assertEqual(len(report), 2)

        contract = ticket.msp_contract_id
        invoice = contract._get_related_invoices().filtered(
            lambda move: move.invoice_date == this_month
        )
        credit = invoice.invoice_line_ids.filtered(lambda ln: ln.msp_line_kind == "sla_credit")
        self.assertEqual(len(credit), 1)
        self.assertLess(credit.price_subtotal, 0)
        self.assertIn("2 breach(es)", credit.name)

    def test_demo_contracts_have_people_responsible_for_their_renewals(self):
        """Every demo service contract has a contract manager responsible, not OdooBot, and
        the renewal due at Deco Addict waits on that person."""
        bot = self.env.ref("base.user_root")
        contracts = self.env["contract.contract"].search([("msp_plan_id", "!=", False)])
        self.assertGreaterEqual(len(contracts), 5)
        for contract in contracts:
            self.assertNotEqual(contract.user_id, bot, contract.name)
            self.assertTrue(
                contract.user_id.has_group(
                    "msp_service_contract.msp_service_contract_group_manager"
                ),
                contract.name,
            )
        deco = self.env.ref("msp_service_contract.contract_deco_premium")
        self.assertEqual(deco.msp_renewal_state, "renewal_due")
        self.assertEqual(deco.activity_ids.user_id, deco.user_id)
        self.assertTrue(deco.msp_renewal_actionable)

    def test_northwind_vendors_tell_the_intermediary_story(self):
        """Northwind's carrier (circuit ID, escalation number), registrar and resold
        Microsoft 365 tenant; its line is down and the ticket waits on the carrier."""
        fibre = self.env.ref("msp_service_contract.demo_vendor_account_fibre")
        self.assertEqual(fibre.vendor_id.msp_vendor_kind, "isp")
        self.assertTrue(fibre.circuit_ref and fibre.escalation_phone)
        next_month = date.today().replace(day=1) + relativedelta(months=1)
        self.assertEqual(fibre.renewal_date.replace(day=1), next_month, "renews next month")
        domain = self.env.ref("msp_service_contract.demo_vendor_account_domain")
        self.assertEqual(domain.vendor_id.msp_vendor_kind, "registrar")
        m365 = self.env.ref("msp_service_contract.demo_vendor_account_m365")
        resold = self.env["contract.line"].search([("msp_vendor_account_id", "=", m365.id)])
        self.assertEqual(resold.contract_id.partner_id, fibre.partner_id)
        self.assertAlmostEqual(resold.msp_vendor_cost, 18.1, msg="set by Microsoft's bill")
        self.assertGreater(resold.contract_id.msp_resale_margin, 0)
        case = self.env.ref("msp_service_contract.demo_vendor_case_fibre")
        self.assertEqual(case.state, "waiting")
        pause = case.ticket_id.msp_sla_event_ids.filtered(lambda e: e.event_type == "pause")
        self.assertEqual(pause.details, "waiting on vendor Lumen Fibre Ltd (LF-FLT-7781203)")
