"""A month's settlement and the time logged in it, from two database sessions at once.

The invoicing run settles a month (its balance becomes overage, or expires) while a
technician logs or deletes time in that month. Each path locks the month before reading its
state or balance, so the two never decide on different versions of it: the session whose
snapshot predates the other's commit is refused by PostgreSQL (Odoo retries it), the one
that comes second waits. These tests interleave two real sessions by hand, on committed data
in a company of their own, and remove what they made (in SQL: the ledgers refuse deletion).
"""

from datetime import date

import psycopg2
import pytest

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.modules.registry import Registry
from odoo.tools import config

SEPTEMBER, OCTOBER, NOVEMBER = date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)


@pytest.fixture
def registry():
    return Registry(
        config["db_name"][0] if isinstance(config["db_name"], list) else config["db_name"]
    )


def _env(cr, company_id):
    return api.Environment(
        cr, SUPERUSER_ID, {"tracking_disable": True, "allowed_company_ids": [company_id]}
    )


@pytest.fixture
def world(registry):
    """A company with a 10-hour plan, a customer under contract since September, a ticket
    and a technician; committed. Removed afterwards."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        company = env["res.company"].create({"name": "Settlement race branch"})
        env = _env(cr, company.id)
        policy = env["msp.sla.policy"].create(
            {"name": "Race SLA", "calendar_id": company.resource_calendar_id.id}
        )
        product = env["product.product"].create({"name": "Race service", "type": "service"})
        plan = env["msp.service.plan"].create(
            {
                "name": "Race plan",
                "sla_policy_id": policy.id,
                "included_hours": 10,
                "overage_product_id": product.id,
                "overage_rate": 100,
                "rollover_rule": "none",
            }
        )
        customer = env["res.partner"].create({"name": "Race customer", "is_company": True})
        contact = env["res.partner"].create({"name": "Rae Race", "parent_id": customer.id})
        contract = env["contract.contract"].create(
            {
                "name": "Race contract",
                "partner_id": customer.id,
                "company_id": company.id,
                "contract_type": "sale",
                "date_start": SEPTEMBER,
                "recurring_next_date": SEPTEMBER,
                "msp_plan_id": plan.id,
                "msp_covered_user_ids": [Command.set(contact.ids)],
                "contract_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "name": "Managed service",
                            "quantity": 1,
                            "price_unit": 500,
                            "date_start": SEPTEMBER,
                            "recurring_next_date": SEPTEMBER,
                        }
                    )
                ],
            }
        )
        ticket = env["helpdesk.ticket"].create(
            {
                "name": "Race ticket",
                "description": "<p>Two sessions.</p>",
                "partner_id": contact.id,
                "company_id": company.id,
            }
        )
        project = env["project.project"].create({"name": "Race project"})
        employee = env["hr.employee"].create({"name": "Race technician"})
        ids = {
            "company": company.id,
            "contract": contract.id,
            "ticket": ticket.id,
            "project": project.id,
            "employee": employee.id,
        }
        assert ticket.msp_contract_id == contract, "the ticket is under the contract"
    yield ids
    with registry.cursor() as cr:
        company = ids["company"]
        for table in (
            "account_analytic_line",
            "msp_contract_hours_entry",
            "msp_contract_hours_period",
            "msp_sla_event",
            "msp_ledger_chain",
        ):
            cr.execute(f"DELETE FROM {table} WHERE company_id = %s", [company])
        cr.execute("DELETE FROM helpdesk_ticket WHERE id = %s", [ids["ticket"]])
        cr.execute("DELETE FROM contract_contract WHERE id = %s", [ids["contract"]])
        env = api.Environment(cr, SUPERUSER_ID, {})
        env["project.project"].browse(ids["project"]).unlink()
        env["hr.employee"].browse(ids["employee"]).unlink()
        env["msp.service.plan"].search([("company_id", "=", company)]).unlink()
        env["msp.sla.policy"].search([("company_id", "=", company)]).unlink()
        partner = env["res.company"].browse(company).partner_id
        env["res.company"].browse(company).unlink()
        partner.unlink()


def _log(env, ids, day, hours):
    return env["account.analytic.line"].create(
        {
            "name": f"{hours} h on {day}",
            "date": day,
            "unit_amount": hours,
            "msp_ticket_id": ids["ticket"],
            "project_id": ids["project"],
            "employee_id": ids["employee"],
        }
    )


def _settle(env, ids, day):
    return env["contract.contract"].browse(ids["contract"])._msp_settle(day)


def _september(env, ids):
    contract = env["contract.contract"].browse(ids["contract"])
    period = contract.msp_hours_period_ids.filtered(lambda p: p.date_start == SEPTEMBER)
    return period, {
        kind: sum(period.entry_ids.filtered(lambda e, k=kind: e.kind == k).mapped("hours"))
        for kind in set(period.entry_ids.mapped("kind"))
    }


def test_time_logged_while_its_month_is_settled_uses_the_expiring_hours(registry, world):
    with registry.cursor() as cr:
        _log(_env(cr, world["company"]), world, date(2026, 9, 8), 2.0)
    with registry.cursor() as cr_run, registry.cursor() as cr_tech:
        run, tech = _env(cr_run, world["company"]), _env(cr_tech, world["company"])
        # The technician's transaction has begun (its snapshot is taken) ...
        tech["helpdesk.ticket"].browse(world["ticket"]).read(["name"])
        # ... when the invoicing run settles September: 8 unused hours expire.
        _settle(run, world, OCTOBER)
        cr_run.commit()
        with pytest.raises(psycopg2.errors.SerializationFailure):
            _log(tech, world, date(2026, 9, 9), 3.0)
        cr_tech.rollback()
        # Odoo retries the refused request: it sees the settled month.
        _log(tech, world, date(2026, 9, 9), 3.0)
        cr_tech.commit()
    with registry.cursor() as cr:
        env = _env(cr, world["company"])
        period, hours = _september(env, world)
        assert period.state == "settled"
        assert hours["expiry"] == -8.0
        assert hours["late_credit"] == 3.0, "the late time took back hours that had expired"
        assert round(period.balance_hours, 2) == 0.0
        later = _settle(env, world, NOVEMBER)
        assert not [v for v in later if v.get("msp_line_kind") == "overage"], later


def test_settlement_waits_for_time_being_logged(registry, world):
    with registry.cursor() as cr_run, registry.cursor() as cr_tech:
        run, tech = _env(cr_run, world["company"]), _env(cr_tech, world["company"])
        _log(tech, world, date(2026, 9, 9), 3.0)  # not committed yet: the month is held
        cr_run.execute("SET LOCAL lock_timeout = '300ms'")
        with pytest.raises(psycopg2.errors.LockNotAvailable):
            _settle(run, world, OCTOBER)
        cr_run.rollback()
        cr_tech.commit()
        _settle(run, world, OCTOBER)  # Odoo's retry
        cr_run.commit()
    with registry.cursor() as cr:
        _period, hours = _september(_env(cr, world["company"]), world)
        assert hours["consumption"] == -3.0
        assert hours["expiry"] == -7.0, "the settlement counted the time logged before it"


def test_time_deleted_while_its_month_is_settled_stays_billed_and_kept(registry, world):
    with registry.cursor() as cr:
        line_id = _log(_env(cr, world["company"]), world, date(2026, 9, 8), 12.0).id
    with registry.cursor() as cr_run, registry.cursor() as cr_tech:
        run, tech = _env(cr_run, world["company"]), _env(cr_tech, world["company"])
        tech["account.analytic.line"].browse(line_id).read(["name"])
        overage = [v for v in _settle(run, world, OCTOBER) if v["msp_line_kind"] == "overage"]
        assert overage and overage[0]["quantity"] == 2.0
        cr_run.commit()
        with pytest.raises(psycopg2.errors.SerializationFailure):
            tech["account.analytic.line"].browse(line_id).unlink()
        cr_tech.rollback()
        # The retry sees that the month was invoiced: the time can no longer be deleted.
        with pytest.raises(UserError, match="already invoiced"):
            tech["account.analytic.line"].browse(line_id).unlink()
        cr_tech.rollback()
    with registry.cursor() as cr:
        env = _env(cr, world["company"])
        assert env["account.analytic.line"].browse(line_id).exists()
        period, hours = _september(env, world)
        assert "reversal" not in hours
        assert round(period.balance_hours, 2) == 0.0, "the 2 h overage stands for real time"


def test_the_month_itself_is_locked_while_it_is_settled(registry, world):
    """A month used to the hour settles without writing to the ledger (nothing to carry,
    expire or bill): only the month's own lock keeps time from being logged in it meanwhile."""
    with registry.cursor() as cr:
        env = _env(cr, world["company"])
        _log(env, world, date(2026, 9, 8), 10.0)
        env["contract.contract"].browse(world["contract"])._msp_period(OCTOBER)
    with registry.cursor() as cr_run, registry.cursor() as cr_tech:
        run, tech = _env(cr_run, world["company"]), _env(cr_tech, world["company"])
        assert _settle(run, world, OCTOBER) == []
        cr_tech.execute("SET LOCAL lock_timeout = '300ms'")
        with pytest.raises(psycopg2.errors.LockNotAvailable):
            _log(tech, world, date(2026, 9, 9), 1.0)
        cr_tech.rollback()
        cr_run.commit()
        _log(tech, world, date(2026, 9, 9), 1.0)  # Odoo's retry, after the settlement
        cr_tech.commit()
    with registry.cursor() as cr:
        period, hours = _september(_env(cr, world["company"]), world)
        assert period.state == "settled"
        assert hours["consumption"] == -11.0


def test_two_sessions_opening_the_same_month_are_serialised(registry, world):
    """The first time of a new month opens its period: a second session doing the same is
    refused with a serialisation failure (which Odoo retries), not a unique-index error."""
    with registry.cursor() as cr_a, registry.cursor() as cr_b:
        env_a, env_b = _env(cr_a, world["company"]), _env(cr_b, world["company"])
        env_b["helpdesk.ticket"].browse(world["ticket"]).read(["name"])
        _log(env_a, world, date(2026, 10, 5), 1.0)
        cr_a.commit()
        with pytest.raises(psycopg2.errors.SerializationFailure):
            _log(env_b, world, date(2026, 10, 6), 2.0)
        cr_b.rollback()
        _log(env_b, world, date(2026, 10, 6), 2.0)
        cr_b.commit()
    with registry.cursor() as cr:
        contract = _env(cr, world["company"])["contract.contract"].browse(world["contract"])
        october = contract.msp_hours_period_ids.filtered(lambda p: p.date_start == OCTOBER)
        assert len(october) == 1
        assert round(october.balance_hours, 2) == 7.0
