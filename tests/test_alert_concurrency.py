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

import psycopg2
import pytest

from odoo import SUPERUSER_ID, api
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


def _deliver(env, source_id):
    source = env["msp.alert.source"].browse(source_id)
    return source._msp_alert_ingest(parse_alerts("alertmanager", BODY))


def test_two_deliveries_of_one_alert_make_one_ticket():
    registry = Registry(
        config["db_name"][0] if isinstance(config["db_name"], list) else config["db_name"]
    )
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
    try:
        with registry.cursor() as cr_a, registry.cursor() as cr_b:
            env_a = api.Environment(cr_a, SUPERUSER_ID, {"tracking_disable": True})
            env_b = api.Environment(cr_b, SUPERUSER_ID, {"tracking_disable": True})
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
            alerts = env["msp.alert"].search([("source_id", "=", ids["source"])])
            assert len(alerts) == 1
            assert alerts.firing_count == 2
            assert env["msp.alert"]._msp_alert_open_pending() == 1
            tickets = env["helpdesk.ticket"].search([("company_id", "=", ids["company"])])
            assert tickets == alerts.ticket_id
    finally:
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
