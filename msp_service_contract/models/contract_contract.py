# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.addons.msp_it_audit.models.msp_customer_mixin import check_same_customer
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command

from .msp_contract_hours import HOURS_LEFT_HELP, HOURS_LEFT_LABEL, HOURS_PARTS_HELP

RENEWAL_STATES = [
    ("active", "Active"),
    ("renewal_due", "Renewal Due"),
    ("renewed", "Renewed"),
    ("expired", "Expired"),
    ("terminated", "Terminated"),
]


class ContractContract(models.Model):
    _name = "contract.contract"
    _inherit = ["contract.contract", "msp.contract.hours.ledger", "msp.input.limits"]
    # Input limits (input_limits.py) on service contracts: those on a plan.
    _msp_limits_scope = "msp_plan_id"

    # OCA's "Recurrence at line level?", said plainly
    line_recurrence = fields.Boolean(
        string="Lines have their own billing schedule",
        help="Off: every line is invoiced on the contract's schedule (its start date, "
        "recurrence and next invoice date). On: each line has its own start date, recurrence "
        "and next invoice date, set on the line. Once the contract has invoices, it is "
        "no longer changed.",
    )
    msp_plan_id = fields.Many2one(
        "msp.service.plan", string="Service Plan", tracking=True, check_company=True, index=True
    )
    msp_sla_policy_id = fields.Many2one(
        "msp.sla.policy",
        string="SLA Policy",
        compute="_compute_msp_sla_policy_id",
        store=True,
        readonly=False,
        tracking=True,
        check_company=True,
        help="The plan's policy by default; a contract may override it.",
    )
    msp_covered_asset_ids = fields.Many2many(
        "msp.asset",
        "msp_contract_covered_asset_rel",
        "contract_id",
        "asset_id",
        string="Covered Assets",
        tracking=True,
        domain="[('partner_id', '=', commercial_partner_id)]",
    )
    msp_covered_user_ids = fields.Many2many(
        "res.partner",
        "msp_contract_covered_user_rel",
        "contract_id",
        "partner_id",
        string="Covered Users",
        tracking=True,
        domain="[('commercial_partner_id', '=', commercial_partner_id), "
        "('is_company', '=', False)]",
    )
    msp_renewal_state = fields.Selection(
        RENEWAL_STATES, string="Renewal", default="active", required=True, tracking=True
    )
    msp_termination_reason = fields.Text(string="Termination Reason", tracking=True)
    # OCA contract computes currency_id without storing it: MRR and ARR are summed per
    # currency in pivots and graphs (a monetary measure needs a stored currency), so the
    # contract's currency is stored beside them.
    msp_currency_id = fields.Many2one(
        related="currency_id", store=True, string="MRR Currency", readonly=True
    )
    msp_mrr = fields.Monetary(
        string="MRR",
        compute="_compute_msp_recurring_revenue",
        store=True,
        currency_field="msp_currency_id",
        aggregator="sum",
        help="Monthly recurring revenue of the active recurring lines.",
    )
    msp_arr = fields.Monetary(
        string="ARR",
        compute="_compute_msp_recurring_revenue",
        store=True,
        currency_field="msp_currency_id",
        aggregator="sum",
    )
    msp_audit_id = fields.Many2one("msp.audit", string="Audit", index="btree_not_null")
    msp_lead_id = fields.Many2one("crm.lead", string="Opportunity", index="btree_not_null")
    msp_sale_order_id = fields.Many2one(
        "sale.order", string="Quotation", index="btree_not_null", copy=False
    )
    msp_hours_period_ids = fields.One2many(
        "msp.contract.hours.period", "contract_id", string="Hours Periods"
    )
    msp_hours_entry_ids = fields.One2many(
        "msp.contract.hours.entry", "contract_id", string="Hours Ledger"
    )
    msp_hours_balance = fields.Float(
        string=HOURS_LEFT_LABEL, compute="_compute_msp_hours_balance", help=HOURS_LEFT_HELP
    )
    # the parts of the hours left, read in one go with the figure
    msp_hours_included = fields.Float(
        "Included", compute="_compute_msp_hours_balance", help=HOURS_PARTS_HELP["included"]
    )
    msp_hours_rollover = fields.Float(
        "Rolled over", compute="_compute_msp_hours_balance", help=HOURS_PARTS_HELP["rollover"]
    )
    msp_hours_prepaid = fields.Float(
        "Prepaid", compute="_compute_msp_hours_balance", help=HOURS_PARTS_HELP["prepaid"]
    )
    msp_hours_used = fields.Float(
        "Used", compute="_compute_msp_hours_balance", help=HOURS_PARTS_HELP["used"]
    )
    msp_hours_summary = fields.Char(
        "Hours This Month", compute="_compute_msp_hours_balance", help=HOURS_PARTS_HELP["summary"]
    )

    @api.depends("msp_plan_id")
    def _compute_msp_sla_policy_id(self):
        for contract in self:
            contract.msp_sla_policy_id = contract.msp_plan_id.sla_policy_id

    def _msp_today(self):
        """Today on these contracts' calendar: their company's (res.company._msp_today)."""
        return self.company_id._msp_today()

    @api.model
    def _msp_companies(self, domain):
        """The companies of the contracts of ``domain`` (a scheduled run's, each on its
        own clock)."""
        # sudo: a scheduled run reads every company's contracts
        groups = self.sudo()._read_group(domain, ["company_id"])
        return self.env["res.company"].union(*(company for (company,) in groups))

    def _msp_hours_parts_today(self):
        """_msp_hours_parts of these contracts, each in its company's month today."""
        parts = {}
        for company, contracts in self.grouped("company_id").items():
            parts.update(contracts._msp_hours_parts(company._msp_today()))
        return parts

    @api.depends(
        "contract_line_ids.monthly_recurring",
        "contract_line_ids.is_canceled",
        "contract_line_ids.date_end",
        "msp_renewal_state",
    )
    def _compute_msp_recurring_revenue(self):
        for contract in self:
            today = contract._msp_today()
            if contract.msp_renewal_state == "expired":
                contract.msp_mrr = contract.msp_arr = 0.0
                continue
            lines = contract.contract_line_ids.filtered(
                lambda line, today=today: (
                    not line.display_type
                    and not line.is_canceled
                    and (not line.date_end or line.date_end >= today)
                )
            )
            contract.msp_mrr = sum(lines.mapped("monthly_recurring"))
            contract.msp_arr = contract.msp_mrr * 12

    def _compute_msp_hours_balance(self):
        parts = self._msp_hours_parts_today()
        for contract in self:
            figures = parts[contract.id]
            contract.msp_hours_balance = figures["left"]
            contract.msp_hours_included = figures["included"]
            contract.msp_hours_rollover = figures["rollover"]
            contract.msp_hours_prepaid = figures["prepaid"]
            contract.msp_hours_used = figures["used"]
            contract.msp_hours_summary = contract._msp_hours_summary(figures)

    @api.constrains(lambda self: self._msp_limit_triggers())
    def _check_input_limits(self):
        result = super()._check_input_limits()
        # A contract put on a plan brings its lines under the limits too.
        self._msp_limited().contract_line_ids._check_input_limits()
        return result

    @api.constrains("msp_covered_asset_ids", "msp_covered_user_ids", "partner_id")
    def _check_covered_assets(self):
        for contract in self:
            customer = contract.partner_id.commercial_partner_id
            foreign = contract.msp_covered_asset_ids.filtered(
                lambda asset, c=customer: asset.partner_id != c
            ) or contract.msp_covered_user_ids.filtered(
                lambda user, c=customer: user.commercial_partner_id != c
            )
            if foreign:
                raise ValidationError(
                    self.env._(
                        "Contract %(contract)s cannot cover %(assets)s: they belong to another "
                        "customer than %(customer)s.",
                        contract=contract.display_name,
                        assets=", ".join(foreign.mapped("display_name")),
                        customer=customer.display_name,
                    )
                )

    @api.constrains("msp_audit_id", "msp_sale_order_id", "partner_id")
    def _check_msp_origin_customer(self):
        check_same_customer(self, "msp_audit_id", "partner_id")
        check_same_customer(self, "msp_sale_order_id", "partner_id")

    @api.constrains("date_start", "date_end")
    def _check_msp_dates(self):
        for contract in self:
            if (
                contract.date_start
                and contract.date_end
                and contract.date_end < contract.date_start
            ):
                raise ValidationError(
                    self.env._(
                        "Contract %(contract)s ends (%(end)s) before it starts (%(start)s).",
                        contract=contract.display_name,
                        end=contract.date_end,
                        start=contract.date_start,
                    )
                )

    def _msp_portal_responsible(self):
        """The person the customer's portal shows as responsible for the contract: its
        responsible user's contact, or the MSP company's contact when there is none or it is
        a technical user (OdooBot, the superuser) that no customer can call."""
        self.ensure_one()
        user = self.user_id
        if not user or user._is_superuser():
            return self.company_id.partner_id
        return user.partner_id

    def _msp_is_active_on(self, day):
        self.ensure_one()
        return (
            self.active
            and self.msp_renewal_state not in ("expired", "terminated")
            and (not self.date_start or self.date_start <= day)
            and (not self.date_end or self.date_end >= day)
        )

    # ------------------------------------------------------------------
    # Invoicing: OCA contract's recurring invoice, plus what the ledger and the SLA give
    # ------------------------------------------------------------------

    def _prepare_invoice(self, date_invoice, journal=None):
        vals = super()._prepare_invoice(date_invoice, journal=journal)
        if self.msp_plan_id and self.env.context.get("msp_invoicing"):
            extra = self._msp_settle(date_invoice)
            if self.msp_plan_id.uncovered_invoicing == "next":
                extra += self._msp_billable_time_lines(date_invoice)
            vals["invoice_line_ids"] += [Command.create(line) for line in extra]
        return vals

    def _recurring_create_invoice(self, date_ref=False):
        moves = super(
            ContractContract, self.with_context(msp_invoicing=True)
        )._recurring_create_invoice(date_ref)
        moves._msp_link_ledger()
        return moves

    def _msp_billable_time_lines(self, before):
        """One invoice line per ticket for its billable (not covered) time not yet invoiced,
        worked before ``before``."""
        self.ensure_one()
        lines = (
            self.env["account.analytic.line"]
            .sudo()
            .search(
                [
                    ("msp_contract_id", "=", self.id),
                    ("msp_billable", "=", True),
                    ("msp_invoice_line_id", "=", False),
                    ("date", "<", before),
                ],
                order="msp_ticket_id, date, id",
            )
        )
        plan = self.msp_plan_id
        values = []
        for ticket in lines.msp_ticket_id:
            ticket_lines = lines.filtered(lambda line, t=ticket: line.msp_ticket_id == t)
            hours = sum(ticket_lines.mapped("unit_amount"))
            values.append(
                {
                    "product_id": plan.overage_product_id.id,
                    "name": self.env._(
                        "Billable work on %(ticket)s (%(reason)s): %(hours).2f h, "
                        "%(first)s to %(last)s",
                        ticket=ticket.display_name,
                        reason=ticket.msp_coverage_reason or self.env._("not covered"),
                        hours=hours,
                        first=min(ticket_lines.mapped("date")),
                        last=max(ticket_lines.mapped("date")),
                    ),
                    "quantity": hours,
                    "price_unit": plan.overage_rate,
                    "msp_timesheet_ids": [Command.set(ticket_lines.ids)],
                    "msp_contract_id": self.id,
                    "msp_line_kind": "billable",
                }
            )
        return values

    def action_msp_invoice_billable_time(self):
        """Invoice billable (not covered) time on an invoice of its own, for plans that ask
        for it: everything not yet invoiced up to today."""
        moves = self.env["account.move"]
        for contract in self.filtered("msp_plan_id"):
            today = contract._msp_today()
            lines = contract._msp_billable_time_lines(today + relativedelta(days=1))
            if not lines:
                continue
            vals = contract._prepare_invoice(today)
            vals["invoice_line_ids"] = [Command.create(line) for line in lines]
            moves |= self.env["account.move"].create(vals)
        if not moves:
            raise UserError(self.env._("There is no billable time left to invoice."))
        return moves._get_records_action(name=self.env._("Billable Time"))

    # ------------------------------------------------------------------
    # Quantities follow reality
    # ------------------------------------------------------------------

    def _msp_counted(self, line):
        """What a per-device or per-user contract line counts today: the covered assets of its
        kind that are not retired, or the covered users that are active."""
        self.ensure_one()
        if line.msp_billing_mode == "per_device":
            return self.msp_covered_asset_ids.filtered(
                lambda a, k=line.msp_asset_kind: a.kind == k and a.state != "retired" and a.active
            )
        if line.msp_billing_mode == "per_user":
            return self.msp_covered_user_ids.filtered("active")
        return None

    def _msp_trueup_changes(self):
        """(line, mode, counted, added, removed) for each counted line of the contract."""
        self.ensure_one()
        result = []
        for line in self.contract_line_ids.filtered(
            lambda ln: ln.msp_billing_mode in ("per_device", "per_user")
        ):
            counted = self._msp_counted(line)
            before = line._msp_snapshot_records()
            result.append(
                (line, line.msp_billing_mode, counted, counted - before, before - counted)
            )
        return result

    def _msp_trueup_snapshot(self):
        for line in self.contract_line_ids.filtered("msp_billing_mode"):
            counted = self._msp_counted(line)
            if counted is not None:
                line.msp_trueup_snapshot = ",".join(str(i) for i in counted.ids)

    def action_msp_trueup(self):
        self.ensure_one()
        wizard = self.env["msp.contract.trueup.wizard"].create(
            {
                "contract_id": self.id,
                "line_ids": [
                    Command.create(vals)
                    for vals in self.env["msp.contract.trueup.wizard"]._prepare_lines(self)
                ],
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Quantity True-up"),
            "res_model": wizard._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_msp_view_leakage(self):
        """Assets that leak revenue: managed but not billed, or billed but retired."""
        customers = self.commercial_partner_id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Billing Leakage"),
            "res_model": "msp.asset",
            "view_mode": "list,form",
            "domain": self.env["msp.asset"]._msp_leakage_domain(customers),
        }

    @api.model
    def action_msp_view_leakage_all(self):
        """Billing leakage over every customer."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Billing Leakage"),
            "res_model": "msp.asset",
            "view_mode": "list,form",
            "domain": self.env["msp.asset"]._msp_leakage_domain(),
        }
