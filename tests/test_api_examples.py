"""The external API (docs/api.md) works as other systems use it, and no further.

A real Odoo is started with the run command on its own database and a free loopback port.
As an administrator would, the test creates two integration users, neither an administrator,
each with the groups docs/api.md lists and an API key made as a user makes one:

- ``api-rmm``, the RMM and the monitoring tool: Auditor (IT audit) and Helpdesk "User:
  Personal tickets";
- ``api-billing``, the billing export: Service Contracts Manager (today the only group that
  reads the hours periods).

Then it runs each script of examples/ as a subprocess, over JSON-2 and over XML-RPC, checks
what they print against what the administrator reads, runs the snippets of docs/api.md, and
checks that each user is refused what it must not read or write. The database is dropped at
the end.
"""

import json
import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from api_server import Admin, OdooServer, drop_database, free_port, new_api_key

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
FIXTURES = REPO / "msp_it_audit" / "tests" / "fixtures"
sys.path.insert(0, str(EXAMPLES))
from odoo_client import Json2Client, OdooError, XmlRpcClient  # noqa: E402

pytestmark = pytest.mark.standalone

PROTOCOLS = ("json2", "xmlrpc")
CLIENTS = {"json2": Json2Client, "xmlrpc": XmlRpcClient}
API_GROUP = "msp_service_contract.msp_group_api_integration"  # keys up to a year
RMM_GROUPS = [
    "msp_it_audit.msp_it_audit_group_user",
    "helpdesk_mgmt.group_helpdesk_user_own",
    API_GROUP,
]
BILLING_GROUPS = ["msp_service_contract.msp_service_contract_group_manager", API_GROUP]
DEMO_CUSTOMER = "Northwind Dental Clinic"  # msp_it_audit's demo customer, on a Business plan
ACCESS_ERROR = "odoo.exceptions.AccessError"


@pytest.fixture(scope="module")
def odoo(tmp_path_factory):
    db = f"msp_apitest_{os.getpid()}"
    server = OdooServer(db, free_port(), tmp_path_factory.mktemp("api") / "odoo.log")
    try:
        server.start()
        server.wait_until_served()
        admin = Admin(server.url, db)
        env = SimpleNamespace(server=server, url=server.url, db=db, admin=admin)
        env.users = {}
        for login, name, groups in (
            ("api-rmm", "RMM and monitoring (API)", RMM_GROUPS),
            ("api-billing", "Billing export (API)", BILLING_GROUPS),
        ):
            password = f"{login}-{os.getpid()}-Pw!"
            uid = admin.create_user(name, login, password, groups)
            key = new_api_key(server.url, db, login, password, f"{login} test")
            env.users[login] = SimpleNamespace(uid=uid, login=login, key=key)
        env.other_company_asset = _other_company_asset(admin)
        yield env
    finally:
        server.stop()
        drop_database(db)


def _other_company_asset(admin):
    """An asset of a second company the administrator works in, and the API users do not."""
    company_id = admin.call("res.company", "create", {"name": "Other MSP Ltd"})
    admin.call("res.users", "write", [admin.uid], {"company_ids": [(4, company_id)]})
    context = {"allowed_company_ids": [company_id]}
    partner_id = admin.call(
        "res.partner",
        "create",
        {"name": "Customer of the other MSP", "is_company": True, "company_id": company_id},
        context=context,
    )
    return admin.call(
        "msp.asset",
        "create",
        {"name": "OTHER-SRV", "partner_id": partner_id, "company_id": company_id},
        context=context,
    )


def _customer(admin, name):
    return admin.call("res.partner", "create", {"name": name, "is_company": True})


def run_example(odoo, script, *args, user="api-rmm", protocol="json2", stdin=None):
    """Run examples/<script> as an integration would; (exit code, its JSON output)."""
    result = subprocess.run(
        [
            sys.executable,
            str(EXAMPLES / script),
            "--url",
            odoo.url,
            "--db",
            odoo.db,
            "--user",
            user,
            "--key",
            odoo.users[user].key,
            "--protocol",
            protocol,
            *map(str, args),
        ],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.stdout, f"{script} printed nothing: {result.stderr}"
    return result.returncode, json.loads(result.stdout)


def client(odoo, user, protocol):
    return CLIENTS[protocol](odoo.url, odoo.db, user, odoo.users[user].key)


def test_sync_assets_matches_and_is_idempotent(odoo, tmp_path):
    admin = odoo.admin
    partner_id = _customer(admin, "API Sync Dental")
    # a device entered by hand before the RMM was connected: same MAC, other notation
    firewall_id = admin.call(
        "msp.asset",
        "create",
        {"name": "Firewall", "partner_id": partner_id, "mac_address": "00-1B-17-AA-BB-01"},
    )
    devices = [
        {
            "hostname": "asd-fw01",
            "mac": "00:1b:17:aa:bb:01",
            "ip": "10.20.0.1",
            "os": "PAN-OS",
            "os_version": "11.1",
        },
        {
            "hostname": "asd-srv01.asd.local",
            "serial": "CZ2D1234XY",
            "mac": "3c:a8:2a:10:99:01",
            "ip": "10.20.0.5",
            "type": "server",
            "os": "Microsoft Windows Server 2022 Standard",
            "manufacturer": "HPE",
            "model": "ProLiant DL20 Gen10",
        },
    ]
    devices_file = tmp_path / "devices.json"
    devices_file.write_text(json.dumps(devices))
    args = ("--customer", partner_id, "--devices", devices_file)

    rc, first = run_example(odoo, "sync_assets.py", *args)
    assert rc == 0, first
    assert first["counts"] == {
        "created": 1,
        "updated": 1,  # the firewall, matched on its MAC address
        "unchanged": 0,
    }
    by_name = {asset["name"]: asset for asset in first["assets"]}
    assert by_name["Firewall"]["id"] == firewall_id
    assert by_name["Firewall"]["hostname"] == "asd-fw01"
    assert by_name["asd-srv01.asd.local"]["kind"] == "server"

    # the same devices again, over the other protocol: nothing changes
    rc, second = run_example(odoo, "sync_assets.py", *args, protocol="xmlrpc")
    assert rc == 0, second
    assert (second["counts"]["created"], second["counts"]["updated"]) == (0, 0)
    assert second["counts"]["unchanged"] == 2
    assert [a["id"] for a in second["assets"]] == [a["id"] for a in first["assets"]]

    # the server was renamed and moved: matched on its serial number, updated in place
    devices[1].update(hostname="asd-srv02", ip="10.20.0.6")
    devices_file.write_text(json.dumps(devices))
    rc, third = run_example(odoo, "sync_assets.py", *args)
    assert rc == 0, third
    assert (third["counts"]["created"], third["counts"]["updated"]) == (0, 1)
    assets = admin.call(
        "msp.asset",
        "search_read",
        [("partner_id", "=", partner_id)],
        fields=["name", "hostname", "ip_address", "serial_number"],
    )
    assert len(assets) == 2
    server = next(a for a in assets if a["serial_number"] == "CZ2D1234XY")
    assert (server["hostname"], server["ip_address"]) == ("asd-srv02", "10.20.0.6")

    # a device the server cannot take: refused whole, with the device named, nothing written
    devices.append({"hostname": "asd-ws09", "type": "toaster"})
    devices_file.write_text(json.dumps(devices))
    rc, refused = run_example(odoo, "sync_assets.py", *args)
    assert rc == 1
    assert refused["error"] == "odoo.exceptions.UserError"
    assert "Device 3: kind 'toaster'" in refused["message"]
    count = admin.call("msp.asset", "search_count", [("partner_id", "=", partner_id)])
    assert count == 2


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_open_ticket_reads_coverage_and_sla(odoo, protocol):
    rc, ticket = run_example(
        odoo,
        "open_ticket.py",
        "--customer",
        DEMO_CUSTOMER,
        "--title",
        f"Disk C: 95% full on NWD-SRV01 ({protocol})",
        "--priority",
        "2",
        "--asset",
        "NWD-SRV01",
        protocol=protocol,
    )
    assert rc == 0, ticket
    expected = odoo.admin.call(
        "helpdesk.ticket",
        "read",
        [ticket["id"]],
        fields=["msp_contract_id", "msp_coverage", "msp_sla_deadline", "msp_sla_status"],
    )[0]
    assert ticket["msp_coverage"] == "covered"
    assert ticket["msp_coverage_reason"] is False
    assert ticket["msp_contract_id"] == expected["msp_contract_id"]
    assert DEMO_CUSTOMER in ticket["msp_contract_id"][1]
    assert ticket["msp_asset_id"][1] == "NWD-SRV01"
    assert ticket["msp_sla_policy_id"], "no SLA policy chosen"
    assert ticket["msp_sla_status"] == expected["msp_sla_status"] == "on_track"
    assert ticket["msp_sla_deadline"] == expected["msp_sla_deadline"]
    assert {clock["kind"] for clock in ticket["clocks"]} == {"response", "resolution"}
    assert all(clock["state"] == "running" for clock in ticket["clocks"])
    assert ticket["msp_sla_deadline"] == min(clock["deadline"] for clock in ticket["clocks"])
    assert ticket["msp_sla_deadline"] > datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")


def test_open_ticket_without_contract_is_not_covered(odoo):
    partner_id = _customer(odoo.admin, "API Walk-in Customer")
    rc, ticket = run_example(
        odoo, "open_ticket.py", "--customer", partner_id, "--title", "Printer offline"
    )
    assert rc == 0, ticket
    assert ticket["msp_coverage"] == "not_covered"
    assert ticket["msp_coverage_reason"] == "No service contract"
    assert ticket["msp_contract_id"] is False


def test_import_scan_creates_assets_once_and_refuses_hostile_files(odoo):
    partner_id = _customer(odoo.admin, "API Scan Co")
    scan = ("--customer", partner_id, "--file", FIXTURES / "nmap_edge_cases.xml")

    rc, first = run_example(odoo, "import_scan.py", *scan)
    assert rc == 0, first
    assert first["method"] == "import_nmap_xml"
    assert first["counts"] == {
        "created": 4,
        "updated": 0,
        "unchanged": 0,
        "skipped": 1,
        "findings_created": 6,
        "findings_updated": 0,
    }
    rc, again = run_example(odoo, "import_scan.py", *scan, protocol="xmlrpc")
    assert rc == 0, again
    assert again["counts"]["created"] == 0
    assert again["counts"]["unchanged"] == 4
    assert again["counts"]["findings_created"] == 0
    count = odoo.admin.call("msp.asset", "search_count", [("partner_id", "=", partner_id)])
    assert count == 4

    rc, refused = run_example(
        odoo, "import_scan.py", "--audit-id", first["audit_id"], "--file", FIXTURES / "nmap_xxe.xml"
    )
    assert rc == 1
    assert refused["error"] == "odoo.exceptions.UserError"
    assert "declares XML entities" in refused["message"]


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_contract_hours_and_mrr(odoo, protocol):
    rc, contracts = run_example(
        odoo,
        "contract_hours.py",
        "--customer",
        DEMO_CUSTOMER,
        user="api-billing",
        protocol=protocol,
    )
    assert rc == 0, contracts
    assert len(contracts) == 1
    [contract] = contracts
    fields = ["msp_mrr", "msp_arr", "msp_hours_balance", "msp_plan_id"]
    expected = odoo.admin.call("contract.contract", "read", [contract["id"]], fields=fields)[0]
    for name in fields:
        assert contract[name] == expected[name], name
    assert contract["msp_mrr"] > 0
    assert contract["msp_arr"] == pytest.approx(12 * contract["msp_mrr"])
    periods = contract["hours_periods"]
    assert periods, "no hours period"
    assert periods[0]["date_start"] == date.today().replace(day=1).isoformat()
    current = periods[0]
    assert current["state"] == "open"
    assert current["balance_hours"] == contract["msp_hours_balance"]
    assert current["balance_hours"] == pytest.approx(
        current["credit_hours"] - current["used_hours"]
    )


@pytest.mark.parametrize(("user", "protocol"), [("api-rmm", "json2"), ("api-billing", "xmlrpc")])
def test_list_breaches(odoo, user, protocol):
    rc, result = run_example(odoo, "list_breaches.py", user=user, protocol=protocol)
    assert rc == 0, result
    expected = odoo.admin.call(
        "msp.sla.event",
        "search",
        [
            ("event_type", "=", "breach"),
            ("date", ">=", f"{result['since']} 00:00:00"),
            ("date", "<", result["until"]),
        ],
    )
    assert sorted(b["id"] for b in result["breaches"]) == sorted(expected)
    tickets = {b["ticket_id"][1] for b in result["breaches"]}
    assert any("Backup job failed on the practice server" in t for t in tickets), tickets

    rc, none = run_example(
        odoo, "list_breaches.py", "--since", "2000-01-01", "--until", "2000-02-01", user=user
    )
    assert rc == 0
    assert none["breaches"] == []


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_rmm_user_is_refused_the_rest(odoo, protocol):
    api = client(odoo, "api-rmm", protocol)

    def refused(model, method, ids=None, **named):
        with pytest.raises(OdooError) as caught:
            api.call(model, method, ids=ids, **named)
        return caught.value

    # prices, revenue and cost are not the RMM's business
    for model in ("contract.contract", "msp.contract.profit.report", "msp.contract.hours.period"):
        error = refused(model, "search_read", domain=[], fields=["id"], limit=1)
        assert error.name == ACCESS_ERROR, (model, error)
    assert refused("ir.config_parameter", "search_read", domain=[]).name == ACCESS_ERROR

    # the SLA ledger is written by the SLA engine only
    [breach] = odoo.admin.call("msp.sla.event", "search", [("event_type", "=", "breach")], limit=1)
    error = refused("msp.sla.event", "write", ids=[breach], vals={"details": "forged"})
    assert error.name == ACCESS_ERROR
    [ticket] = odoo.admin.call("helpdesk.ticket", "search", [], limit=1)
    vals = {"ticket_id": ticket, "event_type": "met", "company_id": 1}
    assert refused("msp.sla.event", "create", vals_list=[vals]).name == ACCESS_ERROR
    # private methods (the engine's own writer) cannot be called remotely
    assert refused("msp.sla.event", "_msp_sla_log", vals_list=[vals]).name == ACCESS_ERROR

    # another company's records do not exist for it
    other = odoo.other_company_asset
    assert api.call("msp.asset", "search", domain=[("name", "=", "OTHER-SRV")]) == []
    assert refused("msp.asset", "read", ids=[other], fields=["name"]).name == ACCESS_ERROR

    # an audit assigned to someone else cannot be imported into
    demo_audit = odoo.admin.call("msp.audit", "search", [("user_id", "=", odoo.admin.uid)])[0]
    error = refused("msp.audit", "import_nmap_xml", ids=[demo_audit], file_b64="PG5tYXBydW4vPg==")
    assert error.name == ACCESS_ERROR

    # nor can it give itself more rights
    manager = odoo.admin.ref("msp_service_contract.msp_service_contract_group_manager")
    error = refused(
        "res.users", "write", ids=[odoo.users["api-rmm"].uid], vals={"group_ids": [(4, manager)]}
    )
    assert error.name == ACCESS_ERROR


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_billing_user_is_refused_the_rest(odoo, protocol):
    api = client(odoo, "api-billing", protocol)
    [breach] = odoo.admin.call("msp.sla.event", "search", [("event_type", "=", "breach")], limit=1)
    with pytest.raises(OdooError) as caught:
        api.call("msp.sla.event", "unlink", ids=[breach])
    assert caught.value.name == ACCESS_ERROR
    with pytest.raises(OdooError) as caught:
        api.call("ir.config_parameter", "search_read", domain=[])
    assert caught.value.name == ACCESS_ERROR
    assert api.call("msp.asset", "search", domain=[("name", "=", "OTHER-SRV")]) == []


def test_integration_keys_last_a_year(odoo):
    """The API users' keys were made for 365 days, which their MSP API integration group
    allows (a user without it may only make keys of one day)."""
    keys = odoo.admin.call(
        "res.users.apikeys",
        "search_read",
        [("user_id", "in", [user.uid for user in odoo.users.values()])],
        fields=["expiration_date"],
    )
    assert len(keys) == 2
    for key in keys:
        expires = datetime.strptime(key["expiration_date"], "%Y-%m-%d %H:%M:%S")
        assert expires > datetime.now() + timedelta(days=360), key


def test_a_wrong_key_is_refused(odoo):
    api = Json2Client(odoo.url, odoo.db, "api-rmm", "0" * 40)
    with pytest.raises(OdooError) as caught:
        api.call("res.partner", "search", domain=[], limit=1)
    assert caught.value.name == "werkzeug.exceptions.Unauthorized"
    with pytest.raises(OdooError) as caught:
        XmlRpcClient(odoo.url, odoo.db, "api-rmm", "0" * 40)
    assert caught.value.name == "odoo.exceptions.AccessDenied"


def test_api_guide_snippets_run(odoo, tmp_path, monkeypatch):
    """Every Python snippet of docs/api.md runs, in order, against the server: as the RMM user,
    except the contract reads, which are the billing export's."""
    blocks = re.findall(r"```python\n(.*?)```", (REPO / "docs" / "api.md").read_text(), re.DOTALL)
    assert len(blocks) >= 12
    shutil.copy(FIXTURES / "nmap_host_sv.xml", tmp_path / "scan.xml")
    monkeypatch.chdir(tmp_path)
    namespace = {}
    for block in blocks:
        user = odoo.users["api-billing" if "contract.contract" in block else "api-rmm"]
        if "uid" in namespace:
            namespace.update(key=user.key, uid=user.uid)
        code = block.replace('"http://127.0.0.1:8069", "msp"', f'"{odoo.url}", "{odoo.db}"')
        code = code.replace('"0123456789abcdef0123456789abcdef01234567"', f'"{user.key}"')
        exec(compile(code, "docs/api.md", "exec"), namespace)
    assert namespace["synced"]["unchanged"] == 1, namespace["synced"]  # the device, synced twice
    assert namespace["counts"]["unchanged"] == 1, namespace["counts"]  # the scan, imported twice
    assert namespace["ticket"]["msp_coverage"] == "covered"
    assert namespace["clocks"], "no SLA clock"
    assert namespace["contracts"][0]["msp_mrr"] > 0
    assert namespace["periods"], "no hours period"
    assert isinstance(namespace["breaches"], list)
