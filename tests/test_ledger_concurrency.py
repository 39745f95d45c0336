"""Two transactions appending to the same company's ledger chain never chain onto the same
line: the one whose snapshot predates the other's commit is refused by PostgreSQL (Odoo
retries it), and its retry chains onto the new last line.

Real concurrency needs committed data and two database connections, so this test works
outside Odoo's test transaction: it commits a company and a ticket, appends from two cursors
interleaved by hand, checks, and removes what it made (in SQL: the ledger itself refuses).
"""

import psycopg2
import pytest

from odoo import SUPERUSER_ID, api, fields
from odoo.modules.registry import Registry
from odoo.tools import config


def _line(env, ticket, details):
    return env["msp.sla.event"]._msp_sla_log(
        [
            {
                "ticket_id": ticket,
                "company_id": env["helpdesk.ticket"].browse(ticket).company_id.id,
                "event_type": "no_policy",
                "date": fields.Datetime.now(),
                "details": details,
            }
        ]
    )


def test_two_transactions_never_chain_onto_the_same_line():
    registry = Registry(
        config["db_name"][0] if isinstance(config["db_name"], list) else config["db_name"]
    )
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        company = env["res.company"].create({"name": "Ledger concurrency branch"})
        ticket = env["helpdesk.ticket"].create(
            {
                "name": "Concurrency ticket",
                "description": "<p>Two sessions.</p>",
                "company_id": company.id,
                "team_id": False,
            }
        )
        ids = {"company": company.id, "ticket": ticket.id, "partner": company.partner_id.id}
    try:
        with registry.cursor() as cr_a, registry.cursor() as cr_b:
            env_a = api.Environment(cr_a, SUPERUSER_ID, {})
            env_b = api.Environment(cr_b, SUPERUSER_ID, {})
            # B's snapshot is taken now, before A appends and commits.
            env_b["helpdesk.ticket"].browse(ids["ticket"]).read(["name"])
            _line(env_a, ids["ticket"], "A")
            cr_a.commit()
            with pytest.raises(psycopg2.errors.SerializationFailure):
                _line(env_b, ids["ticket"], "B")
            cr_b.rollback()
            # Odoo retries a request refused so; the retry sees A's line and chains onto it.
            _line(env_b, ids["ticket"], "B")
            cr_b.commit()
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            lines = env["msp.sla.event"].search(
                [("company_id", "=", ids["company"])], order="ledger_sequence"
            )
            assert lines.mapped("details")[-2:] == ["A", "B"]
            assert lines.mapped("ledger_sequence") == list(range(1, len(lines) + 1))
            result = env["msp.sla.event"]._msp_ledger_verify_company(
                env["res.company"].browse(ids["company"])
            )
            assert result["intact"], result["message"]
            assert result["checked"] == len(lines) == 3
    finally:
        with registry.cursor() as cr:
            cr.execute("DELETE FROM msp_sla_event WHERE company_id = %s", [ids["company"]])
            cr.execute("DELETE FROM msp_ledger_chain WHERE company_id = %s", [ids["company"]])
            cr.execute("DELETE FROM helpdesk_ticket WHERE id = %s", [ids["ticket"]])
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["res.company"].browse(ids["company"]).unlink()
            env["res.partner"].browse(ids["partner"]).unlink()
