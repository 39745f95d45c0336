# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What a person or another system may enter on service contracts, their lines, service plans,
the prepaid and termination wizards, and time logged on tickets: one table for every path.

Each model checks its values twice with the same limits: the values it is given, before they
reach the database (a raw database error, or a date computation that overflows, never gets the
chance to speak first), and the values it ends up with (``@api.constrains``, which also sees
what onchanges and computes wrote). A correction of logged time is an edit or a deletion of
its entry, which the hours ledger reverses explicitly: negative hours are never the way.
"""

from datetime import date
from textwrap import shorten

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

EARLIEST_DATE = date(2000, 1, 1)
LATEST_CONTRACT_DATE = date(2100, 12, 31)
# Time is logged for work done: up to tomorrow (the technician's day may run ahead of the
# server's), never further.
FUTURE_WORK_DAYS = 1
# One time entry: at most a day. A system parameter may lower or raise it for the database.
MAX_HOURS_PER_ENTRY = 24.0
MAX_HOURS_PARAM = "msp_service_contract.max_hours_per_entry"
MAX_QUANTITY = 100_000
MAX_PRICE = 10_000_000
MAX_MONTHS = 120
MAX_TEXT = 10_000
MAX_HTML = 100_000


def _max_hours_per_entry(env):
    # sudo: reads a system parameter (the ceiling), nothing of any record
    return float(env["ir.config_parameter"].sudo().get_param(MAX_HOURS_PARAM, MAX_HOURS_PER_ENTRY))


def _latest_work_date(env):
    # today where the user is or where the company is (time on a ticket is dated by the
    # company's clock), whichever is later
    today = max(fields.Date.context_today(env.user), env.company._msp_today())
    return today + relativedelta(days=FUTURE_WORK_DAYS)


class Limit:
    """The allowed range of one kind of value. ``low``/``high`` are values, or functions of
    the environment for the bounds that move (today, a system parameter). ``above`` makes the
    low bound exclusive (more than 0 hours). ``hint`` (how to fix it) and ``label`` (instead of
    the field's own) are functions of the environment, which translates them."""

    def __init__(self, kind, low, high, above=False, hint=None, label=None):
        self.kind, self.low, self.high, self.above = kind, low, high, above
        self.hint, self.label = hint, label

    def bounds(self, env):
        return tuple(b(env) if callable(b) else b for b in (self.low, self.high))

    def convert(self, value):
        """The value to compare, or None when there is nothing to check (empty, or a type the
        ORM itself refuses)."""
        if value in (None, False, ""):
            return None
        if self.kind == "text":
            return len(value) if isinstance(value, str) else None
        if self.kind == "date":
            try:
                return fields.Date.to_date(value)
            except (TypeError, ValueError):
                return None
        return value if isinstance(value, int | float) and not isinstance(value, bool) else None

    def error(self, env, label, value):
        """The message for ``value`` of the field called ``label``, or None when it fits.
        ``label`` may be a function: it is called only when there is a message to write."""
        checked = self.convert(value)
        if checked is None:
            return None
        low, high = self.bounds(env)
        if self.kind == "text":
            if checked <= high:
                return None
            return env._(
                "%(field)s is %(length)s characters long: at most %(max)s are allowed. "
                "Shorten it, or attach the full text as a document.",
                field=label() if callable(label) else label,
                length=f"{checked:,}",
                max=f"{high:,}",
            )
        too_low = checked <= low if self.above else checked < low
        if not too_low and checked <= high:
            return None
        if self.kind == "date":
            message = env._(
                "%(field)s %(value)s is out of range: enter a date from %(low)s to %(high)s.",
                field=label() if callable(label) else label,
                value=checked,
                low=low,
                high=high,
            )
        else:
            message = env._(
                "%(field)s %(value)s is out of range: enter %(low)s and at most %(high)s.",
                field=label() if callable(label) else label,
                value=f"{checked:g}",
                low=(
                    env._("more than %s", f"{low:g}")
                    if self.above
                    else env._("at least %s", f"{low:g}")
                ),
                high=f"{high:g}",
            )
        return f"{message} {self.hint(env)}" if self.hint else message


HOURS_LOGGED = Limit(
    "number",
    0,
    _max_hours_per_entry,
    above=True,
    hint=lambda env: env._(
        "To correct time already logged, edit or delete its entry: the hours ledger then "
        "reverses it."
    ),
    label=lambda env: env._("Time Spent"),
)
HOURS = Limit("number", 0, MAX_QUANTITY)
HOURS_SOLD = Limit("number", 0, MAX_QUANTITY, above=True)
QUANTITY = Limit("number", 0, MAX_QUANTITY)
PRICE = Limit(
    "number",
    0,
    MAX_PRICE,
    hint=lambda env: env._("A discount or credit is a line of its own, not a negative price."),
)
PERCENT = Limit("number", 0, 100)
# A multiple of a rate (after-hours work): more than 0, at most ten times.
MULTIPLIER = Limit("number", 0, 10, above=True)
MONTHS = Limit("number", 1, MAX_MONTHS)
PERIODS = Limit("number", 0, MAX_MONTHS)
WORK_DATE = Limit("date", EARLIEST_DATE, _latest_work_date)
CONTRACT_DATE = Limit("date", EARLIEST_DATE, LATEST_CONTRACT_DATE)
# Watched expiries take the assets' hardware dates too (msp_it_audit: from 1990).
EXPIRY_DATE = Limit("date", date(1990, 1, 1), LATEST_CONTRACT_DATE)
TEXT = Limit("text", 0, MAX_TEXT)
HTML = Limit("text", 0, MAX_HTML)

CONTRACT_DATES = {
    "date_start": CONTRACT_DATE,
    "date_end": CONTRACT_DATE,
    "recurring_next_date": CONTRACT_DATE,
}

# model -> {field: limit}: every number, date and text a person or the API enters there.
# (On timesheets, contracts and contract lines only those of the suite: see in_scope.)
LIMITS = {
    "account.analytic.line": {"unit_amount": HOURS_LOGGED, "date": WORK_DATE, "name": TEXT},
    "contract.contract": {
        **CONTRACT_DATES,
        "date": CONTRACT_DATE,
        "recurring_interval": MONTHS,
        "msp_term_end": CONTRACT_DATE,
        "name": TEXT,
        "code": TEXT,
        "note": TEXT,
        "msp_termination_reason": TEXT,
    },
    "contract.line": {
        **CONTRACT_DATES,
        "recurring_interval": MONTHS,
        "quantity": QUANTITY,
        "price_unit": PRICE,
        "specific_price": PRICE,
        "discount": PERCENT,
        "msp_renewal_price_unit": PRICE,
        "msp_vendor_cost": PRICE,
        "name": TEXT,
    },
    "msp.service.plan": {
        "name": TEXT,
        "included_hours": HOURS,
        "overage_rate": PRICE,
        "rollover_periods": PERIODS,
        "rollover_cap_hours": HOURS,
        "sla_credit_percent": PERCENT,
        "sla_credit_cap_percent": PERCENT,
        "after_hours_rate_factor": MULTIPLIER,
        "minimum_term_months": MONTHS,
        "renewal_term_months": PERIODS,
        "description": HTML,
        "exclusions": HTML,
    },
    "msp.service.plan.line": {"price_unit": PRICE, "name": TEXT},
    "msp.contract.prepaid.wizard": {"hours": HOURS_SOLD, "amount": PRICE, "date": CONTRACT_DATE},
    "msp.contract.terminate.wizard": {"date": CONTRACT_DATE, "reason": TEXT},
    "msp.expiry.item": {"name": TEXT, "expiry_date": EXPIRY_DATE},
}
# The fields of each model its constraint is triggered by.
TRIGGERS = {model: tuple(limits) for model, limits in LIMITS.items()}


def _label(env, limit, field):
    return limit.label(env) if limit.label else field._description_string(env)


def _raise_first(env, label_of, items):
    for name, limit, value in items:
        message = limit.error(env, lambda n=name, lim=limit: label_of(n, lim), value)
        if message:
            raise ValidationError(message)


def check_values(model, vals_list):
    """Refuse the values given to ``create``/``write`` of ``model`` (before they are written),
    naming the model, the field, the value and the allowed range."""
    limits = LIMITS[model._name]
    fields_ = model._fields
    label = f"{model._description}:"
    for vals in vals_list:
        _raise_first(
            model.env,
            lambda name, limit: f"{label} {_label(model.env, limit, fields_[name])}",
            ((name, limits[name], value) for name, value in vals.items() if name in limits),
        )


def check_records(records):
    """Refuse records whose stored values are out of their limits (@api.constrains)."""
    limits = LIMITS[records._name]
    # sudo: prices are readable by contract managers only; the rule applies to all writers.
    for record in records.sudo():
        _raise_first(
            records.env,
            lambda name, limit, r=record: (
                f"{shorten(r.display_name or r._description, 80)}: "
                f"{_label(r.env, limit, r._fields[name])}"
            ),
            ((name, limit, record[name]) for name, limit in limits.items()),
        )


class MspInputLimits(models.AbstractModel):
    """The limits above, on a model that inherits this: its values are checked before they are
    written and again once written. ``_msp_limits_scope``, a field path, narrows the rule to
    the records (and new values) where that path is set: the suite's own records on a model
    that other addons use too."""

    _name = "msp.input.limits"
    _description = "Limits of entered values"
    _msp_limits_scope = None

    def _msp_limited(self):
        return self.filtered(self._msp_limits_scope) if self._msp_limits_scope else self

    @api.model
    def _msp_limited_values(self, vals):
        if not self._msp_limits_scope:
            return True
        first, _dot, rest = self._msp_limits_scope.partition(".")
        if not vals.get(first) or not rest:
            return bool(vals.get(first))
        target = self.env[self._fields[first].comodel_name].browse(vals[first])
        return bool(target.filtered(rest))

    @api.model
    def _msp_limit_triggers(self):
        scope = self._msp_limits_scope
        return TRIGGERS[self._name] + ((scope.partition(".")[0],) if scope else ())

    @api.model_create_multi
    def create(self, vals_list):
        check_values(self, [vals for vals in vals_list if self._msp_limited_values(vals)])
        return super().create(vals_list)

    def write(self, vals):
        self._msp_check_write_values(vals)
        return super().write(vals)

    def _msp_check_write_values(self, vals):
        if self._msp_limited() or self._msp_limited_values(vals):
            check_values(self, [vals])

    @api.constrains(lambda self: self._msp_limit_triggers())
    def _check_input_limits(self):
        check_records(self._msp_limited())
