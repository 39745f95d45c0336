# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime

from freezegun import freeze_time

from odoo.fields import Command
from odoo.tests import tagged

from .common import MspContractCase


@tagged("post_install", "-at_install")
class TestQuotationToInvoice(MspContractCase):
    """The whole path: audit proposal, confirmed with a plan, becomes the contract; tickets
    with time; the next invoice carries the fee, the overage and the SLA credit."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.price_proposals()

    def test_contract_starts_on_the_company_s_day(self):
        """A quotation confirmed at 23:30 UTC on 30 September, a company in Brussels (already
        1 October there): its contract starts on 1 October, and so does one whose commitment
        date is 1 October 00:00 in Brussels (30 September 22:00 UTC)."""
        self.company.partner_id.tz = "Europe/Brussels"
        starts = []
        for commitment in (False, datetime(2026, 9, 30, 22, 0)):
            order = self.env["sale.order"].create(
                {
                    "partner_id": self.customer.id,
                    "msp_service_plan_id": self.plan.id,
                    "commitment_date": commitment,
                    "order_line": [
                        Command.create({"product_id": self.product_flat.id, "price_unit": 500})
                    ],
                }
            )
            with freeze_time("2026-09-30 23:30:00"):
                order.with_context(tz="UTC").action_confirm()
            starts.append(order.msp_contract_ids.date_start)
        self.assertEqual(starts, [date(2026, 10, 1), date(2026, 10, 1)])

    def test_quotation_to_contract_to_invoice(self):
        lead = self.env["crm.lead"].create(
            {
                "name": "Dental Care: managed IT",
                "partner_id": self.customer.id,
                "type": "opportunity",
            }
        )
        audit = self.env["msp.audit"].create(
            {
                "partner_id": self.customer.id,
                "lead_id": lead.id,
                "asset_ids": [Command.set((self.ws1 | self.ws2 | self.printer).ids)],
                "user_count": 2,
            }
        )
        audit.state = "done"
        action = audit.action_create_proposal()
        order = self.env["sale.order"].browse(action["res_id"])
        self.assertEqual(order.msp_audit_id, audit)
        order.msp_service_plan_id = self.plan
        with freeze_time("2026-09-01"):
            order.action_confirm()

        contract = order.msp_contract_ids
        self.assertEqual(len(contract), 1)
        self.assertEqual(contract.msp_plan_id, self.plan)
        self.assertEqual(contract.msp_audit_id, audit)
        self.assertEqual(contract.msp_lead_id, lead)
        self.assertEqual(contract.msp_sla_policy_id, self.policy)
        self.assertEqual(
            contract.msp_covered_asset_ids, self.ws1 | self.ws2, "the printer is not a plan kind"
        )
        self.assertEqual(contract.msp_covered_user_ids, self.user_a | self.user_b)
        lines = {line.msp_billing_mode: line for line in contract.contract_line_ids}
        self.assertEqual((lines["flat"].quantity, lines["flat"].price_unit), (1, 500))
        self.assertEqual((lines["per_device"].quantity, lines["per_device"].price_unit), (2, 35))
        self.assertEqual((lines["per_user"].quantity, lines["per_user"].price_unit), (2, 20))
        self.assertAlmostEqual(contract.msp_mrr, 500 + 70 + 40)

        with freeze_time(datetime(2026, 9, 8, 9, 0)):
            ticket = self.make_ticket(
                msp_asset_id=self.ws1.id, category_id=self.category_covered.id
            )
        self.assertEqual(ticket.msp_contract_id, contract)
        self.assertEqual(ticket.msp_sla_policy_id, self.policy)
        self.log_time(ticket, date(2026, 9, 8), 6.0)
        self.log_time(ticket, date(2026, 9, 9), 5.5)
        with freeze_time(datetime(2026, 9, 8, 11, 0)):
            self.env["msp.sla.event"]._msp_sla_log(
                ticket.msp_sla_clock_ids.sudo()._msp_mark_breached()
            )

        september = self.invoice(contract, date(2026, 9, 1))
        october = self.invoice(contract, date(2026, 10, 1))
        self.assertAlmostEqual(september.amount_untaxed, 610)
        kinds = {
            line.msp_line_kind: line for line in october.invoice_line_ids.filtered("msp_line_kind")
        }
        self.assertAlmostEqual(kinds["overage"].quantity, 1.5)
        self.assertAlmostEqual(kinds["sla_credit"].price_unit, -30.5)
        self.assertAlmostEqual(october.amount_untaxed, 610 + 150 - 30.5)
