"""A real Odoo for the external API test: the run command on its own database and port.

Not a test module: tests/test_api_examples.py uses it to start the server (tools/run.sh, as a
person starts it), to set up the integration users as an administrator would, and to give
each of them an API key the way Odoo 19 hands one out (Preferences > Account Security > New
API Key, which asks for the user's password again).
"""

import http.cookiejar
import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
import xmlrpc.client
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# Generous: the first start copies the template database and installs the addons.
START_TIMEOUT = 600


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def drop_database(db):
    subprocess.run(["dropdb", "--if-exists", db], check=False)
    subprocess.run(["rm", "-rf", str(REPO / ".odoo-data" / "filestore" / db)], check=False)


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
        return self.log_path.read_text(errors="replace")[-tail:]

    def wait_until_served(self):
        """Wait for the login page; raise with the server's log when it does not come."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"run command exited with {self.proc.returncode}:\n{self.output()}"
                )
            try:
                with urllib.request.urlopen(f"{self.url}/web/login", timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(1)
        raise RuntimeError(f"no login page at {self.url} after {START_TIMEOUT}s:\n{self.output()}")

    def stop(self):
        """Ctrl-C, then a kill if it does not stop within a minute."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        if self.log:
            self.log.close()


class Admin:
    """The administrator over XML-RPC (admin/admin on the demo database)."""

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

    def create_user(self, name, login, password, groups):
        """An internal user with exactly ``groups`` (XML ids) and what they imply."""
        group_ids = [self.ref(xmlid) for xmlid in groups]
        return self.call(
            "res.users",
            "create",
            {
                "name": name,
                "login": login,
                "password": password,
                "group_ids": [(6, 0, [self.ref("base.group_user"), *group_ids])],
            },
        )


class WebSession:
    """A browser-like session (cookies), for what Odoo only does interactively."""

    def __init__(self, url, db):
        self.url, self.db = url, db
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def json_rpc(self, path, params):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}).encode()
        request = urllib.request.Request(
            f"{self.url}{path}", data=body, headers={"Content-Type": "application/json"}
        )
        with self.opener.open(request, timeout=60) as response:
            reply = json.load(response)
        if reply.get("error"):
            raise RuntimeError(json.dumps(reply["error"])[:2000])
        return reply["result"]

    def login(self, login, password):
        return self.json_rpc(
            "/web/session/authenticate", {"db": self.db, "login": login, "password": password}
        )

    def call_kw(self, model, method, args, kwargs=None):
        return self.json_rpc(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )


def new_api_key(url, db, login, password, name):
    """An API key for ``login``, made as the user makes one in their preferences.

    The user logs in, fills in the "New API Key" dialog (a description and the default
    duration: a non-administrator's key expires, after one day unless a group allows more),
    confirms their password in the identity check, and reads the key shown once.
    """
    session = WebSession(url, db)
    session.login(login, password)
    description_id = session.call_kw("res.users.apikeys.description", "create", [{"name": name}])
    action = session.call_kw("res.users.apikeys.description", "make_key", [[description_id]])
    if action.get("res_model") == "res.users.identitycheck":
        action = session.call_kw(
            "res.users.identitycheck",
            "run_check",
            [[action["res_id"]]],
            {"context": {"password": password}},
        )
    return action["context"]["default_key"]
