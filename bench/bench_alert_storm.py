# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The alert storm of make bench-emergency: monitoring alerts into tickets under load.

A server started by bench/bench-emergency.sh with ``--workers 2`` receives 10,000 alerts in
Alertmanager webhook calls of 100 alerts, from 5 parallel senders, over 2,000 distinct
fingerprints (500 hosts x 4 alert names; each fingerprint fires 5 times). Each sender owns
its fingerprints, as one Alertmanager route group is delivered by one sender in order. The
hosts are assets of 50 customers, matched by the ``instance`` label (msp_service_contract's
matching), so every ticket gets its customer, asset, contract policy and SLA clocks.

Checked (exit 1 on a miss): every call answers 200; exactly 2,000 alerts and 2,000 tickets;
no alert lost (the calls' ``received`` and the alerts' firing counts both add up to 10,000,
and each call's new + repeat equals its alerts); the 95th percentile of the time per call
under 0.5 s. The baseline in the same run: the time of a refused call (wrong token), the
HTTP floor of this server.

    python bench/bench_alert_storm.py -c ODOO_CONFIG -d DB --url http://127.0.0.1:PORT
"""

import argparse
import json
import statistics
import sys
import threading
import time

import requests

import odoo
from odoo import SUPERUSER_ID, api
from odoo.fields import Command
from odoo.modules.registry import Registry

TOKEN = "bench-storm-token-2026"
ALERT_NAMES = ("NodeDown", "DiskFull", "HighLoad", "MemoryPressure")
SEVERITIES = ("critical", "warning", "warning", "critical")
CUSTOMERS = 50
# Host names of this run (the short name is the matching key): a database kept from an
# earlier run (MSP_BENCH_DB) matches anew.
RUN = f"run{int(time.time())}"


def setup(registry, hosts):
    """Customers, their assets (one per host), a contract plan with its policy, a desk and an
    Alertmanager source with a known token. Returns the source id."""
    from odoo.addons.msp_sla.models.msp_alert_source import hash_token  # noqa: PLC0415 - importable once the config gives the addons path

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        calendar = env.company.resource_calendar_id
        policy = env["msp.sla.policy"].create(
            {
                "name": "Storm 24x7",
                "calendar_id": calendar.id,
                "target_ids": [
                    Command.create(
                        {"priority": p, "kind": k, "duration_minutes": 60, "counting": "always"}
                    )
                    for p in ("1", "3")
                    for k in ("response", "resolution")
                ],
            }
        )
        team = env["helpdesk.ticket.team"].create(
            {"name": "Storm desk", "msp_sla_policy_id": policy.id}
        )
        plan = env["msp.service.plan"].create({"name": "Storm plan", "sla_policy_id": policy.id})
        customers = env["res.partner"].create(
            [{"name": f"Storm customer {i}", "is_company": True} for i in range(CUSTOMERS)]
        )
        env["msp.asset"].create(
            [
                {
                    "name": f"host-{i}",
                    "hostname": f"host{RUN}-{i}.storm.example",
                    "kind": "server",
                    "state": "active",
                    "partner_id": customers[i % CUSTOMERS].id,
                }
                for i in range(hosts)
            ]
        )
        env["contract.contract"].create(
            [
                {
                    "name": f"Storm contract {c.name}",
                    "partner_id": c.id,
                    "contract_type": "sale",
                    "msp_plan_id": plan.id,
                    "date_start": "2026-01-01",
                }
                for c in customers
            ]
        )
        source = env["msp.alert.source"].create(
            {"name": "Storm Alertmanager", "kind": "alertmanager", "team_id": team.id}
        )
        source.token_hash = hash_token(TOKEN)
        return source.id


def alert(index):
    host, name = divmod(index, len(ALERT_NAMES))
    return {
        "status": "firing",
        "labels": {
            "alertname": ALERT_NAMES[name],
            "instance": f"host{RUN}-{host}.storm.example:9100",
            "severity": SEVERITIES[name],
            "job": "node",
        },
        "annotations": {"summary": f"{ALERT_NAMES[name]} on host-{host}"},
        "startsAt": "2026-11-30T10:00:00Z",
        "endsAt": "0001-01-01T00:00:00Z",
        "fingerprint": f"storm{index:06d}",
    }


def calls_of(sender, args):
    """The bodies sender ``sender`` posts: its own fingerprints, ``args.batch`` per call, each
    fingerprint ``args.alerts / args.fingerprints`` times."""
    own = args.fingerprints // args.senders
    first = sender * own
    chunks = [
        list(range(first + start, first + min(start + args.batch, own)))
        for start in range(0, own, args.batch)
    ]
    rounds = args.alerts // args.fingerprints
    return [
        {
            "version": "4",
            "status": "firing",
            "receiver": "msp-suite",
            "groupKey": f'{{}}:{{sender="{sender}"}}',
            "alerts": [alert(i) for i in chunk],
        }
        for _round in range(rounds)
        for chunk in chunks
    ]


def storm(url, args):
    results, errors = [], []
    lock = threading.Lock()
    start_line = threading.Barrier(args.senders)

    def sender(number):
        session = requests.Session()
        headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
        bodies = [json.dumps(body) for body in calls_of(number, args)]
        start_line.wait()
        for body in bodies:
            started = time.perf_counter()
            response = session.post(url, data=body, headers=headers, timeout=120)
            took = time.perf_counter() - started
            with lock:
                if response.status_code != 200:
                    errors.append((response.status_code, response.text[:300]))
                else:
                    results.append((took, response.json(), len(json.loads(body)["alerts"])))

    threads = [threading.Thread(target=sender, args=(n,)) for n in range(args.senders)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors, time.perf_counter() - started


def wait_for_tickets(registry, source_id, timeout=600):
    """Seconds until every alert of the source has its ticket (the scheduled action)."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        with registry.cursor() as cr:
            cr.execute(
                "SELECT count(*) FROM msp_alert WHERE source_id = %s AND needs_ticket",
                [source_id],
            )
            if not cr.fetchone()[0]:
                return time.perf_counter() - started
        time.sleep(0.05)  # polling a real server, not a test
    return None


def probe(url, registry, source_id):
    """One new alert: seconds from the call to its ticket."""
    body = {"version": "4", "status": "firing", "alerts": [alert(10**6)]}
    body["alerts"][0]["fingerprint"] = f"probe-{RUN}"
    started = time.perf_counter()
    response = requests.post(
        url, json=body, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60
    )
    assert response.status_code == 200, response.text
    waited = wait_for_tickets(registry, source_id, timeout=120)
    return None if waited is None else time.perf_counter() - started


def floor(url):
    """The median time of a refused call (wrong token): the server's HTTP floor."""
    session = requests.Session()
    times = []
    for _i in range(20):
        started = time.perf_counter()
        response = session.post(url, data="{}", headers={"Authorization": "Bearer wrong"})
        times.append(time.perf_counter() - started)
        assert response.status_code == 401, response.status_code
    return statistics.median(times)


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def check(registry, source_id, results, errors, args):
    misses = []
    if errors:
        misses.append(f"{len(errors)} calls refused, first: {errors[0]}")
    received = sum(summary["received"] for _t, summary, _n in results)
    bad_calls = [s for _t, s, n in results if s["received"] != n or s["new"] + s["repeat"] != n]
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        alerts = env["msp.alert"].search([("source_id", "=", source_id)])
        fired = sum(alerts.mapped("firing_count"))
        tickets = len(alerts.ticket_id)
        with_customer = len(alerts.filtered("partner_id"))
    figures = {
        "calls": len(results),
        "received": received,
        "alerts": len(alerts),
        "tickets": tickets,
        "firings counted": fired,
        "alerts matched to a customer": with_customer,
    }
    if received != args.alerts:
        misses.append(f"received {received} alerts, sent {args.alerts}")
    if fired != args.alerts:
        misses.append(f"the alerts count {fired} firings, {args.alerts} were sent (lost)")
    if len(alerts) != args.fingerprints or tickets != args.fingerprints:
        misses.append(f"{len(alerts)} alerts and {tickets} tickets, {args.fingerprints} expected")
    if bad_calls:
        misses.append(f"{len(bad_calls)} calls whose summary does not add up: {bad_calls[0]}")
    return figures, misses


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--url", required=True, help="the server started with --workers 2")
    parser.add_argument("--alerts", type=int, default=10_000)
    parser.add_argument("--fingerprints", type=int, default=2_000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--senders", type=int, default=5)
    parser.add_argument("--p95", type=float, default=0.5, help="goal, seconds per call")
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config])
    registry = Registry(args.database)
    hosts = args.fingerprints // len(ALERT_NAMES)
    source_id = setup(registry, hosts)
    url = f"{args.url}/msp/alerts/{source_id}"
    base = floor(url)
    results, errors, wall = storm(url, args)
    drain = wait_for_tickets(registry, source_id)
    figures, misses = check(registry, source_id, results, errors, args)
    to_ticket = probe(url, registry, source_id)
    times = [took for took, _s, _n in results] or [0.0]
    creating = [took for took, s, _n in results if s["new"]] or [0.0]
    repeating = [took for took, s, _n in results if not s["new"]] or [0.0]
    p95 = percentile(times, 0.95)
    print(
        f"\nAlert storm: {args.alerts} alerts, {args.fingerprints} fingerprints, batches of "
        f"{args.batch}, {args.senders} senders, server --workers 2"
    )
    for key, value in figures.items():
        print(f"  {key:32} {value}")
    print(f"  {'wall time':32} {wall:.1f} s ({args.alerts / wall:.0f} alerts/s)")
    print(
        f"  {'per call: median / p95 / max':32} {statistics.median(times):.3f} / {p95:.3f} / "
        f"{max(times):.3f} s  (goal p95 < {args.p95} s)"
    )
    print(
        f"  {'calls opening tickets: p95':32} {percentile(creating, 0.95):.3f} s "
        f"({len([t for t, s, _n in results if s['new']])} calls)"
    )
    print(f"  {'repeat-only calls: p95':32} {percentile(repeating, 0.95):.3f} s")
    print(f"  {'baseline: refused call (median)':32} {base * 1000:.1f} ms")
    if drain is None or to_ticket is None:
        misses.append("the scheduled action did not open every ticket within 10 minutes")
    else:
        print(f"  {'last tickets opened after storm':32} {drain:.1f} s")
        print(f"  {'one new alert to its ticket':32} {to_ticket:.2f} s (call + scheduled action)")
    print(
        "  alert to ticket: the sender's grouping delay (Alertmanager group_wait, 30 s by "
        "default, 1 s in docs/emergency.md's config), plus the webhook call, plus the "
        "scheduled action the call wakes (a cron worker picks the wake-up up at once; the "
        "action's 1-minute interval bounds it if the wake-up is lost) and its batches."
    )
    if p95 >= args.p95:
        misses.append(f"p95 per call {p95:.3f} s, goal < {args.p95} s")
    for miss in misses:
        print(f"  MISSED: {miss}")
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
