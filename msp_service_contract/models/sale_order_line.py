# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.addons.msp_it_audit.models.msp_customer_mixin import check_same_customer


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    msp_plan_line_id = fields.Many2one(
        "msp.service.plan.line",
        string="Plan Price",
        index="btree_not_null",
        copy=False,
        readonly=True,
        ondelete="set null",
        help="The service plan's monthly price this line bills on the contract.",
    )
    msp_renewal_line_id = fields.Many2one(
        "contract.line",
        string="Renews Contract Line",
        index="btree_not_null",
        copy=False,
        readonly=True,
        ondelete="set null",
        help="The contract line this renewal quotation line prices for the next term.",
    )

    msp_plan_priced = fields.Boolean(
        copy=False,
        readonly=True,
        help="Added at the plan's price when the plan was chosen: the price stays the plan's "
        "when the quantity changes.",
    )

    @api.constrains("msp_renewal_line_id", "order_id")
    def _check_msp_renewal_line_customer(self):
        check_same_customer(
            self, "msp_renewal_line_id", "order_id.partner_id", "contract_id.partner_id"
        )

    def _msp_billed_by_contract(self):
        """The monthly lines of an order that made or renews a service contract: the
        contract's own invoices bill them, the order never does."""
        return self.filtered(
            lambda ln: (
                (ln.msp_is_recurring or ln.msp_plan_line_id or ln.msp_renewal_line_id)
                and (ln.order_id.msp_contract_ids or ln.order_id.msp_renewal_contract_id)
            )
        )

    @api.depends(
        "msp_is_recurring",
        "msp_plan_line_id",
        "msp_renewal_line_id",
        "order_id.msp_contract_ids",
        "order_id.msp_renewal_contract_id",
    )
    def _compute_qty_to_invoice(self):
        # Like the lines sale leaves to another flow: nothing to invoice from the order,
        # so Create invoices does not bill a month on top of the contract's invoices.
        # One-time lines of the same order (e.g. remediation) stay invoiceable.
        result = super()._compute_qty_to_invoice()
        self._msp_billed_by_contract().qty_to_invoice = 0
        return result

    def _compute_price_unit(self):
        # A plan price put on the quotation is what the customer signs: a quantity change must
        # not reprice it from the price list.
        plan_priced = self.filtered(lambda ln: ln.msp_plan_priced and ln.msp_plan_line_id)
        return super(SaleOrderLine, self - plan_priced)._compute_price_unit()

    def _msp_prepare_contract_line_values(self, plan):
        """The contract line of a monthly quotation line: quantity, price and discount as
        sold; its billing mode from the plan price it sells, else from what it counts."""
        self.ensure_one()
        plan_line = self.msp_plan_line_id
        if plan_line:
            mode, kind = plan_line.billing_mode, plan_line.asset_kind
        else:
            kinds = set(self.msp_asset_ids.mapped("kind"))
            mode = "per_device" if len(kinds) == 1 else "flat"
            kind = kinds.pop() if len(kinds) == 1 else False
        return {
            "product_id": self.product_id.id,
            "name": self.name or self.product_id.display_name,
            "quantity": self.product_uom_qty,
            "uom_id": self.product_uom_id.id,
            "price_unit": self.price_unit,
            "discount": self.discount,
            "msp_billing_mode": mode,
            "msp_asset_kind": kind,
        }
