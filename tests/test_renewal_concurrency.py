"""Two workers running the renewal scheduled action at the same time send one notice and
prepare one renewal per contract and term.

Real concurrency needs committed data and two database connections, so this test works
outside Odoo's test transaction: it commits its contracts, runs the action in two threads
with their own cursors started together, checks, and deletes what it made.
"""

import threading
from datetime import date, timedelta

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tools import config

CONTRACTS = 30


def _make_contracts(env):
    today = date.today()
    product = env["product.product"].create({"name": "Concurrency service", "type": "service"})
    policy = env["msp.sla.policy"].create(
        {"name": "Concurrency SLA", "calendar_id": env.company.resource_calendar_id.id}
    )
    plan = env["msp.service.plan"].create(
        {"name": "Concurrency plan", "sla_policy_id": policy.id, "notice_days": 60}
    )
    customer = env["res.partner"].create(
        {"name": "Concurrency customer", "is_company": True, "email": "it@concurrency.example"}
    )
    start = today - timedelta(days=300)
    contracts = env["contract.contract"].create(
        [
            {
                "name": f"Concurrency contract {index}",
                "partner_id": customer.id,
                "contract_type": "sale",
                "msp_plan_id": plan.id,
                "date_start": start,
                "recurring_next_date": start,
                "contract_line_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": product.id,
                            "name": "Service",
                            "quantity": 1,
                            "price_unit": 100,
                            "date_start": start,
                            "recurring_next_date": start,
                        },
                    )
                ],
            }
            for index in range(CONTRACTS)
        ]
    )
    contracts.write({"msp_term_end": today + timedelta(days=30)})  # in the notice period
    return contracts, plan, policy, customer, product


def test_two_workers_prepare_each_renewal_once():
    registry = Registry(
        config["db_name"][0] if isinstance(config["db_name"], list) else config["db_name"]
    )
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        contracts, plan, policy, customer, product = _make_contracts(env)
        ids = contracts.ids
        created = (plan.id, policy.id, customer.id, product.id)

    barrier = threading.Barrier(2)
    outcomes = []

    def worker():
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["contract.contract"].search([("id", "in", ids)]).mapped("msp_renewal_state")
            barrier.wait()
            try:
                env["contract.contract"]._cron_msp_renewals()
                outcomes.append("done")
            except Exception as error:
                cr.rollback()
                outcomes.append(type(error).__name__)

    threads = [threading.Thread(target=worker) for _index in range(2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            contracts = env["contract.contract"].browse(ids)
            # Each worker skips the rows the other holds; a worker whose snapshot predates the
            # other's commit is refused those rows by PostgreSQL and rolls back. Nothing else.
            assert "done" in outcomes and set(outcomes) <= {"done", "SerializationFailure"}, (
                outcomes
            )
            assert set(contracts.mapped("msp_renewal_state")) == {"renewal_due"}, outcomes
            # The renewal notices (the responsible also gets an e-mail: the activity).
            mails = env["mail.mail"].search(
                [
                    ("model", "=", "contract.contract"),
                    ("res_id", "in", ids),
                    ("subject", "ilike", "renews on"),
                ]
            )
            per_contract = dict.fromkeys(ids, 0)
            for mail in mails:
                per_contract[mail.res_id] += 1
            assert set(per_contract.values()) == {1}, (outcomes, per_contract)
            activities = env["mail.activity"].search(
                [("res_model", "=", "contract.contract"), ("res_id", "in", ids)]
            )
            assert len(activities) == CONTRACTS, outcomes
    finally:
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["mail.mail"].search(
                [("model", "=", "contract.contract"), ("res_id", "in", ids)]
            ).unlink()
            env["mail.activity"].search(
                [("res_model", "=", "contract.contract"), ("res_id", "in", ids)]
            ).unlink()
            env["contract.contract"].browse(ids).unlink()
            plan_id, policy_id, customer_id, product_id = created
            env["msp.service.plan"].browse(plan_id).unlink()
            env["msp.sla.policy"].browse(policy_id).unlink()
            env["res.partner"].browse(customer_id).unlink()
            env["product.product"].browse(product_id).unlink()
