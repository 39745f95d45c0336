# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Benchmark of the invoicing run at scale (make bench-invoicing).

The data and the two single-process measurements are bench_contract.py's (one fresh database,
2,000 customers with a post-paid monthly contract on a plan, tickets and a month of time;
each measurement in its own process on its own copy of the database):

- ``oca``: OCA contract's cron alone, one transaction for every due contract;
- ``msp``: msp_service_contract's run as the scheduled action runs it (batches claimed under
  row locks and committed, the hours ledger settled, overage and SLA credits billed).

Then the same run on two workers (the scheduled action run by two cron workers at once, as
deployed): first on a copy of the same database (the ratio to OCA that the goal checks: the
run as an MSP runs it), then on a copy grown to the sizes asked (``--workers-contracts``,
20,000 by default) by copying, in SQL, the customers and their
contracts with their lines (the copies have no tickets and no time: each month settles its
included hours as expired); two processes, each with its own database connection, start
``contract.contract._cron_recurring_create`` at the same moment. Measured: from the first
start to the last end; then checked: every due contract has exactly one invoice (none twice,
none missed).

Printed: a table with OCA's time, ours on one and two workers, the ratios at 2,000 contracts,
with the process CPU time beside each wall time (the machine is shared: wall time moves with
the other users' load, the ratio is measured in the same run). Exits 1 when the ratio is not
under ``--goal`` (0.5) or when the two workers invoiced a contract twice or missed one.

    python bench/bench_invoicing.py -c ODOO_CONFIG -d DB [--contracts 2000]
        [--workers-contracts 20000] [--reuse]
"""

import argparse
import json
import os
import subprocess
import sys
import time
from contextlib import contextmanager

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bench_contract  # the benchmark next to this one

from odoo import fields

WORKERS = 2


# ----------------------------------------------------------------------------------------
# Growing a copy of the database: customers and contracts copied in SQL
# ----------------------------------------------------------------------------------------


def columns(cr, table):
    cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
        "AND column_name != 'id' ORDER BY ordinal_position",
        [table],
    )
    return [row[0] for row in cr.fetchall()]


def copy_rows(cr, table, ids, offset, shifted):
    """Insert a copy of the rows ``ids`` of ``table`` with ids moved by ``offset``; the
    columns of ``shifted`` ({column: (ids, offset)}) are moved too where they point at a
    row that is copied."""
    exprs = []
    params = []
    names = columns(cr, table)
    for name in names:
        if name in shifted:
            targets, shift = shifted[name]
            exprs.append(f'CASE WHEN "{name}" = ANY(%s) THEN "{name}" + %s ELSE "{name}" END')
            params += [targets, shift]
        else:
            exprs.append(f'"{name}"')
    quoted = ", ".join(f'"{n}"' for n in names)
    cr.execute(
        f'INSERT INTO "{table}" (id, {quoted}) '
        f'SELECT id + %s, {", ".join(exprs)} FROM "{table}" WHERE id = ANY(%s)',
        [offset, *params, ids],
    )


def grow(cr, total):
    """Copy the benchmark's customers and contracts until there are ``total`` contracts
    (or archive those beyond ``total``)."""
    cr.execute("SELECT id FROM res_partner WHERE name LIKE 'Bench customer %%' ORDER BY id")
    customers = [row[0] for row in cr.fetchall()]
    cr.execute("SELECT id FROM contract_contract WHERE code LIKE 'BENCH%%' ORDER BY id")
    contracts = [row[0] for row in cr.fetchall()]
    cr.execute("SELECT id FROM contract_line WHERE contract_id = ANY(%s)", [contracts])
    lines = [row[0] for row in cr.fetchall()]
    if total <= len(contracts):
        # Fewer than were built: the others are archived (not due).
        cr.execute(
            "UPDATE contract_contract SET active = FALSE WHERE id = ANY(%s)", [contracts[total:]]
        )
    step = 10 ** len(str(max(customers + contracts + lines)))
    copies = -(-total // len(contracts)) - 1
    for copy in range(1, copies + 1):
        left = total - len(contracts) * copy
        if left <= 0:
            break
        these = contracts[:left]
        shift = step * copy
        cr.execute("SELECT partner_id FROM contract_contract WHERE id = ANY(%s)", [these])
        their_customers = [row[0] for row in cr.fetchall()]
        cr.execute("SELECT id FROM contract_line WHERE contract_id = ANY(%s)", [these])
        their_lines = [row[0] for row in cr.fetchall()]
        to_customer = (customers, shift)
        copy_rows(
            cr,
            "res_partner",
            their_customers,
            shift,
            {"commercial_partner_id": to_customer, "parent_id": to_customer},
        )
        copy_rows(
            cr,
            "contract_contract",
            these,
            shift,
            {
                "partner_id": to_customer,
                "invoice_partner_id": to_customer,
                "commercial_partner_id": to_customer,
            },
        )
        copy_rows(
            cr,
            "contract_line",
            their_lines,
            shift,
            {"contract_id": (contracts, shift), "partner_id": to_customer},
        )
    for table in ("res_partner", "contract_contract", "contract_line"):
        cr.execute(f"SELECT setval('{table}_id_seq', (SELECT MAX(id) FROM \"{table}\"))")
    cr.execute("SELECT COUNT(*) FROM contract_contract WHERE active")
    return cr.fetchone()[0]


# ----------------------------------------------------------------------------------------
# One worker, in its own process
# ----------------------------------------------------------------------------------------


def run_worker(env, start_at):
    date_ref = fields.Date.context_today(env["contract.contract"])
    while time.time() < start_at:
        time.sleep(0.01)
    cpu = time.process_time()
    start = time.time()
    env["contract.contract"]._cron_recurring_create(date_ref)
    env.cr.commit()
    return {"start": start, "end": time.time(), "cpu": time.process_time() - cpu}


def check_workers(cr):
    """(due contracts, invoiced once, twice or more, missed)."""
    cr.execute(
        """
        SELECT c.id, COUNT(DISTINCT l.move_id)
          FROM contract_contract c
          LEFT JOIN contract_line cl ON cl.contract_id = c.id
          LEFT JOIN account_move_line l ON l.contract_line_id = cl.id
         WHERE c.active
         GROUP BY c.id
        """
    )
    counts = [row[1] for row in cr.fetchall()]
    return {
        "contracts": len(counts),
        "once": sum(1 for n in counts if n == 1),
        "twice": sum(1 for n in counts if n > 1),
        "missed": sum(1 for n in counts if n == 0),
    }


def measure_workers(args, base, total):
    with database_copy(base, f"workers_{total}") as copy:
        print(f"Growing a copy to {total:,} contracts ...", file=sys.stderr)
        child(args, "-d", copy, "--phase", "grow", "--workers-contracts", str(total))
        print(f"Invoicing {total:,} contracts on {WORKERS} workers ...", file=sys.stderr)
        start_at = time.time() + 30  # both processes have loaded Odoo by then
        command = [
            sys.executable, __file__, "-c", args.config, "-d", copy,
            "--phase", "worker", "--start-at", str(start_at),
        ]  # fmt: skip
        procs = [
            subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _w in range(WORKERS)
        ]
        runs = []
        for proc in procs:
            out, _err = proc.communicate()
            if proc.returncode:
                raise subprocess.CalledProcessError(proc.returncode, command)
            runs.append(last_json(out))
        check = last_json(child(args, "-d", copy, "--phase", "check"))
        return {
            "contracts": total,
            "seconds": max(r["end"] for r in runs) - min(r["start"] for r in runs),
            "cpu": [round(r["cpu"], 1) for r in runs],
            **check,
        }


# ----------------------------------------------------------------------------------------
# Orchestration
# ----------------------------------------------------------------------------------------


@contextmanager
def database_copy(base, name):
    """A copy of the database ``base`` (made from it as a template), dropped afterwards."""
    copy = f"{base}_{name}"
    bench_contract.psql(f'DROP DATABASE IF EXISTS "{copy}"')
    bench_contract.psql(f'CREATE DATABASE "{copy}" TEMPLATE "{base}"')
    try:
        yield copy
    finally:
        bench_contract.psql(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')


def last_json(output):
    return json.loads(output.strip().splitlines()[-1])


def child(args, *extra):
    command = [sys.executable, __file__, "-c", args.config, *extra]
    return subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout


def measure_one(args, base, variant, count):
    print(f"Invoicing {count:,} contracts: {variant} ...", file=sys.stderr)
    with database_copy(base, f"{variant}_{count}") as copy:
        phase = ("--phase", "measure", "--variant", variant, "--contracts", str(count))
        return last_json(child(args, "-d", copy, *phase))


def report(args, oca, msp, workers):
    single = msp["seconds"] / oca["seconds"]
    cpu_ratio = msp["cpu"] / oca["cpu"]
    # The run as deployed: the cron workers share it (docs/deployment.md: 2 cron workers).
    shared = next(w for w in workers if w["contracts"] == oca["contracts"])
    ratio = shared["seconds"] / oca["seconds"]
    print()
    print("| run | contracts | invoices | wall s | CPU s (Odoo process) | queries/contract |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, r in (("OCA contract cron alone", oca), ("msp_service_contract, 1 worker", msp)):
        print(
            f"| {label} | {r['contracts']:,} | {r['invoices']:,} | {r['seconds']:.1f} "
            f"| {r['cpu']:.1f} | {r['queries'] / r['contracts']:.1f} |"
        )
    for w in workers:
        print(
            f"| msp_service_contract, {WORKERS} workers | {w['contracts']:,} | {w['once']:,} "
            f"| {w['seconds']:.1f} | {' + '.join(str(c) for c in w['cpu'])} | |"
        )
    print()
    print(
        f"msp/OCA at {oca['contracts']:,} contracts, the run shared by {WORKERS} cron "
        f"workers: {ratio:.2f} of OCA's wall time (goal: under {args.goal})"
    )
    print(f"  on one worker: {single:.2f} of OCA's wall time, {cpu_ratio:.2f} of its CPU time")
    print(
        f"  msp: {msp['overage']:,} overage lines, {msp['credits']:,} SLA credits; "
        f"OCA: {oca['overage']:,} and {oca['credits']:,}"
    )
    failed = ratio >= args.goal
    for w in workers:
        print(
            f"{WORKERS} workers, {w['contracts']:,} contracts: {w['seconds']:.1f} s; "
            f"{w['once']:,} invoiced once, {w['twice']:,} twice or more, {w['missed']:,} missed"
        )
        failed = failed or w["twice"] or w["missed"]
    load = os.getloadavg()
    print(f"load average at the end (1/5/15 min): {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    return 1 if failed else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--contracts", type=int, default=2000)
    parser.add_argument("--workers-contracts", type=int, nargs="*", default=[20000])
    parser.add_argument("--goal", type=float, default=0.5)
    parser.add_argument("--reuse", action="store_true", help="the database is already built")
    parser.add_argument(
        "--phase", choices=("all", "measure", "grow", "worker", "check"), default="all"
    )
    parser.add_argument("--variant", choices=bench_contract.VARIANTS)
    parser.add_argument("--start-at", type=float)
    args = parser.parse_args()

    if args.phase != "all":
        cr, env = bench_contract.odoo_env(args.config, args.database)
        with cr:
            if args.phase == "measure":
                cpu = time.process_time()
                result = bench_contract.measure(env, args.variant, args.contracts)
                result["cpu"] = time.process_time() - cpu
            elif args.phase == "grow":
                result = grow(cr, args.workers_contracts[0])
                cr.commit()
            elif args.phase == "worker":
                result = run_worker(env, args.start_at)
            else:
                result = check_workers(cr)
            print(json.dumps(result, default=str))
        return 0

    if not args.reuse:
        print(f"Building {args.contracts:,} contracts with their tickets and time ...")
        bench_contract.child(
            args, "-d", args.database, "--phase", "build", "--contracts", str(args.contracts)
        )
    oca = measure_one(args, args.database, "oca", args.contracts)
    msp = measure_one(args, args.database, "msp", args.contracts)
    sizes = [args.contracts] + [n for n in args.workers_contracts if n != args.contracts]
    workers = [measure_workers(args, args.database, n) for n in sizes]
    return report(args, oca, msp, workers)


if __name__ == "__main__":
    sys.exit(main())
