# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The users of a working day, for locust (run by bench/bench_load.py, make bench-load).

Technicians (web client calls), portal customers (portal pages) and an integration (JSON-2
with an API key), as the browser and the integrations send them. The logins and ids come from
the JSON file bench_load.py writes (MSP_LOAD_DATA); the tickets the integration creates are
named LOAD-<uuid> and each one the server accepted is appended to MSP_LOAD_CREATED, so that
none may be lost. Every request is named by its kind, for the per-kind figures.
"""

import itertools
import json
import os
import random
import threading
import uuid

from locust import HttpUser, between, task

DATA = json.load(open(os.environ["MSP_LOAD_DATA"]))  # noqa: SIM115
DB = os.environ["MSP_LOAD_DB"]
CREATED = os.environ["MSP_LOAD_CREATED"]
_technicians = itertools.cycle(DATA["technicians"])
_portal = itertools.cycle(DATA["portal"])
_lock = threading.Lock()


class RpcError(Exception):
    pass


class WebUser(HttpUser):
    abstract = True
    wait_time = between(1, 3)

    def json_rpc(self, path, params, name):
        body = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": random.randint(1, 10**9),
            "params": params,
        }
        with self.client.post(path, json=body, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return None
            reply = response.json()
            if reply.get("error"):
                error = reply["error"].get("data", {})
                response.failure(
                    f"{error.get('name')}: {error.get('message', reply['error'])}"[:500]
                )
                return None
            return reply["result"]

    def login(self, account, name):
        if account.get("session"):
            # logged in once before the load (bench_load.open_sessions)
            self.client.cookies.set("session_id", account["session"])
            return account["uid"]
        result = self.json_rpc(
            "/web/session/authenticate",
            {"db": DB, "login": account["login"], "password": account["password"]},
            name,
        )
        if not result or not result.get("uid"):
            raise RpcError(f"{account['login']} cannot log in")
        return result["uid"]

    def call_kw(self, model, method, args, kwargs, name):
        return self.json_rpc(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs},
            name,
        )


class Technician(WebUser):
    """Works their queue: lists it, opens a ticket (form and chatter), replies with time
    spent (the composer's msp_log_hours), moves tickets between stages."""

    weight = 18

    def on_start(self):
        with _lock:
            account = next(_technicians)
        self.uid = self.login(account, "tech: login")
        self.queue = []

    @task(4)
    def list_queue(self):
        result = self.call_kw(
            "helpdesk.ticket",
            "web_search_read",
            [],
            {
                "domain": [["user_id", "=", self.uid], ["closed", "=", False]],
                "specification": {
                    "number": {},
                    "name": {},
                    "priority": {},
                    "stage_id": {"fields": {"display_name": {}}},
                    "partner_id": {"fields": {"display_name": {}}},
                    "msp_contract_id": {"fields": {"display_name": {}}},
                    "create_date": {},
                },
                "limit": 80,
                "order": "priority desc, id",
            },
            "tech: list queue",
        )
        if result:
            self.queue = [record["id"] for record in result["records"]]

    @task(3)
    def open_ticket(self):
        if not self.queue:
            return self.list_queue()
        ticket_id = random.choice(self.queue)
        self.call_kw(
            "helpdesk.ticket",
            "web_read",
            [[ticket_id]],
            {
                "specification": {
                    "number": {},
                    "name": {},
                    "description": {},
                    "stage_id": {"fields": {"display_name": {}}},
                    "partner_id": {"fields": {"display_name": {}}},
                    "user_id": {"fields": {"display_name": {}}},
                    "msp_contract_id": {"fields": {"display_name": {}}},
                    "msp_coverage": {},
                    "msp_sla_clock_ids": {"fields": {"kind": {}, "state": {}, "deadline": {}}},
                }
            },
            "tech: open ticket",
        )
        self.json_rpc(
            "/mail/thread/messages",
            {
                "thread_model": "helpdesk.ticket",
                "thread_id": ticket_id,
                "fetch_params": {"limit": 30},
            },
            "tech: open ticket (chatter)",
        )

    @task(2)
    def reply_with_time(self):
        if not self.queue:
            return self.list_queue()
        self.json_rpc(
            "/mail/message/post",
            {
                "thread_model": "helpdesk.ticket",
                "thread_id": random.choice(self.queue),
                "post_data": {
                    "body": "Rebooted the print spooler, watching it.",
                    "message_type": "comment",
                    "subtype_xmlid": "mail.mt_note",
                },
                "context": {"msp_log_hours": 0.25, "msp_log_work_type": "covered"},
            },
            "tech: reply with time",
        )

    @task(1)
    def change_stage(self):
        if not self.queue:
            return self.list_queue()
        self.call_kw(
            "helpdesk.ticket",
            "write",
            [[random.choice(self.queue)], {"stage_id": random.choice(DATA["stages"])}],
            {},
            "tech: change stage",
        )


class PortalCustomer(WebUser):
    """A customer's contact on the portal: the contract page, the tickets, the monthly
    report."""

    weight = 10

    def on_start(self):
        with _lock:
            self.account = next(_portal)
        self.login(self.account, "portal: login")

    def get(self, path, name):
        with self.client.get(
            path, name=name, catch_response=True, allow_redirects=False
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code} for {path}")

    @task(3)
    def contract_page(self):
        self.get("/my/contracts", "portal: contracts")
        self.get(f"/my/contracts/{self.account['contract_id']}", "portal: contract page")

    @task(3)
    def tickets(self):
        self.get("/my/tickets", "portal: tickets")
        if self.account["ticket_ids"]:
            self.get(f"/my/ticket/{random.choice(self.account['ticket_ids'])}", "portal: ticket")

    @task(1)
    def monthly_report(self):
        self.get(
            f"/my/contracts/{self.account['contract_id']}/report/{DATA['month']}",
            "portal: monthly report",
        )


class Integration(HttpUser):
    """An RMM over JSON-2 with its API key: asset syncs, and tickets from its alerts."""

    weight = 2
    wait_time = between(1, 3)

    def json2(self, model, method, name, **params):
        with self.client.post(
            f"/json/2/{model}/{method}",
            json=params,
            headers={
                "Authorization": f"bearer {DATA['integration']['key']}",
                "X-Odoo-Database": DB,
            },
            name=name,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}: {response.text[:300]}")
                return None
            return response.json()

    @task(1)
    def sync_assets(self):
        partner_id = random.choice(DATA["integration"]["partner_ids"])
        devices = [
            {
                "serial_number": f"LOAD-{partner_id}-{n}",
                "hostname": f"ws-{partner_id}-{n}",
                "os_name": "Windows 11",
                "os_version": random.choice(["23H2", "24H2"]),
            }
            for n in range(5)
        ]
        self.json2(
            "msp.asset", "sync_assets", "api: sync assets", partner_id=partner_id, devices=devices
        )

    @task(2)
    def open_ticket(self):
        marker = f"LOAD-{uuid.uuid4().hex}"
        result = self.json2(
            "helpdesk.ticket",
            "create",
            "api: create ticket",
            vals_list=[
                {
                    "name": marker,
                    "description": "Disk C: above 90% (RMM alert)",
                    "partner_id": random.choice(DATA["integration"]["partner_ids"]),
                    "priority": "2",
                }
            ],
        )
        if result:
            with _lock, open(CREATED, "a") as created:
                created.write(marker + "\n")
