# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Benchmark of msp_sla (make bench-sla).

Three fresh databases, made by bench/bench-sla.sh: plain helpdesk_mgmt, helpdesk_mgmt with
OCA helpdesk_mgmt_sla (3 rules on a team calendar), and helpdesk_mgmt with msp_sla (a policy
with the full priority matrix). In one process, with the three registries side by side:

1. ticket creation, 5,000 tickets per database in batches of 100, the databases taking turns
   batch by batch so that the machine's noise falls on all three alike; and the queries of
   one create;
2. stage changes of those tickets in batches of 100 (new -> in progress, then into the pause
   stage), taking turns the same way;
3. on the msp_sla database, the breach scan (the scheduled action) over 10,000 and then
   100,000 open tickets with nothing due, then with 1,000 clocks breaching at once, escalation
   rules included; and the EXPLAIN plan of each step's candidate query.

It prints medians and ratios against plain helpdesk_mgmt measured in the same run, and a
markdown table for docs/performance.md.

    python bench/bench_sla.py -c ODOO_CONFIG --plain DB --oca DB --msp DB [--tickets 5000]
"""

import argparse
import statistics
import time
from contextlib import contextmanager
from datetime import timedelta

import odoo
from odoo import SUPERUSER_ID, api, fields
from odoo.modules.registry import Registry
from odoo.tools import SQL

BATCH = 100


@contextmanager
def environment(db):
    registry = Registry(db)
    with registry.cursor() as cr:
        yield api.Environment(cr, SUPERUSER_ID, {"tracking_disable": False})


def timed(function):
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


# ----------------------------------------------------------------------------------------
# Set-up per variant
# ----------------------------------------------------------------------------------------


def common_setup(env, name):
    partner = env["res.partner"].create({"name": f"Bench customer ({name})", "is_company": True})
    team = env["helpdesk.ticket.team"].create({"name": f"Bench team ({name})"})
    stages = {
        key: env.ref(f"helpdesk_mgmt.helpdesk_ticket_stage_{key}")
        for key in ("new", "in_progress", "awaiting", "done")
    }
    return {"partner": partner, "team": team, "stages": stages}


def setup_oca(env, data):
    calendar = env.company.resource_calendar_id
    data["team"].write({"use_sla": True, "resource_calendar_id": calendar.id})
    stages = data["stages"]
    env["helpdesk.sla"].create(
        [
            {
                "name": "Respond",
                "team_ids": [(6, 0, data["team"].ids)],
                "hours": 4,
                "stage_id": stages["in_progress"].id,
            },
            {
                "name": "Resolve",
                "team_ids": [(6, 0, data["team"].ids)],
                "days": 2,
                "stage_id": stages["done"].id,
            },
            {
                "name": "P1 respond",
                "team_ids": [(6, 0, data["team"].ids)],
                "hours": 1,
                "domain": "[('priority', '=', '3')]",
                "stage_id": stages["in_progress"].id,
            },
        ]
    )


def setup_msp(env, data):
    targets = []
    for priority, (response, resolution, counting) in {
        "3": (60, 480, "always"),
        "2": (120, 960, "always"),
        "1": (240, 2400, "business"),
        "0": (480, 4800, "business"),
    }.items():
        targets += [
            (
                0,
                0,
                {
                    "priority": priority,
                    "kind": "response",
                    "duration_minutes": response,
                    "counting": counting,
                },
            ),
            (
                0,
                0,
                {
                    "priority": priority,
                    "kind": "plan",
                    "duration_minutes": response * 2,
                    "counting": counting,
                },
            ),
            (
                0,
                0,
                {
                    "priority": priority,
                    "kind": "resolution",
                    "duration_minutes": resolution,
                    "counting": counting,
                },
            ),
        ]
    leader = env["res.users"].create({"name": "Bench leader", "login": "bench_leader"})
    data["team"].user_id = leader
    policy = env["msp.sla.policy"].create(
        {
            "name": "Bench matrix",
            "calendar_id": env.company.resource_calendar_id.id,
            "pause_stage_ids": [(6, 0, data["stages"]["awaiting"].ids)],
            "target_ids": targets,
            "escalation_ids": [
                (0, 0, {"name": "Warn the leader", "trigger": "at_risk", "action": "activity"}),
                (0, 0, {"name": "Tell the followers", "trigger": "breached", "action": "email"}),
            ],
        }
    )
    data["team"].msp_sla_policy_id = policy
    data["policy"] = policy


SETUPS = {"plain": None, "oca": setup_oca, "msp": setup_msp}


# ----------------------------------------------------------------------------------------
# Measurements
# ----------------------------------------------------------------------------------------


def ticket_values(data, batch, size):
    return [
        {
            "name": f"Bench ticket {batch}-{index}",
            "description": "<p>Benchmark</p>",
            "team_id": data["team"].id,
            "partner_id": data["partner"].id,
            "priority": str(index % 4),
            "stage_id": data["stages"]["new"].id,
        }
        for index in range(size)
    ]


def interleaved(variants, batches, step):
    """Run step(variant, batch) for every batch, the variants taking turns (rotating order)."""
    times = {name: [] for name in variants}
    names = list(variants)
    for batch in range(batches):
        order = names[batch % len(names) :] + names[: batch % len(names)]
        for name in order:
            times[name].append(step(name, batch))
    return times


def measure_creation(envs, data, tickets):
    created = {name: envs[name]["helpdesk.ticket"] for name in envs}

    def step(name, batch):
        env = envs[name]
        vals = ticket_values(data[name], batch, BATCH)

        def run():
            created[name] |= env["helpdesk.ticket"].create(vals)
            env.flush_all()
            env.cr.commit()

        return timed(run)

    times = interleaved(envs, tickets // BATCH, step)
    return times, created


def measure_create_queries(env, data):
    counts = []
    for attempt in range(5):
        env.invalidate_all()
        before = env.cr.sql_log_count
        env["helpdesk.ticket"].create(ticket_values(data, f"q{attempt}", 1)[0:1])
        env.flush_all()
        counts.append(env.cr.sql_log_count - before)
    env.cr.rollback()
    return statistics.median(counts[1:])


def measure_stage_changes(envs, data, created, stage_key):
    def step(name, batch):
        env = envs[name]
        tickets = created[name][batch * BATCH : (batch + 1) * BATCH]
        stage = data[name]["stages"][stage_key]

        def run():
            tickets.write({"stage_id": stage.id})
            env.flush_all()
            env.cr.commit()

        return timed(run)

    return interleaved(envs, len(created["plain"]) // BATCH, step)


# ----------------------------------------------------------------------------------------
# The breach scan on many open tickets
# ----------------------------------------------------------------------------------------


def bulk_open_tickets(env, data, count, deadline_from):
    """Insert ``count`` open tickets with a running response clock each, by SQL (the ORM
    would take an hour for 100,000): deadlines spread over the days after deadline_from."""
    policy, team, stage = data["policy"], data["team"], data["stages"]["in_progress"]
    env.cr.execute(
        SQL(
            """
            WITH t AS (
                INSERT INTO helpdesk_ticket (name, description, number, company_id, team_id,
                       stage_id, priority, active, msp_sla_policy_id, msp_sla_status,
                       msp_sla_deadline, create_date, write_date, create_uid, write_uid)
                SELECT 'Bulk ticket ' || g, '<p>bulk</p>', 'BULK' || g, %(company)s, %(team)s,
                       %(stage)s, '1', TRUE, %(policy)s, 'on_track',
                       %(deadline)s::timestamp + (g %% 20000) * interval '1 minute',
                       now(), now(), 1, 1
                  FROM generate_series(1, %(count)s) g
                RETURNING id, msp_sla_deadline
            )
            INSERT INTO msp_sla_clock (ticket_id, company_id, policy_id, kind, priority,
                   counting, target_minutes, state, start_at, segment_start,
                   consumed_minutes, paused_minutes, deadline, risk_at, create_date,
                   write_date, create_uid, write_uid)
            SELECT t.id, %(company)s, %(policy)s, 'response', '1', 'business', 240, 'running',
                   now(), now(), 0, 0, t.msp_sla_deadline, t.msp_sla_deadline, now(), now(), 1, 1
              FROM t
            """,
            company=env.company.id,
            team=team.id,
            stage=stage.id,
            policy=policy.id,
            deadline=deadline_from,
            count=count,
        )
    )
    env.cr.execute("ANALYZE msp_sla_clock")
    env.cr.commit()


def measure_scan(env, data):
    Clock = env["msp.sla.clock"]
    future = fields.Datetime.now() + timedelta(days=30)
    results = {}
    for total in (10_000, 100_000):
        already = Clock.search_count([("ticket_id.name", "=like", "Bulk ticket %")])
        bulk_open_tickets(env, data, total - already, future)
        runs = [timed(Clock._cron_scan) for _run in range(7)]
        results[f"nothing due, {total:,} open"] = statistics.median(runs)

    # 1,000 clocks of distinct tickets breach at once.
    env.cr.execute(
        """
        UPDATE msp_sla_clock SET deadline = now() AT TIME ZONE 'UTC' - interval '1 minute',
               risk_at = now() AT TIME ZONE 'UTC' - interval '30 minutes'
         WHERE id IN (SELECT id FROM msp_sla_clock WHERE state = 'running' AND kind = 'response'
                      ORDER BY id LIMIT 1000)
        """
    )
    env.cr.commit()
    env.invalidate_all()
    before = env["msp.sla.event"].search_count([("event_type", "=", "breach")])
    results["1,000 breaching at once"] = timed(Clock._cron_scan)
    breaches = env["msp.sla.event"].search_count([("event_type", "=", "breach")]) - before
    escalations = env["msp.sla.event"].search_count([("event_type", "=", "escalation")])

    plans = []
    for domain, order, transition in Clock._scan_steps(fields.Datetime.now()):
        query = Clock._search(domain, limit=500, order=order)
        env.cr.execute(SQL("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) %s", query.select()))
        plans.append(f"{transition}:\n" + "\n".join(row[0] for row in env.cr.fetchall()))
    return results, breaches, escalations, "\n\n".join(plans)


# ----------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("--plain", required=True)
    parser.add_argument("--oca", required=True)
    parser.add_argument("--msp", required=True)
    parser.add_argument("--tickets", type=int, default=5000)
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config])
    dbs = {"plain": args.plain, "oca": args.oca, "msp": args.msp}

    with (
        environment(dbs["plain"]) as plain,
        environment(dbs["oca"]) as oca,
        environment(dbs["msp"]) as msp,
    ):
        envs = {"plain": plain, "oca": oca, "msp": msp}
        data = {}
        for name, env in envs.items():
            data[name] = common_setup(env, name)
            if SETUPS[name]:
                SETUPS[name](env, data[name])
            env.cr.commit()

        queries = {name: measure_create_queries(env, data[name]) for name, env in envs.items()}
        print(f"Creating {args.tickets:,} tickets per database in batches of {BATCH} ...")
        create_times, created = measure_creation(envs, data, args.tickets)
        print("Stage changes ...")
        progress_times = measure_stage_changes(envs, data, created, "in_progress")
        pause_times = measure_stage_changes(envs, data, created, "awaiting")
        print("Breach scan on the msp_sla database ...")
        scan, breaches, escalations, plan = measure_scan(msp, data["msp"])

    def per_thousand(times):
        return statistics.median(times) * 1000 / BATCH

    labels = {"plain": "helpdesk_mgmt", "oca": "+ helpdesk_mgmt_sla (OCA)", "msp": "+ msp_sla"}
    rows = []
    for name in ("plain", "oca", "msp"):
        rows.append(
            (
                labels[name],
                per_thousand(create_times[name]),
                per_thousand(create_times[name]) / per_thousand(create_times["plain"]),
                queries[name],
                per_thousand(progress_times[name]),
                per_thousand(progress_times[name]) / per_thousand(progress_times["plain"]),
                per_thousand(pause_times[name]),
                per_thousand(pause_times[name]) / per_thousand(pause_times["plain"]),
            )
        )
    print()
    print(
        "| database | create s/1,000 (median batch) | vs plain | queries, one create "
        "| new->in progress s/1,000 | vs plain | into pause stage s/1,000 | vs plain |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(
            "| {} | {:.2f} | {:.2f}x | {:.0f} | {:.2f} | {:.2f}x | {:.2f} | {:.2f}x |".format(*row)
        )
    print()
    print("| breach scan (msp_sla) | seconds (median of 7 runs; one run for the breach) |")
    print("|---|---|")
    for label, seconds in scan.items():
        print(f"| {label} | {seconds:.4f} |")
    print()
    print(f"1,000 breaching: {breaches} breach lines and {escalations} escalation lines written.")
    print()
    print("EXPLAIN of each scan step's candidates query (100,000 open, after the breach run):")
    print(plan)


if __name__ == "__main__":
    main()
