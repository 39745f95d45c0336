"""The production deployment (tools/run-prod.sh, behind `make run-prod`) and the restore drill
of docs/deployment.md, in one server start.

The test's own database (the one pytest-odoo runs on, with the addons and demo data) is backed
up as docs/deployment.md says (pg_dump's custom format and the filestore), restored into a new
database, and the production command serves the restore: the login page is answered by two
HTTP worker processes beside the cron workers and the websocket's gevent process, both
tamper-evident ledgers verify as intact on the restore, as long as on the original, and
`run-prod.sh --stop` stops every process. The restore is neutralized (odoo-bin neutralize:
scheduled actions off, no mail), as a copy that is not the production database must be. The
replica (MSP_REPLICA=1) copies the whole PostgreSQL cluster, which costs a minute or more:
`make bench-load` starts it (MSP_BENCH_REPLICA=1), not this test.
"""

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tools"))

from odoo_server import (  # noqa: E402
    START_TIMEOUT,
    Admin,
    ProdServer,
    backup_database,
    drop_database,
    free_port,
    restore_database,
)

pytestmark = pytest.mark.standalone

LEDGERS = {"msp.sla.event": "msp_sla_event", "msp.contract.hours.entry": "msp_contract_hours_entry"}


def _psql(db, query):
    return subprocess.run(
        ["psql", "-d", db, "-Atqc", query], capture_output=True, text=True, check=True
    ).stdout.strip()


def _ledger_heads(db, upto=None):
    """Per ledger: its number of lines, its newest line's id, and the id and hash of its
    newest sealed line, read in SQL; with ``upto`` ({model: (newest id, newest sealed id)}),
    of the lines up to those ids only. The ledgers only grow and a sealed line never changes,
    so the source read up to the restore's newest lines is the source as it was backed up,
    whatever other tests committed or sealed since (the full suite runs this test beside
    the others)."""
    heads = {}
    for model, table in LEDGERS.items():
        newest, sealed = upto[model] if upto else (None, None)
        where = f"WHERE id <= {int(newest)}" if upto else ""
        sealed_where = f"WHERE id = {int(sealed)}" if upto else "WHERE ledger_hash IS NOT NULL"
        heads[model] = _psql(
            db,
            f"SELECT count(*), max(id), (SELECT id || ':' || ledger_hash FROM {table} "
            f"{sealed_where} ORDER BY id DESC LIMIT 1) FROM {table} {where}",
        )
    return heads


@pytest.fixture
def restored(request, tmp_path):
    source = request.config.getoption("--odoo-database")
    db = f"msp_restore_{os.getpid()}"
    drop_database(db)
    yield source, db, tmp_path
    drop_database(db)


def test_prod_command_serves_a_restored_backup_with_workers(restored):
    source, db, tmp_path = restored
    # The drill: back up, restore into a new database.
    backup = backup_database(source, tmp_path / "backup")
    assert (backup / "db.dump").stat().st_size > 0
    restore_database(backup, db)
    restored_heads = _ledger_heads(db)
    upto = {
        model: (head.split("|")[1] or 0, head.split("|")[2].split(":")[0] or 0)
        for model, head in restored_heads.items()
    }
    assert restored_heads == _ledger_heads(source, upto)

    port = free_port()
    server = ProdServer(db, port, tmp_path / "prod.log", env={"MSP_GEVENT_PORT": str(free_port())})
    try:
        server.start()
        try:
            status, page = server.wait_until_served()
        except RuntimeError as error:
            pytest.fail(str(error))
        assert status == 200
        assert re.search(r'<input[^>]+name="login"', page), "login form not served"
        kinds = server.processes()
        assert len(kinds["WorkerHTTP"]) == 2, (kinds, server.output())
        assert len(kinds["WorkerCron"]) == 2, kinds
        assert kinds["gevent"], f"no websocket (gevent) process: {kinds}\n{server.output()}"
        # the websocket route is served by the gevent process (a plain GET, no upgrade, is
        # answered 400 there)
        assert _websocket_status(server) == 400

        # The ledgers' integrity check passes on the restore.
        admin = Admin(server.url, db)
        for model in LEDGERS:
            reports = admin.call(model, "verify_ledger_integrity")
            assert reports and all(r["intact"] for r in reports), reports
            assert sum(r["total"] for r in reports) > 0, f"{model}: nothing was verified"
    finally:
        if server.proc.poll() is None:
            stop_code, run_code = server.stop_command()
        else:
            stop_code, run_code = None, server.proc.returncode
    assert (stop_code, run_code) == (0, 0), server.output()
    left = [pid for pids in kinds.values() for pid in pids if _alive(pid)]
    assert not left, f"processes left after --stop: {left}"
    assert f"run-prod of '{db}' stopped" in server.output(tail=None)


def _websocket_status(server):
    """The gevent process's answer to GET /websocket, once it listens (it starts beside the
    workers, a little later)."""
    url = f"http://127.0.0.1:{server.extra_env['MSP_GEVENT_PORT']}/websocket"
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            if time.monotonic() > deadline or server.proc.poll() is not None:
                raise
            time.sleep(0.5)  # polling a real process that is still starting


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
