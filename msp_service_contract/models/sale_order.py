# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.addons.msp_it_audit.models.msp_customer_mixin import check_same_customer
from odoo.exceptions import UserError
from odoo.fields import Command


class SaleOrder(models.Model):
    _inherit = "sale.order"

    msp_service_plan_id = fields.Many2one(
        "msp.service.plan",
        string="Service Plan",
        check_company=True,
        help="Confirming the quotation creates the customer's service contract on this plan.",
    )
    msp_contract_ids = fields.One2many("contract.contract", "msp_sale_order_id", string="Contracts")
    msp_contract_count = fields.Integer(compute="_compute_msp_contract_count")
    msp_renewal_contract_id = fields.Many2one(
        "contract.contract",
        string="Renews Contract",
        readonly=True,
        copy=False,
        index="btree_not_null",
        check_company=True,
        help="Confirming this quotation (the customer's signature or a salesperson) renews "
        "this contract for the next term at the quotation's prices.",
    )
    msp_renewal_term_end = fields.Date(
        string="Renews the Term Ending",
        readonly=True,
        copy=False,
        help="The term end of the contract when quoted: a quotation for a term already "
        "renewed or ended cannot be confirmed.",
    )

    @api.constrains("msp_renewal_contract_id", "partner_id")
    def _check_msp_renewal_customer(self):
        # The customer who signs renews its own contract only.
        check_same_customer(self, "msp_renewal_contract_id", "partner_id")

    @api.depends("msp_contract_ids")
    def _compute_msp_contract_count(self):
        for order in self:
            order.msp_contract_count = len(order.msp_contract_ids)

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        orders.filtered("msp_service_plan_id")._msp_add_plan_lines()
        return orders

    def write(self, vals):
        if "msp_service_plan_id" in vals and self.filtered(
            lambda o: o.msp_contract_ids and o.msp_service_plan_id.id != vals["msp_service_plan_id"]
        ):
            raise UserError(
                self.env._(
                    "This order already made its service contract: change the plan on the "
                    "contract, not on the signed order."
                )
            )
        result = super().write(vals)
        if "msp_service_plan_id" in vals:
            self._msp_add_plan_lines()
        return result

    @api.onchange("msp_service_plan_id")
    def _onchange_msp_service_plan_id(self):
        # The quotation shows at once every monthly line the contract will bill.
        if self.state not in ("draft", "sent"):
            return
        stale, links, missing = self._msp_plan_line_changes()
        for line, plan_line in links:
            line.update({"msp_plan_line_id": plan_line.id, "msp_is_recurring": True})
        self.order_line -= stale
        if missing:
            self.order_line = [Command.create(values) for values in missing]

    def _msp_add_plan_lines(self):
        """Put every monthly line of the order's plan on the quotation: what the customer
        signs is what the contract bills. Lines another plan added leave with it."""
        for order in self.filtered(lambda o: o.state in ("draft", "sent")):
            stale, links, missing = order._msp_plan_line_changes()
            commands = [Command.delete(line.id) for line in stale]
            commands += [
                Command.update(line.id, {"msp_plan_line_id": pl.id, "msp_is_recurring": True})
                for line, pl in links
            ]
            commands += [Command.create(values) for values in missing]
            if commands:
                order.write({"order_line": commands})

    def _msp_plan_line_changes(self):
        """What the quotation lacks to carry its plan's monthly lines: the lines another plan
        added (to drop), the lines already selling a plan product (to link to that plan price)
        and the values of the lines to add at the plan's price."""
        self.ensure_one()
        plan = self.msp_service_plan_id
        stale = self.order_line.filtered(
            lambda ln: ln.msp_plan_line_id and ln.msp_plan_line_id.plan_id != plan
        )
        free = self.order_line.filtered(lambda ln: not ln.display_type) - stale
        links, missing = [], []
        for plan_line in plan.line_ids:
            sold = self._msp_line_selling(plan_line, free)
            free -= sold
            if not sold:
                missing.append(self._msp_prepare_plan_line_values(plan_line))
            elif sold.msp_plan_line_id != plan_line or not sold.msp_is_recurring:
                links.append((sold, plan_line))
        return stale, links, missing

    @api.model
    def _msp_line_selling(self, plan_line, lines):
        """The quotation line among ``lines`` that sells ``plan_line``'s price: one already
        linked to it, else one selling its product that counts its kind of device, else one
        selling its product and no other plan price. Each line sells one plan price only."""
        same = lines.filtered(lambda ln: ln.product_id == plan_line.product_id)
        kind = plan_line.asset_kind if plan_line.billing_mode == "per_device" else False
        return (
            same.filtered(lambda ln: ln.msp_plan_line_id == plan_line)
            or same.filtered(lambda ln: kind and set(ln.msp_asset_ids.mapped("kind")) == {kind})
            or same.filtered(lambda ln: not ln.msp_plan_line_id)
        )[:1]

    def _msp_prepare_plan_line_values(self, plan_line):
        """A quotation line for a monthly plan price the quotation does not carry yet."""
        self.ensure_one()
        assets = self.env["msp.asset"]
        if plan_line.billing_mode == "per_device":
            assets = self.msp_audit_id.asset_ids.filtered(
                lambda a: a.kind == plan_line.asset_kind and a.state != "retired"
            )
            quantity = len(assets)
        elif plan_line.billing_mode == "per_user":
            quantity = self.msp_audit_id.user_count or len(self._msp_customer_users())
        else:
            quantity = 1
        return {
            "product_id": plan_line.product_id.id,
            "name": plan_line.name or plan_line.product_id.display_name,
            "product_uom_qty": quantity,
            # sudo: plan prices are for contract managers; the salesperson choosing the plan
            # puts the price on the quotation, where the customer sees it anyway
            "price_unit": plan_line.sudo().price_unit,
            "msp_plan_line_id": plan_line.id,
            "msp_plan_priced": True,
            "msp_is_recurring": True,
            "msp_asset_ids": [Command.set(assets.ids)],
        }

    def action_confirm(self):
        renewals = self.filtered("msp_renewal_contract_id")
        renewals._msp_check_renewal_quotations()
        self.filtered("msp_service_plan_id")._msp_check_monthly_taxes()
        result = super().action_confirm()
        for order in renewals:
            order._msp_renew_contract()
        (self - renewals).filtered(
            lambda o: o.msp_service_plan_id and not o.msp_contract_ids
        )._msp_create_contracts()
        return result

    def _msp_check_renewal_quotations(self):
        """A renewal quotation renews the term it quoted, once, while the contract runs."""
        for order in self:
            # sudo: salespeople confirm renewal quotations without the right to read contracts;
            # only the contract's renewal state and term end are read
            contract = order.msp_renewal_contract_id.sudo()
            if (
                contract.msp_renewal_state not in ("active", "renewal_due", "renewed")
                or contract.msp_term_end != order.msp_renewal_term_end
            ):
                raise UserError(
                    self.env._(
                        "Quotation %(order)s renews the term of %(contract)s ending on "
                        "%(end)s, which was already renewed or ended (the contract is "
                        "%(state)s until %(now)s). Prepare a new renewal quotation from the "
                        "contract.",
                        order=order.name,
                        contract=contract.display_name,
                        end=order.msp_renewal_term_end,
                        state=contract.msp_renewal_state,
                        now=contract.msp_term_end,
                    )
                )

    def _msp_renew_contract(self):
        """Renew the quoted contract at the prices the customer accepted."""
        self.ensure_one()
        # sudo: confirming the renewal quotation (the customer's portal signature or a
        # salesperson) is what renews the contract; neither manages contracts themselves
        contract = self.msp_renewal_contract_id.sudo()
        prices = {}
        for line in self.order_line:
            # sudo: the same reason, for the contract line each quotation line renews
            contract_line = line.msp_renewal_line_id.sudo()
            if contract_line.contract_id == contract:
                prices[contract_line] = line.price_unit
        contract._msp_renew(prices=prices, order=self)

    def _msp_monthly_lines(self):
        self.ensure_one()
        return self.order_line.filtered(
            lambda ln: not ln.display_type and (ln.msp_is_recurring or ln.msp_plan_line_id)
        )

    def _msp_check_monthly_taxes(self):
        """The contract's invoices tax each line with its product's taxes, mapped by the
        fiscal position: a monthly line whose taxes were changed on the quotation would be
        billed with other taxes than signed. Refuse it before anything is confirmed."""
        for order in self:
            for line in order._msp_monthly_lines():
                billed = order.fiscal_position_id.map_tax(
                    line.product_id.taxes_id._filter_taxes_by_company(order.company_id)
                )
                if billed != line.tax_ids:
                    raise UserError(
                        self.env._(
                            "Quotation %(order)s: the monthly line %(line)s has the taxes "
                            "%(sold)s, but its contract will invoice it with %(billed)s (the "
                            "product's taxes). Set the line's taxes back to the product's, or "
                            "change the product's taxes, before confirming.",
                            order=order.name,
                            line=line.name,
                            sold=", ".join(line.tax_ids.mapped("name")) or self.env._("none"),
                            billed=", ".join(billed.mapped("name")) or self.env._("none"),
                        )
                    )

    def _msp_create_contracts(self):
        # sudo: the contract is the consequence of a quotation the user was allowed to
        # confirm; salespeople do not manage contracts themselves.
        contracts = (
            self.env["contract.contract"]
            .sudo()
            .create([order._msp_prepare_contract_values() for order in self])
        )
        for order, contract in zip(self, contracts, strict=True):
            contract.message_post_with_source(
                "mail.message_origin_link",
                render_values={"self": contract, "origin": order},
                subtype_xmlid="mail.mt_note",
            )
        return contracts

    def _msp_prepare_contract_values(self):
        """The contract of a confirmed quotation: exactly its monthly lines, as sold
        (quantity, price, discount), the covered assets and users, and the links back to the
        audit and opportunity. A plan price the quotation does not carry is not billed."""
        self.ensure_one()
        plan = self.msp_service_plan_id
        customer = self.partner_id.commercial_partner_id
        # the day on the company's clock, as the contract's months are counted
        company = self.company_id
        start = (
            company._msp_local_date(self.commitment_date)
            if self.commitment_date
            else company._msp_today()
        )
        lines, assets = [], self.env["msp.asset"]
        for sold in self._msp_monthly_lines():
            values = sold._msp_prepare_contract_line_values(plan)
            if values["msp_billing_mode"] == "per_device":
                counted = sold.msp_asset_ids or self.msp_audit_id.asset_ids.filtered(
                    lambda a, k=values["msp_asset_kind"]: (
                        a.state != "retired" and (not k or a.kind == k)
                    )
                )
                if values["msp_asset_kind"]:
                    counted = counted.filtered(lambda a, k=values["msp_asset_kind"]: a.kind == k)
                assets |= counted
            values.update(date_start=start, recurring_next_date=start)
            lines.append(Command.create(values))
        return {
            "name": f"{plan.name} - {customer.name}",
            "partner_id": customer.id,
            "company_id": self.company_id.id,
            "contract_type": "sale",
            "date_start": start,
            "recurring_rule_type": "monthly",
            "recurring_interval": 1,
            "recurring_invoicing_type": "pre-paid",
            # invoiced in the quotation's currency, price list and fiscal position
            "pricelist_id": self.pricelist_id.id,
            "manual_currency_id": self.currency_id.id,
            "fiscal_position_id": self.fiscal_position_id.id,
            "msp_plan_id": plan.id,
            "msp_covered_asset_ids": [Command.set(assets.ids)],
            "msp_covered_user_ids": [Command.set(self._msp_customer_users().ids)],
            "msp_sale_order_id": self.id,
            # The salesperson handles the contract's renewals (not whoever confirmed it).
            "user_id": self.user_id.id or self.env.user.id,
            "msp_audit_id": self.msp_audit_id.id,
            "msp_lead_id": self.opportunity_id.id,
            "contract_line_ids": lines,
        }

    def _msp_customer_users(self):
        return self.partner_id.commercial_partner_id.child_ids.filtered(
            lambda p: not p.is_company and p.type == "contact"
        )

    def _compute_show_hours_recorded_button(self):
        # sale_timesheet computes this for timesheet users from project_count, a field only
        # Project users may read: our technicians and contract managers log time without
        # Project rights and would get an access error on every confirmed order they open.
        if self.env.su or self.env.user.has_group("project.group_project_user"):
            return super()._compute_show_hours_recorded_button()
        return super(SaleOrder, self.sudo())._compute_show_hours_recorded_button()

    def action_msp_view_contracts(self):
        self.ensure_one()
        return self.msp_contract_ids._get_records_action(name=self.env._("Service Contracts"))
