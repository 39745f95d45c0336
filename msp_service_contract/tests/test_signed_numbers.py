# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tests import Form, tagged

from .common import MspContractCase


@tagged("post_install", "-at_install")
class TestSignedNumbers(MspContractCase):
    """What the customer signs is what the contract bills: choosing a plan puts every monthly
    line on the quotation, and the contract bills exactly the quotation's monthly lines."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.price_proposals()

    def _audit_proposal(self):
        """An audit's proposal: 2 workstations at 35 and 2 users at 20 (the pricing table's
        products at their list prices), a printer unpriced."""
        audit = self.env["msp.audit"].create(
            {
                "partner_id": self.customer.id,
                "asset_ids": [Command.set((self.ws1 | self.ws2 | self.printer).ids)],
                "user_count": 2,
            }
        )
        audit.state = "done"
        return self.env["sale.order"].browse(audit.action_create_proposal()["res_id"])

    def _monthly(self, order):
        return order.order_line.filtered(lambda ln: not ln.display_type and ln.msp_is_recurring)

    def assertContractBillsQuotation(self, order):
        """Line by line, then in total: the contract's MRR is the quotation's monthly total."""
        contract = order.msp_contract_ids
        self.assertEqual(len(contract), 1)
        sold = sorted(
            (ln.product_id.id, ln.product_uom_qty, ln.price_unit, ln.discount, ln.price_subtotal)
            for ln in self._monthly(order)
        )
        billed = sorted(
            (ln.product_id.id, ln.quantity, ln.price_unit, ln.discount, ln.monthly_recurring)
            for ln in contract.contract_line_ids.filtered(lambda ln: not ln.display_type)
        )
        self.assertEqual(billed, sold)
        monthly = self._monthly(order)
        self.assertAlmostEqual(contract.msp_mrr, sum(monthly.mapped("price_subtotal")))
        # The first invoice: same currency, same untaxed and taxed amounts as signed.
        invoice = contract._recurring_create_invoice()
        self.assertEqual(invoice.currency_id, order.currency_id)
        self.assertAlmostEqual(invoice.amount_untaxed, sum(monthly.mapped("price_subtotal")))
        self.assertAlmostEqual(invoice.amount_total, sum(monthly.mapped("price_total")))

    def test_every_plan_bills_what_its_quotation_shows(self):
        plans = self.env["msp.service.plan"].search([])
        self.assertIn(self.plan, plans)
        for plan in plans:
            with self.subTest(plan=plan.name):
                order = self._audit_proposal()
                order.msp_service_plan_id = plan
                for plan_line in plan.line_ids:
                    self.assertTrue(
                        order.order_line.filtered(
                            lambda ln, pl=plan_line: (
                                ln.product_id == pl.product_id and ln.msp_is_recurring
                            )
                        ),
                        f"{plan_line.product_id.display_name} is not on the quotation",
                    )
                order.action_confirm()
                self.assertContractBillsQuotation(order)

    def test_plan_chosen_on_the_form_shows_its_prices_before_saving(self):
        order = self.env["sale.order"].create({"partner_id": self.customer.id})
        with Form(order) as form:
            form.msp_service_plan_id = self.plan
            self.assertEqual(len(form.order_line), 3, "flat, per workstation, per user")
        self.assertAlmostEqual(order.amount_untaxed, 500 + 0 * 30 + 2 * 20)
        order.action_confirm()
        self.assertContractBillsQuotation(order)

    def test_quotation_price_wins_and_flat_fee_is_shown(self):
        """The regression: the quotation showed 35 a month, the contract billed 185."""
        order = self._audit_proposal()
        self.assertAlmostEqual(order.amount_untaxed, 70 + 40)
        order.msp_service_plan_id = self.plan
        by_product = {ln.product_id: ln for ln in self._monthly(order)}
        self.assertEqual(by_product[self.product_ws].price_unit, 35, "the quotation's price")
        self.assertEqual(by_product[self.product_flat].price_unit, 500, "the plan's flat fee")
        self.assertAlmostEqual(order.amount_untaxed, 500 + 70 + 40)
        order.action_confirm()
        self.assertContractBillsQuotation(order)
        self.assertEqual(order.msp_contract_ids.msp_covered_asset_ids, self.ws1 | self.ws2)

    def test_a_plan_price_removed_from_the_quotation_is_not_billed(self):
        order = self._audit_proposal()
        order.msp_service_plan_id = self.plan
        self._monthly(order).filtered(lambda ln: ln.product_id == self.product_user).unlink()
        order.order_line.filtered(lambda ln: ln.product_id == self.product_ws).discount = 10
        order.action_confirm()
        self.assertContractBillsQuotation(order)
        self.assertNotIn(
            self.product_user, order.msp_contract_ids.contract_line_ids.mapped("product_id")
        )

    def test_changing_the_plan_replaces_its_lines(self):
        other = self.plan.copy({"name": "Other"})
        other.line_ids.filtered(lambda ln: ln.billing_mode == "flat").unlink()
        extra = self.env["product.product"].create({"name": "Backup / month", "type": "service"})
        other.line_ids = [Command.create({"product_id": extra.id, "price_unit": 99})]
        order = self.env["sale.order"].create(
            {"partner_id": self.customer.id, "msp_service_plan_id": self.plan.id}
        )
        self.assertIn(self.product_flat, self._monthly(order).mapped("product_id"))
        order.msp_service_plan_id = other
        products = self._monthly(order).mapped("product_id")
        self.assertNotIn(self.product_flat, products, "the first plan's flat fee left with it")
        self.assertIn(extra, products)
        order.action_confirm()
        self.assertContractBillsQuotation(order)
        with self.assertRaises(UserError):
            order.msp_service_plan_id = self.plan

    def test_two_plan_prices_on_one_product_each_get_their_line(self):
        """A quotation selling 3 devices of one product, a plan pricing servers and
        workstations with that product: one line per plan price, none sold twice."""
        device = self.env["product.product"].create({"name": "Managed device", "type": "service"})
        plan = self.env["msp.service.plan"].create(
            {
                "name": "Devices",
                "sla_policy_id": self.policy.id,
                "line_ids": [
                    Command.create(
                        {
                            "product_id": device.id,
                            "billing_mode": "per_device",
                            "asset_kind": kind,
                            "price_unit": price,
                        }
                    )
                    for kind, price in (("server", 100), ("workstation", 30))
                ],
            }
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    Command.create(
                        {"product_id": device.id, "product_uom_qty": 3, "price_unit": 30}
                    )
                ],
            }
        )
        order.msp_service_plan_id = plan
        lines = self._monthly(order)
        self.assertEqual(len(lines), 2)
        self.assertEqual(lines.msp_plan_line_id, plan.line_ids)
        order.action_confirm()
        self.assertContractBillsQuotation(order)
        self.assertEqual(
            sorted(order.msp_contract_ids.contract_line_ids.mapped("msp_asset_kind")),
            ["server", "workstation"],
        )

    def test_plan_price_survives_a_quantity_change(self):
        self.product_flat.list_price = 0
        order = self.env["sale.order"].create({"partner_id": self.customer.id})
        order.msp_service_plan_id = self.plan
        flat = self._monthly(order).filtered(lambda ln: ln.product_id == self.product_flat)
        with Form(order) as form, form.order_line.edit(list(order.order_line).index(flat)) as row:
            row.product_uom_qty = 2
        self.assertEqual((flat.product_uom_qty, flat.price_unit), (2, 500))
        flat.product_uom_qty = 3  # over the API
        self.assertEqual(flat.price_unit, 500)
        order.action_confirm()
        self.assertContractBillsQuotation(order)

    def test_monthly_line_with_other_taxes_than_invoiced_is_refused(self):
        tax = self.env["account.tax"].create({"name": "Service tax 15%", "amount": 15})
        self.product_flat.taxes_id = tax
        order = self.env["sale.order"].create({"partner_id": self.customer.id})
        order.msp_service_plan_id = self.plan
        flat = self._monthly(order).filtered(lambda ln: ln.product_id == self.product_flat)
        self.assertEqual(flat.tax_ids, tax)
        flat.tax_ids = False
        with self.assertRaisesRegex(UserError, "taxes"):
            order.action_confirm()
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.msp_contract_ids)
        flat.tax_ids = tax
        order.action_confirm()
        self.assertContractBillsQuotation(order)
