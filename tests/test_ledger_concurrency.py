"""Writing ledger lines waits for no other transaction, and sealing them never chains two
lines onto the same one.

Two transactions that write lines in the same company both go through at once (the chain's
head is not touched by writers: a writer that waited for it would hit the lock timeout set
below and fail this test). The sealing locks the head: of two sealings at once, the one whose
snapshot predates the other's commit is refused by PostgreSQL (the scheduled action runs
again), and the chain ends whole and gapless.

Real concurrency needs committed data and two database connections, so this test works
outside Odoo's test transaction: it commits a company and a ticket, interleaves two cursors
by hand, checks, and removes what it made (in SQL: the ledger itself refuses).
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


def test_writers_never_wait_and_sealings_never_chain_onto_the_same_line():
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
        env["msp.sla.event"]._msp_ledger_seal_pending()
        ids = {"company": company.id, "ticket": ticket.id, "partner": company.partner_id.id}
    try:
        with registry.cursor() as cr_a, registry.cursor() as cr_b:
            env_a = api.Environment(cr_a, SUPERUSER_ID, {})
            env_b = api.Environment(cr_b, SUPERUSER_ID, {})
            cr_b.execute("SET LOCAL lock_timeout = '2s'")
            # B's snapshot is taken now; A writes and holds its transaction open.
            env_b["helpdesk.ticket"].browse(ids["ticket"]).read(["name"])
            _line(env_a, ids["ticket"], "A")
            env_a.flush_all()
            _line(env_b, ids["ticket"], "B")
            env_b.flush_all()  # neither waits for A nor is refused
            cr_b.commit()
            cr_a.commit()
        with registry.cursor() as cr_c, registry.cursor() as cr_d:
            env_c = api.Environment(cr_c, SUPERUSER_ID, {})
            env_d = api.Environment(cr_d, SUPERUSER_ID, {})
            env_c["helpdesk.ticket"].browse(ids["ticket"]).read(["name"])  # C's snapshot
            assert env_d["msp.sla.event"]._msp_ledger_seal_pending() >= 2
            cr_d.commit()
            with pytest.raises(psycopg2.errors.SerializationFailure):
                env_c["msp.sla.event"]._msp_ledger_seal_pending()
            cr_c.rollback()
            # The scheduled action's next run finds nothing of this company left to seal.
            env_c["msp.sla.event"]._msp_ledger_seal_pending()
            cr_c.commit()
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            lines = env["msp.sla.event"].search(
                [("company_id", "=", ids["company"])], order="ledger_sequence"
            )
            assert sorted(lines.mapped("details")[-2:]) == ["A", "B"]
            assert lines.mapped("ledger_sequence") == list(range(1, len(lines) + 1))
            result = env["msp.sla.event"]._msp_ledger_verify_company(
                env["res.company"].browse(ids["company"])
            )
            assert result["intact"], result["message"]
            assert result["checked"] == len(lines) == 3
            assert result["pending"] == 0
    finally:
        with registry.cursor() as cr:
            cr.execute("DELETE FROM msp_sla_event WHERE company_id = %s", [ids["company"]])
            cr.execute("DELETE FROM msp_ledger_chain WHERE company_id = %s", [ids["company"]])
            cr.execute("DELETE FROM helpdesk_ticket WHERE id = %s", [ids["ticket"]])
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["res.company"].browse(ids["company"]).unlink()
            env["res.partner"].browse(ids["partner"]).unlink()
