# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo.addons.base.models.ir_cron import IrCron
from odoo.fields import Command
from odoo.tests import tagged

from .common import MspContractCase

# Long before the demo contracts start, so that only the test's contracts are due.
TODAY = date(2021, 3, 1)


class WorkerKilled(BaseException):
    """A worker dying between two batches (not an error the scheduler would retry)."""


@tagged("post_install", "-at_install")
class TestInvoicingExactlyOnce(MspContractCase):
    """One invoice per contract and period, whatever OCA's cron does underneath."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cron = cls.env.ref("contract.contract_cron_for_invoice")
        cls.products = cls.product_flat | cls.product_ws | cls.product_user

    def make_plain_contracts(self, count):
        """OCA contracts with 3 monthly lines each, recurrence on the contract (the default)."""
        customer = self.env["res.partner"].create({"name": "Bulk customer", "is_company": True})
        Contract = self.env["contract.contract"]
        for start in range(0, count, 100):
            Contract |= Contract.create(
                [
                    {
                        "name": f"Plain contract {index}",
                        "partner_id": customer.id,
                        "contract_type": "sale",
                        "date_start": TODAY,
                        "recurring_next_date": TODAY,
                        "contract_line_ids": [
                            Command.create(
                                {
                                    "product_id": product.id,
                                    "name": product.name,
                                    "quantity": 1,
                                    "price_unit": 10,
                                    "date_start": TODAY,
                                    "recurring_next_date": TODAY,
                                }
                            )
                            for product in self.products
                        ],
                    }
                    for index in range(start, min(start + 100, count))
                ]
            )
        return Contract

    def run_cron(self):
        with freeze_time(TODAY), self.enter_registry_test_mode():
            self.cron.method_direct_trigger()

    def invoice_counts(self, contracts):
        return {c.id: len(c._get_related_invoices()) for c in contracts}

    def test_many_contracts_in_one_run_are_invoiced_once(self):
        # OCA contract alone leaves contracts 334 and later due after one run over 400
        # contracts of 3 lines (docs/oca-contract-double-invoicing.md); the second run then
        # invoices them again for an impossible period.
        self.env["ir.config_parameter"].set_param("msp_service_contract.invoice_batch_size", 1000)
        contracts = self.make_plain_contracts(400)
        self.run_cron()
        stuck = contracts.filtered(lambda c: c.recurring_next_date <= TODAY)
        self.assertFalse(stuck, f"{len(stuck)} contracts still due after invoicing")
        self.run_cron()
        self.assertEqual(set(self.invoice_counts(contracts).values()), {1})

    def test_a_crash_between_batches_loses_one_batch_and_duplicates_nothing(self):
        self.env["ir.config_parameter"].set_param("msp_service_contract.invoice_batch_size", 2)
        contracts = self.make_plain_contracts(5)
        real_commit_progress = IrCron._commit_progress
        calls = []

        def crash_after_first_batch(cron, *args, **kwargs):
            result = real_commit_progress(cron, *args, **kwargs)
            calls.append(args)
            if len(calls) == 1:
                raise WorkerKilled
            return result

        # Not assertRaises: Odoo's rolls the test transaction back to before the call.
        killed = False
        with patch.object(IrCron, "_commit_progress", crash_after_first_batch):
            try:
                self.run_cron()
            except WorkerKilled:
                killed = True
        self.assertTrue(killed)
        counts = self.invoice_counts(contracts)
        self.assertEqual(sorted(counts.values()), [0, 0, 0, 1, 1], "the first batch was committed")
        self.run_cron()
        self.run_cron()
        self.assertEqual(set(self.invoice_counts(contracts).values()), {1})

    def test_hours_settle_once_when_the_cron_runs_twice(self):
        contract = self.make_contract(start=date(2026, 10, 1))
        self.log_time(self.make_ticket(), date(2026, 10, 12), 12.0)
        with freeze_time(date(2026, 10, 1)):
            contract._recurring_create_invoice(date(2026, 10, 1))
        # Due on 1 November: the cron runs twice that day.
        for _run in range(2):
            with freeze_time(date(2026, 11, 1)), self.enter_registry_test_mode():
                self.cron.method_direct_trigger()
        overage = contract._get_related_invoices().invoice_line_ids.filtered(
            lambda line: line.msp_line_kind == "overage"
        )
        self.assertEqual(len(overage), 1)
        self.assertAlmostEqual(overage.quantity, 2.0)
