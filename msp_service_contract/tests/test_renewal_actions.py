# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import importlib.util
from datetime import date
from pathlib import Path

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import SQL

from .common import MspRenewalCase

# The upgrade to 19.0.1.2.0: orders the contract bills lose their "To invoice"
INVOICE_STATUS_MIGRATION = (
    Path(__file__).resolve().parents[1] / "migrations" / "19.0.1.2.0" / "post-migrate.py"
)


def load_invoice_status_migration():
    spec = importlib.util.spec_from_file_location(
        "msp_service_contract_migration_19_0_1_2_0", INVOICE_STATUS_MIGRATION
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# A 1x1 PNG: the customer's drawn signature, as the portal posts it.
SIGNATURE = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAC"
    "hwGA60e6kgAAAABJRU5ErkJggg=="
)


class MspRenewalActionCase(MspRenewalCase):
    """A contract from 1 January 2025 (term ends 31 December 2025, notice date 1 November),
    an account manager who is contract manager and salesperson. No test here."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account_manager = new_test_user(
            cls.env,
            login="msp_account_mgr",
            name="Alice Account",
            groups="msp_service_contract.msp_service_contract_group_manager,"
            "sales_team.group_sale_salesman",
        )
        cls.customer.email = "office@dentalcare.example.com"
        cls.contract = cls.make_contract(start=date(2025, 1, 1), user_id=cls.account_manager.id)

    def prices(self, contract=None):
        return {
            line.product_id: line.price_unit
            for line in (contract or self.contract).contract_line_ids
        }

    def renewals_logged(self):
        return self.contract.message_ids.filtered(lambda m: "Renewed until" in (m.body or ""))

    def quote(self):
        """The renewal quotation, sent to the customer as the Send button does it."""
        action = self.contract.with_user(self.account_manager).action_msp_send_renewal_quotation()
        composer = (
            self.env["mail.compose.message"]
            .with_user(self.account_manager)
            .with_context(**action["context"])
            .create({})
        )
        composer.action_send_mail()
        return self.contract.msp_renewal_order_ids


@tagged("post_install", "-at_install")
class TestRenewalActions(MspRenewalActionCase):
    """Renew now, Do not renew and their meeting with the daily job: each path once."""

    def test_actions_wait_for_the_notice_date(self):
        with freeze_time("2025-10-31"):
            self.contract.invalidate_recordset(["msp_renewal_actionable"])
            self.assertFalse(self.contract.msp_renewal_actionable)
            for action in ("action_msp_renew_now", "action_msp_do_not_renew"):
                with self.assertRaisesRegex(UserError, "notice date"):
                    getattr(self.contract.with_user(self.account_manager), action)()
        with freeze_time("2025-11-01"):
            self.contract.invalidate_recordset(["msp_renewal_actionable"])
            self.assertTrue(self.contract.msp_renewal_actionable)

    def test_renew_now_previews_the_prices_and_the_job_does_not_renew_again(self):
        with freeze_time("2025-11-10"):
            action = self.contract.with_user(self.account_manager).action_msp_renew_now()
            wizard = (
                self.env[action["res_model"]]
                .with_user(self.account_manager)
                .with_context(**action["context"])
                .create({})
            )
            self.assertEqual(
                (wizard.term_start, wizard.term_end), (date(2026, 1, 1), date(2026, 12, 31))
            )
            self.assertEqual(wizard.increase_percent, 3)
            preview = {
                line.contract_line_id.product_id: (
                    line.quantity,
                    line.current_price,
                    line.new_price,
                )
                for line in wizard.line_ids
            }
            self.assertEqual(
                preview,
                {
                    self.product_flat: (1, 500, 515),
                    self.product_ws: (2, 30, 30.9),
                    self.product_user: (2, 20, 20.6),
                },
            )
            wizard.action_confirm()
        self.assertEqual(self.contract.msp_renewal_state, "renewed")
        self.assertEqual(self.contract.msp_term_end, date(2026, 12, 31))
        self.assertEqual(
            self.prices(),
            {self.product_flat: 515, self.product_ws: 30.9, self.product_user: 20.6},
        )
        # The daily job, that day and at the old term end: no notice, no second renewal.
        for day in (date(2025, 11, 10), date(2026, 1, 1), date(2026, 1, 2)):
            self.run_cron(day)
        self.assertEqual(self.contract.msp_renewal_state, "renewed")
        self.assertEqual(self.contract.msp_term_end, date(2026, 12, 31))
        self.assertEqual(self.prices()[self.product_flat], 515)
        self.assertEqual(len(self.renewals_logged()), 1)
        self.assertFalse(self.contract.activity_ids)

    def test_renew_now_after_the_notice_closes_the_activity_of_the_responsible(self):
        self.run_cron(date(2025, 11, 1))
        self.assertEqual(self.contract.msp_renewal_state, "renewal_due")
        self.assertEqual(self.contract.activity_ids.user_id, self.account_manager)
        with freeze_time("2025-11-20"):
            self.contract.with_user(self.account_manager)._msp_renew_now()
        self.assertFalse(self.contract.activity_ids, "the renewal activity is done")
        self.assertEqual(self.prices()[self.product_ws], 30.9, "the prepared price, once")
        self.run_cron(date(2026, 1, 1))
        self.assertEqual(self.contract.msp_term_end, date(2026, 12, 31))
        self.assertEqual(len(self.renewals_logged()), 1)

    def test_do_not_renew_logs_the_reason_and_the_job_expires_the_contract(self):
        self.run_cron(date(2025, 11, 1))
        with freeze_time("2025-11-15"):
            action = self.contract.with_user(self.account_manager).action_msp_do_not_renew()
            Wizard = self.env[action["res_model"]].with_user(self.account_manager)
            wizard = Wizard.with_context(**action["context"]).create(
                {"reason_kind": "in_house", "reason": "Hired their own IT person"}
            )
            wizard.action_confirm()
        self.assertTrue(self.contract.msp_no_renewal)
        self.assertEqual(self.contract.msp_no_renewal_reason_kind, "in_house")
        logged = self.contract.message_ids.filtered(
            lambda m: "Hired their own IT person" in (m.body or "")
        )
        self.assertEqual(len(logged), 1)
        self.assertIn("Taking IT in-house", logged.body)
        self.assertFalse(self.contract.activity_ids)
        for day in (date(2025, 11, 15), date(2026, 1, 1), date(2026, 1, 2)):
            self.run_cron(day)
        self.assertEqual(self.contract.msp_renewal_state, "expired")
        self.assertEqual(self.contract.date_end, date(2025, 12, 31))
        self.assertEqual(self.prices()[self.product_flat], 500, "no renewal price applied")
        self.assertFalse(self.renewals_logged())

    def test_do_not_renew_before_the_notice_is_sent_sends_none(self):
        with freeze_time("2025-11-01"):
            self.contract.with_user(self.account_manager)._msp_mark_no_renewal(
                "price", "Found a cheaper provider"
            )
        self.run_cron(date(2025, 11, 1))
        self.assertEqual(self.contract.msp_renewal_state, "active")
        self.assertFalse(
            self.contract.message_ids.filtered(lambda m: m.subject and "renews on" in m.subject)
        )
        self.run_cron(date(2026, 1, 1))
        self.assertEqual(self.contract.msp_renewal_state, "expired")

    def test_do_not_renew_needs_a_reason(self):
        with freeze_time("2025-11-01"):
            with self.assertRaisesRegex(UserError, "Details"):
                self.contract._msp_mark_no_renewal("price", "   ")
            with self.assertRaisesRegex(UserError, "Reason"):
                self.contract._msp_mark_no_renewal("bored", "We are bored")
        self.assertFalse(self.contract.msp_no_renewal)

    def test_renewal_activity_goes_to_a_person_never_odoobot(self):
        bot = self.env.ref("base.user_root")
        self.contract.user_id = bot
        self.plan.user_id = self.technician
        self.assertEqual(self.contract._msp_renewal_user(), self.technician, "the plan's manager")
        self.plan.user_id = False
        fallback = self.contract._msp_renewal_user()
        self.assertNotEqual(fallback, bot)
        self.assertTrue(
            fallback.has_group("msp_service_contract.msp_service_contract_group_manager")
        )
        self.run_cron(date(2025, 11, 1))
        self.assertEqual(self.contract.activity_ids.user_id, fallback)


@tagged("post_install", "-at_install")
class TestRenewalQuotation(MspRenewalActionCase):
    """The renewal quotation: the next term's lines at the renewal prices, sent with a portal
    link; confirming it renews the contract (not a new one), once."""

    def test_quotation_lines_mail_and_confirmation_renew_the_contract_once(self):
        self.run_cron(date(2025, 11, 1))
        contracts_before = self.env["contract.contract"].search_count([])
        with freeze_time("2025-11-05"):
            order = self.quote()
        self.assertEqual(len(order), 1)
        self.assertEqual(order.state, "sent")
        self.assertTrue(order.require_signature)
        self.assertEqual(order.partner_id, self.customer)
        self.assertEqual(order.msp_renewal_term_end, date(2025, 12, 31))
        lines = {
            line.product_id: (line.product_uom_qty, line.price_unit) for line in order.order_line
        }
        self.assertEqual(
            lines,
            {self.product_flat: (1, 515), self.product_ws: (2, 30.9), self.product_user: (2, 20.6)},
        )
        mail = (
            self.env["mail.mail"]
            .search([("model", "=", "sale.order"), ("res_id", "=", order.id)])
            .filtered(lambda m: self.customer in m.recipient_ids)
        )
        self.assertEqual(len(mail), 1, "sent to the customer")
        body = str(mail.body_html)
        self.assertIn("Sign Quotation", body, "with the portal link to sign")
        self.assertIn(f"access_token={order.access_token}", body)
        self.assertIn(f"res_id={order.id}", body)
        # Sending again reuses the open quotation.
        with freeze_time("2025-11-06"):
            self.assertEqual(self.quote(), order)

        order.order_line.filtered(lambda ln: ln.product_id == self.product_flat).price_unit = 510
        with freeze_time("2025-11-20"):
            order.with_user(self.account_manager).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.msp_contract_ids, "no second contract")
        self.assertEqual(self.env["contract.contract"].search_count([]), contracts_before)
        self.assertEqual(self.contract.msp_renewal_state, "renewed")
        self.assertEqual(self.contract.msp_term_end, date(2026, 12, 31))
        self.assertEqual(
            self.prices(),
            {self.product_flat: 510, self.product_ws: 30.9, self.product_user: 20.6},
            "the prices the customer accepted",
        )
        self.assertFalse(self.contract.activity_ids)
        self.run_cron(date(2026, 1, 1))
        self.assertEqual(self.contract.msp_term_end, date(2026, 12, 31))
        self.assertEqual(len(self.renewals_logged()), 1)

    def test_a_quotation_needs_sales_rights(self):
        with (
            freeze_time("2025-11-05"),
            self.assertRaisesRegex(UserError, "right to make quotations"),
        ):
            self.contract.with_user(self.manager).action_msp_send_renewal_quotation()
        self.assertFalse(self.contract.msp_renewal_order_ids)

    def test_a_salesperson_without_contract_rights_confirms_the_renewal(self):
        seller = new_test_user(
            self.env, login="msp_seller", groups="sales_team.group_sale_salesman_all_leads"
        )
        self.assertFalse(self.env["contract.contract"].with_user(seller).has_access("read"))
        with freeze_time("2025-11-05"):
            order = self.quote()
            self.env.invalidate_all()  # read again, with the salesperson's rights
            order.with_user(seller).action_confirm()
        self.assertEqual(self.contract.msp_renewal_state, "renewed")
        self.assertEqual(self.prices()[self.product_flat], 515)

    def test_a_quotation_for_a_term_already_renewed_is_cancelled_and_refused(self):
        with freeze_time("2025-11-05"):
            order = self.quote()
            self.contract._msp_renew_now()
        self.assertEqual(order.state, "cancel", "the renewal was decided by Renew now")
        order.action_draft()
        with self.assertRaisesRegex(UserError, "already renewed or ended"):
            order.action_confirm()
        self.assertEqual(self.contract.msp_term_end, date(2026, 12, 31))


@tagged("post_install", "-at_install")
class TestRenewalSignature(HttpCase, MspRenewalActionCase):
    """The customer signs the renewal quotation in the portal: the contract renews."""

    def test_portal_signature_renews_the_contract(self):
        # The portal runs today: a contract whose term ends next month.
        start = date.today().replace(day=1) - relativedelta(months=11)
        self.contract = self.make_contract(start=start, user_id=self.account_manager.id)
        term_end = self.contract.msp_term_end
        order = self.quote()
        self.assertTrue(order._has_to_be_signed())
        result = self.make_jsonrpc_request(
            f"/my/orders/{order.id}/accept?access_token={order.access_token}",
            {"name": "Dr Ada", "signature": SIGNATURE},
        )
        self.assertNotIn("error", result)
        self.env.invalidate_all()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.signed_by, "Dr Ada")
        self.assertEqual(self.contract.msp_renewal_state, "renewed")
        self.assertEqual(self.contract.msp_term_end, term_end + relativedelta(months=12))
        self.assertEqual(self.prices()[self.product_flat], 515)
        self.assertFalse(order.msp_contract_ids)


@tagged("post_install", "-at_install")
class TestRenewalLoose(MspRenewalActionCase):
    """What a renewal leaves behind: the quotation of a salesperson who sees only their own
    documents, a terminated contract's open quotation, orders the contract bills."""

    def own_documents_salesperson(self, login, name):
        """A contract manager with Sales / User: Own Documents Only."""
        return new_test_user(
            self.env,
            login=login,
            name=name,
            groups="msp_service_contract.msp_service_contract_group_manager,"
            "sales_team.group_sale_salesman",
        )

    def test_a_salesperson_of_own_documents_sends_the_renewal_of_another(self):
        own_docs = self.own_documents_salesperson("msp_own_docs", "Olga Own")
        self.assertEqual(self.contract._msp_renewal_user(), self.account_manager)
        with freeze_time("2025-11-05"):
            action = self.contract.with_user(own_docs).action_msp_send_renewal_quotation()
        order = self.contract.msp_renewal_order_ids
        self.assertEqual(len(order), 1)
        self.assertEqual(action["context"]["default_res_ids"], order.ids)
        self.assertEqual(len(order.order_line), 3)
        self.assertTrue(order.with_user(own_docs).has_access("write"), "they can send it")

    def test_the_open_quotation_of_another_salesperson_is_named_not_hidden(self):
        own_docs = self.own_documents_salesperson("msp_own_docs_2", "Otto Own")
        with freeze_time("2025-11-05"):
            order = self.quote()
            self.env.invalidate_all()
            with self.assertRaisesRegex(UserError, f"{order.name}.*Alice Account"):
                self.contract.with_user(own_docs).action_msp_send_renewal_quotation()
        self.assertEqual(self.contract.msp_renewal_order_ids, order, "no second quotation")

    def test_termination_cancels_the_open_renewal(self):
        self.run_cron(date(2025, 11, 1))
        self.assertTrue(self.contract.activity_ids)
        with freeze_time("2025-11-05"):
            self.contract.with_user(self.account_manager).action_msp_send_renewal_quotation()
        order = self.contract.msp_renewal_order_ids
        self.assertEqual(order.state, "draft")
        self.contract.with_user(self.account_manager)._msp_terminate(
            date(2025, 12, 31), "Moving to in-house IT"
        )
        self.assertEqual(order.state, "cancel", "the customer cannot sign it any more")
        self.assertFalse(self.contract.activity_ids, "the renewal activity is done")

    def test_a_confirmed_renewal_has_nothing_to_invoice(self):
        with freeze_time("2025-11-05"):
            order = self.quote()
            order.with_user(self.account_manager).action_confirm()
        self.assertEqual(self.contract.msp_renewal_state, "renewed")
        self.assertEqual(order.order_line.mapped("qty_to_invoice"), [0, 0, 0])
        self.assertEqual(order.invoice_status, "no", "the contract bills the months")

    def remediation(self):
        return self.env["product.product"].create(
            {
                "name": "Firewall remediation",
                "type": "service",
                "invoice_policy": "order",
                "list_price": 400,
            }
        )

    def plan_order(self, *one_time):
        """A confirmed order of the Business plan, with one of each of ``one_time``."""
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "msp_service_plan_id": self.plan.id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": 1})
                    for product in one_time
                ],
            }
        )
        with freeze_time("2026-09-01"):
            order.action_confirm()
        self.assertTrue(order.msp_contract_ids)
        return order

    def test_a_plan_order_invoices_its_one_time_lines_only(self):
        order = self.plan_order(self.remediation())
        monthly = order._msp_monthly_lines()
        self.assertEqual(len(monthly), len(self.plan.line_ids))
        self.assertEqual(set(monthly.mapped("qty_to_invoice")), {0})
        self.assertNotIn("to invoice", monthly.mapped("invoice_status"))
        one_time = order.order_line - monthly
        self.assertEqual((one_time.qty_to_invoice, one_time.invoice_status), (1, "to invoice"))
        self.assertEqual(order.invoice_status, "to invoice")

    def store_old_status(self, lines, orders):
        """The values versions before 19.0.1.2.0 stored, behind the ORM's back."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE sale_order_line SET qty_to_invoice = product_uom_qty, "
                "invoice_status = 'to invoice' WHERE id IN %s",
                tuple(lines.ids),
            )
        )
        self.env.cr.execute(
            SQL(
                "UPDATE sale_order SET invoice_status = 'to invoice' WHERE id IN %s",
                tuple(orders.ids),
            )
        )
        self.env.invalidate_all()

    def test_upgrade_leaves_the_months_of_confirmed_orders_to_the_contract(self):
        """Plan orders confirmed before 19.0.1.2.0 showed their monthly lines "To invoice";
        the upgrade computes them again: nothing to invoice from the order for the months,
        one-time lines untouched."""
        plan_only = self.plan_order()
        with_remediation = self.plan_order(self.remediation())
        orders = plan_only | with_remediation
        monthly = plan_only._msp_monthly_lines() | with_remediation._msp_monthly_lines()
        self.assertEqual(len(monthly), 2 * len(self.plan.line_ids))
        # Lines sold with a quantity had it to invoice (none of the customer's users: 0)
        stale = monthly.filtered("product_uom_qty")
        self.assertTrue(stale & plan_only.order_line)
        self.store_old_status(stale, orders)
        self.assertEqual(set(stale.mapped("invoice_status")), {"to invoice"})
        self.assertEqual(plan_only.invoice_status, "to invoice")

        fixed = load_invoice_status_migration().recompute_contract_order_lines(self.env)

        self.assertEqual(fixed, stale)
        self.env.invalidate_all()
        self.assertEqual(set(monthly.mapped("qty_to_invoice")), {0})
        self.assertNotIn("to invoice", monthly.mapped("invoice_status"))
        self.assertEqual(plan_only.invoice_status, "no", "the contract bills the months")
        one_time = with_remediation.order_line - monthly
        self.assertEqual((one_time.qty_to_invoice, one_time.invoice_status), (1, "to invoice"))
        self.assertEqual(with_remediation.invoice_status, "to invoice")
        self.assertFalse(
            load_invoice_status_migration().recompute_contract_order_lines(self.env),
            "nothing left to fix",
        )
