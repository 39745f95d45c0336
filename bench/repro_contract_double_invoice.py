# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Reproduction of OCA contract 19.0.1.2.1.2 invoicing contracts twice.

See docs/oca-contract-double-invoicing.md.

Creates N due contracts of 3 monthly pre-paid lines each (recurrence on the contract,
``line_recurrence=False``), runs ``cron_recurring_create_invoice()`` 3 times (each run in its
own transaction, like three runs of the scheduled action on the same day) and prints, after
each run, how many contracts still have ``recurring_next_date <= today`` although their lines
were invoiced, how many invoices each contract got, and how many invoice lines carry an
impossible period (start after end).

The scenario is played once per ``--fix`` value, each on its own contracts (the contracts of
a scenario are archived when it ends so the next scenario's cron does not see them):

* ``none``     - contract as installed (the bug);
* ``setfield`` - contract.line ``_set_recurrence_field`` no longer copies the header's stored
                 ``recurring_next_date`` (the workaround proposed for msp_service_contract);
* ``batch``    - contract ``_recurring_create_invoice`` split in batches of < PREFETCH_MAX lines
                 (the alternative workaround, shown for comparison);
* ``guard``    - contract.line ``_can_be_invoiced`` refuses a period that ends before it starts
                 (note: it also changes the recompute order, see the doc).

``--repair`` recomputes the dates of the scenario's contracts afterwards (with the setfield
fix) and runs the cron once more.

The database must have ``contract`` installed and a sale journal (the generic chart that
``account`` installs on a database without a localization is enough). Data is committed:
use a scratch database and drop it afterwards.

    python bench/repro_contract_double_invoice.py -c ODOO_CONFIG -d DATABASE \
        [--contracts 500] [--runs 3] [--fix none setfield batch] [--trace]
"""

import argparse
import collections
import contextlib
import re
import time

LINES_PER_CONTRACT = 3
CREATE_CHUNK = 100

# --------------------------------------------------------------------------------------------
# Fixes, applied by monkeypatching the registry classes (what an _inherit in an addon does)
# --------------------------------------------------------------------------------------------


def patch_setfield(registry):
    """Header-recurrence lines keep the date computed from their own (synced) fields."""
    line_cls = registry["contract.line"]
    original = line_cls._set_recurrence_field

    def _set_recurrence_field(self, field):
        if field == "recurring_next_date":
            # The mixin computation of the line already gave the right date: the line's
            # recurrence fields are synced from the header, and its last_date_invoiced is
            # its own. Copying contract_id.recurring_next_date reads a value that may be
            # in the middle of its own recomputation (stale).
            return None
        return original(self, field)

    _set_recurrence_field.repro_patched = True
    line_cls._set_recurrence_field = _set_recurrence_field
    return lambda: setattr(line_cls, "_set_recurrence_field", original)


def patch_batch(registry):
    """Invoice the contracts in batches whose lines fit in one ORM recompute batch."""
    from odoo.tools.constants import PREFETCH_MAX  # noqa: PLC0415

    contract_cls = registry["contract.contract"]
    original = contract_cls._recurring_create_invoice

    def _recurring_create_invoice(self, date_ref=False):
        moves = self.env["account.move"]
        batch, batch_lines = [], 0
        batches = []
        for contract in self:
            n = len(contract.contract_line_ids)
            if batch and batch_lines + n >= PREFETCH_MAX:
                batches.append(batch)
                batch, batch_lines = [], 0
            batch.append(contract.id)
            batch_lines += n
        if batch:
            batches.append(batch)
        for ids in batches:
            moves |= original(self.browse(ids), date_ref)
        return moves

    contract_cls._recurring_create_invoice = _recurring_create_invoice
    return lambda: setattr(contract_cls, "_recurring_create_invoice", original)


def patch_guard(registry):
    """Refuse to invoice a line whose period would end before it starts (defence only)."""
    line_cls = registry["contract.line"]
    original = line_cls._can_be_invoiced

    def _can_be_invoiced(self, date_ref):
        res = original(self, date_ref)
        if (
            res
            and self.next_period_date_end
            and self.next_period_date_start > self.next_period_date_end
        ):
            return False
        return res

    line_cls._can_be_invoiced = _can_be_invoiced
    return lambda: setattr(line_cls, "_can_be_invoiced", original)


FIXES = {"none": None, "setfield": patch_setfield, "batch": patch_batch, "guard": patch_guard}


def repair(env, contracts):
    """Recompute the next invoice dates of header-recurrence contracts (needs the fix)."""
    from odoo.tools import split_every  # noqa: PLC0415

    line_field = env["contract.line"]._fields["recurring_next_date"]
    contract_field = env["contract.contract"]._fields["recurring_next_date"]
    for ids in split_every(200, contracts.ids):
        batch = contracts.browse(ids).filtered(lambda c: not c.line_recurrence)
        env.add_to_compute(line_field, batch.contract_line_ids)
        env.add_to_compute(contract_field, batch)
        env.flush_all()


# --------------------------------------------------------------------------------------------
# Tracing of the two compute methods (who computes what, nested how deep, reading what)
# --------------------------------------------------------------------------------------------


@contextlib.contextmanager
def tracing(registry, events):
    contract_cls = registry["contract.contract"]
    line_cls = registry["contract.line"]
    orig_c = contract_cls._compute_recurring_next_date
    orig_l = line_cls._compute_recurring_next_date
    orig_set = line_cls._set_recurrence_field
    depth = [0]

    def wrap(orig, label):
        def method(self):
            field = self._fields["recurring_next_date"]
            protected = sum(1 for r in self if self.env.is_protected(field, r))
            events.append((depth[0], label, len(self), protected, self[:1].id, self[-1:].id))
            depth[0] += 1
            try:
                return orig(self)
            finally:
                depth[0] -= 1

        return method

    patched = getattr(orig_set, "repro_patched", False)

    def set_field(self, field):
        if field == "recurring_next_date":
            contracts = self.contract_id
            cfield = contracts._fields["recurring_next_date"]
            stale = sum(1 for c in contracts if self.env.is_protected(cfield, c))
            label = "  (patched, no copy)" if patched else "  copy header date"
            events.append((depth[0], label, len(contracts), stale, 0, 0))
        return orig_set(self, field)

    contract_cls._compute_recurring_next_date = wrap(orig_c, "contract compute")
    line_cls._compute_recurring_next_date = wrap(orig_l, "line compute")
    line_cls._set_recurrence_field = set_field
    try:
        yield
    finally:
        contract_cls._compute_recurring_next_date = orig_c
        line_cls._compute_recurring_next_date = orig_l
        line_cls._set_recurrence_field = orig_set


# --------------------------------------------------------------------------------------------
# Scenario
# --------------------------------------------------------------------------------------------


def setup(env, n_contracts, tag, create_chunk=CREATE_CHUNK):
    from odoo import Command, fields  # noqa: PLC0415

    today = fields.Date.context_today(env["contract.contract"])
    product = env["product.product"].search([("default_code", "=", "REPRO-MSP")], limit=1)
    if not product:
        product = env["product.product"].create(
            {"name": "Managed service", "default_code": "REPRO-MSP", "type": "service"}
        )
    partners = env["res.partner"].create(
        [{"name": f"Repro {tag} customer {i}", "is_company": True} for i in range(10)]
    )
    vals = []
    for i in range(n_contracts):
        vals.append(
            {
                "name": f"{tag}-{i + 1:04d}",
                "partner_id": partners[i % len(partners)].id,
                "line_recurrence": False,
                "recurring_rule_type": "monthly",
                "recurring_interval": 1,
                "recurring_invoicing_type": "pre-paid",
                "date_start": today,
                "contract_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "name": f"Line {j + 1}: #START# - #END#",
                            "quantity": 1,
                            "specific_price": 100.0 * (j + 1),
                        }
                    )
                    for j in range(LINES_PER_CONTRACT)
                ],
            }
        )
    # Created 100 at a time, like contracts signed over time. (One create() of more than
    # ~333 such contracts hits the same bug: see the doc, "creation" section.)
    contracts = env["contract.contract"]
    for i in range(0, len(vals), create_chunk):
        contracts |= (
            env["contract.contract"]
            .with_context(tracking_disable=True)
            .create(vals[i : i + create_chunk])
        )
        env.flush_all()
    return contracts.ids, today


def measure(cr, contract_ids, today):
    ids = tuple(contract_ids)
    cr.execute(
        "SELECT c.id, c.recurring_next_date, min(l.last_date_invoiced), max(l.last_date_invoiced),"
        "       min(l.recurring_next_date), max(l.recurring_next_date)"
        "  FROM contract_contract c JOIN contract_line l ON l.contract_id = c.id"
        " WHERE c.id IN %s GROUP BY c.id ORDER BY c.id",
        [ids],
    )
    rows = cr.fetchall()
    wrong = [
        r for r in rows if r[2] is not None and (r[1] is None or r[1] <= r[2])
    ]  # next invoice date not after the last invoiced day
    due = [r for r in rows if r[1] is not None and r[1] <= today]
    cr.execute(
        "SELECT l.contract_id, count(DISTINCT aml.move_id)"
        "  FROM account_move_line aml JOIN contract_line l ON l.id = aml.contract_line_id"
        " WHERE l.contract_id IN %s GROUP BY l.contract_id",
        [ids],
    )
    per_contract = dict(cr.fetchall())
    invoices = collections.Counter(per_contract.get(cid, 0) for cid in contract_ids)
    cr.execute(
        "SELECT aml.name FROM account_move_line aml"
        "  JOIN contract_line l ON l.id = aml.contract_line_id WHERE l.contract_id IN %s",
        [ids],
    )
    bad_period = []
    for (name,) in cr.fetchall():
        m = re.search(r"(\d\d)/(\d\d)/(\d{4}) - (\d\d)/(\d\d)/(\d{4})", name or "")
        if m:
            start = (m[3], m[1], m[2])
            end = (m[6], m[4], m[5])
            if start > end:
                bad_period.append(name)
    wrong_ids = [r[0] for r in wrong]
    return {
        "contracts": len(rows),
        "due_today": len(due),
        "wrong_next_date": len(wrong),
        "wrong_range": (
            f"{contract_ids.index(wrong_ids[0]) + 1}-{contract_ids.index(wrong_ids[-1]) + 1}"
            if wrong_ids
            else "-"
        ),
        "invoices_per_contract": dict(sorted(invoices.items())),
        "invoice_lines_start_after_end": len(bad_period),
        "example_bad_line": bad_period[0] if bad_period else "",
        "example_wrong": (
            f"next={wrong[0][1]} last_invoiced={wrong[0][2]} line_next={wrong[0][4]}"
            if wrong
            else ""
        ),
    }


def show(label, m):
    print(
        f"  {label:<14} due(next<=today)={m['due_today']:4d}  "
        f"wrong next date={m['wrong_next_date']:4d} (contracts #{m['wrong_range']})  "
        f"invoices/contract={m['invoices_per_contract']}  "
        f"lines start>end={m['invoice_lines_start_after_end']}"
    )
    if m["example_wrong"]:
        print(f"  {'':<14} e.g. {m['example_wrong']}")
    if m["example_bad_line"]:
        print(f"  {'':<14} e.g. invoice line {m['example_bad_line']!r}")


def run_scenario(registry, odoo, fix, n_contracts, trace, runs, create_chunk, do_repair):
    print(f"\n=== fix={fix}: {n_contracts} contracts x {LINES_PER_CONTRACT} monthly lines ===")
    unpatch = FIXES[fix](registry) if FIXES[fix] else None
    try:
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            ids, today = setup(env, n_contracts, f"R{fix}{int(time.time()) % 100000}", create_chunk)
        with registry.cursor() as cr:
            show("before", measure(cr, ids, today))
        for run in range(1, runs + 1):
            events = []
            with registry.cursor() as cr:
                env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
                start = time.perf_counter()
                ctx = tracing(registry, events) if trace and run == 1 else contextlib.nullcontext()
                with ctx:
                    env["contract.contract"].cron_recurring_create_invoice()
                    env.flush_all()
                elapsed = time.perf_counter() - start
            with registry.cursor() as cr:
                show(f"after run {run}", measure(cr, ids, today))
            print(f"  {'':<14} (run took {elapsed:.1f}s)")
            if events:
                print("  trace of run 1 (nesting = call depth):")
                for depth, label, n, prot, first, last in events:
                    extra = (
                        f"lines of {n} contracts, {prot} of these headers being computed (stale)"
                        if label.startswith("  ")
                        else f"{n} records (ids {first}..{last}), {prot} protected"
                    )
                    print(f"    {'  ' * depth}{label}: {extra}")
        if do_repair:
            unpatch_repair = patch_setfield(registry) if fix != "setfield" else None
            try:
                with registry.cursor() as cr:
                    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
                    repair(env, env["contract.contract"].browse(ids))
                with registry.cursor() as cr:
                    show("after repair", measure(cr, ids, today))
                with registry.cursor() as cr:
                    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
                    env["contract.contract"].cron_recurring_create_invoice()
                    env.flush_all()
                with registry.cursor() as cr:
                    show("+ 1 more run", measure(cr, ids, today))
            finally:
                if unpatch_repair:
                    unpatch_repair()
        # keep the next scenario's cron away from these contracts
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            env["contract.contract"].browse(ids).write({"active": False})
    finally:
        if unpatch:
            unpatch()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--contracts", type=int, default=500)
    parser.add_argument("--fix", nargs="+", choices=sorted(FIXES), default=["none", "setfield"])
    parser.add_argument("--runs", type=int, default=3, help="cron runs on the same day")
    parser.add_argument(
        "--create-chunk", type=int, default=CREATE_CHUNK, help="contracts per create() call"
    )
    parser.add_argument(
        "--repair",
        action="store_true",
        help="after the runs, repair the dates (with the setfield fix) and run the cron once more",
    )
    parser.add_argument("--trace", action="store_true", help="trace the computes of run 1")
    args = parser.parse_args()

    import odoo  # noqa: PLC0415 (Odoo is configured first)
    from odoo.modules.registry import Registry  # noqa: PLC0415
    from odoo.tools.constants import PREFETCH_MAX  # noqa: PLC0415

    odoo.tools.config.parse_config(
        ["-c", args.config, "-d", args.database, "--log-level", "warn"], setup_logging=True
    )
    registry = Registry(args.database)
    print(f"PREFETCH_MAX={PREFETCH_MAX}")
    for fix in args.fix:
        run_scenario(
            registry,
            odoo,
            fix,
            args.contracts,
            args.trace,
            args.runs,
            args.create_chunk,
            args.repair,
        )


if __name__ == "__main__":
    main()
