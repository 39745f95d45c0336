# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
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

    @api.depends("msp_contract_ids")
    def _compute_msp_contract_count(self):
        for order in self:
            order.msp_contract_count = len(order.msp_contract_ids)

    def action_confirm(self):
        result = super().action_confirm()
        self.filtered(
            lambda o: o.msp_service_plan_id and not o.msp_contract_ids
        )._msp_create_contracts()
        return result

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
        """The contract of a confirmed quotation: its plan, recurring lines priced as sold,
        the covered assets and users, and the links back to the audit and opportunity."""
        self.ensure_one()
        plan = self.msp_service_plan_id
        customer = self.partner_id.commercial_partner_id
        start = (
            self.commitment_date.date() if self.commitment_date else fields.Date.context_today(self)
        )
        lines, assets = [], self.env["msp.asset"]
        for plan_line in plan.line_ids:
            sold = self.order_line.filtered(lambda ln, p=plan_line.product_id: ln.product_id == p)[
                :1
            ]
            if plan_line.billing_mode == "per_device":
                counted = sold.msp_asset_ids or self.msp_audit_id.asset_ids.filtered(
                    lambda a, k=plan_line.asset_kind: a.kind == k and a.state != "retired"
                )
                counted = counted.filtered(lambda a, k=plan_line.asset_kind: a.kind == k)
                assets |= counted
                quantity = len(counted)
            elif plan_line.billing_mode == "per_user":
                quantity = sold.product_uom_qty if sold else len(self._msp_customer_users())
            else:
                quantity = 1
            lines.append(
                Command.create(
                    {
                        "product_id": plan_line.product_id.id,
                        "name": plan_line.name or plan_line.product_id.display_name,
                        "quantity": quantity,
                        "uom_id": plan_line.product_id.uom_id.id,
                        "price_unit": sold.price_unit if sold else plan_line.price_unit,
                        "msp_billing_mode": plan_line.billing_mode,
                        "msp_asset_kind": plan_line.asset_kind,
                        "date_start": start,
                        "recurring_next_date": start,
                    }
                )
            )
        return {
            "name": f"{plan.name} - {customer.name}",
            "partner_id": customer.id,
            "company_id": self.company_id.id,
            "contract_type": "sale",
            "date_start": start,
            "recurring_rule_type": "monthly",
            "recurring_interval": 1,
            "recurring_invoicing_type": "pre-paid",
            "msp_plan_id": plan.id,
            "msp_covered_asset_ids": [Command.set(assets.ids)],
            "msp_covered_user_ids": [Command.set(self._msp_customer_users().ids)],
            "msp_sale_order_id": self.id,
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
