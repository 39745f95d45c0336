"""A small Odoo 19 client for the example scripts: XML-RPC or JSON-2, standard library only.

Both protocols take the same call, ``client.call(model, method, ids=None, **named)``:

- JSON-2: ``POST /json/2/<model>/<method>`` with the API key as a bearer token, the database
  in ``X-Odoo-Database`` and a JSON body of named arguments (``ids`` for a record method);
- XML-RPC: ``execute_kw(db, uid, key, model, method, [ids], named)`` (``[]`` instead of
  ``[ids]`` for a model method such as ``create`` or ``search_read``).

An error of the server is raised as ``OdooError`` with the exception's name
(``odoo.exceptions.AccessError``, ``odoo.exceptions.UserError`` ...) and its message.
See docs/api.md.
"""

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
import xmlrpc.client

# XML-RPC fault codes of /xmlrpc/2 (odoo/addons/rpc/controllers/xmlrpc.py)
XMLRPC_FAULTS = {
    2: "odoo.exceptions.UserError",
    3: "odoo.exceptions.AccessDenied",
    4: "odoo.exceptions.AccessError",
}


class OdooError(Exception):
    def __init__(self, name, message):
        super().__init__(f"{name}: {message}")
        self.name, self.message = name, message


class Json2Client:
    """Odoo 19's JSON-2 API (the successor of XML-RPC and JSON-RPC in Odoo 20)."""

    def __init__(self, url, db, user, key):
        self.url, self.db, self.user, self.key = url.rstrip("/"), db, user, key

    def call(self, model, method, ids=None, **named):
        body = dict(named) if ids is None else {"ids": list(ids), **named}
        request = urllib.request.Request(
            f"{self.url}/json/2/{model}/{method}",
            data=json.dumps(body).encode(),
            headers={
                "Authorization": f"bearer {self.key}",
                "Content-Type": "application/json",
                "X-Odoo-Database": self.db,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return json.load(response)
        except urllib.error.HTTPError as error:
            text = error.read().decode(errors="replace")
            try:
                detail = json.loads(text)
            except ValueError:
                raise OdooError(f"HTTP {error.code}", text[:500]) from None
            raise OdooError(
                detail.get("name", f"HTTP {error.code}"), detail.get("message")
            ) from None


class XmlRpcClient:
    """XML-RPC (``/xmlrpc/2``): works in Odoo 19, deprecated for Odoo 20."""

    def __init__(self, url, db, user, key):
        url = url.rstrip("/")
        self.db, self.user, self.key = db, user, key
        common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common", allow_none=True)
        self.uid = common.authenticate(db, user, key, {})
        if not self.uid:
            raise OdooError("odoo.exceptions.AccessDenied", f"{user} cannot log in to {db}")
        self.models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)

    def call(self, model, method, ids=None, **named):
        args = [] if ids is None else [list(ids)]
        if method == "create":
            # execute_kw needs create's values as its first positional argument
            args.append(named.pop("vals_list"))
        try:
            return self.models.execute_kw(self.db, self.uid, self.key, model, method, args, named)
        except xmlrpc.client.Fault as fault:
            name = XMLRPC_FAULTS.get(fault.faultCode, "odoo.exceptions.ServerError")
            raise OdooError(name, fault.faultString) from None


def connection_arguments(description):
    """An argument parser with the connection options, each defaulting to a variable."""
    parser = argparse.ArgumentParser(description=description)
    env = os.environ.get
    parser.add_argument("--url", default=env("ODOO_URL", "http://127.0.0.1:8069"))
    parser.add_argument("--db", default=env("ODOO_DB"), help="database (ODOO_DB)")
    parser.add_argument("--user", default=env("ODOO_USER"), help="login (ODOO_USER)")
    parser.add_argument("--key", default=env("ODOO_API_KEY"), help="API key (ODOO_API_KEY)")
    parser.add_argument(
        "--protocol",
        choices=("json2", "xmlrpc"),
        default=env("ODOO_PROTOCOL", "json2"),
        help="JSON-2 (default) or XML-RPC (ODOO_PROTOCOL)",
    )
    return parser


def connect(args):
    missing = [name for name in ("db", "user", "key") if not getattr(args, name)]
    if missing:
        sys.exit(f"missing --{', --'.join(missing)} (or ODOO_DB, ODOO_USER, ODOO_API_KEY)")
    client = Json2Client if args.protocol == "json2" else XmlRpcClient
    return client(args.url, args.db, args.user, args.key)


def find_customer(client, customer):
    """The id of a customer (a company) given by id or by its exact name."""
    if str(customer).isdigit():
        return int(customer)
    ids = client.call(
        "res.partner",
        "search",
        domain=[("name", "=", customer), ("is_company", "=", True)],
        limit=2,
    )
    if len(ids) != 1:
        sys.exit(f"{len(ids)} customers are named {customer!r}: give the id instead")
    return ids[0]


def integration_audit(client, partner_id, user):
    """The audit this integration imports into for a customer: its newest open audit,
    created when there is none (an auditor may create audits and write those assigned to
    them)."""
    user_ids = client.call("res.users", "search", domain=[("login", "=", user)], limit=1)
    ids = client.call(
        "msp.audit",
        "search",
        domain=[
            ("partner_id", "=", partner_id),
            ("user_id", "in", user_ids),
            ("state", "in", ["draft", "scheduled", "in_progress"]),
        ],
        order="id desc",
        limit=1,
    )
    if ids:
        return ids[0]
    return client.call("msp.audit", "create", vals_list=[{"partner_id": partner_id}])[0]


def print_json(value):
    json.dump(value, sys.stdout, indent=2, sort_keys=True, default=str)
    sys.stdout.write("\n")


def run(main):
    """Run ``main()``; a server error ends the script with its name and message."""
    try:
        main()
    except OdooError as error:
        print_json({"error": error.name, "message": error.message})
        sys.exit(1)
