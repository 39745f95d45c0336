# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command, Domain

NO_RENEWAL_REASONS = [
    ("price", "Price too high"),
    ("competitor", "Moving to another provider"),
    ("in_house", "Taking IT in-house"),
    ("closing", "Business closing or sold"),
    ("not_needed", "Service no longer needed"),
    ("dissatisfied", "Unhappy with the service"),
    ("other", "Other"),
]


class ContractContract(models.Model):
    """Terms, renewals and terminations of service contracts."""

    _inherit = "contract.contract"

    msp_term_end = fields.Date(
        string="Term Ends",
        compute="_compute_msp_term_end",
        store=True,
        readonly=False,
        tracking=True,
        help="End of the current term: the minimum term from the start, then each renewal term.",
    )
    msp_notice_date = fields.Date(
        string="Notice Date",
        compute="_compute_msp_notice_date",
        store=True,
        index="btree_not_null",
        help="From this day the renewal is due: the term end minus the plan's notice period.",
    )
    msp_renewal_prepared_for = fields.Date(
        readonly=True, copy=False, help="The term end whose renewal was prepared and notified."
    )
    msp_renewal_increase_percent = fields.Float(
        string="Renewal Increase (%)", readonly=True, copy=False
    )
    msp_no_renewal = fields.Boolean(
        string="Do Not Renew",
        readonly=True,
        copy=False,
        tracking=True,
        help="Decided not to renew: the contract expires at the end of its term.",
    )
    msp_no_renewal_reason_kind = fields.Selection(
        NO_RENEWAL_REASONS, string="Non-renewal Reason", readonly=True, copy=False, tracking=True
    )
    msp_no_renewal_reason = fields.Text(
        string="Non-renewal Details", readonly=True, copy=False, tracking=True
    )
    msp_renewal_order_ids = fields.One2many(
        "sale.order", "msp_renewal_contract_id", string="Renewal Quotations"
    )
    msp_renewal_actionable = fields.Boolean(
        compute="_compute_msp_renewal_actionable",
        help="The renewal can be decided now: the notice period has started and the contract "
        "runs (active, renewal due or renewed).",
    )

    @api.depends("msp_plan_id", "msp_renewal_state", "msp_notice_date")
    @api.depends_context("tz")
    def _compute_msp_renewal_actionable(self):
        today = fields.Date.context_today(self)
        for contract in self:
            contract.msp_renewal_actionable = bool(
                contract.msp_plan_id
                and contract.msp_renewal_state in ("active", "renewal_due", "renewed")
                and contract.msp_notice_date
                and contract.msp_notice_date <= today
            )

    @api.depends("date_start", "msp_plan_id.minimum_term_months")
    def _compute_msp_term_end(self):
        for contract in self:
            months = contract.msp_plan_id.minimum_term_months
            contract.msp_term_end = (
                contract.date_start + relativedelta(months=months, days=-1)
                if contract.date_start and months
                else False
            )

    @api.depends("msp_term_end", "msp_plan_id.notice_days")
    def _compute_msp_notice_date(self):
        for contract in self:
            contract.msp_notice_date = (
                contract.msp_term_end - relativedelta(days=contract.msp_plan_id.notice_days)
                if contract.msp_term_end
                else False
            )

    def _msp_minimum_term_end(self):
        self.ensure_one()
        months = self.msp_plan_id.minimum_term_months
        return (
            self.date_start + relativedelta(months=months, days=-1)
            if self.date_start and months
            else None
        )

    # ------------------------------------------------------------------
    # Termination
    # ------------------------------------------------------------------

    def _msp_terminate(self, day, reason, force=False):
        """End the contract on ``day``. Before the minimum term only a manager may, and only
        with a reason (forced); never before the contract starts."""
        self.ensure_one()
        if self.date_start and day < self.date_start:
            raise UserError(
                self.env._(
                    "Contract %(contract)s cannot end on %(day)s, before it starts (%(start)s).",
                    contract=self.display_name,
                    day=day,
                    start=self.date_start,
                )
            )
        minimum = self._msp_minimum_term_end()
        if minimum and day < minimum:
            if not force or not (reason or "").strip():
                raise UserError(
                    self.env._(
                        "Contract %(contract)s runs at least until %(minimum)s (its minimum "
                        "term). A manager can force an earlier end, with a reason.",
                        contract=self.display_name,
                        minimum=minimum,
                    )
                )
            if not self.env.user.has_group(
                "msp_service_contract.msp_service_contract_group_manager"
            ):
                raise UserError(
                    self.env._(
                        "Only a contract manager can end a contract before its minimum term."
                    )
                )
        self.write(
            {
                "msp_renewal_state": "terminated",
                "msp_termination_reason": reason,
                "date_end": day,
            }
        )
        self._msp_end_lines(day)
        # No renewal after a termination: the customer must not sign the open quotation.
        self._msp_close_renewal(self.env._("Contract terminated on %s.", day))
        self.message_post(
            body=self.env._(
                "Contract terminated on %(day)s. Reason: %(reason)s", day=day, reason=reason or "-"
            )
        )

    def _msp_end_lines(self, day):
        """End the contract's recurring lines on ``day`` (those running later)."""
        self.contract_line_ids.filtered(
            lambda line: not line.date_end or line.date_end > day
        ).write({"date_end": day})

    # ------------------------------------------------------------------
    # Renewals
    # ------------------------------------------------------------------

    @api.model
    def _msp_renewal_domain(self, today):
        """Contracts whose renewal is due and not yet prepared for their current term."""
        return (
            Domain("msp_plan_id", "!=", False)
            & Domain("msp_renewal_state", "in", ("active", "renewed"))
            & Domain("msp_no_renewal", "=", False)
            & Domain("msp_notice_date", "<=", today)
        )

    @api.model
    def _msp_term_end_domain(self, today):
        """Contracts whose term ended: renewal due, or marked not to renew before the
        renewal was prepared."""
        return (
            Domain("msp_renewal_state", "=", "renewal_due")
            | (
                Domain("msp_no_renewal", "=", True)
                & Domain("msp_renewal_state", "in", ("active", "renewed"))
            )
        ) & Domain("msp_term_end", "<", today)

    @api.model
    def _cron_msp_renewals(self):
        """Daily: mark renewals due (activity and notice with the new prices), then renew or
        expire the contracts whose term ended, then drop ended lines from MRR and ARR. Exactly
        once per contract and term: a contract is picked only in the state the step leaves,
        under a row lock another worker skips."""
        # each company's contracts on its own clock: the day that is today where it is
        days = {company: company._msp_today() for company in self._msp_companies(Domain.TRUE)}

        def on_their_day(condition):
            return Domain.OR(
                Domain("company_id", "=", company.id) & condition(today)
                for company, today in days.items()
            )

        for domain, step in (
            (on_their_day(self._msp_renewal_domain), "_msp_prepare_renewal"),
            (on_their_day(self._msp_term_end_domain), "_msp_end_term"),
        ):
            while True:
                candidates = self.search(domain, limit=200, order="msp_notice_date, id")
                if not candidates:
                    break
                locked = candidates.try_lock_for_update()
                locked.invalidate_recordset()
                locked = locked.filtered_domain(domain)
                getattr(locked, step)()
                if self.env["ir.cron"]._commit_progress(len(locked)) <= 0:
                    return  # out of time: tomorrow's run picks up what is left
                if len(candidates) < 200 or not locked:
                    break
        # MRR and ARR count the lines running today: a line that ended (a termination, a
        # removed service) stops counting the day after, which no write tells the compute.
        ended = self.search(
            Domain("msp_mrr", "!=", 0)
            & on_their_day(lambda today: Domain("contract_line_ids.date_end", "<", today))
        )
        if ended:
            for name in ("msp_mrr", "msp_arr"):
                self.env.add_to_compute(self._fields[name], ended)
            ended.flush_recordset(["msp_mrr", "msp_arr"])

    def _msp_prepare_renewal(self):
        template = self.env.ref(
            "msp_service_contract.mail_template_renewal_notice", raise_if_not_found=False
        )
        activity_type = self.env.ref("msp_service_contract.mail_activity_type_renewal")
        activities = []
        for contract in self:
            increase = contract.msp_plan_id.yearly_increase_percent
            for line, price in contract._msp_next_term_prices().items():
                line.msp_renewal_price_unit = price
            contract.write(
                {
                    "msp_renewal_state": "renewal_due",
                    "msp_renewal_prepared_for": contract.msp_term_end,
                    "msp_renewal_increase_percent": increase,
                }
            )
            activities.append(
                {
                    "res_model_id": self.env["ir.model"]._get_id(self._name),
                    "res_id": contract.id,
                    "activity_type_id": activity_type.id,
                    "date_deadline": contract.msp_term_end,
                    "summary": self.env._(
                        "Renewal due: the term ends on %s", contract.msp_term_end
                    ),
                    "user_id": contract._msp_renewal_user().id,
                }
            )
        self.env["mail.activity"].create(activities)
        if template:
            self._msp_send_renewal_notices(template)

    def _msp_send_renewal_notices(self, template):
        """Email each customer its renewal notice, rendered for the whole batch at once and
        put in the mail queue (sent by its scheduled action, not by SMTP inside the renewal
        run); the contracts' chatter says it was sent."""
        template.send_mail_batch(self.ids, email_layout_xmlid="mail.mail_notification_light")
        self._message_log_batch(
            bodies={
                contract.id: self.env._(
                    "Renewal notice sent to %(customer)s: the term ends on %(end)s.",
                    customer=contract.partner_id.display_name,
                    end=contract.msp_term_end,
                )
                for contract in self
            }
        )

    def _msp_end_term(self):
        for contract in self:
            if contract.msp_plan_id.auto_renew and not contract.msp_no_renewal:
                contract._msp_renew()
            else:
                contract._msp_expire()

    def _msp_expire(self):
        """End the contract and its lines at the term end (no renewal)."""
        self.ensure_one()
        self.write({"msp_renewal_state": "expired", "date_end": self.msp_term_end})
        self._msp_end_lines(self.msp_term_end)
        self._msp_close_renewal(self.env._("Expired at the end of its term."))
        self.message_post(body=self.env._("The term ended without renewal: contract expired."))

    def _msp_renew(self, prices=None, order=None):
        """Start the next term at the prepared prices, or at ``prices`` ({contract line:
        price}, from the renewal quotation ``order`` once confirmed). The one renewal step
        of the daily job, Renew now and renewal quotations."""
        self.ensure_one()
        new_end = self._msp_next_term()[1]
        if prices is None:
            prices = {
                line: line.msp_renewal_price_unit
                for line in self.contract_line_ids.filtered(
                    lambda ln: not ln.display_type and ln.msp_renewal_price_unit
                )
            }
        for line, price in prices.items():
            line.write({"price_unit": price, "msp_renewal_price_unit": 0.0})
        self.contract_line_ids.filtered("msp_renewal_price_unit").msp_renewal_price_unit = 0.0
        self.write(
            {
                "msp_renewal_state": "renewed",
                "msp_term_end": new_end,
                "msp_no_renewal": False,
            }
        )
        self._msp_close_renewal(self.env._("Contract renewed."), keep_order=order)
        if order:
            body = self.env._(
                "Renewed until %(end)s at the prices of quotation %(order)s.",
                end=new_end,
                order=order.name,
            )
        else:
            body = self.env._(
                "Renewed until %(end)s with a %(increase)s%% price change.",
                end=new_end,
                increase=self.msp_renewal_increase_percent,
            )
        self.message_post(body=body)

    def _msp_close_renewal(self, feedback, keep_order=None):
        """The renewal of this term is decided: its activity is done and the renewal
        quotations still open (but ``keep_order``) are cancelled."""
        self.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref("msp_service_contract.mail_activity_type_renewal")
            )
        ).action_feedback(feedback=feedback)
        open_orders = self.msp_renewal_order_ids.filtered(
            lambda o: o.state in ("draft", "sent")
        ) - (keep_order or self.env["sale.order"])
        if open_orders:
            # sudo: the quotations of this contract's renewal, cancelled because the renewal
            # was decided by another path (a contract manager may not be a salesperson)
            open_orders.sudo()._action_cancel()

    # ------------------------------------------------------------------
    # Renewals people run: Renew now, renewal quotation, Do not renew
    # ------------------------------------------------------------------

    def _msp_next_term(self):
        """(first day, last day) of the term after the current one."""
        self.ensure_one()
        return (
            self.msp_term_end + relativedelta(days=1),
            self.msp_term_end + relativedelta(months=self.msp_plan_id.renewal_term_months or 12),
        )

    def _msp_next_term_prices(self):
        """{recurring line: price of the next term}: the prepared price once the renewal is
        due, else the current price with the plan's yearly increase."""
        self.ensure_one()
        increase = self.msp_plan_id.yearly_increase_percent
        prepared = self.msp_renewal_state == "renewal_due"
        return {
            line: (
                line.msp_renewal_price_unit
                if prepared and line.msp_renewal_price_unit
                else round(line.price_unit * (1 + increase / 100), 2)
            )
            for line in self.contract_line_ids.filtered(lambda ln: not ln.display_type)
        }

    def _msp_renewal_user(self):
        """Who handles the renewal: the contract's responsible, else the plan's account
        manager, else a contract manager of the company; never OdooBot."""
        self.ensure_one()
        bot = self.env.ref("base.user_root")
        for user in (self.user_id, self.msp_plan_id.user_id):
            if user and user != bot and user.active and not user.share:
                return user
        # sudo: lists the group's users to pick whom the activity goes to; nothing is written
        managers = (
            self.env.ref("msp_service_contract.msp_service_contract_group_manager")
            .sudo()
            .all_user_ids.filtered(
                lambda u: u != bot and u.active and not u.share and self.company_id in u.company_ids
            )
        )
        return managers.sorted("id")[:1] or self.env.user

    def _msp_check_renewal_actionable(self):
        self.ensure_one()
        if not self.msp_renewal_actionable:
            raise UserError(
                self.env._(
                    "The renewal of %(contract)s cannot be decided now: it must run (state "
                    "%(state)s) and have reached its notice date (%(notice)s).",
                    contract=self.display_name,
                    state=dict(self._fields["msp_renewal_state"].selection).get(
                        self.msp_renewal_state
                    ),
                    notice=self.msp_notice_date or "-",
                )
            )

    def _msp_wizard_action(self, model, name):
        self._msp_check_renewal_actionable()
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "form",
            "target": "new",
            "context": {"default_contract_id": self.id},
        }

    def action_msp_renew_now(self):
        self.ensure_one()
        return self._msp_wizard_action("msp.contract.renew.wizard", self.env._("Renew Now"))

    def action_msp_do_not_renew(self):
        self.ensure_one()
        return self._msp_wizard_action("msp.contract.no.renewal.wizard", self.env._("Do Not Renew"))

    def _msp_renew_now(self):
        """Renew at once, at the previewed prices: the renewal step of the daily job."""
        self.ensure_one()
        self._msp_check_renewal_actionable()
        if self.msp_renewal_state != "renewal_due":
            for line, price in self._msp_next_term_prices().items():
                line.msp_renewal_price_unit = price
            self.msp_renewal_increase_percent = self.msp_plan_id.yearly_increase_percent
        if self.msp_no_renewal:
            self.message_post(body=self.env._("Renewed after all: the non-renewal is withdrawn."))
        self._msp_renew()

    def _msp_mark_no_renewal(self, kind, reason):
        """Do not renew: the contract expires at its term end; the reason is logged."""
        self.ensure_one()
        self._msp_check_renewal_actionable()
        if not (reason or "").strip():
            raise UserError(
                self.env._("Give the reason not to renew %s (field Details).", self.display_name)
            )
        label = dict(NO_RENEWAL_REASONS).get(kind)
        if not label:
            raise UserError(
                self.env._("Choose a known reason not to renew (field Reason), got %r.", kind)
            )
        self.write(
            {
                "msp_no_renewal": True,
                "msp_no_renewal_reason_kind": kind,
                "msp_no_renewal_reason": reason.strip(),
            }
        )
        self._msp_close_renewal(self.env._("Not renewed: %s", label))
        self.message_post(
            body=self.env._(
                "Will not renew: the contract expires on %(end)s. Reason: %(label)s. %(reason)s",
                end=self.msp_term_end,
                label=label,
                reason=reason.strip(),
            )
        )

    def action_msp_send_renewal_quotation(self):
        """Quote the next term (the open renewal quotation, else a new one) and open the
        e-mail to the customer, with the link to sign it in the portal."""
        self.ensure_one()
        self._msp_check_renewal_actionable()
        if not self.env["sale.order"].has_access("create"):
            raise UserError(
                self.env._(
                    "Sending a renewal quotation needs the right to make quotations (Sales): "
                    "ask an administrator, or use Renew Now."
                )
            )
        # sudo: find the open quotation even when it is another salesperson's (record rules
        # would hide it and a second quotation be made); it is used only if the user may.
        order = self.sudo().msp_renewal_order_ids.filtered(
            lambda o: o.state in ("draft", "sent") and o.msp_renewal_term_end == self.msp_term_end
        )[:1]
        if order and not order.with_env(self.env).has_access("write"):
            raise UserError(
                self.env._(
                    "The renewal quotation %(order)s of %(contract)s is %(salesperson)s's: ask "
                    "them or a sales manager to send it.",
                    order=order.name,
                    contract=self.display_name,
                    salesperson=order.user_id.name,
                )
            )
        order = order.with_env(self.env) or self._msp_create_renewal_quotation()
        return order.action_quotation_send()

    def _msp_renewal_quotation_user(self):
        """The salesperson of the renewal quotation: the renewal's responsible when the
        person sending it may handle that salesperson's quotations, else that person (a
        salesperson of their own documents only could neither fill nor send a quotation of
        someone else's)."""
        self.ensure_one()
        if self.env.user.has_group("sales_team.group_sale_salesman_all_leads"):
            return self._msp_renewal_user()
        return self.env.user

    def _msp_create_renewal_quotation(self):
        self.ensure_one()
        start, end = self._msp_next_term()
        lines = [
            Command.create(
                {
                    "product_id": line.product_id.id,
                    "name": line.name,
                    "product_uom_qty": line.quantity,
                    "product_uom_id": line.uom_id.id,
                    "price_unit": price,
                    "discount": line.discount,
                    "msp_renewal_line_id": line.id,
                }
            )
            for line, price in self._msp_next_term_prices().items()
        ]
        order = self.env["sale.order"].create(
            {
                "partner_id": self.partner_id.id,
                "company_id": self.company_id.id,
                "user_id": self._msp_renewal_quotation_user().id,
                "origin": self.name,
                "validity_date": self.msp_term_end,
                # Signed in the portal; paid by the contract's monthly invoices.
                "require_signature": True,
                "require_payment": False,
                "msp_renewal_contract_id": self.id,
                "msp_renewal_term_end": self.msp_term_end,
                "note": self.env._(
                    "Renewal of %(contract)s for the term from %(start)s to %(end)s: "
                    "monthly prices.",
                    contract=self.name,
                    start=start,
                    end=end,
                ),
                "order_line": lines,
            }
        )
        self.message_post(
            body=self.env._(
                "Renewal quotation %(order)s prepared for the term from %(start)s to %(end)s.",
                order=order.name,
                start=start,
                end=end,
            )
        )
        return order
