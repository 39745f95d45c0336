# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Benchmark of msp_service_contract's invoicing (make bench-contract).

One fresh database (no demo data), made by bench/bench-contract.sh, gets the data once:
customer companies with a contact each, one post-paid monthly contract per customer on a
service plan (10 included hours, overage at 100/h, 5% SLA credit per breach capped at 20%)
with 3 lines named ``#START# - #END#``, one ticket per customer and a month of ticket time
(5 timesheet lines per contract, in the previous month). A quarter of the contracts go over
their hours (overage), a quarter stay under (expiry), a quarter have an SLA breach (credit).

Each measurement then runs in a fresh process on a fresh copy of that database
(``CREATE DATABASE ... TEMPLATE``), so that every run starts from the same data and its memory
growth is its own. Contracts beyond the first N are archived in the copy before measuring.

- ``oca``: OCA contract's cron alone: ``_cron_recurring_create`` of the OCA class, all due
  contracts in one transaction, with OCA's ``_recurring_create_invoice`` as the create
  function. msp_service_contract is installed but adds nothing: its ``_prepare_invoice``
  additions and its invoicing overrides apply only under its own entry point.
- ``msp``: ``contract.contract._cron_recurring_create`` as the scheduled action runs it:
  msp_service_contract's batches that commit their progress, the hours ledger settled
  (overage, rollover or expiry, SLA credits), the ledger linked to the invoice lines.

Printed: wall time, queries per contract (``cr.sql_log_count``), the ratio msp/OCA, and the
process's resident memory growth (RSS) over the run, for each N.

    python bench/bench_contract.py -c ODOO_CONFIG -d DB [--contracts 500 2000]
"""

import argparse
import gc
import json
import subprocess
import sys
import time
from datetime import timedelta

import odoo
from odoo import SUPERUSER_ID, api, fields
from odoo.fields import Command
from odoo.modules.registry import Registry

VARIANTS = ("oca", "msp")
CHUNK = 100


def rss_kb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def previous_month(today):
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


# ----------------------------------------------------------------------------------------
# Data, built once in the database given
# ----------------------------------------------------------------------------------------


def build(env, count):
    today = fields.Date.context_today(env["contract.contract"])
    previous = previous_month(today)
    company = env.company
    policy = env["msp.sla.policy"].create(
        {
            "name": "Bench SLA",
            "calendar_id": company.resource_calendar_id.id,
            "target_ids": [
                Command.create(
                    {
                        "priority": "1",
                        "kind": "response",
                        "duration_minutes": 240,
                        "counting": "always",
                    }
                )
            ],
        }
    )
    team = env["helpdesk.ticket.team"].create({"name": "Bench desk"})
    products = env["product.product"].create(
        [
            {"name": "Managed network / month", "type": "service", "list_price": 500},
            {"name": "Managed workstation / month", "type": "service", "list_price": 30},
            {"name": "Managed user / month", "type": "service", "list_price": 20},
        ]
    )
    plan = env["msp.service.plan"].create(
        {
            "name": "Bench Business",
            "sla_policy_id": policy.id,
            "included_hours": 10,
            "overage_product_id": env.ref("msp_service_contract.product_support_hour").id,
            "overage_rate": 100,
            "rollover_rule": "none",
            "sla_credit_percent": 5,
            "sla_credit_cap_percent": 20,
            "line_ids": [
                Command.create(
                    {"product_id": products[0].id, "billing_mode": "flat", "price_unit": 500}
                ),
                Command.create(
                    {
                        "product_id": products[1].id,
                        "billing_mode": "per_device",
                        "asset_kind": "workstation",
                        "price_unit": 30,
                    }
                ),
                Command.create(
                    {"product_id": products[2].id, "billing_mode": "per_user", "price_unit": 20}
                ),
            ],
        }
    )
    technician = env["res.users"].create(
        {
            "name": "Bench technician",
            "login": "bench_technician",
            "group_ids": [Command.link(env.ref("hr_timesheet.group_hr_timesheet_user").id)],
        }
    )
    employee = env["hr.employee"].create({"name": "Bench technician", "user_id": technician.id})
    project = env.ref("msp_service_contract.project_managed_services")
    # Hours per timesheet line (5 lines): 15 h (5 h overage), 5 h (5 h expire), 10 h, 10 h.
    hours_by_kind = (3.0, 1.0, 2.0, 2.0)
    days = (3, 8, 13, 18, 23)
    for start in range(0, count, CHUNK):
        indexes = range(start, min(start + CHUNK, count))
        customers = env["res.partner"].create(
            [{"name": f"Bench customer {i:05d}", "is_company": True} for i in indexes]
        )
        contacts = env["res.partner"].create(
            [
                {"name": f"Bench user {i:05d}", "parent_id": customer.id}
                for i, customer in zip(indexes, customers, strict=True)
            ]
        )
        env["contract.contract"].create(
            [
                {
                    "name": f"Bench contract {i:05d}",
                    "code": f"BENCH{i:05d}",
                    "partner_id": customer.id,
                    "contract_type": "sale",
                    "date_start": previous,
                    "recurring_rule_type": "monthly",
                    "recurring_invoicing_type": "post-paid",
                    "msp_plan_id": plan.id,
                    "contract_line_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "name": f"{product.name}: #START# - #END#",
                                "quantity": 1,
                                "price_unit": product.list_price,
                                "date_start": previous,
                            }
                        )
                        for product in products
                    ],
                }
                for i, customer in zip(indexes, customers, strict=True)
            ]
        )
        tickets = env["helpdesk.ticket"].create(
            [
                {
                    "name": f"Bench ticket {i:05d}",
                    "description": "<p>Benchmark</p>",
                    "team_id": team.id,
                    "partner_id": contact.id,
                    "priority": "1",
                }
                for i, contact in zip(indexes, contacts, strict=True)
            ]
        )
        env["account.analytic.line"].create(
            [
                {
                    "name": f"Work on {ticket.name}",
                    "date": previous.replace(day=day),
                    "unit_amount": hours_by_kind[i % 4],
                    "msp_ticket_id": ticket.id,
                    "project_id": project.id,
                    "employee_id": employee.id,
                }
                for i, ticket in zip(indexes, tickets, strict=True)
                for day in days
            ]
        )
        env["msp.sla.event"]._msp_sla_log(
            [
                {
                    "ticket_id": ticket.id,
                    "company_id": company.id,
                    "policy_id": policy.id,
                    "event_type": "breach",
                    "date": previous.replace(day=days[0]) + timedelta(hours=12),
                    "details": "Bench breach",
                }
                for i, ticket in zip(indexes, tickets, strict=True)
                if i % 4 == 2
            ]
        )
        env.cr.commit()
        env.invalidate_all()
        print(f"  {min(start + CHUNK, count):,} contracts", file=sys.stderr, flush=True)
    consumed = env["msp.contract.hours.entry"].search_count([("kind", "=", "consumption")])
    print(f"  {consumed:,} timesheet lines consumed in the hours ledger", file=sys.stderr)


# ----------------------------------------------------------------------------------------
# One measurement, in its own process and database copy
# ----------------------------------------------------------------------------------------


def run_oca(env, date_ref):
    """OCA's cron, with OCA's create function: one transaction for every due contract."""
    # Importable once the configuration gives the addons path.
    from odoo.addons.contract.models.contract import (  # noqa: PLC0415
        ContractContract as OcaContract,
    )

    contracts = env["contract.contract"]
    registry_class = type(contracts)
    saved = registry_class.__dict__.get("_get_recurring_create_func")
    registry_class._get_recurring_create_func = lambda self, create_type="invoice": (
        OcaContract._recurring_create_invoice
    )
    try:
        OcaContract._cron_recurring_create(contracts, date_ref, "invoice")
    finally:
        if saved is None:
            del registry_class._get_recurring_create_func
        else:
            registry_class._get_recurring_create_func = saved


def run_msp(env, date_ref):
    env["contract.contract"]._cron_recurring_create(date_ref)


def measure(env, variant, limit):
    cr = env.cr
    contracts = env["contract.contract"].search([], order="id")
    contracts[limit:].write({"active": False})
    cr.commit()
    env.invalidate_all()
    date_ref = fields.Date.context_today(contracts)
    due = env["contract.contract"].search_count([("recurring_next_date", "<=", date_ref)])
    gc.collect()
    rss_before = rss_kb()
    queries_before = cr.sql_log_count
    start = time.perf_counter()
    (run_oca if variant == "oca" else run_msp)(env, date_ref)
    env.flush_all()
    cr.commit()
    seconds = time.perf_counter() - start
    queries = cr.sql_log_count - queries_before
    rss_after = rss_kb()

    moves = env["account.move"].search([("invoice_origin", "=like", "Bench contract %")])
    lines = moves.invoice_line_ids
    messages = env["mail.message"].search_count(
        [("model", "=", "account.move"), ("res_id", "in", moves.ids)]
    )
    sample = moves.sorted("id")[:1]
    return {
        "variant": variant,
        "contracts": limit,
        "due": due,
        "seconds": seconds,
        "queries": queries,
        "rss_kb": rss_after - rss_before,
        "invoices": len(moves),
        "recurring_lines": len(lines.filtered("contract_line_id")),
        "overage": len(lines.filtered(lambda ln: ln.msp_line_kind == "overage")),
        "credits": len(lines.filtered(lambda ln: ln.msp_line_kind == "sla_credit")),
        "messages": messages,
        "still_due": env["contract.contract"].search_count(
            [("recurring_next_date", "<=", date_ref)]
        ),
        "sample_line": sample.invoice_line_ids.filtered("contract_line_id")[:1].name,
        "sample_messages": [
            message.body for message in sample.message_ids.sorted("id") if message.body
        ],
    }


# ----------------------------------------------------------------------------------------
# Orchestration
# ----------------------------------------------------------------------------------------


def odoo_env(config, db):
    odoo.tools.config.parse_config(["-c", config])
    registry = Registry(db)
    cr = registry.cursor()
    return cr, api.Environment(cr, SUPERUSER_ID, {})


def psql(sql):
    subprocess.run(["psql", "-d", "postgres", "-Atqc", sql], check=True)


def child(args, *extra):
    command = [sys.executable, __file__, "-c", args.config, *extra]
    result = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True)
    return result.stdout


def summarize(results):
    by = {(r["variant"], r["contracts"]): r for r in results}
    print()
    print(
        "| run | contracts | invoices | wall s | ms/contract | queries/contract "
        "| msp/OCA time | msp/OCA queries | RSS growth MB | KB/contract |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    labels = {"oca": "OCA contract cron alone", "msp": "msp_service_contract (full)"}
    for (variant, count), r in sorted(
        by.items(), key=lambda item: (item[0][1], item[0][0] == "msp")
    ):
        oca = by.get(("oca", count))
        ratio_time = r["seconds"] / oca["seconds"] if oca else float("nan")
        ratio_queries = r["queries"] / oca["queries"] if oca else float("nan")
        print(
            f"| {labels[variant]} | {count:,} | {r['invoices']:,} | {r['seconds']:.1f} "
            f"| {r['seconds'] * 1000 / count:.1f} | {r['queries'] / count:.1f} "
            f"| {ratio_time:.2f} | {ratio_queries:.2f} | {r['rss_kb'] / 1024:.1f} "
            f"| {r['rss_kb'] / count:.1f} |"
        )
    print()
    for r in sorted(results, key=lambda r: (r["contracts"], r["variant"] == "msp")):
        print(
            f"{r['variant']} {r['contracts']:,}: {r['due']:,} due, {r['invoices']:,} invoices, "
            f"{r['recurring_lines']:,} recurring lines, {r['overage']:,} overage lines, "
            f"{r['credits']:,} SLA credits, {r['messages']:,} messages on the invoices, "
            f"{r['still_due']:,} still due after the run"
        )
        print(f"  first invoice: line {r['sample_line']!r}; messages {r['sample_messages']}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--contracts", type=int, nargs="+", default=[500, 2000])
    parser.add_argument("--phase", choices=("all", "build", "measure"), default="all")
    parser.add_argument("--variant", choices=VARIANTS)
    args = parser.parse_args()

    if args.phase == "build":
        cr, env = odoo_env(args.config, args.database)
        with cr:
            build(env, max(args.contracts))
        return
    if args.phase == "measure":
        cr, env = odoo_env(args.config, args.database)
        with cr:
            print(json.dumps(measure(env, args.variant, args.contracts[0])))
        return

    most = max(args.contracts)
    print(f"Building {most:,} contracts with their tickets and time ...", file=sys.stderr)
    start = time.perf_counter()
    child(args, "-d", args.database, "--phase", "build", "--contracts", str(most))
    print(f"  built in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    results = []
    for count in sorted(args.contracts):
        for variant in VARIANTS:
            copy = f"{args.database}_{variant}_{count}"
            psql(f'DROP DATABASE IF EXISTS "{copy}"')
            psql(f'CREATE DATABASE "{copy}" TEMPLATE "{args.database}"')
            try:
                print(f"Invoicing {count:,} contracts: {variant} ...", file=sys.stderr)
                output = child(
                    args, "-d", copy, "--phase", "measure", "--variant", variant,
                    "--contracts", str(count),
                )  # fmt: skip
                results.append(json.loads(output.strip().splitlines()[-1]))
            finally:
                psql(f'DROP DATABASE IF EXISTS "{copy}"')
    summarize(results)


if __name__ == "__main__":
    main()
