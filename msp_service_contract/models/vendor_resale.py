# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.addons.msp_it_audit.models.msp_customer_mixin import check_same_customer
from odoo.exceptions import ValidationError

from .vendor_register import MANAGER


class ContractLine(models.Model):
    """A vendor's service the MSP resells (a licence, a line) on a contract line, with what
    the vendor charges for it: the contract's margin counts that cost."""

    _inherit = "contract.line"

    msp_vendor_account_id = fields.Many2one(
        "msp.vendor.account",
        string="Resold Vendor Service",
        index="btree_not_null",
        check_company=True,
        domain="[('partner_id', '=', partner_id)]",
        help="The customer's vendor account whose service this line resells.",
    )
    msp_vendor_cost = fields.Monetary(
        string="Vendor Cost",
        currency_field="currency_id",
        groups=MANAGER,
        help="What the vendor charges per unit and invoicing period, in the contract's "
        "currency. A posted vendor bill for this service sets it.",
    )
    msp_vendor_margin = fields.Monetary(
        string="Resale Margin",
        currency_field="currency_id",
        compute="_compute_msp_vendor_margin",
        groups=MANAGER,
        help="The line's price less its vendor cost, per invoicing period.",
    )

    @api.depends("price_subtotal", "quantity", "msp_vendor_cost", "msp_vendor_account_id")
    def _compute_msp_vendor_margin(self):
        for line in self:
            line.msp_vendor_margin = (
                line.price_subtotal - line.quantity * line.msp_vendor_cost
                if line.msp_vendor_account_id
                else 0.0
            )

    @api.constrains("msp_vendor_account_id", "contract_id")
    def _check_msp_vendor_account(self):
        check_same_customer(self, "msp_vendor_account_id", "contract_id.partner_id")

    def _prepare_invoice_line(self):
        vals = super()._prepare_invoice_line()
        if self.msp_vendor_account_id:
            # the cost as it is when the period is invoiced: the profitability keeps it
            # sudo: the cost is managers-only; the invoice line keeps it for them, whoever
            # (an accountant, the cron) invoices
            vals["msp_vendor_cost"] = self.sudo().msp_vendor_cost
        return vals

    def _msp_resale_lines_for_bill_line(self, bill_line):
        """The resold lines whose cost ``bill_line`` (a posted vendor bill's line) states:
        those of the vendor account it names, else of the bill's vendor, for its product, on
        contracts still running at the bill's date."""
        domain = [("product_id", "=", bill_line.product_id.id), ("is_canceled", "=", False)]
        if bill_line.msp_vendor_account_id:
            domain.append(("msp_vendor_account_id", "=", bill_line.msp_vendor_account_id.id))
        else:
            vendor = bill_line.move_id.commercial_partner_id
            domain.append(("msp_vendor_account_id.vendor_id.commercial_partner_id", "=", vendor.id))
        date = bill_line.move_id.invoice_date or bill_line.move_id.date
        domain += [
            ("contract_id.company_id", "=", bill_line.company_id.id),
            "|",
            ("date_end", "=", False),
            ("date_end", ">=", date),
        ]
        return self.search(domain)


class ContractContract(models.Model):
    _inherit = "contract.contract"

    msp_resale_cost = fields.Monetary(
        string="Vendor Costs",
        compute="_compute_msp_resale",
        groups=MANAGER,
        help="What the vendors charge for the services this contract resells, per invoicing "
        "period.",
    )
    msp_resale_margin = fields.Monetary(
        string="Resale Margin",
        compute="_compute_msp_resale",
        groups=MANAGER,
        help="The resold lines' prices less their vendor costs, per invoicing period.",
    )

    @api.depends(
        "contract_line_ids.msp_vendor_margin",
        "contract_line_ids.msp_vendor_cost",
        "contract_line_ids.is_canceled",
    )
    def _compute_msp_resale(self):
        for contract in self:
            lines = contract.contract_line_ids.filtered(
                lambda ln: ln.msp_vendor_account_id and not ln.is_canceled
            )
            contract.msp_resale_cost = sum(ln.quantity * ln.msp_vendor_cost for ln in lines)
            contract.msp_resale_margin = sum(lines.mapped("msp_vendor_margin"))


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    msp_vendor_account_id = fields.Many2one(
        "msp.vendor.account",
        string="Vendor Account",
        index="btree_not_null",
        copy=False,
        check_company=True,
        help="On a vendor bill: the customer's vendor account this line bills. Posting the "
        "bill sets the cost of the contract lines that resell it.",
    )
    msp_vendor_cost = fields.Monetary(
        string="Vendor Cost",
        currency_field="currency_id",
        groups=MANAGER,
        readonly=True,
        copy=False,
        help="On a customer invoice: the vendor's unit cost of the resold service when it "
        "was invoiced.",
    )

    @api.constrains("msp_vendor_account_id", "move_id", "partner_id")
    def _check_msp_vendor_account(self):
        for line in self.filtered("msp_vendor_account_id"):
            move = line.move_id
            vendor = line.msp_vendor_account_id.vendor_id.commercial_partner_id
            if not move.is_purchase_document() or move.commercial_partner_id != vendor:
                raise ValidationError(
                    self.env._(
                        "Line %(line)s: the vendor account %(account)s can only be set on a "
                        "vendor bill of %(vendor)s. Remove it, or put it on that vendor's bill.",
                        line=line.display_name or line.name,
                        account=line.msp_vendor_account_id.display_name,
                        vendor=vendor.display_name,
                    )
                )


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted.filtered(lambda m: m.move_type == "in_invoice")._msp_update_resale_costs()
        return posted

    def _msp_update_resale_costs(self):
        """A posted vendor bill states what the vendor now charges: set the cost of the
        contract lines that resell the billed service, and say so on their contracts."""
        # sudo: the bill's poster (an accountant) records the cost the vendor billed on the
        # lines reselling that service; the contracts show who posted which bill.
        Line = self.env["contract.line"].sudo()
        for bill in self:
            for bill_line in bill.invoice_line_ids.filtered(
                lambda ln: ln.display_type == "product" and ln.product_id and ln.quantity
            ):
                cost_company = bill_line.balance / bill_line.quantity
                for line in Line._msp_resale_lines_for_bill_line(bill_line):
                    cost = bill.company_id.currency_id._convert(
                        cost_company, line.currency_id, bill.company_id, bill.date
                    )
                    if line.currency_id.compare_amounts(cost, line.msp_vendor_cost) == 0:
                        continue
                    old = line.msp_vendor_cost
                    line.msp_vendor_cost = cost
                    line.contract_id.message_post(
                        body=Markup(
                            self.env._(
                                "Vendor bill %(bill)s: the cost of <b>%(line)s</b> is now "
                                "%(cost)s (was %(old)s)."
                            )
                        )
                        % {
                            "bill": bill.name,
                            "line": line.name,
                            "cost": line.currency_id.format(cost),
                            "old": line.currency_id.format(old),
                        }
                    )
