# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import MspRenewalCase


@tagged("post_install", "-at_install")
class TestRenewals(MspRenewalCase):
    """Terms, renewal notices with the increase, auto-renewal or expiry, terminations."""

    def test_mrr_stops_counting_a_line_the_day_after_it_ends(self):
        with freeze_time("2026-06-10"):
            contract = self.make_contract(start=date(2026, 6, 1))
            contract._msp_terminate(date(2026, 6, 30), "Moved to another MSP", force=True)
            self.assertEqual(contract.msp_mrr, 600.0, "still served until the end date")
        self.run_cron(date(2026, 7, 1))
        contract.invalidate_recordset(["msp_mrr", "msp_arr"])
        self.assertEqual((contract.msp_mrr, contract.msp_arr), (0.0, 0.0))

    def notices(self, contract):
        return contract.message_ids.filtered(lambda m: m.subject and "renews on" in m.subject)

    def test_renewal_due_at_the_notice_date_then_renewed_with_the_increase(self):
        contract = self.make_contract(start=date(2025, 1, 1))
        self.assertEqual(contract.msp_term_end, date(2025, 12, 31))
        self.assertEqual(contract.msp_notice_date, date(2025, 11, 1))
        self.run_cron(date(2025, 10, 31))
        self.assertEqual(contract.msp_renewal_state, "active")
        self.assertFalse(self.notices(contract))

        for _run in range(2):
            self.run_cron(date(2025, 11, 1))
        self.assertEqual(contract.msp_renewal_state, "renewal_due")
        self.assertEqual(len(self.notices(contract)), 1, "run twice, one notice")
        self.assertEqual(len(contract.activity_ids), 1)
        prices = {
            line.product_id: line.msp_renewal_price_unit for line in contract.contract_line_ids
        }
        self.assertEqual(prices[self.product_flat], 515.0)
        self.assertEqual(prices[self.product_ws], 30.9)
        self.assertEqual(prices[self.product_user], 20.6)
        self.assertIn("515", self.notices(contract).body)
        mail = self.env["mail.mail"].search(
            [
                ("model", "=", "contract.contract"),
                ("res_id", "=", contract.id),
                ("subject", "ilike", "renews on"),
            ]
        )
        self.assertEqual(mail.recipient_ids, self.customer, "the notice is emailed to the customer")

        self.run_cron(date(2026, 1, 1))
        self.assertEqual(contract.msp_renewal_state, "renewed")
        self.assertEqual(contract.msp_term_end, date(2026, 12, 31))
        flat = contract.contract_line_ids.filtered(
            lambda line: line.product_id == self.product_flat
        )
        self.assertEqual(flat.price_unit, 515.0)
        self.assertAlmostEqual(contract.msp_mrr, 515 + 2 * 30.9 + 2 * 20.6)
        # The next term's notice comes at its own notice date, once.
        self.run_cron(date(2026, 11, 1))
        self.assertEqual(len(self.notices(contract)), 2)

    def test_expiry_without_auto_renew(self):
        self.plan.auto_renew = False
        contract = self.make_contract(start=date(2025, 1, 1))
        self.run_cron(date(2025, 11, 1))
        self.run_cron(date(2026, 1, 1))
        self.assertEqual(contract.msp_renewal_state, "expired")
        self.assertEqual(contract.date_end, date(2025, 12, 31))
        self.assertEqual(contract.msp_mrr, 0.0)
        self.assertEqual(set(contract.contract_line_ids.mapped("date_end")), {date(2025, 12, 31)})
        ticket = self.make_ticket()
        with freeze_time("2026-01-05"):
            self.assertEqual(
                ticket._msp_coverage_on(date(2026, 1, 5))[1:], ("not_covered", "Contract expired")
            )

    def test_termination_rules(self):
        contract = self.make_contract(start=date(2025, 1, 1))
        with self.assertRaisesRegex(UserError, "before it starts"):
            contract.with_user(self.manager)._msp_terminate(
                date(2024, 12, 1), "Moved away", force=True
            )
        with self.assertRaisesRegex(UserError, "minimum term"):
            contract.with_user(self.manager)._msp_terminate(date(2025, 6, 30), "Too expensive")
        with self.assertRaisesRegex(UserError, "minimum term"):
            contract.with_user(self.manager)._msp_terminate(date(2025, 6, 30), "  ", force=True)
        self.assertEqual(contract.msp_renewal_state, "active")
        wizard = (
            self.env["msp.contract.terminate.wizard"]
            .with_user(self.manager)
            .create(
                {
                    "contract_id": contract.id,
                    "date": date(2025, 6, 30),
                    "reason": "Practice sold",
                    "force": True,
                }
            )
        )
        wizard.action_confirm()
        self.assertEqual(contract.msp_renewal_state, "terminated")
        self.assertEqual(contract.msp_termination_reason, "Practice sold")
        self.assertEqual(contract.date_end, date(2025, 6, 30))
        self.assertAlmostEqual(
            contract.msp_mrr, 0.0 if date.today() > date(2025, 6, 30) else contract.msp_mrr
        )

    def test_termination_after_the_minimum_term_needs_no_force(self):
        contract = self.make_contract(start=date(2025, 1, 1))
        contract._msp_terminate(date(2026, 1, 31), "Moving to in-house IT")
        self.assertEqual(contract.msp_renewal_state, "terminated")

    def test_bad_renewal_terms_are_refused(self):
        for values, message in (
            ({"yearly_increase_percent": -120}, "between -100% and"),
            ({"yearly_increase_percent": 40}, "between -100% and"),
            ({"notice_days": 400}, "must be shorter than"),
        ):
            # Odoo's assertRaises rolls the refused write back (cache included).
            with self.assertRaises(ValidationError) as caught:
                self.plan.write(values)
            self.assertIn(message, str(caught.exception))
        self.env["ir.config_parameter"].set_param("msp_service_contract.max_increase_percent", 50)
        self.plan.write({"yearly_increase_percent": 40})
        self.assertEqual(self.plan.yearly_increase_percent, 40)
