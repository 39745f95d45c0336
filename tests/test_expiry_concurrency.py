"""The expiry watch's daily action run by two workers at once, in two database sessions.

Each (item, threshold, expiry date) is reminded once: the worker that holds an item's row
lock reminds it and the other skips it (SELECT ... FOR UPDATE SKIP LOCKED); and should two
sessions try anyway, the reminders' unique index refuses the second. Committed data, removed
afterwards.
"""

from datetime import date, timedelta

import psycopg2
import pytest

from odoo import SUPERUSER_ID, api
from odoo.fields import Domain
from odoo.modules.registry import Registry
from odoo.tools import config


@pytest.fixture
def registry():
    return Registry(
        config["db_name"][0] if isinstance(config["db_name"], list) else config["db_name"]
    )


def _env(cr):
    return api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})


@pytest.fixture
def world(registry):
    """A customer with a certificate that expires in 20 days (its reminder is due, as an
    activity: tickets would enter the company's SLA ledger, which is never deleted from);
    committed, removed afterwards (and the company's setting restored)."""
    with registry.cursor() as cr:
        env = _env(cr)
        setting = {
            "msp_expiry_thresholds": env.company.msp_expiry_thresholds,
            "msp_expiry_reminder_mode": env.company.msp_expiry_reminder_mode,
        }
        env.company.write(
            {"msp_expiry_thresholds": "60,30,7", "msp_expiry_reminder_mode": "activity"}
        )
        customer = env["res.partner"].create({"name": "Race Dental", "is_company": True})
        item = env["msp.expiry.item"].create(
            {
                "name": "race.example.com:443",
                "kind": "tls",
                "partner_id": customer.id,
                "expiry_date": date.today() + timedelta(days=20),
            }
        )
        assert item.next_reminder_date <= date.today()
        ids = {"customer": customer.id, "item": item.id}
    yield ids
    with registry.cursor() as cr:
        _env(cr).company.write(setting)
        for table in ("mail_activity", "mail_message", "mail_followers"):
            cr.execute(
                f"DELETE FROM {table} WHERE res_model = 'msp.expiry.item' AND res_id = %s"
                if table != "mail_message"
                else f"DELETE FROM {table} WHERE model = 'msp.expiry.item' AND res_id = %s",
                [ids["item"]],
            )
        cr.execute("DELETE FROM msp_expiry_item WHERE id = %s", [ids["item"]])
        cr.execute("DELETE FROM res_partner WHERE id = %s", [ids["customer"]])


def _remind(env, ids):
    """The daily action's batch run (row locks, _commit_progress), on the test's item only:
    the database's other items (demo data) stay untouched."""
    Item = env["msp.expiry.item"]
    domain = Item._msp_due_domain() & Domain("id", "=", ids["item"])
    return Item._msp_run_batches(domain, "next_reminder_date, id", "_msp_raise_reminders")


def _reminders(registry, ids):
    with registry.cursor() as cr:
        env = _env(cr)
        reminders = env["msp.expiry.reminder"].search([("item_id", "=", ids["item"])])
        activities = env["mail.activity"].search(
            [("res_model", "=", "msp.expiry.item"), ("res_id", "=", ids["item"])]
        )
        return sorted(reminders.mapped("threshold_days")), len(activities)


def test_two_workers_remind_once(registry, world):
    with registry.cursor() as cr_a, registry.cursor() as cr_b:
        a, b = _env(cr_a), _env(cr_b)
        # Worker A holds the item (its batch is under way) ...
        assert a["msp.expiry.item"].browse(world["item"]).try_lock_for_update()
        # ... so worker B skips it, and commits nothing about it.
        assert _remind(b, world) == 0
        assert _remind(a, world) == 1  # commits its batch
        # B's next run sees the item reminded.
        assert _remind(b, world) == 0
    assert _reminders(registry, world) == ([30, 60], 1), "one activity (30 days), 60 covered"


def test_the_unique_index_refuses_a_second_reminder(registry, world):
    """Two sessions remind the same item without the locks: the stale one is refused, by
    the reminders' unique index (its insert) or by the item's row (its update), and its
    retry finds nothing left to remind."""
    with registry.cursor() as cr_a, registry.cursor() as cr_b:
        a, b = _env(cr_a), _env(cr_b)
        item_b = b["msp.expiry.item"].browse(world["item"])
        item_b.read(["expiry_date", "reminder_ids"])  # B's snapshot: nothing reminded yet
        a["msp.expiry.item"].browse(world["item"])._msp_raise_reminders()
        cr_a.commit()
        with pytest.raises(psycopg2.errors.UniqueViolation), cr_b.savepoint():
            b["msp.expiry.reminder"].create(
                {"item_id": item_b.id, "threshold_days": 30, "expiry_date": item_b.expiry_date}
            )
            b.flush_all()
        b.invalidate_all()
        try:
            item_b._msp_raise_reminders()
            cr_b.commit()
        except psycopg2.errors.SerializationFailure:
            cr_b.rollback()  # Odoo retries the transaction: the item is reminded by then
            b.invalidate_all()
            item_b._msp_raise_reminders()
            cr_b.commit()
    assert _reminders(registry, world) == ([30, 60], 1)
