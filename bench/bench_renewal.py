# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Benchmark of the renewal scheduled action (part of make bench-contract).

On the benchmark database: 10,000 service contracts, of which 100 reach their notice date
today (made with the ORM, each with a recurring line) and 9,900 do not (copied by SQL from
one contract, with notice dates spread over the next two years). Measures the daily
renewal run that prepares the 100 renewals (new prices, activity, notice email), then the
same run again with nothing due (median of 7), and prints the EXPLAIN of the query that
finds the due contracts. The data is removed afterwards.

    python bench/bench_renewal.py -c ODOO_CONFIG -d DATABASE
"""

import argparse
import statistics
import time
from datetime import timedelta

import odoo
from odoo import SUPERUSER_ID, api, fields
from odoo.modules.registry import Registry
from odoo.tools import SQL

TOTAL = 10_000
DUE = 100


def timed(function):
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def build(env):
    today = fields.Date.context_today(env["res.partner"])
    product = env["product.product"].create({"name": "Bench managed service", "type": "service"})
    policy = env["msp.sla.policy"].search([], limit=1) or env["msp.sla.policy"].create(
        {"name": "Bench renewal SLA", "calendar_id": env.company.resource_calendar_id.id}
    )
    plan = env["msp.service.plan"].create(
        {
            "name": "Bench renewal plan",
            "sla_policy_id": policy.id,
            "minimum_term_months": 12,
            "notice_days": 60,
            "yearly_increase_percent": 3,
        }
    )
    customer = env["res.partner"].create({"name": "Bench renewal customer", "is_company": True})
    start = today + timedelta(days=60) - timedelta(days=365)
    due = env["contract.contract"].create(
        [
            {
                "name": f"Bench renewal {index}",
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
            for index in range(DUE)
        ]
    )
    due.write({"msp_term_end": today + timedelta(days=60)})  # notice date: today
    env.flush_all()
    env.cr.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = 'contract_contract' AND column_name NOT IN "
        "('id', 'name', 'msp_term_end', 'msp_notice_date')"
    )
    columns = [name for (name,) in env.cr.fetchall()]
    column_sql = SQL(", ").join(SQL.identifier(c) for c in columns)
    env.cr.execute(
        SQL(
            """INSERT INTO contract_contract (%(cols)s, name, msp_term_end, msp_notice_date)
               SELECT %(cols)s, 'Bench later ' || g,
                      %(today)s::date + 61 + (g %% 700),
                      %(today)s::date + 1 + (g %% 700)
                 FROM contract_contract, generate_series(1, %(count)s) g
                WHERE id = %(template)s""",
            cols=column_sql,
            today=today,
            count=TOTAL - DUE,
            template=due[0].id,
        )
    )
    env.cr.execute("ANALYZE contract_contract")
    env.cr.commit()
    return plan, customer, due


def cleanup(env, plan, customer):
    env.cr.execute(
        SQL(
            "DELETE FROM contract_contract WHERE msp_plan_id = %s",
            plan.id,
        )
    )
    plan.unlink()
    customer.unlink()
    env.cr.commit()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config])
    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        Contract = env["contract.contract"]
        plan, customer, _due = build(env)
        total = Contract.search_count([("msp_plan_id", "=", plan.id)])
        first = timed(Contract._cron_msp_renewals)
        prepared = Contract.search_count(
            [("msp_plan_id", "=", plan.id), ("msp_renewal_state", "=", "renewal_due")]
        )
        nothing_due = statistics.median(timed(Contract._cron_msp_renewals) for _run in range(7))
        query = Contract._search(Contract._msp_renewal_domain(fields.Date.today()), limit=200)
        cr.execute(SQL("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) %s", query.select()))
        plan_lines = [row[0] for row in cr.fetchall()]
        cleanup(env, plan, customer)

    print()
    print("| renewal run | contracts | seconds |")
    print("|---|---:|---:|")
    print(f"| {DUE} due (prepared, activity and notice each) | {total:,} | {first:.3f} |")
    print(f"| nothing due (median of 7) | {total:,} | {nothing_due:.4f} |")
    print()
    print(f"{prepared} renewals prepared.")
    print("EXPLAIN of the due-contracts query (after the run, nothing due):")
    print("\n".join(plan_lines))


if __name__ == "__main__":
    main()
