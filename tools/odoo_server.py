"""A real Odoo started with the run command, for the scripts and tests that need one.

Used by tests/test_run_command.py (the run command itself), tests/api_server.py (the
external API test), tests/test_deployment.py and bench/bench_load.py (the production command):
tools/run.sh or tools/run-prod.sh on its own database and a free loopback port, in its own
process group, stopped with Ctrl-C (SIGINT) or --stop; the demo administrator over XML-RPC;
and the backup and restore of a database with its filestore (docs/deployment.md).
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
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

    command = "run.sh"

    def __init__(self, db, port, log_path, env=None):
        self.db, self.port, self.log_path = db, port, Path(log_path)
        self.url = f"http://127.0.0.1:{port}"
        self.extra_env = env or {}
        self.proc = None
        self.log = None

    def start(self, *args):
        env = dict(os.environ, MSP_DB=self.db, MSP_HTTP_PORT=str(self.port), **self.extra_env)
        self.log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [str(REPO / "tools" / self.command), *args],
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


class ProdServer(OdooServer):
    """tools/run-prod.sh (make run-prod): the multi-process server, its gevent process on
    ``port + 1`` unless ``env`` says otherwise."""

    command = "run-prod.sh"

    def __init__(self, db, port, log_path, env=None):
        super().__init__(
            db, port, log_path, dict({"MSP_GEVENT_PORT": str(port + 1)}, **(env or {}))
        )

    def processes(self):
        """The processes under the command, by kind: ``{"WorkerHTTP": [...], "WorkerCron":
        [...], "gevent": [...]}`` (the workers' titles come from setproctitle)."""
        import psutil  # noqa: PLC0415 - Odoo's dependency, only needed here

        kinds = {"WorkerHTTP": [], "WorkerCron": [], "gevent": []}
        for child in psutil.Process(self.proc.pid).children(recursive=True):
            try:
                cmdline = " ".join(child.cmdline())
            except psutil.Error:
                continue
            for kind in ("WorkerHTTP", "WorkerCron"):
                if cmdline.startswith(f"odoo: {kind}"):
                    kinds[kind].append(child.pid)
            if "odoo-bin gevent" in cmdline:
                kinds["gevent"].append(child.pid)
        return kinds

    def stop_command(self):
        """``run-prod.sh --stop``, as an operator stops it from another terminal; returns its
        exit code and waits for the running command to end."""
        env = dict(os.environ, MSP_DB=self.db, **self.extra_env)
        done = subprocess.run(
            [str(REPO / "tools" / self.command), "--stop"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        self.proc.wait(timeout=60)
        if self.log:
            self.log.close()
        return done.returncode, self.proc.returncode


def backup_database(db, dest):
    """A backup of ``db`` in the directory ``dest``: ``db.dump`` (pg_dump's custom format)
    and ``filestore.tar`` (its attachments). Returns ``dest``."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pg_dump", "-Fc", "-f", str(dest / "db.dump"), db], check=True)
    filestore = REPO / ".odoo-data" / "filestore" / db
    args = ["-C", str(filestore), "."] if filestore.is_dir() else ["--files-from", "/dev/null"]
    subprocess.run(["tar", "-cf", str(dest / "filestore.tar"), *args], check=True)
    return dest


def restore_database(backup, db, neutralize=True):
    """Restore a backup made by backup_database into the new database ``db``, neutralized
    (``odoo-bin neutralize``: scheduled actions off, no mail sent, as a copy that is not the
    production database must be) unless told otherwise."""
    backup = Path(backup)
    subprocess.run(["createdb", db], check=True)
    subprocess.run(
        [
            "pg_restore",
            "--no-owner",
            "--exit-on-error",
            "--single-transaction",  # all or nothing; one commit, faster than -j 2 here
            "-d",
            db,
            str(backup / "db.dump"),
        ],
        check=True,
    )
    filestore = REPO / ".odoo-data" / "filestore" / db
    filestore.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "-xf", str(backup / "filestore.tar"), "-C", str(filestore)], check=True)
    if neutralize:
        from odoo import release  # noqa: PLC0415 - only the restore needs Odoo's own command

        source = Path(release.__file__).resolve().parent.parent
        subprocess.run(
            [
                sys.executable,
                str(source / "odoo-bin"),
                "neutralize",
                "-d",
                db,
                f"--addons-path={source / 'addons'},{REPO}",
                "--log-level=warn",
            ],
            check=True,
        )


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
