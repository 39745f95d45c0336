# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Benchmark of the paging scan (make bench-paging).

One fresh database with msp_sla (no demo data), made by bench/bench-paging.sh, which also
starts an Odoo server on it with one cron thread (the cron runner that pages). Measured:

1. the paging scan with nothing due, over 100,000 resolved incidents inserted with SQL: the
   median of 21 runs of the scheduled method, and the EXPLAIN of
   its candidate query; then the same query with the partial indexes dropped (the baseline,
   in the same run), and the indexes put back. Goal: under 10 ms;
2. the time from a P1 ticket's creation (committed) to its first page, sent by the server's
   cron runner woken by the trigger the new incident sets (``ir.cron._trigger``): 10 tickets,
   one after the other. Goal (issue 13): under the cron interval plus 5 s.

Exits non-zero when a goal is missed.

    python bench/bench_paging.py -c ODOO_CONFIG --db DB
"""

import argparse
import statistics
import sys
import time

from bench_sla import environment  # the same registry and superuser environment

import odoo
from odoo import fields
from odoo.fields import Command
from odoo.tools import SQL

SCAN_GOAL_MS = 10.0
FIRST_PAGE_MARGIN_S = 5.0


def setup(env):
    admin = env.ref("base.user_admin")
    admin.write({"email": "oncall@bench.example", "notification_type": "inbox"})
    team = env["helpdesk.ticket.team"].create({"name": "Bench on-call team"})
    schedule = env["msp.oncall.schedule"].create(
        {
            "name": "Bench 24x7",
            "team_id": team.id,
            "tz": "Europe/Brussels",
            "layer_ids": [
                Command.create(
                    {
                        "layer": "primary",
                        "rotation": "weekly",
                        "start_date": fields.Date.subtract(fields.Date.today(), days=30),
                        "member_ids": [Command.create({"user_id": admin.id})],
                    }
                )
            ],
            "escalation_ids": [
                Command.create({"sequence": 1, "target": "primary"}),
                Command.create({"sequence": 2, "delay_minutes": 5, "target": "primary"}),
            ],
        }
    )
    env.cr.commit()
    return team, schedule


def bulk_closed_incidents(env, team, schedule, count):
    """``count`` resolved incidents, by SQL, on one closed ticket."""
    ticket = env["helpdesk.ticket"].create(
        {"name": "Bench old ticket", "description": "<p>old</p>", "priority": "1"}
    )
    env.cr.execute(
        SQL(
            """
            INSERT INTO msp_page_incident (ticket_id, schedule_id, company_id, state,
                   started_at, step_index, next_due_at, resolved_at, create_date, write_date,
                   create_uid, write_uid)
            SELECT %(ticket)s, %(schedule)s, %(company)s,
                   'resolved',
                   now() - interval '1 day', 1, NULL, now(), now(), now(), 1, 1
              FROM generate_series(1, %(count)s) g
            """,
            ticket=ticket.id,
            schedule=schedule.id,
            company=env.company.id,
            count=count,
        )
    )
    env.cr.execute("ANALYZE msp_page_incident")
    env.cr.commit()


def median_ms(function, runs=21):
    times = []
    for _run in range(runs):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def explain(env):
    Incident = env["msp.page.incident"]
    query = Incident._search(
        Incident._msp_due_domain(fields.Datetime.now()), limit=100, order="next_due_at, id"
    )
    env.cr.execute(SQL("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) %s", query.select()))
    return "\n".join(row[0] for row in env.cr.fetchall())


def measure_scan(env):
    Incident = env["msp.page.incident"]
    Incident._cron_page()  # warm the caches
    scan_ms = median_ms(Incident._cron_page)
    plan = explain(env)

    def due_query():
        Incident.search(Incident._msp_due_domain(fields.Datetime.now()), limit=100)

    query_ms = median_ms(due_query)
    # The baseline: no partial index (the planner may also read the one-live-incident index,
    # whose predicate state != 'resolved' holds for triggered rows): a scan of every row.
    env.cr.execute("DROP INDEX msp_page_incident_due_triggered_idx")
    env.cr.execute("DROP INDEX msp_page_incident_one_live_per_ticket")
    baseline_ms = median_ms(due_query)
    baseline_plan = explain(env)
    env.cr.rollback()  # the indexes are back
    return scan_ms, query_ms, baseline_ms, plan, baseline_plan


def measure_first_page(env, team, count=10, timeout=120.0):
    """Seconds from each P1 ticket's commit to its first page by the server's cron runner."""
    Page = env["msp.page"]
    delays = []
    for number in range(count):
        ticket = env["helpdesk.ticket"].create(
            {
                "name": f"Bench P1 {number}",
                "description": "<p>Server down.</p>",
                "team_id": team.id,
                "priority": "3",
            }
        )
        env.cr.commit()
        created = time.perf_counter()
        while True:
            env.cr.rollback()  # a new snapshot
            page = Page.search([("ticket_id", "=", ticket.id)], limit=1)
            if page:
                delays.append(time.perf_counter() - created)
                break
            if time.perf_counter() - created > timeout:
                delays.append(float("inf"))
                break
            time.sleep(0.05)  # polling the server's work, not a test
        env.invalidate_all()
    return delays


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--closed", type=int, default=100_000)
    parser.add_argument("--interval", type=float, default=60.0, help="the cron's interval (s)")
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config])
    failures = []
    with environment(args.db) as env:
        team, schedule = setup(env)
        print(f"Inserting {args.closed:,} closed incidents ...")
        bulk_closed_incidents(env, team, schedule, args.closed)
        scan_ms, query_ms, baseline_ms, plan, baseline_plan = measure_scan(env)
        print("Time from a P1 ticket's creation to its first page (server cron runner) ...")
        delays = measure_first_page(env, team)

    print()
    print(f"| paging scan, nothing due, {args.closed:,} closed incidents | median of 21 |")
    print("|---|---|")
    print(f"| the scheduled method (`_cron_page`, commit included) | {scan_ms:.2f} ms |")
    print(f"| its candidate query, partial index | {query_ms:.2f} ms |")
    print(f"| the same query without the partial indexes (baseline) | {baseline_ms:.2f} ms |")
    print()
    print("EXPLAIN of the candidate query:\n" + plan)
    print("\nWithout the partial indexes:\n" + baseline_plan)
    print()
    finite = [d for d in delays if d != float("inf")]
    print(f"| P1 ticket to first page ({len(delays)} tickets) | seconds |")
    print("|---|---|")
    if finite:
        print(f"| median | {statistics.median(finite):.2f} |")
        print(f"| max | {max(finite):.2f} |")
    print(f"| goal: cron interval + {FIRST_PAGE_MARGIN_S:.0f} s | {args.interval + 5:.0f} |")

    if scan_ms >= SCAN_GOAL_MS:
        failures.append(f"paging scan with nothing due {scan_ms:.2f} ms >= {SCAN_GOAL_MS} ms")
    if query_ms >= baseline_ms:
        failures.append("the partial indexes do not make the due query faster than without")
    if not finite or max(delays) > args.interval + FIRST_PAGE_MARGIN_S:
        failures.append(f"first page later than the cron interval + 5 s: {delays}")
    for failure in failures:
        print(f"GOAL MISSED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
