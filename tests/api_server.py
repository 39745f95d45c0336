"""A real Odoo for the external API test: the run command on its own database and port.

Not a test module: tests/test_api_examples.py uses it to start the server (tools/run.sh, as a
person starts it), to set up the integration users as an administrator would, and to give
each of them an API key the way Odoo 19 hands one out (Preferences > Account Security > New
API Key, which asks for the user's password again).
"""

import http.cookiejar
import json
import sys
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tools"))

from odoo_server import Admin as BaseAdmin  # noqa: E402
from odoo_server import OdooServer, drop_database, free_port  # noqa: E402, F401 - re-exported


class Admin(BaseAdmin):
    """The administrator, who also sets up the integration users."""

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


def new_api_key(url, db, login, password, name, duration="365"):
    """An API key for ``login``, made as the user makes one in their preferences.

    The user logs in, fills in the "New API Key" dialog (a description and a duration in days:
    a non-administrator may choose more than one day only with a group that allows it, such as
    MSP API integration's 365), confirms their password in the identity check, and reads the
    key shown once.
    """
    session = WebSession(url, db)
    session.login(login, password)
    description_id = session.call_kw(
        "res.users.apikeys.description", "create", [{"name": name, "duration": duration}]
    )
    action = session.call_kw("res.users.apikeys.description", "make_key", [[description_id]])
    if action.get("res_model") == "res.users.identitycheck":
        action = session.call_kw(
            "res.users.identitycheck",
            "run_check",
            [[action["res_id"]]],
            {"context": {"password": password}},
        )
    return action["context"]["default_key"]
