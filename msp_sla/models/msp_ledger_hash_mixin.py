# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
import logging
from datetime import date, datetime
from decimal import Decimal
from hashlib import sha256

import psycopg2
from psycopg2 import sql

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# Lines read per query when a chain is verified.
VERIFY_BATCH = 5000


def _serialize(value):
    """One column value as JSON, the same way at sealing and at verification: ids, integers
    and decimals as strings, floats by their shortest exact form, dates and (UTC) datetimes in
    ISO form, NULL as null."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(f"unexpected ledger value {value!r}")


class MspLedgerHashMixin(models.AbstractModel):
    """A tamper-evident ledger: lines are never changed nor deleted, and each carries a hash
    chained to the previous line of its company.

    A line is sealed just after the transaction that wrote it commits: the scheduled action
    *Ledgers: seal new lines*, woken by that commit, gives each new line the next sequence
    of its company's chain and the sha256 of the previous line's hash followed by the line's
    secured content (``_msp_ledger_hashed_fields``, serialized as JSON with sorted keys).
    Writing a line therefore waits for nobody: only the sealing locks the chain's head
    (msp.ledger.chain), in a short transaction of its own, so that two sealings never chain
    onto the same line. Odoo's accounting secures its entries in the same later step.
    ``verify_ledger_integrity`` seals what is still waiting, then recomputes every chain and
    names the first line that does not match. A model using it has a required
    ``company_id`` and a ``date``."""

    _name = "msp.ledger.hash.mixin"
    _description = "Tamper-evident Ledger"

    # The columns whose values are secured by the hash (with the line's id and sequence).
    _msp_ledger_hashed_fields = ()
    # Fields that are not secured and that the system may still write (links to documents
    # made later, such as the invoice line that billed a line).
    _msp_ledger_writable_fields = ()
    # The group that may verify the ledger.
    _msp_ledger_manager_group = "base.group_system"

    ledger_sequence = fields.Integer(
        string="Ledger Sequence",
        readonly=True,
        copy=False,
        help="The line's number in the hash chain of its company, without gaps.",
    )
    ledger_hash = fields.Char(
        string="Ledger Hash",
        readonly=True,
        copy=False,
        help="sha256 of the previous line's hash and this line's secured content.",
    )

    _ledger_sequence_once = models.UniqueIndex(
        "(company_id, ledger_sequence)", "A ledger line has its own place in the hash chain."
    )
    _ledger_unsealed = models.Index("(id) WHERE ledger_sequence IS NULL")

    # ------------------------------------------------------------------
    # Append only
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            self.check_access("create")  # who may not create at all is told so first
            raise UserError(self._msp_ledger_engine_only_message())
        lines = super().create(vals_list)
        lines._msp_ledger_wake_sealing()
        return lines

    def write(self, vals):
        secured = sorted(set(vals) - set(self._msp_ledger_writable_fields))
        if self and secured:
            self.check_access("write")  # who may not write at all is told so first
            raise UserError(
                self.env._(
                    "%(ledger)s lines cannot be changed (fields: %(fields)s): the ledger is "
                    "tamper-evident, each line is sealed by a hash. Record a new line that "
                    "corrects it instead.",
                    ledger=self._description,
                    fields=", ".join(secured),
                )
            )
        if self and not self.env.su:
            # The unsecured links (such as the invoice line that billed a line) are the
            # engine's too: emptying one by hand would make the line billable again.
            self.check_access("write")
            raise UserError(self._msp_ledger_engine_only_message())
        return super().write(vals)

    def _msp_ledger_engine_only_message(self):
        return self.env._(
            "%(ledger)s lines are written by the engine only, when the action that causes "
            "them (a ticket change, logged time, an invoice) is done: nobody records, links "
            "or unlinks one by hand, administrators included. Record the action itself "
            "instead.",
            ledger=self._description,
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_ledger_line(self):
        if self:
            raise UserError(
                self.env._(
                    "%(ledger)s lines cannot be deleted: the ledger is tamper-evident, each "
                    "line is sealed by a hash. Record a new line that corrects it instead.",
                    ledger=self._description,
                )
            )

    # ------------------------------------------------------------------
    # Hash chain
    # ------------------------------------------------------------------

    def _msp_ledger_columns(self):
        return ["id", "ledger_sequence", *self._msp_ledger_hashed_fields]

    @api.model
    def _msp_ledger_hash(self, previous_hash, row):
        """The hash of one line: ``row`` holds the values of _msp_ledger_columns()."""
        content = json.dumps(
            {column: _serialize(value) for column, value in row.items()},
            sort_keys=True,
            ensure_ascii=True,
            separators=(",", ":"),
        )
        return sha256((previous_hash + content).encode()).hexdigest()

    def _msp_ledger_wake_sealing(self):
        """Wake the sealing action for the transaction that writes lines (once until its
        next flush): it runs as soon as the transaction commits (ir.cron._trigger notifies
        the cron workers then)."""
        data = self.env.cr.precommit.data
        if self and not data.get("msp_ledger_sealing_woken"):
            data["msp_ledger_sealing_woken"] = True
            # sudo: waking a scheduled action; lines are only ever created by the engine (su)
            self.env.ref("msp_sla.ir_cron_msp_ledger_seal").sudo()._trigger()

    @api.model
    def _msp_ledger_append(self, company_id, ids):
        """Chain the lines ``ids`` of ``company_id`` onto its chain, in one locked step.

        Odoo's transactions are REPEATABLE READ: a lock alone (advisory or FOR UPDATE on a row
        nobody changes) would let a transaction that waited read the chain as it was before the
        other one committed, and both would chain onto the same line. The head row is therefore
        updated by every append: the second transaction either waits for the first and then
        fails with a serialization error (Odoo retries the whole request, which then reads the
        new head), or runs first."""
        cr = self.env.cr
        columns = self._msp_ledger_columns()
        cr.execute(
            sql.SQL(
                """
                WITH head AS (
                    INSERT INTO msp_ledger_chain (ledger, company_id, sequence, last_hash)
                    VALUES (%s, %s, 0, '')
                    ON CONFLICT (ledger, company_id)
                    DO UPDATE SET sequence = msp_ledger_chain.sequence
                    RETURNING id, sequence, last_hash
                )
                SELECT head.id, head.sequence, head.last_hash, {columns}
                  FROM head, {table} line
                 WHERE line.id IN %s AND line.ledger_sequence IS NULL
              ORDER BY line.id
                """
            ).format(
                columns=sql.SQL(", ").join(sql.SQL("line.") + sql.Identifier(c) for c in columns),
                table=sql.Identifier(self._table),
            ),
            [self._name, company_id, tuple(ids)],
        )
        rows = cr.fetchall()
        if not rows:  # sealed meanwhile (only possible under READ COMMITTED)
            return
        head_id, sequence, previous = rows[0][:3]
        sealed = []
        for row in rows:
            sequence += 1
            values = dict(zip(columns, row[3:], strict=True))
            values["ledger_sequence"] = sequence
            previous = self._msp_ledger_hash(previous, values)
            sealed.append((values["id"], sequence, previous))
        cr.execute(
            sql.SQL(
                """
                WITH sealed AS (
                    UPDATE {table} line
                       SET ledger_sequence = v.sequence, ledger_hash = v.hash
                      FROM (VALUES {values}) AS v(id, sequence, hash)
                     WHERE line.id = v.id
                )
                UPDATE msp_ledger_chain SET sequence = %s, last_hash = %s WHERE id = %s
                """
            ).format(
                table=sql.Identifier(self._table),
                values=sql.SQL(", ").join(sql.SQL("(%s, %s, %s)") for _row in sealed),
            ),
            [value for row in sealed for value in row] + [sequence, previous, head_id],
        )

    @api.model
    def _msp_ledger_seal_pending(self, limit=None):
        """Seal the lines of this ledger written since the last sealing, per company in the
        order they were created; at most ``limit`` lines. Returns how many were sealed.
        Two sealings at once: the later one waits on the chain's head and is then refused
        by PostgreSQL (see _msp_ledger_append), so no line is chained twice."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT company_id, array_agg(id ORDER BY id) FROM ("
                "  SELECT id, company_id FROM %s WHERE ledger_sequence IS NULL "
                "  ORDER BY id LIMIT %s"
                ") pending GROUP BY company_id ORDER BY company_id",
                SQL.identifier(self._table),
                limit,  # None: no limit
            )
        )
        sealed = 0
        for company_id, ids in self.env.cr.fetchall():
            try:
                with self.env.cr.savepoint(flush=False):
                    self._msp_ledger_append(company_id, ids)
            except psycopg2.IntegrityError as error:
                # A line was put in this chain outside Odoo (its next sequence is taken):
                # this company's lines wait, the others are sealed, and the verification
                # names the line.
                _logger.error(
                    "%s of company %s cannot be sealed (%s): verify the ledger's integrity",
                    self._description,
                    company_id,
                    error.pgerror,
                )
                continue
            sealed += len(ids)
        if sealed:
            self.invalidate_model(["ledger_sequence", "ledger_hash"])
        return sealed

    # ------------------------------------------------------------------
    # Verification
    # ------------------------------------------------------------------

    @api.model
    def verify_ledger_integrity(self):
        """Recompute the hash chains of this ledger in the companies of the user. For the
        ledger's managers (over RPC too). Returns one dict per company: ``company_id``,
        ``company``, ``checked`` (lines found intact before the first broken one), ``total``,
        ``intact``, ``pending`` (lines not sealed yet: written by a transaction that had not
        committed when the sealing ran), and for a broken chain the first line that does
        not match (``line_id``, ``line_sequence``, ``line_date``, ``line_description``,
        ``reason``), with a sentence that says it all (``message``)."""
        if not self.env.su and not self.env.user.has_group(self._msp_ledger_manager_group):
            raise AccessError(
                self.env._(
                    "Only the managers of %(ledger)s may verify its integrity.",
                    ledger=self._description,
                )
            )
        if not self.env.cr.readonly:
            # sudo: sealing is the engine's step that the scheduled action would take anyway
            self.sudo()._msp_ledger_seal_pending()
        companies = self.env.user.company_ids.sorted("id")
        return [self._msp_ledger_verify_company(company) for company in companies]

    @api.model
    def _msp_ledger_verify_company(self, company):
        cr = self.env.cr
        table = sql.Identifier(self._table)
        columns = self._msp_ledger_columns()
        cr.execute(
            "SELECT sequence, last_hash FROM msp_ledger_chain "
            "WHERE ledger = %s AND company_id = %s",
            [self._name, company.id],
        )
        head_sequence, head_hash = cr.fetchone() or (0, "")
        cr.execute(
            sql.SQL("SELECT count(*) FROM {table} WHERE company_id = %s").format(table=table),
            [company.id],
        )
        total = cr.fetchone()[0]
        result = {
            "company_id": company.id,
            "company": company.name,
            "checked": 0,
            "total": total,
            "intact": False,
            "line_id": False,
            "line_sequence": False,
            "line_date": False,
            "line_description": False,
            "reason": False,
            "pending": 0,
        }

        def broken(line_id, line_sequence, reason):
            # sudo: names the broken line to a ledger manager, whatever record rules hide
            line = self.sudo().browse(line_id) if line_id else self.browse()
            result.update(
                line_id=line_id or False,
                line_sequence=line_sequence,
                line_date=line_id and str(line[self._msp_ledger_date_field()]),
                line_description=line_id and line._msp_ledger_describe(),
                reason=reason,
            )
            return self._msp_ledger_message(result)

        cr.execute(
            sql.SQL(
                "SELECT count(*) FROM {table} WHERE company_id = %s AND ledger_sequence IS NULL"
            ).format(table=table),
            [company.id],
        )
        result["pending"] = cr.fetchone()[0]

        previous, sequence = "", 0
        while True:
            cr.execute(
                sql.SQL(
                    "SELECT ledger_hash, {columns} FROM {table} "
                    "WHERE company_id = %s AND ledger_sequence > %s "
                    "ORDER BY ledger_sequence, id LIMIT %s"
                ).format(
                    columns=sql.SQL(", ").join(sql.Identifier(c) for c in columns), table=table
                ),
                [company.id, sequence, VERIFY_BATCH],
            )
            rows = cr.fetchall()
            for row in rows:
                values = dict(zip(columns, row[1:], strict=True))
                line_id, line_sequence = values["id"], values["ledger_sequence"]
                if line_sequence != sequence + 1:
                    reason = (
                        self.env._(
                            "the line(s) before it in the chain (sequence %(first)s to "
                            "%(last)s) are missing: deleted outside Odoo",
                            first=sequence + 1,
                            last=line_sequence - 1,
                        )
                        if line_sequence > sequence + 1
                        else self.env._("its sequence is used twice")
                    )
                    return broken(line_id, line_sequence, reason)
                expected = self._msp_ledger_hash(previous, values)
                if row[0] != expected:
                    return broken(
                        line_id,
                        line_sequence,
                        self.env._("its content does not match its hash: changed outside Odoo"),
                    )
                previous, sequence = expected, line_sequence
                result["checked"] += 1
            if len(rows) < VERIFY_BATCH:
                break
        if sequence != head_sequence or previous != head_hash:
            return broken(
                False,
                sequence + 1,
                self.env._(
                    "the chain ends at sequence %(last)s but was %(head)s lines long: its last "
                    "lines were deleted outside Odoo",
                    last=sequence,
                    head=head_sequence,
                ),
            )
        result["intact"] = True
        return self._msp_ledger_message(result)

    @api.model
    def _msp_ledger_date_field(self):
        return "date"

    def _msp_ledger_describe(self):
        """What a line is, for the integrity report."""
        self.ensure_one()
        return self.display_name

    @api.model
    def _msp_ledger_message(self, result):
        if result["intact"] and not result["total"]:
            message = self.env._("%(company)s: no lines yet.", company=result["company"])
        elif result["intact"]:
            message = self.env._(
                "%(company)s: all %(count)s lines intact.",
                company=result["company"],
                count=result["checked"],
            )
        elif result["line_id"]:
            message = self.env._(
                "%(company)s: %(checked)s of %(total)s lines intact; the first line that does "
                "not match is #%(sequence)s (id %(id)s, %(date)s, %(what)s): %(reason)s.",
                company=result["company"],
                checked=result["checked"],
                total=result["total"],
                sequence=result["line_sequence"] or "-",
                id=result["line_id"],
                date=result["line_date"],
                what=result["line_description"],
                reason=result["reason"],
            )
        else:
            message = self.env._(
                "%(company)s: %(checked)s of %(total)s lines intact; %(reason)s.",
                company=result["company"],
                checked=result["checked"],
                total=result["total"],
                reason=result["reason"],
            )
        if result["pending"]:
            message += " " + self.env._(
                "%(count)s lines written since the last sealing are waiting to be sealed.",
                count=result["pending"],
            )
        result["message"] = message
        return result
