# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain


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
            & Domain("msp_notice_date", "<=", today)
        )

    @api.model
    def _msp_term_end_domain(self, today):
        return Domain("msp_renewal_state", "=", "renewal_due") & Domain("msp_term_end", "<", today)

    @api.model
    def _cron_msp_renewals(self):
        """Daily: mark renewals due (activity and notice with the new prices), then renew or
        expire the contracts whose term ended, then drop ended lines from MRR and ARR. Exactly
        once per contract and term: a contract is picked only in the state the step leaves,
        under a row lock another worker skips."""
        today = fields.Date.context_today(self)
        for domain, step in (
            (self._msp_renewal_domain(today), "_msp_prepare_renewal"),
            (self._msp_term_end_domain(today), "_msp_end_term"),
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
        ended = self.search([("msp_mrr", "!=", 0), ("contract_line_ids.date_end", "<", today)])
        if ended:
            for name in ("msp_mrr", "msp_arr"):
                self.env.add_to_compute(self._fields[name], ended)
            ended.flush_recordset(["msp_mrr", "msp_arr"])

    def _msp_prepare_renewal(self):
        template = self.env.ref(
            "msp_service_contract.mail_template_renewal_notice", raise_if_not_found=False
        )
        todo = self.env.ref("mail.mail_activity_data_todo")
        activities = []
        for contract in self:
            increase = contract.msp_plan_id.yearly_increase_percent
            for line in contract.contract_line_ids.filtered(lambda ln: not ln.display_type):
                line.msp_renewal_price_unit = round(line.price_unit * (1 + increase / 100), 2)
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
                    "activity_type_id": todo.id,
                    "date_deadline": contract.msp_term_end,
                    "summary": self.env._(
                        "Renewal due: the term ends on %s", contract.msp_term_end
                    ),
                    "user_id": (contract.user_id or self.env.user).id,
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
            if contract.msp_plan_id.auto_renew:
                contract._msp_renew()
            else:
                contract.write({"msp_renewal_state": "expired", "date_end": contract.msp_term_end})
                contract._msp_end_lines(contract.msp_term_end)
                contract.message_post(
                    body=self.env._("The term ended without renewal: contract expired.")
                )

    def _msp_renew(self):
        """Start the next term at the prepared prices."""
        self.ensure_one()
        old_end = self.msp_term_end
        new_end = old_end + relativedelta(months=self.msp_plan_id.renewal_term_months or 12)
        for line in self.contract_line_ids.filtered(
            lambda ln: not ln.display_type and ln.msp_renewal_price_unit
        ):
            line.write({"price_unit": line.msp_renewal_price_unit, "msp_renewal_price_unit": 0.0})
        self.write({"msp_renewal_state": "renewed", "msp_term_end": new_end})
        self.message_post(
            body=self.env._(
                "Renewed until %(end)s with a %(increase)s%% price change.",
                end=new_end,
                increase=self.msp_renewal_increase_percent,
            )
        )
