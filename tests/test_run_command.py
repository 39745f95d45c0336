"""The run command (tools/run.sh, behind `make run`) serves a working Odoo.

It is started as a person starts it, on its own database and a free loopback port: the first
start creates the database with the three addons, the second reuses it. Each time the login
page is served, XML-RPC answers, admin logs in and sees the three apps installed, and Ctrl-C
(SIGINT to the process group) stops it cleanly.
"""

import os
import re
import sys
import xmlrpc.client
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tools"))

from odoo_server import OdooServer, drop_database, free_port  # noqa: E402

pytestmark = pytest.mark.standalone


@pytest.fixture
def run_db(tmp_path):
    db = f"msp_runcheck_{os.getpid()}"
    yield db, tmp_path / "run.log"
    drop_database(db)


def _check_served(run):
    try:
        status, page = run.wait_until_served()
    except RuntimeError as error:
        pytest.fail(str(error))
    assert status == 200
    assert re.search(r'<input[^>]+name="login"', page), "login form not served"
    common = xmlrpc.client.ServerProxy(f"{run.url}/xmlrpc/2/common")
    assert common.version()["server_version"].startswith("19.0")
    uid = common.authenticate(run.db, "admin", "admin", {})
    assert uid, "admin/admin cannot log in"
    models = xmlrpc.client.ServerProxy(f"{run.url}/xmlrpc/2/object")
    modules = models.execute_kw(
        run.db,
        uid,
        "admin",
        "ir.module.module",
        "search_read",
        [[("name", "in", ["msp_sla", "msp_it_audit", "msp_service_contract"])]],
        {"fields": ["name", "state", "demo"]},
    )
    assert {m["name"]: m["state"] for m in modules} == {
        "msp_sla": "installed",
        "msp_it_audit": "installed",
        "msp_service_contract": "installed",
    }
    assert all(m["demo"] for m in modules), "the addons were installed without demo data"


def test_run_command_serves_odoo_and_stops_on_ctrl_c(run_db):
    db, log_path = run_db
    first = OdooServer(db, free_port(), log_path)
    try:
        first.start()
        _check_served(first)
    finally:
        code = first.stop()
    assert code == 0, first.output()
    assert "installing the MSP addons with demo data" in first.output(tail=None)

    second = OdooServer(db, free_port(), log_path)
    try:
        second.start()
        _check_served(second)
    finally:
        code = second.stop()
    assert code == 0, second.output()
    assert f"database '{db}' exists: reusing it" in second.output(tail=None)
