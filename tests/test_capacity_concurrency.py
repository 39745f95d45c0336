"""Two cron workers computing queued capacity checks at once compute each check once.

Real concurrency needs committed data and two database connections, so this test works
outside Odoo's test transaction: it commits two queued checks of a team without technicians
(their computation fails at once with its reason, which is enough to count how many times
each was taken), runs the cron from two cursors interleaved by hand, checks, and removes what
it made.
"""

from unittest.mock import patch

import pytest

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tools import config


def _registry():
    return Registry(
        config["db_name"][0] if isinstance(config["db_name"], list) else config["db_name"]
    )


def _finished_messages(env, run_id):
    """The requester's "done" or "failed" messages on the check: one per computation."""
    return env["mail.message"].search_count(
        [
            ("model", "=", "msp.capacity.run"),
            ("res_id", "=", run_id),
            "|",
            ("body", "ilike", "Capacity check done"),
            ("body", "ilike", "Capacity check failed"),
        ]
    )


@pytest.fixture
def checks():
    registry = _registry()
    ids = {}
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        # checks queued by other work in this database are computed first, so that what
        # each worker takes below is one of ours
        env["msp.capacity.run"]._cron_msp_capacity_runs()
        team = env["helpdesk.ticket.team"].create({"name": "Capacity race desk"})
        policy = env["msp.sla.policy"].create({"name": "Capacity race policy"})
        runs = env["msp.capacity.run"].create(
            [
                {"team_id": team.id, "policy_id": policy.id, "weeks": 2, "replications": 2}
                for _n in range(2)
            ]
        )
        runs.write({"state": "queued"})
        ids.update(team=team.id, policy=policy.id, runs=runs.ids)
    yield registry, ids
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env["msp.capacity.run"].browse(ids["runs"]).unlink()
        env["msp.sla.policy"].browse(ids["policy"]).unlink()
        env["helpdesk.ticket.team"].browse(ids["team"]).unlink()


def test_two_workers_compute_each_queued_check_once(checks):
    """Worker A takes the first queued check; before A commits, worker B runs: B skips the
    check A holds and computes the second; then A computes its own. Each once."""
    registry, ids = checks
    first, second = ids["runs"]
    seen_by_b = []
    with registry.cursor() as cr_a, registry.cursor() as cr_b:
        env_a = api.Environment(cr_a, SUPERUSER_ID, {})
        env_b = api.Environment(cr_b, SUPERUSER_ID, {})
        # one thread plays both workers: B waiting for A's lock would wait for ever
        cr_b.execute("SET lock_timeout = '10s'")
        cron_class = type(env_a["ir.cron"])
        commit_progress = cron_class._commit_progress

        def b_runs_before_a_commits(self, *args, **kwargs):
            if self.env.cr is cr_a and not seen_by_b:
                env_b["msp.capacity.run"]._cron_msp_capacity_runs()
                with registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    seen_by_b.append(env["msp.capacity.run"].browse(ids["runs"]).mapped("state"))
            return commit_progress(self, *args, **kwargs)

        with patch.object(cron_class, "_commit_progress", b_runs_before_a_commits):
            env_a["msp.capacity.run"]._cron_msp_capacity_runs()
    # when B was done, the first check was still A's (queued as far as others could see)
    assert seen_by_b == [["queued", "failed"]], seen_by_b
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        runs = env["msp.capacity.run"].browse([first, second])
        assert runs.mapped("state") == ["failed", "failed"]
        assert all("Team Members" in run.error for run in runs), runs.mapped("error")
        assert [_finished_messages(env, run_id) for run_id in ids["runs"]] == [1, 1]
