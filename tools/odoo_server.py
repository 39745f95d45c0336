"""A real Odoo started with the run command, for the scripts and tests that need one.

Used by tests/test_run_command.py (the run command itself) and tests/api_server.py (the
external API test): tools/run.sh on its own database and a free loopback port, in its own
process group, stopped with Ctrl-C (SIGINT); and the demo administrator over XML-RPC.
"""

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
import xmlrpc.client
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# Generous: the first start copies the template database and installs the addons. Callers
# wait for what is served, never time how fast.
START_TIMEOUT = 600


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def drop_database(db):
    """Drop ``db`` and its filestore (nothing when it does not exist)."""
    subprocess.run(["dropdb", "--if-exists", db], check=False)
    shutil.rmtree(REPO / ".odoo-data" / "filestore" / db, ignore_errors=True)


class OdooServer:
    """tools/run.sh with MSP_DB and MSP_HTTP_PORT, in its own process group."""

    def __init__(self, db, port, log_path):
        self.db, self.port, self.log_path = db, port, Path(log_path)
        self.url = f"http://127.0.0.1:{port}"
        self.proc = None
        self.log = None

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

    def output(self, tail=4000):
        """What the run command printed: its last ``tail`` characters, or all of it."""
        text = self.log_path.read_text(errors="replace")
        return text[-tail:] if tail else text

    def wait_until_served(self):
        """Wait for the login page and return (status, page); raise with the log's end when
        the command exits or nothing is served in time."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"run command exited with {self.proc.returncode}:\n{self.output()}"
                )
            try:
                with urllib.request.urlopen(f"{self.url}/web/login", timeout=5) as response:
                    return response.status, response.read().decode()
            except OSError:
                time.sleep(1)  # polling a real server that is still starting
        raise RuntimeError(f"no login page at {self.url} after {START_TIMEOUT}s:\n{self.output()}")

    def stop(self):
        """Ctrl-C (SIGINT to the process group, as a terminal sends it); a kill if it has
        not stopped within a minute. Returns the run command's exit code."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        if self.log:
            self.log.close()
        return self.proc.returncode if self.proc else None


class Admin:
    """A user over XML-RPC, admin/admin on the demo database by default."""

    def __init__(self, url, db, login="admin", password="admin"):
        self.db, self.password = db, password
        common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common", allow_none=True)
        self.uid = common.authenticate(db, login, password, {})
        if not self.uid:
            raise RuntimeError(f"{login} cannot log in to {db}")
        self.models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)

    def call(self, model, method, *args, **kwargs):
        return self.models.execute_kw(
            self.db, self.uid, self.password, model, method, list(args), kwargs
        )

    def ref(self, xmlid):
        """The id of the record an XML id names."""
        module, name = xmlid.split(".")
        rows = self.call(
            "ir.model.data",
            "search_read",
            [("module", "=", module), ("name", "=", name)],
            fields=["res_id"],
        )
        if not rows:
            raise KeyError(xmlid)
        return rows[0]["res_id"]
