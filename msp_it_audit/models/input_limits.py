# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What a person, an import or another system may enter on audits, their checks and
findings, assets, checklists, scan rules, the end-of-life table and the audit wizards: one
table of ranges (docs/it-audit.md, "Input limits").

A model that inherits ``msp.it.audit.input.limits`` checks its values twice against the
table: the values given to ``create``/``write``, before any SQL runs (so a database CHECK or
an integer overflow never answers first), and the values the records end up with
(``@api.constrains``, which also sees what computes and onchanges wrote).
"""

import math
from datetime import date
from typing import NamedTuple

from odoo import api, fields, models
from odoo.exceptions import ValidationError

MAX_QUANTITY = 100_000  # hours, users
MAX_PRICE = 10_000_000
MAX_TEXT = 10_000
MAX_HTML = 100_000
# The largest id PostgreSQL's integer columns hold.
MAX_ID = 2**31 - 1


class Bound(NamedTuple):
    """The allowed range of one kind of value: ``number`` (low..high), ``date`` (first..last
    day) or ``text`` (at most ``high`` characters)."""

    kind: str
    low: object
    high: object


QUANTITY = Bound("number", 0, MAX_QUANTITY)
PRICE = Bound("number", 0, MAX_PRICE)
WEIGHT = Bound("number", 1, 10)
PORT = Bound("number", 0, 65_535)
AUDIT_DATE = Bound("date", date(2000, 1, 1), date(2100, 12, 31))
# Hardware in service today may have been bought, and operating systems released, long ago.
HARDWARE_DATE = Bound("date", date(1990, 1, 1), date(2100, 12, 31))


def text(length):
    return Bound("text", 0, length)


TEXT = text(MAX_TEXT)
HTML = text(MAX_HTML)

# The texts of a device and of its installed software: the lengths msp.asset.sync_assets
# accepts (docs/api.md) and the scan parsers keep. Host names follow DNS (253), addresses
# their longest notation.
DEVICE_TEXT_LIMITS = {
    "name": 128,
    "hostname": 253,
    "ip_address": 45,
    "mac_address": 32,
    "serial_number": 128,
    "manufacturer": 128,
    "hardware_model": 128,
    "os_name": 128,
    "os_version": 64,
}
SOFTWARE_TEXT_LIMITS = {"name": 128, "version": 64, "publisher": 128}

_FINDING_TEXTS = {"finding_title": TEXT, "finding_description": TEXT, "recommendation": TEXT}
_CHECK_FIELDS = {
    "name": TEXT,
    "guidance": TEXT,
    "weight": WEIGHT,
    **_FINDING_TEXTS,
    "estimated_hours": QUANTITY,
}

# model -> {field: bound}: every number, date and text a person or another system enters.
# The fields left out on purpose, and why, are listed in tests/test_input_limits.py.
LIMITS = {
    "msp.audit": {
        "date_planned": AUDIT_DATE,
        "date_start": AUDIT_DATE,
        "date_end": AUDIT_DATE,
        "user_count": QUANTITY,
        "executive_summary": HTML,
    },
    "msp.audit.check": {**_CHECK_FIELDS, "notes": TEXT},
    "msp.audit.template.item": _CHECK_FIELDS,
    "msp.audit.template": {"name": TEXT, "description": TEXT},
    "msp.audit.finding": {
        "name": TEXT,
        "description": TEXT,
        "recommendation": TEXT,
        "estimated_hours": QUANTITY,
        "price": PRICE,
    },
    "msp.audit.scan.rule": {
        "name": TEXT,
        # the scan parsers keep 64 characters of service names and script ids and 2,000 of
        # a script's output: a longer criterion could never match
        "service_name": text(64),
        "port": PORT,
        "script_id": text(64),
        "script_output_contains": text(2000),
        "finding_title": TEXT,
        "description": TEXT,
        "recommendation": TEXT,
        "estimated_hours": QUANTITY,
    },
    "msp.eol.entry": {
        "name": TEXT,
        "pattern": TEXT,
        "eol_date": HARDWARE_DATE,
        "recommendation": TEXT,
        "estimated_hours": QUANTITY,
    },
    "msp.asset": {
        **{name: text(length) for name, length in DEVICE_TEXT_LIMITS.items()},
        # an asset without a name given is named after its host name (253), or its GLPI
        # device id (the parser keeps 256 characters)
        "name": text(256),
        "ip_addresses": TEXT,
        "purchase_date": HARDWARE_DATE,
        "warranty_end_date": HARDWARE_DATE,
        "eol_date": HARDWARE_DATE,
    },
    "msp.asset.software": {name: text(length) for name, length in SOFTWARE_TEXT_LIMITS.items()},
    "msp.audit.schedule.wizard": {"date_planned": AUDIT_DATE, "note": TEXT},
    "msp.audit.import.wizard": {"filename": text(255)},
}


def is_record_id(value):
    """Whether ``value`` can be the id of a record: a whole number PostgreSQL's integer
    columns hold."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def is_no_record(value):
    """Whether ``value`` is what a many2one takes as empty (None, false, 0) or a record: not
    an empty list, text or object, which Odoo's ORM would read as values of a new record."""
    return (
        value is None
        or (isinstance(value, int) and value == 0)
        or isinstance(value, models.BaseModel)
    )


def _comparable(bound, value):
    """What to compare of ``value``: a number, a date or a length; None when there is
    nothing to check (empty, or a value the ORM refuses by itself)."""
    if value is None or value is False or value == "":
        return None
    if bound.kind == "text":
        return len(value) if isinstance(value, str) else None
    if bound.kind == "date":
        try:
            return fields.Date.to_date(value)
        except (TypeError, ValueError):
            return None
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return None
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _number(value):
    return f"{value:,.10g}"


def out_of_range(env, bound, label, value):
    """The message refusing ``value`` of the field called ``label``, or None when it fits."""
    checked = _comparable(bound, value)
    if checked is None:
        return None
    if bound.kind == "text":
        if checked <= bound.high:
            return None
        return env._(
            "%(field)s is %(length)s characters long: at most %(max)s are allowed. Shorten it, "
            "or attach the full text as a document.",
            field=label,
            length=_number(checked),
            max=_number(bound.high),
        )
    if bound.kind == "date":
        if bound.low <= checked <= bound.high:
            return None
        return env._(
            "%(field)s %(value)s is out of range: enter a date from %(low)s to %(high)s.",
            field=label,
            value=checked,
            low=bound.low,
            high=bound.high,
        )
    if math.isfinite(checked) and bound.low <= checked <= bound.high:
        return None
    return env._(
        "%(field)s %(value)s is out of range: enter at least %(low)s and at most %(high)s.",
        field=label,
        value=_number(checked),
        low=_number(bound.low),
        high=_number(bound.high),
    )


def _refuse_first(env, subject, fields_, checks):
    """Raise a ValidationError for the first (field name, bound, value) out of range."""
    for name, bound, value in checks:
        message = out_of_range(env, bound, fields_[name]._description_string(env), value)
        if message:
            raise ValidationError(env._("%(record)s: %(message)s", record=subject, message=message))


class MspItAuditInputLimits(models.AbstractModel):
    """The ranges of LIMITS on the model that inherits this: values are checked before they
    are written and once written."""

    _name = "msp.it.audit.input.limits"
    _description = "Limits of values entered in IT audits"

    @api.model
    def _limits_subject(self, name):
        """Who the values are for, in a message: the model and, when known, the record's
        name (the host or device of an import)."""
        name = " ".join(name[:200].split()) if isinstance(name, str) else ""
        if not name:
            return self._description
        return f"{self._description} '{name[:60]}{'...' if len(name) > 60 else ''}'"

    @api.model
    def _check_limit_values(self, vals, name=None):
        limits = LIMITS[self._name]
        _refuse_first(
            self.env,
            self._limits_subject(vals.get("name") or name),
            self._fields,
            ((field, limits[field], value) for field, value in vals.items() if field in limits),
        )

    @api.model
    def _refuse_type(self, vals, field, value, expected):
        shown = repr(value)
        raise ValidationError(
            self.env._(
                "%(record)s: %(field)s must be %(expected)s; got %(value)s.",
                record=self._limits_subject(vals.get("name")),
                field=field._description_string(self.env),
                expected=expected,
                value=shown if len(shown) <= 40 else f"{shown[:37]}...",
            )
        )

    @api.model
    def _check_value_types(self, vals_list):
        """A many2one is given as the id of an existing record (or empty), a text as text
        without NUL characters: Odoo's ORM hands anything else on to PostgreSQL, whose error
        names nothing (a list or an object, a number past its integers, an id that does not
        exist)."""
        given = {}
        for vals in vals_list:
            for name, value in vals.items():
                field = self._fields.get(name)
                if field is None:
                    continue  # Odoo's ORM refuses an unknown field itself
                if field.type == "many2one" and not is_no_record(value):
                    if not is_record_id(value):
                        self._refuse_type(
                            vals,
                            field,
                            value,
                            self.env._(
                                "the id of a record (%(model)s), a whole number, or empty",
                                model=field.comodel_name,
                            ),
                        )
                    given.setdefault(field, set()).add(value)
                elif field.type in ("char", "text", "html") and value not in (None, False):
                    if not isinstance(value, str):
                        self._refuse_type(vals, field, value, self.env._("text"))
                    if "\x00" in value:
                        self._refuse_type(
                            vals, field, value, self.env._("text without NUL characters")
                        )
        for field, ids in given.items():
            # sudo: whether the ids exist; reading them stays under the caller's rights
            unknown = ids - set(self.env[field.comodel_name].sudo().browse(ids).exists().ids)
            if unknown:
                raise ValidationError(
                    self.env._(
                        "%(record)s: %(field)s %(ids)s does not exist: give the id of an "
                        "existing record (%(model)s).",
                        record=self._description,
                        field=field._description_string(self.env),
                        ids=", ".join(map(str, sorted(unknown))),
                        model=field.comodel_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_value_types(vals_list)
        for vals in vals_list:
            self._check_limit_values(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_value_types([vals])
        if vals.keys() & LIMITS[self._name].keys():
            self._check_limit_values(vals, self.display_name if len(self) == 1 else None)
        return super().write(vals)

    @api.constrains(lambda self: tuple(LIMITS[self._name]))
    def _check_input_limits(self):
        limits = LIMITS[self._name]
        for record in self:
            _refuse_first(
                self.env,
                self._limits_subject(record.display_name),
                self._fields,
                ((name, bound, record[name]) for name, bound in limits.items()),
            )
