"""The run command (tools/run.sh, behind `make run`) serves a working Odoo.

It is started as a person starts it, on its own database and a free loopback port: the first
start creates the database with the three addons, the second reuses it. Each time the login
page is served, XML-RPC answers, admin logs in and sees the three apps installed, and Ctrl-C
(SIGINT to the process group) stops it cleanly.
"""

import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
import xmlrpc.client
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# Generous: the first start copies the template database and installs the addons. The test
# asserts what is served, never how fast.
START_TIMEOUT = 600


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RunCommand:
    def __init__(self, db, port, log_path):
        self.db, self.port, self.log_path = db, port, log_path
        self.proc = None

    def start(self):
        env = dict(os.environ, MSP_DB=self.db, MSP_HTTP_PORT=str(self.port))
        self.log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [str(REPO / "tools" / "run.sh")],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output(self):
        return Path(self.log_path).read_text(errors="replace")

    def wait_for_login_page(self):
        deadline = time.monotonic() + START_TIMEOUT
        url = f"http://127.0.0.1:{self.port}/web/login"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(
                    f"run command exited with {self.proc.returncode}:\n{self.output()[-4000:]}"
                )
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    return response.status, response.read().decode()
            except OSError:
                time.sleep(1)
        pytest.fail(f"no login page at {url} after {START_TIMEOUT}s:\n{self.output()[-4000:]}")

    def interrupt(self):
        """Ctrl-C: SIGINT to the foreground process group, as a terminal sends it."""
        os.killpg(self.proc.pid, signal.SIGINT)
        try:
            return self.proc.wait(timeout=60)
        finally:
            self.log.close()

    def kill(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


@pytest.fixture
def run_db(tmp_path):
    db = f"msp_runcheck_{os.getpid()}"
    yield db, tmp_path / "run.log"
    subprocess.run(["dropdb", "--if-exists", db], check=False)
    subprocess.run(["rm", "-rf", str(REPO / ".odoo-data" / "filestore" / db)], check=False)


def _check_served(run):
    status, page = run.wait_for_login_page()
    assert status == 200
    assert re.search(r'<input[^>]+name="login"', page), "login form not served"
    common = xmlrpc.client.ServerProxy(f"http://127.0.0.1:{run.port}/xmlrpc/2/common")
    assert common.version()["server_version"].startswith("19.0")
    uid = common.authenticate(run.db, "admin", "admin", {})
    assert uid, "admin/admin cannot log in"
    models = xmlrpc.client.ServerProxy(f"http://127.0.0.1:{run.port}/xmlrpc/2/object")
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
    first = RunCommand(db, _free_port(), log_path)
    try:
        first.start()
        _check_served(first)
        assert first.interrupt() == 0, first.output()[-4000:]
    finally:
        first.kill()
    assert "installing the MSP addons with demo data" in first.output()

    second = RunCommand(db, _free_port(), log_path)
    try:
        second.start()
        _check_served(second)
        assert second.interrupt() == 0, second.output()[-4000:]
    finally:
        second.kill()
    assert f"database '{db}' exists: reusing it" in second.output()
