# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import threading
from contextlib import contextmanager
from datetime import date

from odoo import SUPERUSER_ID, api
from odoo.fields import Command
from odoo.tests import TransactionCase, tagged

# Years before any other test's contracts, so that only these are due on that day.
DAY = date(2019, 1, 1)


@tagged("post_install", "-at_install")
class TestInvoicingWorkers(TransactionCase):
    """Two workers, each with its own database session, invoice the same due contracts at
    once: each contract is invoiced by one of them, once. The contracts are committed (the
    sessions must see them) and removed after each test."""

    COUNT = 6

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            customer = env["res.partner"].create({"name": "Workers customer", "is_company": True})
            product = env["product.product"].create({"name": "Workers service", "type": "service"})
            line = {"product_id": product.id, "name": product.name, "price_unit": 10}
            due = {"date_start": DAY, "recurring_next_date": DAY}
            contracts = env["contract.contract"].create(
                [
                    dict(
                        due,
                        name=f"Workers contract {index}",
                        partner_id=customer.id,
                        contract_line_ids=[Command.create(dict(line, **due))],
                    )
                    for index in range(self.COUNT)
                ]
            )
            env["ir.config_parameter"].set_param("msp_service_contract.invoice_batch_size", 2)
        self.contract_ids = contracts.ids
        self.addCleanup(self.remove, contracts.ids, customer.id, product.id)

    def remove(self, contract_ids, customer_id, product_id):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            contracts = env["contract.contract"].browse(contract_ids)
            env["account.move"].search([("partner_id", "=", customer_id)]).unlink()
            contracts.unlink()
            env["product.product"].browse(product_id).product_tmpl_id.unlink()
            env["res.partner"].browse(customer_id).unlink()
            env["ir.config_parameter"].search(
                [("key", "=", "msp_service_contract.invoice_batch_size")]
            ).unlink()

    @contextmanager
    def worker(self):
        """A worker's environment on its own connection, which waits at most 5 s for a lock
        (a run that waited for the other's rows instead of skipping them fails, not hangs).
        The invoicing run commits its own batches; what is left uncommitted is dropped."""
        cr = self.registry.cursor()
        cr.execute("SET lock_timeout = '5s'")
        try:
            yield api.Environment(cr, SUPERUSER_ID, {})
        finally:
            cr.rollback()
            cr.execute("RESET lock_timeout")
            cr.close()

    def invoices_per_contract(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            lines = env["account.move.line"].search(
                [("contract_line_id.contract_id", "in", self.contract_ids)]
            )
            counts = dict.fromkeys(self.contract_ids, 0)
            for move in lines.move_id:
                for contract in move.invoice_line_ids.contract_line_id.contract_id:
                    counts[contract.id] += 1
            due = env["contract.contract"].search_count(
                [("id", "in", self.contract_ids), ("recurring_next_date", "<=", DAY)]
            )
            return counts, due

    def test_a_worker_skips_the_batch_another_holds(self):
        with self.worker() as first, self.worker() as second:
            Contracts = first["contract.contract"]
            domain = Contracts._get_contracts_to_invoice_domain(DAY)
            held = Contracts._msp_claim_invoice_batch(domain, DAY, 0, 2)
            self.assertEqual(held.ids, self.contract_ids[:2])
            # The second worker runs the whole invoicing while the first holds its batch.
            second["contract.contract"]._cron_recurring_create(DAY)
            counts, due = self.invoices_per_contract()
            self.assertEqual(list(counts.values()), [0, 0, 1, 1, 1, 1])
            # The first worker invoices what it held and runs on in the same transaction,
            # which began before the second committed: the contracts it still reads as due
            # were invoiced meanwhile. It claims again in a new transaction, which sees them
            # invoiced: no error, no second invoice.
            held._msp_invoice_claimed(DAY)
            Contracts._cron_recurring_create(DAY)
            first["ir.cron"]._commit_progress()
            self.assertFalse(Contracts._msp_claim_invoice_batch(domain, DAY, 0, 2))
        counts, due = self.invoices_per_contract()
        self.assertEqual(set(counts.values()), {1}, counts)
        self.assertEqual(due, 0)

    def test_two_workers_at_once_invoice_each_contract_once(self):
        start = threading.Barrier(2)
        errors = []

        def run():
            try:
                with self.worker() as env:
                    start.wait(timeout=10)
                    env["contract.contract"]._cron_recurring_create(DAY)
            except Exception as error:  # reported by the assertion below
                errors.append(error)

        threads = [threading.Thread(target=run) for _worker in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        self.assertEqual(errors, [])
        counts, due = self.invoices_per_contract()
        self.assertEqual(set(counts.values()), {1}, f"none twice, none missed: {counts}")
        self.assertEqual(due, 0)


@tagged("post_install", "-at_install")
class TestInvoicingSecondWorker(TransactionCase):
    """OCA's invoicing action wakes the run's second worker when it starts; the second one
    wakes nobody (they would wake each other in turn)."""

    def triggers(self, cron):
        return self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])

    def test_the_first_worker_wakes_the_second(self):
        first = self.env.ref("contract.contract_cron_for_invoice")
        second = self.env.ref("msp_service_contract.ir_cron_msp_invoice_second_worker")
        self.assertEqual(second.code, first.code, "the same run")
        Contract = self.env["contract.contract"]
        before = self.triggers(second)
        Contract.with_context(cron_id=second.id).cron_recurring_create_invoice(DAY)
        Contract.cron_recurring_create_invoice(DAY)  # by hand, not the scheduled action
        self.assertEqual(self.triggers(second), before)
        Contract.with_context(cron_id=first.id).cron_recurring_create_invoice(DAY)
        self.assertEqual(self.triggers(second), before + 1)
