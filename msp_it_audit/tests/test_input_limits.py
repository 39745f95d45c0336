# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import contextlib
import json
from datetime import date, datetime

from odoo.addons.msp_it_audit.models.input_limits import LIMITS
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form

from .common import MspItAuditCommon

# Out of range for every limit of its kind: negative, far too large, before 1990 and after
# 2100, and a 1 MB text.
BAD_VALUES = {
    "float": (-50.0, 1e9),
    "monetary": (-50.0, 1e9),
    "integer": (-50, 10**9),
    "date": (date(1800, 1, 1), date(9999, 12, 31)),
    "datetime": (datetime(1800, 1, 1, 8, 0), datetime(9999, 12, 31, 8, 0)),
    "char": ("x" * 2**20,),
    "text": ("x" * 2**20,),
    "html": ("x" * 2**20,),
}
# Fields of msp_it_audit that a person or another system can enter and that have no limit,
# and why. Everything else enterable must be in input_limits.LIMITS.
UNLIMITED = {
    ("msp.audit.check", "sequence"): "the order of the checks, set by dragging",
    ("msp.audit.template", "sequence"): "the order of the checklists, set by dragging",
    ("msp.audit.template.item", "sequence"): "the order of the items, set by dragging",
    ("msp.audit.scan.rule", "sequence"): "the order of the rules, set by dragging",
    ("msp.eol.entry", "sequence"): "the order in which patterns are tried, set by dragging",
    ("msp.audit.finding", "evidence"): (
        "written by the scan imports, one line per affected host and port: it grows with "
        "the scanned network (the import's file size limit bounds it), so a fixed length "
        "would refuse large scans"
    ),
}


def enterable_fields(env):
    """(model, field) of every stored number, date and text msp_it_audit defines that is
    neither read-only nor computed (a computed field a person may overwrite counts)."""
    found = []
    for model_name in sorted(env.registry):
        model = env[model_name]
        if model._abstract:
            continue
        for name, field in model._fields.items():
            if (
                field.type in BAD_VALUES
                and "msp_it_audit" in field._modules
                and field.store
                and not field.related
                and not field.readonly
            ):
                found.append((model_name, name))
    return found


class TestInputLimits(MspItAuditCommon):
    """Numbers, dates and texts out of range are refused on every path with a message that
    names the record, the field, the value and the range, and nothing is written."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template = cls.env["msp.audit.template"].create({"name": "Quick check"})
        cls.asset = cls.env["msp.asset"].create({"name": "PC-01", "partner_id": cls.customer.id})

    def valid_values(self, model_name):
        """The values of a valid new record of each model that has enterable fields."""
        return {
            "msp.audit": {"partner_id": self.customer.id, "date_start": "2026-11-01"},
            "msp.audit.check": {"audit_id": self.audit.id, "name": "Backups restored"},
            "msp.audit.finding": {
                "audit_id": self.audit.id,
                "name": "Telnet exposed",
                "severity": "high",
            },
            "msp.audit.template": {"name": "Small office"},
            "msp.audit.template.item": {"template_id": self.template.id, "name": "Firewall"},
            "msp.audit.scan.rule": {
                "name": "Telnet",
                "service_name": "telnet",
                "finding_title": "Telnet exposed",
                "severity": "high",
            },
            "msp.eol.entry": {
                "name": "Windows 7",
                "pattern": "windows 7",
                "eol_date": "2020-01-14",
            },
            "msp.asset": {"name": "PC-02", "partner_id": self.customer.id},
            "msp.asset.software": {"asset_id": self.asset.id, "name": "Firefox"},
            "msp.audit.schedule.wizard": {"lead_id": self.lead.id, "auditor_id": self.auditor.id},
            "msp.audit.import.wizard": {
                "audit_id": self.audit.id,
                "file": base64.b64encode(b"<nmaprun/>"),
            },
        }[model_name]

    def count_records(self):
        return {name: self.env[name].search_count([]) for name in LIMITS}

    def accepted_paths(self, record, values, name, bad):
        """The ways of entering ``bad`` in field ``name`` that were not refused."""
        accepted = []
        for path in ("create", "write"):
            with contextlib.suppress(UserError):  # ValidationError is one
                if path == "create":
                    record.create({**values, name: bad})
                else:
                    record.write({name: bad})
                accepted.append(path)
        return accepted

    def test_every_enterable_field_refuses_out_of_range_values(self):
        failures = []
        for model_name, name in enterable_fields(self.env):
            if (model_name, name) in UNLIMITED:
                continue
            values = self.valid_values(model_name)
            record = self.env[model_name].create(values)
            stored = record[name]
            for bad in BAD_VALUES[record._fields[name].type]:
                label = f"{model_name}.{name} = {str(bad)[:20]}"
                before = self.count_records()
                failures += [
                    f"{label}: {path} accepted"
                    for path in self.accepted_paths(record, values, name, bad)
                ]
                if record[name] != stored or self.count_records() != before:
                    failures.append(f"{label}: something was written")
        self.assertFalse(failures, "\n".join(failures))

    def test_every_enterable_field_has_a_limit(self):
        """A new number, date or text a person can enter fails here until input_limits.LIMITS
        gives it its range (or UNLIMITED says why it needs none)."""
        enterable = enterable_fields(self.env)
        self.assertIn(("msp.audit.finding", "price"), enterable, "computed, but editable")
        self.assertNotIn(("msp.audit", "risk_score"), enterable, "computed only")
        missing = [
            f"{model}.{name}"
            for model, name in enterable
            if name not in LIMITS.get(model, {}) and (model, name) not in UNLIMITED
        ]
        self.assertFalse(missing, f"enterable fields without a limit: {', '.join(missing)}")
        stale = [
            f"{model}.{name}"
            for model, names in [*LIMITS.items(), *((m, [n]) for m, n in UNLIMITED)]
            for name in names
            if name not in self.env[model]._fields
        ]
        self.assertFalse(stale, f"limits of fields that do not exist: {', '.join(stale)}")
        # the refusal test above feeds every limited field
        limited = {(model, name) for model, names in LIMITS.items() for name in names}
        self.assertFalse(limited - set(enterable), "limited fields the list does not find")

    def test_message_names_record_field_value_and_range(self):
        finding = self.env["msp.audit.finding"].create(self.valid_values("msp.audit.finding"))
        with self.assertRaisesRegex(
            ValidationError,
            r"^IT audit finding 'Telnet exposed': Estimated Hours -50 is out of range: enter "
            r"at least 0 and at most 100,000\.$",
        ):
            finding.estimated_hours = -50
        with self.assertRaisesRegex(
            ValidationError, r"Price 20,000,000 is out of range.*10,000,000"
        ):
            finding.price = 2e7
        with self.assertRaisesRegex(
            ValidationError, r"^IT audit 'AUD/\d+/\d+': Users 1,000,000,000 is out of range"
        ):
            self.env["msp.audit"].create({**self.valid_values("msp.audit"), "user_count": 10**9})
        with self.assertRaisesRegex(
            ValidationError,
            r"Weight 0 is out of range: enter at least 1 and at most 10\.",
        ):
            self.env["msp.audit.check"].create(
                {"audit_id": self.audit.id, "name": "x", "weight": 0}
            )
        with self.assertRaisesRegex(
            ValidationError,
            r"Customer IT asset 'PC-01': Purchase Date 1989-12-31 is out of range: enter a date "
            r"from 1990-01-01 to 2100-12-31\.",
        ):
            self.asset.purchase_date = date(1989, 12, 31)
        with self.assertRaisesRegex(
            ValidationError,
            r"Customer IT asset 'PC-01': Hostname is 254 characters long: at most 253 are "
            r"allowed\.",
        ):
            self.asset.hostname = "h" * 254
        self.assertFalse(self.asset.purchase_date)

    def test_dates_audits_from_2000_old_hardware_from_1990(self):
        self.asset.write({"purchase_date": date(1995, 6, 1), "eol_date": date(2001, 12, 31)})
        self.assertEqual(self.asset.purchase_date, date(1995, 6, 1))
        with self.assertRaisesRegex(ValidationError, "Started on 1995-06-01 is out of range"):
            self.audit.date_start = date(1995, 6, 1)
        with self.assertRaisesRegex(ValidationError, "Planned on 2101-01-01 is out of range"):
            self.audit.date_planned = datetime(2101, 1, 1, 9, 0)

    def test_a_computed_price_out_of_range_is_refused(self):
        """The price follows the product and the hours: a product whose price times the hours
        exceeds the limit is refused, naming the finding."""
        self.product_hour.list_price = 500_000
        finding = self.env["msp.audit.finding"].create(self.valid_values("msp.audit.finding"))
        with self.assertRaisesRegex(
            ValidationError, "IT audit finding 'Telnet exposed': Price 25,000,000 is out of range"
        ):
            finding.write({"product_id": self.product_hour.id, "estimated_hours": 50})
            self.env.flush_all()

    def test_onchange_path_is_checked_on_save(self):
        form = Form(self.env["msp.audit.finding"].with_context(default_audit_id=self.audit.id))
        form.name = "Open relay"
        form.severity = "critical"
        form.estimated_hours = 200_000
        with self.assertRaisesRegex(ValidationError, "Estimated Hours 200,000 is out of range"):
            form.save()

    def test_an_imported_value_out_of_range_refuses_the_import_naming_the_device(self):
        inventory = json.loads(self.fixture("glpi_network_equipment.json"))
        device = inventory["content"]["network_device"]
        device["ips"] = [f"10.{i // 250}.{i % 250}.1" for i in range(1000)]
        messages = len(self.audit.message_ids)
        with self.assertRaisesRegex(
            ValidationError,
            r"switch\.json: Customer IT asset 'core-sw\.corp\.example': All IP addresses is "
            r"[\d,]+ characters long: at most 10,000 are allowed\..*\nNothing was imported\.",
        ):
            self.audit.import_glpi_inventory(
                base64.b64encode(json.dumps(inventory).encode()), "switch.json"
            )
        self.assertFalse(self.customer_assets() - self.asset)
        self.assertFalse(self.audit.finding_ids)
        self.assertEqual(len(self.audit.message_ids), messages)
        # the same device with its real addresses imports
        device["ips"] = device["ips"][:2]
        stats = self.audit.import_glpi_inventory(base64.b64encode(json.dumps(inventory).encode()))
        self.assertEqual(stats["created"], 1)

    def test_schedule_wizard_refuses_a_date_out_of_range(self):
        with self.assertRaisesRegex(ValidationError, "Planned on 1800-01-01 is out of range"):
            self.env["msp.audit.schedule.wizard"].with_user(self.salesman).create(
                {
                    **self.valid_values("msp.audit.schedule.wizard"),
                    "date_planned": datetime(1800, 1, 1, 8, 0),
                }
            )
