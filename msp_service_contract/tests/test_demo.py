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
