# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from freezegun import freeze_time

from odoo.addons.msp_service_contract.models.input_limits import LIMITS, MAX_HOURS_PARAM
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tests import tagged

from .common import MspContractCase

# Out of range for every limit of its kind: below (or at) the low bound, far above the high
# one, before 2000 and after 2100, and a 1 MB text.
BAD_VALUES = {
    "number": (-50, 1e9),
    "date": (date(1800, 1, 1), date(9999, 12, 31)),
    "text": ("x" * 2**20,),
}
ENTERABLE_TYPES = ("float", "integer", "monetary", "date", "datetime", "char", "text", "html")
# Fields a person or the API can enter on the limited models that have no limit, and why.
UNLIMITED = {
    "sequence": "the order of lines, set by dragging; any integer is harmless",
    "yearly_increase_percent": "its own range, -100% to the max_increase_percent parameter",
    "notice_days": "its own range, from 0 to shorter than the terms",
    "invoice_generation_error": "written by OCA contract's invoicing, shown read-only",
    "msp_trueup_snapshot": "the ids the last true-up counted, written by the true-up",
}
# On inherited models, the fields of these modules are ours to limit (Odoo's and other
# addons' timesheet fields do not feed the hours ledger).
LIMITED_MODULES = {
    "account.analytic.line": {"msp_service_contract", "hr_timesheet", "analytic"},
    "contract.contract": {"contract", "msp_service_contract"},
    "contract.line": {"contract", "msp_service_contract"},
}
TIMESHEET_LEDGER_FIELDS = {"unit_amount", "date", "name"}


@tagged("post_install", "-at_install")
class TestInputLimits(MspContractCase):
    """Numbers, dates and texts out of range are refused on every path, with a message that
    names the field, and nothing is written; time is corrected through the ledger's reversal."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contract = cls.make_contract()
        cls.ticket = cls.make_ticket()

    def valid_values(self, model_name):
        """(model, values of a valid new record) for each limited model."""
        today = date.today()
        return {
            "account.analytic.line": (
                self.env["account.analytic.line"].with_user(self.technician),
                {
                    "name": "Mailbox restored",
                    "date": today,
                    "unit_amount": 1.0,
                    "msp_ticket_id": self.ticket.id,
                    "project_id": self.project.id,
                    "employee_id": self.employee.id,
                },
            ),
            "contract.contract": (
                self.env["contract.contract"],
                {
                    "name": "Business - Dental Care Ltd",
                    "partner_id": self.customer.id,
                    "contract_type": "sale",
                    "date_start": date(2026, 9, 1),
                    "recurring_next_date": date(2026, 9, 1),
                    "msp_plan_id": self.plan.id,
                },
            ),
            "contract.line": (
                self.env["contract.line"],
                {
                    "contract_id": self.contract.id,
                    "product_id": self.product_flat.id,
                    "name": "Managed network",
                    "quantity": 1,
                    "price_unit": 500,
                    "date_start": date(2026, 9, 1),
                    "recurring_next_date": date(2026, 9, 1),
                },
            ),
            "msp.service.plan": (
                self.env["msp.service.plan"],
                {"name": "Essentials", "sla_required": False, "included_hours": 2},
            ),
            "msp.service.plan.line": (
                self.env["msp.service.plan.line"],
                {"plan_id": self.plan.id, "product_id": self.product_flat.id, "price_unit": 90},
            ),
            "msp.contract.prepaid.wizard": (
                self.env["msp.contract.prepaid.wizard"],
                {"contract_id": self.contract.id, "hours": 5, "amount": 400, "date": today},
            ),
            "msp.contract.terminate.wizard": (
                self.env["msp.contract.terminate.wizard"],
                {"contract_id": self.contract.id, "date": today, "reason": "Moving abroad"},
            ),
            "msp.expiry.item": (
                self.env["msp.expiry.item"],
                {
                    "name": "Backup licence",
                    "kind": "licence",
                    "partner_id": self.customer.id,
                    "expiry_date": date(2027, 1, 1),
                },
            ),
        }[model_name]

    def written(self):
        """What a refused value must not change: how many records there are, and the ledger."""
        counts = {name: self.env[name].sudo().search_count([]) for name in LIMITS}
        entries = self.env["msp.contract.hours.entry"].sudo().search_read([], ["hours", "kind"])
        return counts, entries

    def test_every_limited_field_refuses_out_of_range_values(self):
        failures = []
        for model_name, limits in LIMITS.items():
            model, values = self.valid_values(model_name)
            record = model.create(values)
            for name, limit in limits.items():
                for bad in BAD_VALUES[limit.kind]:
                    if model._fields[name].type == "integer" and isinstance(bad, float):
                        bad = int(bad)
                    label = f"{model_name}.{name} = {str(bad)[:20]}"
                    before = self.written()
                    stored = record.sudo()[name]
                    for path, call in (
                        ("create", lambda m=model, v=values, n=name, b=bad: m.create({**v, n: b})),
                        ("write", lambda r=record, n=name, b=bad: r.write({n: b})),
                    ):
                        try:
                            with self.assertRaises(UserError):  # ValidationError is one
                                call()
                        except AssertionError:
                            failures.append(f"{label}: {path} accepted")
                    record.invalidate_recordset()
                    if record.sudo()[name] != stored or self.written() != before:
                        failures.append(f"{label}: something was written")
        self.assertFalse(failures, "\n".join(failures))

    def test_every_enterable_field_has_a_limit(self):
        """A new number, date or text a person can enter on these models fails here until
        input_limits.LIMITS gives it its range (or UNLIMITED says why it needs none)."""
        missing = []
        for model_name, limits in LIMITS.items():
            model = self.env[model_name]
            modules = LIMITED_MODULES.get(model_name)
            for name, field in model._fields.items():
                if (
                    field.type not in ENTERABLE_TYPES
                    or name in models_magic_fields()
                    or field.related
                    or (field.readonly and not (field.compute and field.store))
                    or (field.compute and not field.inverse and field.readonly)
                    or not (field.store or field.inverse)
                    or name in limits
                    or name in UNLIMITED
                ):
                    continue
                if modules is not None and field._module not in modules:
                    continue
                if model_name == "account.analytic.line" and name not in TIMESHEET_LEDGER_FIELDS:
                    continue
                missing.append(f"{model_name}.{name}")
        self.assertFalse(missing, f"enterable fields without a limit: {', '.join(missing)}")

    def test_negative_hours_are_refused_and_corrections_reverse_exactly(self):
        line = self.log_time(self.ticket, date(2026, 9, 10), 5.0)
        self.assertEqual(self.balances(self.contract), {date(2026, 9, 1): 5.0})
        with self.assertRaisesRegex(
            ValidationError, "Time Spent -50 is out of range: enter more than 0 and at most 24"
        ):
            self.log_time(self.ticket, date(2026, 9, 11), -50.0)
        with self.assertRaisesRegex(ValidationError, "edit or delete its entry"):
            line.with_user(self.technician).write({"unit_amount": -50.0})
        self.assertEqual(self.balances(self.contract), {date(2026, 9, 1): 5.0})
        self.assertEqual(line.unit_amount, 5.0)
        # The correction: edit the entry, then delete it; each is reversed in the ledger.
        line.with_user(self.technician).write({"unit_amount": 2.0})
        self.assertEqual(self.balances(self.contract), {date(2026, 9, 1): 8.0})
        line.with_user(self.technician).unlink()
        self.assertEqual(self.balances(self.contract), {date(2026, 9, 1): 10.0})
        entries = self.contract.msp_hours_entry_ids.filtered(lambda e: e.kind != "included")
        self.assertEqual(
            [(e.kind, e.hours) for e in entries.sorted("id")],
            [("consumption", -5.0), ("reversal", 5.0), ("consumption", -2.0), ("reversal", 2.0)],
        )
        # Time not on a ticket does not feed the ledger and keeps Odoo's rules (sale_timesheet
        # corrects with negative lines).
        other = self.env["account.analytic.line"].create(
            {
                "name": "Internal correction",
                "date": date(2026, 9, 10),
                "unit_amount": -2.0,
                "project_id": self.project.id,
                "employee_id": self.employee.id,
            }
        )
        self.assertEqual(other.unit_amount, -2.0)

    def test_hours_per_entry_ceiling_is_a_system_parameter(self):
        with self.assertRaisesRegex(ValidationError, "at most 24"):
            self.log_time(self.ticket, date(2026, 9, 10), 25.0)
        self.env["ir.config_parameter"].set_param(MAX_HOURS_PARAM, "30")
        self.assertEqual(self.log_time(self.ticket, date(2026, 9, 10), 25.0).unit_amount, 25.0)

    def test_time_cannot_be_logged_after_tomorrow(self):
        values = self.valid_values("account.analytic.line")[1]
        with (
            freeze_time(date(2026, 9, 10)),
            self.assertRaisesRegex(ValidationError, "2026-09-13 is out of range.*2026-09-11"),
        ):
            self.env["account.analytic.line"].create({**values, "date": date(2026, 9, 13)})

    def test_a_contract_put_on_a_plan_brings_its_lines_under_the_limits(self):
        """A contract without a plan is OCA contract's, not a service contract: not limited
        until it is put on a plan."""
        plain = self.env["contract.contract"].create(
            {
                "name": "Rent",
                "partner_id": self.customer.id,
                "contract_line_ids": [
                    Command.create(
                        {"product_id": self.product_flat.id, "name": "Credit", "price_unit": -5}
                    )
                ],
            }
        )
        self.assertEqual(plain.contract_line_ids.price_unit, -5)
        with self.assertRaisesRegex(ValidationError, "Unit Price -5 is out of range"):
            plain.msp_plan_id = self.plan


def models_magic_fields():
    return {"id", "display_name", "create_date", "write_date", "create_uid", "write_uid"}
