# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from freezegun import freeze_time

from odoo.fields import Command
from odoo.tests import TransactionCase, new_test_user


class MspContractCase(TransactionCase):
    """Shared data: an SLA policy, a plan (10 included hours, 100/h overage, flat + per
    workstation + per user prices, 5% SLA credit per breach capped at 20%), a customer with
    two workstations and two users, a technician with an employee. No test here."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        calendar = cls.company.resource_calendar_id
        cls.policy = cls.env["msp.sla.policy"].create(
            {
                "name": "Contract SLA",
                "calendar_id": calendar.id,
                "target_ids": [
                    Command.create(
                        {
                            "priority": "1",
                            "kind": "response",
                            "duration_minutes": 60,
                            "counting": "always",
                        }
                    )
                ],
            }
        )
        cls.team_policy = cls.env["msp.sla.policy"].create(
            {"name": "Team SLA", "calendar_id": calendar.id}
        )
        cls.team = cls.env["helpdesk.ticket.team"].create(
            {"name": "Contract desk", "msp_sla_policy_id": cls.team_policy.id}
        )
        Product = cls.env["product.product"]
        cls.product_flat = Product.create({"name": "Managed network / month", "type": "service"})
        cls.product_ws = Product.create({"name": "Managed workstation / month", "type": "service"})
        cls.product_user = Product.create({"name": "Managed user / month", "type": "service"})
        cls.product_hour = cls.env.ref("msp_service_contract.product_support_hour")
        cls.category_covered = cls.env["helpdesk.ticket.category"].create({"name": "Incident"})
        cls.category_excluded = cls.env["helpdesk.ticket.category"].create({"name": "New project"})
        cls.plan = cls.env["msp.service.plan"].create(
            {
                "name": "Business",
                "sla_policy_id": cls.policy.id,
                "included_hours": 10,
                "overage_product_id": cls.product_hour.id,
                "overage_rate": 100,
                "rollover_rule": "none",
                "excluded_category_ids": [Command.set(cls.category_excluded.ids)],
                "sla_credit_percent": 5,
                "sla_credit_cap_percent": 20,
                "line_ids": [
                    Command.create(
                        {
                            "product_id": cls.product_flat.id,
                            "billing_mode": "flat",
                            "price_unit": 500,
                        }
                    ),
                    Command.create(
                        {
                            "product_id": cls.product_ws.id,
                            "billing_mode": "per_device",
                            "asset_kind": "workstation",
                            "price_unit": 30,
                        }
                    ),
                    Command.create(
                        {
                            "product_id": cls.product_user.id,
                            "billing_mode": "per_user",
                            "price_unit": 20,
                        }
                    ),
                ],
            }
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Dental Care Ltd", "is_company": True}
        )
        cls.user_a = cls.env["res.partner"].create({"name": "Dr Ada", "parent_id": cls.customer.id})
        cls.user_b = cls.env["res.partner"].create({"name": "Dr Ben", "parent_id": cls.customer.id})
        Asset = cls.env["msp.asset"]
        cls.ws1 = Asset.create(
            {
                "name": "WS-01",
                "kind": "workstation",
                "partner_id": cls.customer.id,
                "state": "active",
                "serial_number": "SN-WS-01",
            }
        )
        cls.ws2 = Asset.create(
            {
                "name": "WS-02",
                "kind": "workstation",
                "partner_id": cls.customer.id,
                "state": "active",
                "serial_number": "SN-WS-02",
            }
        )
        cls.printer = Asset.create(
            {
                "name": "PRN-01",
                "kind": "printer",
                "partner_id": cls.customer.id,
                "state": "active",
                "serial_number": "SN-PRN-01",
            }
        )
        cls.technician = new_test_user(
            cls.env,
            login="msp_tech",
            name="Tess Technician",
            groups="msp_service_contract.msp_service_contract_group_user",
        )
        cls.manager = new_test_user(
            cls.env,
            login="msp_contract_mgr",
            groups="msp_service_contract.msp_service_contract_group_manager",
        )
        cls.employee = cls.env["hr.employee"].create(
            {"name": "Tess Technician", "user_id": cls.technician.id}
        )
        cls.project = cls.env.ref("msp_service_contract.project_managed_services")

    @classmethod
    def add_resolution_target(cls, **policy_vals):
        """Give the contract's policy a P1 resolution target of 8 hours round the clock, and
        ``policy_vals``."""
        cls.policy.write(
            {
                "target_ids": [
                    Command.create(
                        {
                            "priority": "1",
                            "kind": "resolution",
                            "duration_minutes": 8 * 60,
                            "counting": "always",
                        }
                    )
                ],
                **policy_vals,
            }
        )

    @classmethod
    def price_proposals(cls):
        """Audit proposals price workstations at 35 and users at 20 a month (the products'
        list prices), through this company's pricing table."""
        cls.product_ws.list_price = 35
        cls.product_user.list_price = 20
        cls.env["msp.audit.pricing"].create(
            [
                {
                    "basis": "workstation",
                    "product_id": cls.product_ws.id,
                    "company_id": cls.company.id,
                },
                {"basis": "user", "product_id": cls.product_user.id, "company_id": cls.company.id},
            ]
        )

    @classmethod
    def make_contract(cls, customer=None, start=date(2026, 9, 1), plan=None, assets=None, **vals):
        """A contract on ``plan`` (default: Business) covering ``assets`` (default: the two
        workstations) and the customer's users."""
        customer = customer or cls.customer
        if assets is None:
            assets = (cls.ws1 | cls.ws2) if customer == cls.customer else cls.env["msp.asset"]
        plan = plan or cls.plan
        lines = []
        for plan_line in plan.line_ids:
            quantity = {"flat": 1, "per_device": 2, "per_user": 2}[plan_line.billing_mode]
            lines.append(
                Command.create(
                    {
                        "product_id": plan_line.product_id.id,
                        "name": plan_line.product_id.name,
                        "quantity": quantity,
                        "price_unit": plan_line.price_unit,
                        "msp_billing_mode": plan_line.billing_mode,
                        "msp_asset_kind": plan_line.asset_kind,
                        "date_start": start,
                        "recurring_next_date": start,
                        **({"date_end": vals["date_end"]} if vals.get("date_end") else {}),
                    }
                )
            )
        return cls.env["contract.contract"].create(
            {
                "name": f"Business - {customer.name}",
                "partner_id": customer.id,
                "contract_type": "sale",
                "date_start": start,
                "recurring_next_date": start,
                "recurring_rule_type": "monthly",
                "recurring_invoicing_type": "pre-paid",
                "msp_plan_id": plan.id,
                "msp_covered_asset_ids": [Command.set(assets.ids)],
                "msp_covered_user_ids": [Command.set(customer.child_ids.ids)],
                "contract_line_ids": lines,
                **vals,
            }
        )

    @classmethod
    def make_ticket(cls, customer_contact=None, **vals):
        return cls.env["helpdesk.ticket"].create(
            {
                "name": "Outlook keeps crashing",
                "description": "<p>Since the update.</p>",
                "team_id": cls.team.id,
                "partner_id": (customer_contact or cls.user_a).id,
                "priority": "1",
                **vals,
            }
        )

    def log_time(self, ticket, day, hours, user=None):
        with freeze_time(day):
            return (
                self.env["account.analytic.line"]
                .with_user(user or self.technician)
                .create(
                    {
                        "name": f"Work on {ticket.name}",
                        "date": day,
                        "unit_amount": hours,
                        "msp_ticket_id": ticket.id,
                        "project_id": self.project.id,
                        "employee_id": self.employee.id,
                    }
                )
            )

    def invoice(self, contract, day):
        with freeze_time(day):
            return contract._recurring_create_invoice(day)

    def balances(self, contract):
        return {p.date_start: round(p.balance_hours, 2) for p in contract.msp_hours_period_ids}


class MspRenewalCase(MspContractCase):
    """Business plan on yearly terms: 12 months, 60 days' notice, 3% yearly increase; the
    daily renewal job run on a given day. No test here."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan.write(
            {
                "minimum_term_months": 12,
                "renewal_term_months": 12,
                "notice_days": 60,
                "yearly_increase_percent": 3,
            }
        )
        cls.cron = cls.env.ref("msp_service_contract.ir_cron_msp_renewals")

    def run_cron(self, day):
        with freeze_time(day), self.enter_registry_test_mode():
            self.cron.method_direct_trigger()


class MspExpiryCase(TransactionCase):
    """A customer of the MSP, for the expiry watch's tests (no test here)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.company.write(
            {"msp_expiry_thresholds": "60,30,7", "msp_expiry_reminder_mode": "ticket"}
        )
        cls.account_manager = new_test_user(
            cls.env,
            login="expiry_am",
            groups="msp_service_contract.msp_service_contract_group_manager",
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Harbour Dental", "is_company": True, "user_id": cls.account_manager.id}
        )
        cls.Item = cls.env["msp.expiry.item"]
        cls.cron_remind = cls.env.ref("msp_service_contract.ir_cron_msp_expiry_remind")

    def item(self, name, kind="domain", **vals):
        return self.Item.create(
            {"name": name, "kind": kind, "partner_id": self.customer.id, **vals}
        )

    def remind(self, day):
        """The daily action as the scheduler runs it (its own cursor, _commit_progress)."""
        with freeze_time(day), self.enter_registry_test_mode():
            self.cron_remind.method_direct_trigger()
        self.env.invalidate_all()
