# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime, timedelta

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, ValidationError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import MspContractCase


@tagged("post_install", "-at_install")
class TestSecurityAndBadInput(MspContractCase):
    """Technicians log time and see coverage, not prices; bad data is refused."""

    def test_technician_logs_time_and_sees_coverage_not_prices(self):
        self.make_contract()
        ticket = self.make_ticket()
        line = self.log_time(ticket, date(2026, 9, 10), 1.5, user=self.technician)
        as_tech = ticket.with_user(self.technician)
        self.assertEqual(as_tech.msp_coverage, "covered")
        self.assertEqual(line.with_user(self.technician).msp_coverage, "covered")
        self.assertTrue(self.plan.with_user(self.technician).name)
        with self.assertRaises(AccessError):
            self.plan.with_user(self.technician).read(["overage_rate"])
        with self.assertRaises(AccessError):
            self.plan.line_ids.with_user(self.technician).read(["price_unit"])
        with self.assertRaises(AccessError):
            self.env["contract.contract"].with_user(self.technician).search([]).read(["msp_mrr"])

    def test_technician_prices_exactly_as_documented(self):
        """Technicians read the catalogue list price of a product and the price lists, a
        customer's own included, and none of the plan's, the contract's, the invoice's or the
        quotation's prices (docs/service-contracts.md, Security)."""
        contract = self.make_contract()
        self.product_ws.list_price = 35
        customer_prices = self.env["product.pricelist"].create(
            {
                "name": "Dental Care Ltd prices",
                "item_ids": [
                    Command.create(
                        {
                            "applied_on": "0_product_variant",
                            "product_id": self.product_ws.id,
                            "compute_price": "fixed",
                            "fixed_price": 29,
                        }
                    )
                ],
            }
        )
        self.customer.property_product_pricelist = customer_prices
        tech = self.technician
        self.assertEqual(self.product_ws.with_user(tech).list_price, 35)
        self.assertEqual(customer_prices.item_ids.with_user(tech).fixed_price, 29)
        self.assertEqual(customer_prices.with_user(tech).name, "Dental Care Ltd prices")
        refused = [
            (contract.contract_line_ids, ["price_unit"]),
            (contract, ["msp_mrr"]),
            (self.plan, ["overage_rate", "sla_credit_percent"]),
            (self.plan.line_ids, ["price_unit"]),
        ]
        invoice = self.invoice(contract, date(2026, 9, 1))
        refused.append((invoice, ["amount_total"]))
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [Command.create({"product_id": self.product_ws.id})],
            }
        )
        refused.append((order, ["amount_total"]))
        for records, fields in refused:
            with self.subTest(model=records._name), self.assertRaises(AccessError):
                records.with_user(tech).read(fields)

    def test_salesperson_who_logs_time_opens_a_confirmed_order(self):
        """Timesheet rights without Project rights: the order form opens (no access error)."""
        seller = new_test_user(
            self.env,
            login="msp_sales_tech",
            groups="sales_team.group_sale_salesman,msp_service_contract.msp_service_contract_group_user",
        )
        self.assertFalse(seller.has_group("project.group_project_user"))
        self.assertTrue(seller.has_group("hr_timesheet.group_hr_timesheet_user"))
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "user_id": seller.id,
                "order_line": [Command.create({"product_id": self.product_hour.id})],
            }
        )
        order.action_confirm()
        as_seller = order.with_user(seller)
        form = as_seller.get_views([(False, "form")])["models"]["sale.order"]["fields"]
        self.assertIn("show_hours_recorded_button", form)
        values = as_seller.web_read({name: {} for name in form})[0]
        self.assertFalse(values["show_hours_recorded_button"], "no time recorded on the order")

    def test_integration_users_make_keys_for_a_year(self):
        """The MSP API integration group allows keys of up to 365 days, and no more."""
        plain = new_test_user(self.env, login="msp_api_plain", groups="base.group_user")
        integration = new_test_user(
            self.env,
            login="msp_api_rmm",
            groups="base.group_user,msp_service_contract.msp_group_api_integration",
        )
        Keys = self.env["res.users.apikeys"]
        in_300_days = datetime.now() + timedelta(days=300)
        with self.assertRaises(ValidationError):
            Keys.with_user(plain)._generate("rpc", "RMM", in_300_days)
        self.assertTrue(Keys.with_user(integration)._generate("rpc", "RMM", in_300_days))
        with self.assertRaises(ValidationError):
            Keys.with_user(integration)._generate("rpc", "RMM", in_300_days + timedelta(days=90))
        self.assertFalse(
            self.env.ref("msp_service_contract.msp_group_api_integration").all_implied_ids
            - self.env.ref("msp_service_contract.msp_group_api_integration"),
            "no rights by itself",
        )

    def assertRefused(self, call, message, model):
        try:
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                call()
                self.env.flush_all()
        except (ValidationError, IntegrityError) as error:
            if isinstance(error, IntegrityError):
                self.env.invalidate_all()
                error = self.env[model]._sql_error_to_message(error)
            self.assertIn(message, str(error))
        else:
            self.fail(f"not refused: {message}")

    def test_bad_input_is_refused(self):
        Plan = self.env["msp.service.plan"]
        self.assertRefused(
            lambda: Plan.create(
                {"name": "Bad", "sla_policy_id": self.policy.id, "included_hours": -1}
            ),
            "Included Hours / Period -1 is out of range",
            "msp.service.plan",
        )
        self.assertRefused(
            lambda: Plan.create(
                {"name": "Bad", "sla_policy_id": self.policy.id, "rollover_cap_hours": -2}
            ),
            "Rollover Cap (hours) -2 is out of range",
            "msp.service.plan",
        )
        self.assertRefused(
            lambda: Plan.create({"name": "No SLA"}), "choose the SLA policy", "msp.service.plan"
        )
        self.assertRefused(
            lambda: self.plan.write(
                {
                    "line_ids": [
                        Command.create(
                            {"product_id": self.product_ws.id, "billing_mode": "per_device"}
                        )
                    ]
                }
            ),
            "needs the kind of device",
            "msp.service.plan.line",
        )
        self.assertRefused(
            lambda: self.plan.write(
                {
                    "line_ids": [
                        Command.create({"product_id": self.product_flat.id, "price_unit": -5})
                    ]
                }
            ),
            "Price / Month -5 is out of range",
            "msp.service.plan.line",
        )
        contract = self.make_contract(start=date(2026, 9, 1))
        self.assertRefused(
            lambda: contract.write({"date_end": date(2026, 8, 1)}),
            "before it starts",
            "contract.contract",
        )
        stranger = self.env["res.partner"].create({"name": "Stranger Inc", "is_company": True})
        foreign = self.env["msp.asset"].create(
            {
                "name": "X-1",
                "kind": "workstation",
                "partner_id": stranger.id,
                "serial_number": "SN-X-1",
            }
        )
        self.assertRefused(
            lambda: self.make_contract(assets=foreign),
            "belong to another customer",
            "contract.contract",
        )
        self.assertFalse(Plan.search([("name", "in", ("Bad", "No SLA"))]))
