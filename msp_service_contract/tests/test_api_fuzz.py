# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Property-based guard over the external API of docs/api.md.

Every documented method of the three addons is called, as the integration users of the guide,
with random JSON values of every type and size (None, booleans, huge integers, floats with
nan and inf, long strings, NUL characters, nested lists and objects). The only outcomes
allowed:

- a result;
- a "clear" error: ``UserError`` or one of its subclasses (``ValidationError``,
  ``AccessError``, ``MissingError``), whose message is not empty;
- for Odoo's own ORM methods only (``create``, ``search_read``, ``search_count``) given a
  value of the wrong type for a documented field or in a domain: the ``ValueError`` or
  ``TypeError`` Odoo's ORM itself raises to refuse it (raised in Odoo's code, never in one of
  our addons, before anything is written), which JSON-2 and XML-RPC return as the error's
  name and message ("Failed to cast True into a date", "Invalid field ...").

Anything else escaping fails: a psycopg2 error, a KeyError or AttributeError, a ValueError or
TypeError raised by our addons or by any of our methods (sync_assets, the imports, the
proposal), and an error after which the tables the method writes have more or fewer rows than
before. Each example runs in a savepoint that is rolled back.

Examples are few and derandomized (the same ones on every run), so the guard is
deterministic in CI and runs in well under a minute.
"""

import base64
import json
import math
import traceback
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from .common import MspContractCase

FIXTURES = Path(__file__).resolve().parents[2] / "msp_it_audit" / "tests" / "fixtures"
FUZZ = settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
ADDONS = ("/msp_it_audit/", "/msp_sla/", "/msp_service_contract/")
# The tables the documented methods write.
TABLES = (
    "msp_asset",
    "msp_asset_software",
    "msp_audit",
    "msp_audit_finding",
    "helpdesk_ticket",
    "msp_sla_clock",
    "msp_sla_event",
    "msp_contract_hours_entry",
    "sale_order",
)

LONG_TEXT = st.builds(
    lambda size, char: char * size,
    st.sampled_from([129, 254, 10_000, 300_000]),
    st.sampled_from(["x", " ", "é", "\x00", "\n"]),
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**31), max_value=2**31),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=24),
    LONG_TEXT,
)
JSON = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(max_size=10), children, max_size=4),
    ),
    max_leaves=8,
)


def either(valid, *more):
    """A valid value most of the time, else a random JSON value."""
    return st.one_of(st.sampled_from(valid), *more, JSON)


DEVICE_VALUES = {
    "name": either(["PC-01", "  ", ""]),
    "kind": either(["server", "laptop", "toaster"]),
    "hostname": either(["pc-01.corp.example", "localhost"]),
    "ip_address": either(["10.0.0.5", "127.0.0.1", "fe80::1", "10.0.0.300"]),
    "mac_address": either(["00:1a:2b:3c:4d:5e", "00-00-00-00-00-00"]),
    "serial_number": either(["CZJ1234", "To be filled by O.E.M."]),
    "manufacturer": either(["HPE"]),
    "hardware_model": either(["ProLiant"]),
    "os_name": either(["Windows 10", "Microsoft Windows Server 2012 R2"]),
    "os_version": either(["22H2"]),
}
SOFTWARE = st.fixed_dictionaries(
    {"name": either(["Veeam Agent"])},
    optional={"version": either(["6.1"]), "publisher": either(["Veeam"]), "extra": JSON},
)
DEVICE = st.fixed_dictionaries(
    {"serial_number": either(["SN-FUZZ-1", "SN-WS-01"])},
    optional={
        **{key: value for key, value in DEVICE_VALUES.items() if key != "serial_number"},
        "software": st.one_of(st.lists(SOFTWARE, max_size=3), JSON),
        "colour": JSON,
    },
)


# A record of the test's data, by name (JSON has no tuples): replaced by its id in the test.
def ref(*names):
    return [("ref", name) for name in names]


TICKET_VALUES = {
    "name": either(["Disk C: 95% full", " "]),
    "description": either(["<p>Alert from monitoring.</p>", "", "<script>x</script>"]),
    "partner_id": either([*ref("customer", "contact"), 0, 2**31 - 1]),
    "priority": either(["0", "1", "2", "3", "4", 2]),
    "msp_asset_id": either([*ref("asset"), 2**31 - 1]),
    "team_id": either([*ref("team"), 2**31 - 1]),
    "category_id": either([*ref("category"), -1]),
}
REQUIRED = ("name", "description")
TICKET = st.fixed_dictionaries(
    {key: TICKET_VALUES[key] for key in REQUIRED},
    optional={key: value for key, value in TICKET_VALUES.items() if key not in REQUIRED},
)
TICKET_CHANGES = st.fixed_dictionaries({}, optional=TICKET_VALUES)

AUDIT = st.fixed_dictionaries(
    {"partner_id": either([*ref("customer", "contact"), 2**31 - 1])},
    optional={
        "user_id": either([*ref("rmm", "billing"), False]),
        "date_planned": either(["2026-12-01 09:00:00", "1800-01-01 00:00:00"]),
        "user_count": either([12, -1, 10**9]),
        "executive_summary": either(["<p>Backups are not tested.</p>"]),
        "template_id": either([2**31 - 1]),
    },
)
# The audits the proposal is asked of: one done (with a finding, assets and users), one in
# each other state, one that does not exist, several at once or none.
AUDIT_IDS = st.lists(
    st.one_of(
        st.sampled_from(ref("done", "draft", "proposed", "cancelled")),
        st.integers(min_value=-(2**31), max_value=2**31 - 1),
    ),
    max_size=3,
)


def b64(data):
    return base64.b64encode(data).decode()


NMAP = (FIXTURES / "nmap_edge_cases.xml").read_bytes()
NMAP_FILES = st.one_of(
    JSON,
    st.binary(max_size=64).map(b64),
    # the real file, cut or with random text inserted somewhere
    st.tuples(st.integers(0, len(NMAP)), st.text(max_size=40)).map(
        lambda cut: b64(NMAP[: cut[0]] + cut[1].encode() + NMAP[cut[0] :])
    ),
    st.integers(0, len(NMAP)).map(lambda cut: b64(NMAP[:cut])),
)
GLPI_FILES = st.one_of(
    JSON,
    st.fixed_dictionaries(
        {
            "deviceid": JSON,
            "content": st.dictionaries(
                st.sampled_from(
                    [
                        *("hardware", "bios", "operatingsystem", "networks", "softwares"),
                        *("network_device", "users"),
                    ]
                ),
                JSON,
                max_size=4,
            ),
        },
        optional={"itemtype": JSON, "action": JSON},
    ).map(lambda inventory: b64(json.dumps(inventory).encode())),
    JSON.map(lambda value: b64(json.dumps(value).encode())),
)


def raised_by_odoo_core(error):
    """Whether Odoo's own ORM raised ``error`` (its innermost frame is in Odoo's source, not
    in one of our addons): Odoo refusing a malformed domain or a value of the wrong type."""
    frames = traceback.extract_tb(error.__traceback__)
    return bool(frames) and not any(name in frames[-1].filename for name in ADDONS)


@tagged("post_install", "-at_install")
class TestApiFuzz(MspContractCase):
    """The external API of docs/api.md answers random input with a result or a clear error
    and writes nothing when it refuses."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contract = cls.make_contract()
        cls.rmm = new_test_user(
            cls.env,
            login="fuzz_rmm",
            groups="msp_it_audit.msp_it_audit_group_user,helpdesk_mgmt.group_helpdesk_user_own,"
            "msp_service_contract.msp_group_api_integration",
        )
        cls.billing = new_test_user(
            cls.env,
            login="fuzz_billing",
            groups="msp_service_contract.msp_service_contract_group_manager,"
            "msp_service_contract.msp_group_api_integration",
        )
        cls.audit = cls.env["msp.audit"].create(
            {"partner_id": cls.customer.id, "user_id": cls.rmm.id}
        )
        cls.audits = {
            state: cls.env["msp.audit"].create(
                {
                    "partner_id": cls.customer.id,
                    "user_id": cls.rmm.id,
                    "user_count": 12,
                    "asset_ids": [Command.set((cls.ws1 | cls.ws2).ids)],
                    "state": state,
                }
            )
            for state in ("done", "draft", "proposed", "cancelled")
        }
        cls.env["msp.audit.finding"].create(
            {
                "name": "Backups are not tested",
                "severity": "high",
                "audit_id": cls.audits["done"].id,
                "state": "accepted",
                "estimated_hours": 4,
                "price": 400,
            }
        )
        # a ticket the RMM user opened (and follows): one it may write
        cls.ticket = (
            cls.env["helpdesk.ticket"]
            .with_user(cls.rmm)
            .create(
                {
                    "name": "Disk C: 95% full",
                    "description": "<p>Alert from monitoring.</p>",
                    "partner_id": cls.customer.id,
                }
            )
        )

    def counts(self):
        self.env.flush_all()
        self.env.cr.execute(
            " UNION ALL ".join(f"SELECT '{table}', count(*) FROM {table}" for table in TABLES)
        )
        return dict(self.env.cr.fetchall())

    def assertClear(self, call, orm=False, names=None):
        """``call()`` returns, or raises a clear error and writes nothing. ``names``: a
        pattern the error's message must match (what it must name: the device, the field)."""
        before = self.counts()
        savepoint = self.env.cr.savepoint()
        try:
            call()
            self.env.flush_all()
        except UserError as error:
            self.assertTrue(str(error).strip(), "an error without a message")
            if names:
                self.assertRegex(str(error), names, "the error does not name what is wrong")
            self.assertEqual(self.counts(), before, f"rows written before {error!r}")
        except (ValueError, TypeError) as error:
            if not (orm and raised_by_odoo_core(error)):
                raise
            self.assertEqual(self.counts(), before, f"rows written before {error!r}")
        finally:
            savepoint.close(rollback=True)
            self.env.invalidate_all()

    # --- 1. RMM sync ------------------------------------------------------------------

    @FUZZ
    @given(partner_id=either([0]), devices=JSON)
    def test_sync_assets_any_arguments(self, partner_id, devices):
        partner_id = self.customer.id if partner_id == 0 else partner_id
        Asset = self.env["msp.asset"].with_user(self.rmm)
        self.assertClear(
            lambda: Asset.sync_assets(partner_id, devices),
            names=r"Customer|devices|Device \d+",
        )

    @FUZZ
    @given(devices=st.lists(DEVICE, min_size=1, max_size=3))
    def test_sync_assets_devices(self, devices):
        Asset = self.env["msp.asset"].with_user(self.rmm)
        self.assertClear(lambda: Asset.sync_assets(self.customer.id, devices), names=r"Device \d+")

    # --- 2. tickets ---------------------------------------------------------------------

    def resolve(self, vals):
        """``vals`` with the test's records named by ``ref`` replaced by their ids."""
        refs = {
            "customer": self.customer,
            "contact": self.user_a,
            "asset": self.ws1,
            "team": self.team,
            "category": self.category_covered,
            "rmm": self.rmm,
            "billing": self.billing,
            **self.audits,
        }
        return {
            key: refs[value[1]].id if isinstance(value, tuple) else value
            for key, value in vals.items()
        }

    @FUZZ
    @given(vals=TICKET)
    def test_create_ticket(self, vals):
        Ticket = self.env["helpdesk.ticket"].with_user(self.rmm)
        self.assertClear(lambda: Ticket.create([self.resolve(vals)]), orm=True)

    @FUZZ
    @given(vals=TICKET_CHANGES)
    def test_write_ticket(self, vals):
        ticket = self.ticket.with_user(self.rmm)
        self.assertClear(lambda: ticket.write(self.resolve(vals)), orm=True)

    # --- 3. scan imports ----------------------------------------------------------------

    @FUZZ
    @given(vals=AUDIT)
    def test_create_audit(self, vals):
        Audit = self.env["msp.audit"].with_user(self.rmm)
        self.assertClear(lambda: Audit.create([self.resolve(vals)]), orm=True)

    @FUZZ
    @given(ids=AUDIT_IDS)
    def test_create_proposal(self, ids):
        """docs/it-audit.md, RPC methods: one done audit's quotation, by its auditor."""
        ids = list(self.resolve(dict(enumerate(ids))).values())
        audits = self.env["msp.audit"].with_user(self.rmm).browse(ids)
        self.assertClear(audits.action_create_proposal)

    @FUZZ
    @given(file_b64=NMAP_FILES, filename=either(["scan.xml"]))
    def test_import_nmap_xml(self, file_b64, filename):
        audit = self.audit.with_user(self.rmm)
        self.assertClear(lambda: audit.import_nmap_xml(file_b64, filename=filename))

    @FUZZ
    @given(file_b64=GLPI_FILES, filename=either(["inventory.json"]))
    def test_import_glpi_inventory(self, file_b64, filename):
        audit = self.audit.with_user(self.rmm)
        self.assertClear(lambda: audit.import_glpi_inventory(file_b64, filename=filename))

    # --- 4. contracts, hours, 5. breaches -----------------------------------------------

    @FUZZ
    @given(
        query=st.sampled_from(
            [
                ("contract.contract", "commercial_partner_id", ["name", "msp_mrr", "msp_arr"]),
                ("contract.contract", "msp_plan_id", ["msp_hours_balance"]),
                ("msp.contract.hours.period", "date_start", ["credit_hours", "balance_hours"]),
                ("msp.contract.hours.period", "contract_id", ["used_hours"]),
                ("msp.contract.hours.entry", "hours", ["kind", "hours"]),
                ("msp.sla.event", "date", ["date", "ticket_id", "kind", "details"]),
                ("msp.sla.event", "event_type", ["policy_id"]),
                ("msp.asset", "partner_id", ["name", "ip_key"]),
                ("res.partner", "name", ["name"]),
            ]
        ),
        condition=st.one_of(
            st.tuples(st.sampled_from(["=", "!=", ">=", "<", "ilike"]), SCALARS),
            st.tuples(st.sampled_from(["in", "not in"]), st.lists(SCALARS, max_size=4)),
        ),
        limit=st.sampled_from([None, 3]),  # Odoo's own parameter
    )
    def test_documented_reads(self, query, condition, limit):
        """Domains as the guide writes them: a value compared, a list for in. (Odoo 19 itself
        sends a nested list compared with >= on a many2one to PostgreSQL, a psycopg2 error:
        Odoo's defect, not tested here.)"""
        operator, value = condition
        model, field, fields = query
        Model = self.env[model].with_user(self.billing)

        def call():
            Model.search_read([(field, operator, value)], fields, limit=limit)
            if model == "msp.sla.event":
                Model.search_count([(field, operator, value)])

        self.assertClear(call, orm=True)

    def test_guard_catches_a_crash(self):
        """The guard itself: a TypeError escaping is not a clear error."""
        with self.assertRaises(TypeError):
            self.assertClear(lambda: math.floor(None))
