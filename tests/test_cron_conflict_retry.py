"""A scheduled action of the suite that a concurrent transaction makes fail runs again at
once, instead of being marked failed until its next call (a day for the daily actions).

The conflict is real: the action's transaction takes its snapshot, another connection
changes a row and commits, then the action changes that row (PostgreSQL refuses it under
REPEATABLE READ). This works outside Odoo's test transaction with committed data, and
removes what it made.
"""

import psycopg2
import pytest

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tools import config


def _registry():
    return Registry(
        config["db_name"][0] if isinstance(config["db_name"], list) else config["db_name"]
    )


@pytest.fixture
def conflicting_cron():
    """A scheduled action declared by msp_sla (its xml id) or by nobody, that writes a note
    on a partner; returns (registry, ids)."""
    registry = _registry()
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        partner = env["res.partner"].create({"name": "Cron conflict target"})
        crons = {}
        for name in ("suite", "other"):
            crons[name] = env["ir.cron"].create(
                {
                    "name": f"Cron conflict test ({name})",
                    "model_id": env.ref("base.model_res_partner").id,
                    "state": "code",
                    "code": f"model.browse({partner.id}).write({{'comment': 'by the action'}})",
                    "interval_number": 1,
                    "interval_type": "days",
                    "active": False,
                }
            )
        env["ir.model.data"].create(
            {
                "module": "msp_sla",
                "name": "test_cron_conflict_retry",
                "model": "ir.cron",
                "res_id": crons["suite"].id,
            }
        )
        ids = {"partner": partner.id, **{name: cron.id for name, cron in crons.items()}}
    yield registry, ids
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env["ir.model.data"].search(
            [("module", "=", "msp_sla"), ("name", "=", "test_cron_conflict_retry")]
        ).unlink()
        env["ir.cron"].browse([ids["suite"], ids["other"]]).unlink()
        env["res.partner"].browse(ids["partner"]).unlink()


def _run_after_a_concurrent_change(registry, ids, cron_key):
    with registry.cursor() as job_cr, registry.cursor() as other_cr:
        job_env = api.Environment(job_cr, SUPERUSER_ID, {})
        cron = job_env["ir.cron"].browse(ids[cron_key])
        action_id = cron.ir_actions_server_id.id
        job_env["res.partner"].browse(ids["partner"]).read(["comment"])  # the snapshot
        other_env = api.Environment(other_cr, SUPERUSER_ID, {})
        other_env["res.partner"].browse(ids["partner"]).write({"comment": "by someone else"})
        other_cr.commit()
        cron._callback(cron.name, action_id)
    with registry.cursor() as cr:
        return api.Environment(cr, SUPERUSER_ID, {})["res.partner"].browse(ids["partner"]).comment


def test_a_suite_action_runs_again_after_a_concurrent_update(conflicting_cron):
    registry, ids = conflicting_cron
    assert _run_after_a_concurrent_change(registry, ids, "suite") == "<p>by the action</p>"


def test_other_actions_keep_odoo_behaviour(conflicting_cron):
    registry, ids = conflicting_cron
    with pytest.raises(psycopg2.errors.SerializationFailure):
        _run_after_a_concurrent_change(registry, ids, "other")
