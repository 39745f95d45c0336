# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime

from freezegun import freeze_time

from odoo.tests import tagged

from .common import MspContractCase


@tagged("post_install", "-at_install")
class TestSettlementRebilled(MspContractCase):
    """A settled month's overage and SLA credit are billed once: on the invoice that settled
    the month, or, when that draft invoice is deleted, on the next one."""

    def _september_with_overage_and_breach(self):
        contract = self.make_contract()
        with freeze_time(datetime(2026, 9, 8, 9, 0)):
            ticket = self.make_ticket(msp_asset_id=self.ws1.id)
        self.log_time(ticket, date(2026, 9, 8), 12.0)
        with freeze_time(datetime(2026, 9, 8, 11, 0)):
            self.env["msp.sla.event"]._msp_sla_log(
                ticket.msp_sla_clock_ids.sudo()._msp_mark_breached()
            )
        self.invoice(contract, date(2026, 9, 1))
        return contract

    def _kinds(self, invoice):
        return {
            line.msp_line_kind: line for line in invoice.invoice_line_ids.filtered("msp_line_kind")
        }

    def test_deleted_draft_invoice_bills_overage_and_credit_again(self):
        contract = self._september_with_overage_and_breach()
        october = self.invoice(contract, date(2026, 10, 1))
        kinds = self._kinds(october)
        self.assertAlmostEqual(kinds["overage"].quantity, 2.0)
        self.assertAlmostEqual(kinds["sla_credit"].price_unit, -0.05 * contract.msp_mrr)
        october.unlink()

        november = self.invoice(contract, date(2026, 11, 1))
        september = contract.msp_hours_period_ids.filtered(
            lambda p: p.date_start == date(2026, 9, 1)
        )
        overage = november.invoice_line_ids.filtered(
            lambda ln: ln.msp_line_kind == "overage" and ln.msp_hours_period_id == september
        )
        credit = november.invoice_line_ids.filtered(
            lambda ln: ln.msp_line_kind == "sla_credit" and ln.msp_hours_period_id == september
        )
        self.assertAlmostEqual(overage.quantity, 2.0, "September's overage billed again")
        self.assertAlmostEqual(
            credit.price_unit, -0.05 * contract.msp_mrr, "September's credit given again"
        )
        self.assertEqual(september.credit_line_id, credit)
        self.assertEqual(
            september.entry_ids.filtered(lambda e: e.kind == "overage").invoice_line_id, overage
        )

        december = self.invoice(contract, date(2026, 12, 1))
        self.assertFalse(
            december.invoice_line_ids.filtered(lambda ln: ln.msp_hours_period_id == september),
            "billed once, not at every invoice",
        )

    def test_kept_invoice_is_not_billed_twice(self):
        contract = self._september_with_overage_and_breach()
        self.invoice(contract, date(2026, 10, 1))
        november = self.invoice(contract, date(2026, 11, 1))
        self.assertFalse(
            november.invoice_line_ids.filtered(
                lambda ln: (
                    ln.msp_line_kind in ("overage", "sla_credit")
                    and ln.msp_hours_period_id.date_start == date(2026, 9, 1)
                )
            )
        )
