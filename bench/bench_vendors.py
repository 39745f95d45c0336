# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Benchmark of the expiry watch (make bench-vendors).

On a fresh database with msp_service_contract (no demo data), made by bench/bench-vendors.sh:

1. the daily reminder action over 10,000 watched items with nothing due (median of 7 runs),
   against the same question asked without the stored "next reminder" date (read every
   active item and work out in Python whether one of its thresholds is due), measured in the
   same run; and the EXPLAIN of the action's one query;
2. 1,000 TLS certificate lookups against 5 local TLS listeners on 127.0.0.1 (certificates
   made on the spot), through the watch's bounded thread pool (20 at once), against 50
   lookups one at a time, extrapolated to 1,000; and the most lookups in flight at once.

Goals (issue 14): the daily action in under 1 s; the 1,000 lookups in under 60 s, with
bounded concurrency. Exits 1 when one is missed.

    python bench/bench_vendors.py -c ODOO_CONFIG -d DATABASE
"""

import argparse
import statistics
import sys
import threading
import time
from datetime import timedelta

import odoo
from odoo import SUPERUSER_ID, api, fields
from odoo.modules.registry import Registry
from odoo.tools import SQL

ITEMS = 10_000
LOOKUPS = 1_000
LISTENERS = 5
SERIAL_SAMPLE = 50
GOAL_SCAN = 1.0
GOAL_LOOKUPS = 60.0


def timed(function):
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def build_items(env, customer):
    today = fields.Date.context_today(env["res.partner"])
    Item = env["msp.expiry.item"].with_context(tracking_disable=True, mail_create_nolog=True)
    kinds = ("licence", "warranty", "eol", "other")
    for start in range(0, ITEMS, 1000):
        Item.create(
            [
                {
                    "name": f"Bench item {n}",
                    "kind": kinds[n % len(kinds)],
                    "partner_id": customer.id,
                    "expiry_date": today + timedelta(days=70 + n % 900),
                }
                for n in range(start, min(start + 1000, ITEMS))
            ]
        )
    env.flush_all()
    env.cr.execute("ANALYZE msp_expiry_item")


def naive_due(env):
    """The question without the stored date: every active item, its thresholds, today."""
    today = fields.Date.context_today(env["res.partner"])
    items = env["msp.expiry.item"].search([("active", "=", True), ("expiry_date", "!=", False)])
    due = []
    for item in items:
        for days in item._msp_pending_thresholds():
            if item.expiry_date - timedelta(days=days) <= today:
                due.append(item.id)
                break
    return due


def measure_scan(env):
    Item = env["msp.expiry.item"]
    Item._cron_expiry_remind()  # warm the caches
    scans, naives = [], []
    for _run in range(7):
        env.invalidate_all()
        seconds, done = timed(Item._cron_expiry_remind)
        assert done == 0, f"the bench data has {done} items due"
        scans.append(seconds)
        env.invalidate_all()
        seconds, due = timed(lambda: naive_due(env))
        assert not due
        naives.append(seconds)
    query = Item._search(Item._msp_due_domain(), limit=200, order="next_reminder_date, id")
    env.cr.execute(SQL("EXPLAIN %s", query.select()))
    plan = "\n".join(f"    {row[0]}" for row in env.cr.fetchall())
    return statistics.median(scans), statistics.median(naives), plan


def measure_lookups(env, customer):
    # Importable once the configuration (its addons path) is read, in main().
    from odoo.addons.msp_service_contract.tests.tls_server import (  # noqa: PLC0415
        TlsServer,
        make_certificate,
    )

    servers = [TlsServer(make_certificate(20 + n)).start() for n in range(LISTENERS)]
    try:
        Item = env["msp.expiry.item"].with_context(tracking_disable=True, mail_create_nolog=True)
        items = Item.create(
            [
                {
                    "name": f"localhost:{servers[n % LISTENERS].port}",
                    "kind": "tls",
                    "partner_id": customer.id,
                }
                for n in range(LOOKUPS)
            ]
        )
        env.flush_all()
        workers = Item._msp_lookup_workers()
        serial_model = type(Item)
        original = serial_model._msp_lookup_workers
        serial_model._msp_lookup_workers = lambda self: 1
        try:
            serial, _ = timed(lambda: items[:SERIAL_SAMPLE]._msp_check_now())
        finally:
            serial_model._msp_lookup_workers = original
        # Count the lookups in flight in the pool (the bound is on our side).
        flight = {"now": 0, "peak": 0}
        lock = threading.Lock()
        lookup = serial_model._msp_lookup

        def counted(self, kind, name):
            with lock:
                flight["now"] += 1
                flight["peak"] = max(flight["peak"], flight["now"])
            try:
                return lookup(self, kind, name)
            finally:
                with lock:
                    flight["now"] -= 1

        serial_model._msp_lookup = counted
        try:
            pooled, _ = timed(lambda: items._msp_check_now())
        finally:
            serial_model._msp_lookup = lookup
        failed = items.filtered(lambda i: i.check_state != "ok")
        wrong = items.filtered(lambda i: not i.expiry_date)
        peak = flight["peak"]
        return {
            "workers": workers,
            "serial_per_1000": serial / SERIAL_SAMPLE * LOOKUPS,
            "pooled": pooled,
            "failed": len(failed),
            "first_error": failed[:1].check_error or "",
            "no_date": len(wrong),
            "peak": peak,
        }
    finally:
        for server in servers:
            server.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config])
    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        customer = env["res.partner"].create({"name": "Bench customer", "is_company": True})
        print(f"Building {ITEMS:,} watched items, none due ...", file=sys.stderr)
        seconds, _ = timed(lambda: build_items(env, customer))
        print(f"  built in {seconds:.0f} s", file=sys.stderr)
        scan, naive, plan = measure_scan(env)
        print(
            f"Looking up {LOOKUPS:,} certificates on {LISTENERS} local listeners ...",
            file=sys.stderr,
        )
        tls = measure_lookups(env, customer)
        cr.rollback()

    misses = []
    print()
    print("| expiry watch | figure | goal |")
    print("|---|---|---|")
    print(f"| daily reminder action, {ITEMS:,} items, nothing due (median of 7) | "
          f"{scan * 1000:.1f} ms | < {GOAL_SCAN:.0f} s |")  # fmt: skip
    print(f"| same question without the stored next-reminder date (all items read) | "
          f"{naive * 1000:.0f} ms ({naive / scan:.0f}x) | baseline |")  # fmt: skip
    print(f"| {LOOKUPS:,} TLS lookups, {tls['workers']} at once, {LISTENERS} local listeners | "
          f"{tls['pooled']:.1f} s | < {GOAL_LOOKUPS:.0f} s |")  # fmt: skip
    print(f"| the same one at a time ({SERIAL_SAMPLE} measured, x{LOOKUPS // SERIAL_SAMPLE}) | "
          f"{tls['serial_per_1000']:.1f} s | baseline |")  # fmt: skip
    print(f"| most lookups in flight at once | {tls['peak']} | "
          f"<= {tls['workers']} |")  # fmt: skip
    print()
    print("EXPLAIN of the daily action's query:")
    print(plan)
    if scan >= GOAL_SCAN:
        misses.append(f"daily action {scan:.3f} s >= {GOAL_SCAN} s")
    if tls["pooled"] >= GOAL_LOOKUPS:
        misses.append(f"{LOOKUPS} lookups took {tls['pooled']:.1f} s >= {GOAL_LOOKUPS} s")
    if tls["failed"] or tls["no_date"]:
        misses.append(
            f"{tls['failed']} lookups failed, {tls['no_date']} without a date "
            f"(first error: {tls['first_error']})"
        )
    if tls["peak"] > tls["workers"]:
        misses.append(f"{tls['peak']} lookups at once, more than {tls['workers']} workers")
    if "Index" not in plan:
        misses.append("the daily action's query does not use an index")
    for miss in misses:
        print(f"MISSED: {miss}")
    sys.exit(1 if misses else 0)


if __name__ == "__main__":
    main()
