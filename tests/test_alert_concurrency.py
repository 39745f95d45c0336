"""Two deliveries of the same new alert at once make one alert and one ticket.

The alert intake inserts current alerts with INSERT ... ON CONFLICT DO NOTHING against a
unique partial index. A delivery whose snapshot predates the other's commit is refused by
PostgreSQL (REPEATABLE READ: a serialization failure, which Odoo's request handling
retries), and its retry counts a repeat on the existing alert. Real concurrency needs
committed data and two database connections, so this test works outside Odoo's test
transaction, in a company of its own, interleaves the two cursors by hand, and removes what
it made (in SQL: the SLA ledger refuses deletions).
"""

import json
from contextlib import contextmanager

import psycopg2
import pytest

from odoo import SUPERUSER_ID, api, fields
from odoo.addons.msp_sla.models.msp_alert_payload import parse_alerts
from odoo.modules.registry import Registry
from odoo.tools import config

BODY = json.dumps(
    {
        "version": "4",
        "status": "firing",
        "alerts": [
            {
                "status": "firing",
                "labels": {"alertname": "NodeDown", "instance": "db1:9100"},
                "fingerprint": "concurrency-fp",
            }
        ],
    }
)


def _deliver(env, source_id, changes_tickets=True):
    source = env["msp.alert.source"].browse(source_id)
    return source._msp_alert_ingest(
        parse_alerts("alertmanager", BODY), changes_tickets=changes_tickets
    )


def _start_firings_only(env):
    """What the webhook does first for a call that only records firings: its transaction
    runs under READ COMMITTED (then a first read, so that the transaction is under way)."""
    env["msp.alert.source"]._msp_alert_start_intake(changes_tickets=False)
    env.cr.execute("SHOW transaction_isolation")
    assert env.cr.fetchone()[0] == "read committed"


def _registry():
    return Registry(
        config["db_name"][0] if isinstance(config["db_name"], list) else config["db_name"]
    )


def _make_source(registry):
    """A company of its own with a desk and an alert source, committed: {name: id}."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        # Alerts may be waiting for their tickets in this database (the demo's): their
        # tickets open first, so that the count below is this alert's.
        env["msp.alert"]._msp_alert_open_pending()
        company = env["res.company"].create({"name": "Alert concurrency branch"})
        team = env["helpdesk.ticket.team"].create(
            {"name": "Alert concurrency desk", "company_id": company.id}
        )
        source = env["msp.alert.source"].create(
            {"name": "Concurrency source", "company_id": company.id, "team_id": team.id}
        )
        ids = {
            "company": company.id,
            "partner": company.partner_id.id,
            "team": team.id,
            "source": source.id,
        }
    return ids


def _remove(registry, ids):
    """What a test made, in SQL (the SLA ledger refuses deletions)."""
    with registry.cursor() as cr:
        cr.execute("SELECT id FROM helpdesk_ticket WHERE company_id = %s", [ids["company"]])
        tickets = [row[0] for row in cr.fetchall()] or [0]
        cr.execute("DELETE FROM msp_alert WHERE source_id = %s", [ids["source"]])
        cr.execute("DELETE FROM msp_sla_event WHERE company_id = %s", [ids["company"]])
        cr.execute("DELETE FROM msp_ledger_chain WHERE company_id = %s", [ids["company"]])
        cr.execute(
            "DELETE FROM mail_message WHERE model = 'helpdesk.ticket' AND res_id = ANY(%s)",
            [tickets],
        )
        cr.execute("DELETE FROM helpdesk_ticket WHERE id = ANY(%s)", [tickets])
        env = api.Environment(cr, SUPERUSER_ID, {})
        env["msp.alert.source"].browse(ids["source"]).unlink()
        env["helpdesk.ticket.team"].browse(ids["team"]).unlink()
        env["res.company"].browse(ids["company"]).unlink()
        env["res.partner"].browse(ids["partner"]).unlink()


@contextmanager
def _two_sessions(registry):
    """Two environments on two database connections: two concurrent transactions."""
    with registry.cursor() as cr_a, registry.cursor() as cr_b:
        yield (
            api.Environment(cr_a, SUPERUSER_ID, {"tracking_disable": True}),
            api.Environment(cr_b, SUPERUSER_ID, {"tracking_disable": True}),
        )


def _alert_and_tickets(env, source_id, company_id):
    alert = env["msp.alert"].search([("source_id", "=", source_id)])
    return alert, env["helpdesk.ticket"].search([("company_id", "=", company_id)])


def test_two_deliveries_of_one_alert_make_one_ticket():
    registry = _registry()
    ids = _make_source(registry)
    try:
        with _two_sessions(registry) as (env_a, env_b):
            cr_a, cr_b = env_a.cr, env_b.cr
            # B's snapshot is taken now, before A records the alert and commits.
            env_b["msp.alert.source"].browse(ids["source"]).read(["name"])
            assert _deliver(env_a, ids["source"])["new"] == 1
            cr_a.commit()
            # B found no current alert in its snapshot and tries to insert the same one.
            with pytest.raises(psycopg2.errors.SerializationFailure):
                _deliver(env_b, ids["source"])
            cr_b.rollback()
            # Odoo retries the refused request: the retry sees A's alert and counts a repeat.
            env_b.invalidate_all()
            summary = _deliver(env_b, ids["source"])
            assert (summary["new"], summary["repeat"]) == (0, 1), summary
            cr_b.commit()
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            assert env["msp.alert"]._msp_alert_open_pending() == 1
            alerts, tickets = _alert_and_tickets(env, ids["source"], ids["company"])
            assert len(alerts) == 1
            assert alerts.firing_count == 2
            assert tickets == alerts.ticket_id
    finally:
        _remove(registry, ids)


def test_repeats_while_the_ticket_opens_are_all_counted():
    """A repeat appends a history line and does not lock the alert: a call that started
    before another delivery's repeat and the scheduled action linking the alert's ticket
    (both committed) goes through, without a serialization failure and its retry (under
    REPEATABLE READ the check of the history line's reference to the alert fails on the
    alert's newer version), and no firing is lost."""
    registry = _registry()
    ids = _make_source(registry)
    try:
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            assert _deliver(env, ids["source"])["new"] == 1
        with _two_sessions(registry) as (env_a, env_b):
            cr_a, cr_b = env_a.cr, env_b.cr
            _start_firings_only(env_b)
            env_b["msp.alert.source"].browse(ids["source"]).read(["name"])
            # A: another sender's repeat, then the scheduled action opens the ticket
            # (it writes the alert's row); both commit.
            _start_firings_only(env_a)
            assert _deliver(env_a, ids["source"], changes_tickets=False)["repeat"] == 1
            cr_a.commit()
            assert env_a["msp.alert"]._msp_alert_open_pending() == 1
            cr_a.commit()
            # B counts its repeat: no lock on the alert, no conflict.
            summary = _deliver(env_b, ids["source"], changes_tickets=False)
            assert (summary["new"], summary["repeat"]) == (0, 1), summary
            cr_b.commit()
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            alert, tickets = _alert_and_tickets(env, ids["source"], ids["company"])
            assert len(alert) == 1
            assert alert.firing_count == 3
            assert alert.ticket_id
            assert tickets == alert.ticket_id
    finally:
        _remove(registry, ids)


def test_a_new_alert_delivered_twice_at_once_counts_a_repeat_without_retry():
    """Two calls recording firings only deliver the same new alert at once: both find no
    current alert, the first inserts it; the second's insert meets it in the unique index
    once the first commits and skips it (READ COMMITTED: no serialization failure), and
    the firing is counted as a repeat of that alert, in the same call."""
    registry = _registry()
    ids = _make_source(registry)
    try:
        with _two_sessions(registry) as (env_a, env_b):
            cr_a, cr_b = env_a.cr, env_b.cr
            _start_firings_only(env_a)
            _start_firings_only(env_b)
            assert _deliver(env_a, ids["source"], changes_tickets=False)["new"] == 1
            # B's steps of _msp_alert_ingest, A's alert not committed yet: none current
            source_b = env_b["msp.alert.source"].browse(ids["source"])
            (alert,) = parse_alerts("alertmanager", BODY)
            key = (alert["fingerprint"], 0)
            items = [(alert, {"partner": env_b["res.partner"], "note": False})]
            assert source_b._msp_alert_current_locked({key: items}) == {}
            cr_a.commit()
            now = fields.Datetime.now()
            assert not source_b._msp_alert_insert([(key, items, 1)], now), "skipped"
            event = source_b._msp_alert_lost_race(key, items, 1, now)
            env_b["msp.alert.event"].create([event])
            cr_b.commit()
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            alert, tickets = _alert_and_tickets(env, ids["source"], ids["company"])
            assert (len(alert), len(tickets)) == (1, 0)
            assert alert.firing_count == 2
            assert sorted(alert.event_ids.mapped("kind")) == ["fired", "repeat"]
    finally:
        _remove(registry, ids)
