"""Two cron workers running the paging scan at once page each escalation step once.

Real concurrency needs committed data and two database connections, so this test works
outside Odoo's test transaction: it commits a company, a team with an on-call schedule and a
P1 ticket (whose incident is due at once), runs the scan from two cursors interleaved by hand,
checks, and removes what it made (in SQL: the ledger itself refuses deletion).
"""

import psycopg2
import pytest

from odoo import SUPERUSER_ID, api, fields
from odoo.fields import Command
from odoo.modules.registry import Registry
from odoo.tools import config


def _pages(env, ticket_id):
    return env["msp.page"].search_count([("ticket_id", "=", ticket_id)])


def _registry():
    return Registry(
        config["db_name"][0] if isinstance(config["db_name"], list) else config["db_name"]
    )


def _setup(registry, priority):
    """A company, a team with an on-call schedule and a ticket of ``priority``, committed."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        # Other incidents may be due in this database (the demo's): their steps run first,
        # so that each worker's count below is this ticket's.
        env["msp.page.incident"]._cron_page()
        company = env["res.company"].create({"name": "Paging concurrency branch"})
        admin = env.ref("base.user_admin")
        team = env["helpdesk.ticket.team"].create(
            {"name": "Paging concurrency team", "company_id": company.id}
        )
        today = fields.Date.today()
        env["msp.oncall.schedule"].create(
            {
                "name": "Race desk",
                "team_id": team.id,
                "tz": "UTC",
                "layer_ids": [
                    Command.create(
                        {
                            "layer": "primary",
                            "rotation": "weekly",
                            "start_date": fields.Date.subtract(today, days=7),
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
        ticket = env["helpdesk.ticket"].create(
            {
                "name": "Race ticket",
                "description": "<p>Two workers.</p>",
                "company_id": company.id,
                "team_id": team.id,
                "priority": priority,
            }
        )
        ids = {
            "company": company.id,
            "partner": company.partner_id.id,
            "team": team.id,
            "ticket": ticket.id,
        }
    return ids


@pytest.fixture
def desk():
    registry = _registry()
    ids = {}
    yield registry, ids
    if ids:
        _cleanup(registry, ids)


def test_two_workers_page_each_step_once(desk):
    registry, ids = desk
    ids.update(_setup(registry, "3"))
    with registry.cursor() as cr_a, registry.cursor() as cr_b:
        env_a = api.Environment(cr_a, SUPERUSER_ID, {})
        env_b = api.Environment(cr_b, SUPERUSER_ID, {})
        incident_a = env_a["msp.page.incident"].search([("ticket_id", "=", ids["ticket"])])
        # Worker A holds the due incident (it is paging it)...
        assert incident_a.try_lock_for_update(allow_referencing=True) == incident_a
        # ...worker B skips it instead of waiting or paging it too.
        assert env_b["msp.page.incident"]._cron_page() == 0
        # B's next run took its snapshot before A commits.
        assert _pages(env_b, ids["ticket"]) == 0
        assert env_a["msp.page.incident"]._cron_page() == 1  # commits (_commit_progress)
        # B still sees the incident due in its snapshot; the row A changed is refused to
        # it (Odoo's cron retries such a run from the start), never paged a second time.
        with pytest.raises(psycopg2.errors.SerializationFailure):
            env_b["msp.page.incident"]._cron_page()
        cr_b.rollback()
        assert env_b["msp.page.incident"]._cron_page() == 0
        assert _pages(env_b, ids["ticket"]) == 1
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        incident = env["msp.page.incident"].search([("ticket_id", "=", ids["ticket"])])
        assert incident.step_index == 1
        assert incident.state == "triggered"
        assert len(incident.page_ids) == 1
        events = env["msp.sla.event"].search(
            [("ticket_id", "=", ids["ticket"]), ("event_type", "=", "page")]
        )
        assert len(events) == 1


def test_two_transactions_starting_the_paging_of_one_ticket_make_one_incident(desk):
    """An alert firing again while a person raises its ticket to P1: both start the paging.
    The later transaction is refused on the ticket's row (Odoo retries it) instead of failing
    on the unique index of live incidents, and its retry finds the live incident."""
    registry, ids = desk
    ids.update(_setup(registry, "1"))  # below the schedule's paging priority: no incident
    with registry.cursor() as cr_a, registry.cursor() as cr_b:
        env_a = api.Environment(cr_a, SUPERUSER_ID, {})
        env_b = api.Environment(cr_b, SUPERUSER_ID, {})
        ticket_b = env_b["helpdesk.ticket"].browse(ids["ticket"])
        ticket_b.read(["name"])  # B's snapshot, before A commits
        assert len(env_a["helpdesk.ticket"].browse(ids["ticket"])._msp_page_start()) == 1
        cr_a.commit()
        with pytest.raises(psycopg2.errors.SerializationFailure):
            ticket_b._msp_page_start()
        cr_b.rollback()
        assert not ticket_b._msp_page_start(), "the retry finds the live incident"
        cr_b.commit()
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        assert env["msp.page.incident"].search_count([("ticket_id", "=", ids["ticket"])]) == 1


def _cleanup(registry, ids):
    with registry.cursor() as cr:
        cr.execute("DELETE FROM msp_sla_event WHERE company_id = %s", [ids["company"]])
        cr.execute("DELETE FROM msp_ledger_chain WHERE company_id = %s", [ids["company"]])
        cr.execute(
            "DELETE FROM mail_activity WHERE res_model = 'helpdesk.ticket' AND res_id = %s",
            [ids["ticket"]],
        )
        cr.execute(
            "DELETE FROM mail_mail WHERE mail_message_id IN (SELECT id FROM mail_message "
            "WHERE model = 'helpdesk.ticket' AND res_id = %s)",
            [ids["ticket"]],
        )
        cr.execute(
            "DELETE FROM mail_message WHERE model = 'helpdesk.ticket' AND res_id = %s",
            [ids["ticket"]],
        )
        cr.execute("DELETE FROM helpdesk_ticket WHERE id = %s", [ids["ticket"]])
        env = api.Environment(cr, SUPERUSER_ID, {})
        env["helpdesk.ticket.team"].browse(ids["team"]).unlink()
        env["res.company"].browse(ids["company"]).unlink()
        env["res.partner"].browse(ids["partner"]).unlink()
