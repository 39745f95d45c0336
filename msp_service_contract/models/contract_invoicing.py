# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""OCA contract's invoicing without its per-record waste (see docs/performance.md).

OCA contract 19.0.1.2.1.2 spends, for each contract it invoices, about as many queries on
bookkeeping as on the invoice itself:

- a ``res.lang`` search per contract line, to fill the ``#START#``/``#END#`` markers;
- two chatter messages per invoice, each a full ``message_post`` (the creation message of
  ``account.move`` and the "created by contract" message);
- an invoice-line search per contract (``_get_related_invoices``) to find the invoices it
  has just created, in ``_add_contract_origin`` and again in ``_invoice_followers``.

The overrides below give the same invoices and the same chatter information with queries
per batch instead of per record: the language from its cached data, one message per invoice
that says both that it was created and by which contract (written in one batch, posted the
usual way only where a follower is to be notified of it), the contract's followers subscribed
to its invoices in one call per set of followers, and the invoices matched to their contracts
from the invoice lines in memory.
"""

import logging
from collections import defaultdict

from markupsafe import Markup
from psycopg2.errors import SerializationFailure

from odoo import api, fields, models
from odoo.fields import Command, Domain
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# Context key: invoicing through _recurring_create_invoice below. The invoices are created
# without their creation message, which _add_contract_origin writes instead.
BATCHED = "msp_batched_invoicing"
# Batches of one run given up after this many conflicts with other workers in a row (the job
# then fails and the scheduler runs it again).
MAX_CONFLICTS = 20


class ContractContract(models.Model):
    _inherit = "contract.contract"

    msp_invoicing_date = fields.Date(
        string="Last Invoicing Run",
        readonly=True,
        copy=False,
        help="The day of the last scheduled invoicing run that took this contract: a run "
        "takes each contract once, however many workers share it.",
    )

    # ------------------------------------------------------------------
    # The run: batches claimed under row locks, so several workers share it
    # ------------------------------------------------------------------

    @api.model
    def _get_contracts_to_invoice_domain(self, date_ref=None):
        domain = super()._get_contracts_to_invoice_domain(date_ref)
        batch = self.env.context.get("msp_invoice_batch_ids")
        return domain & Domain("id", "in", batch) if batch is not None else domain

    @api.model
    def _msp_invoice_batch_size(self):
        # sudo: a technical setting of the run, read whoever starts it
        return int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("msp_service_contract.invoice_batch_size", 100)
        )

    @api.model
    def _msp_claim_invoice_batch(self, domain, date_ref, after_id, size):
        """Lock and return the next ``size`` contracts of ``domain`` (by id, after
        ``after_id``) that no other transaction holds and that no run of the same day took
        (``msp_invoicing_date``), in one statement: ``FOR UPDATE SKIP LOCKED`` skips the rows
        another worker is invoicing, so two workers never claim the same contract, and the
        day's mark keeps a contract still due after its invoice (a post-paid contract a
        period behind) for the next day's run, as with one worker. Under Odoo's REPEATABLE
        READ a row is locked only if no transaction changed it since this one began, so
        what is claimed is still due and not taken.

        A contract another worker invoiced and committed after this transaction began makes
        the statement fail (a serialisation failure): the claim is then made again in a new
        transaction, which sees that contract as invoiced. Returns None in that case."""
        not_taken = Domain("msp_invoicing_date", "=", False) | Domain(
            "msp_invoicing_date", "<", date_ref
        )
        query = self._search(
            domain & not_taken & Domain("id", ">", after_id), order="id", limit=size
        )
        sql = SQL("%s FOR UPDATE OF %s SKIP LOCKED", query.select(), SQL.identifier(self._table))
        try:
            with self.env.cr.savepoint(flush=False):
                ids = [row[0] for row in self.env.execute_query(sql)]
        except SerializationFailure:
            _logger.info("Invoicing: contracts changed by another worker, claiming again")
            return None
        if ids:
            # Taken by this run (committed with the batch's invoices, rolled back with them).
            self.env.execute_query(
                SQL(
                    "UPDATE %s SET msp_invoicing_date = %s WHERE id IN %s",
                    SQL.identifier(self._table),
                    date_ref,
                    tuple(ids),
                )
            )
            self.browse(ids).invalidate_recordset(["msp_invoicing_date"])
        return self.browse(ids)

    def _msp_invoice_claimed(self, date_ref, create_type="invoice"):
        """Invoice the contracts of self (a claimed batch) with OCA's run: one account.move
        create() for the batch, OCA's savepoint and its contract-by-contract retry when the
        batch fails."""
        # The context narrows OCA's run to this batch (_get_contracts_to_invoice_domain).
        return self.with_context(msp_invoice_batch_ids=self.ids)._cron_recurring_create(
            date_ref, create_type
        )

    @api.model
    def _cron_recurring_create(self, date_ref=False, create_type="invoice"):
        """OCA's run, in batches that commit their progress: a crash loses at most the batch
        under way, and a rerun finds the committed contracts no longer due. Each batch is
        claimed under row locks that other workers skip (_msp_claim_invoice_batch), so any
        number of workers running this at once share the due contracts, each invoiced by
        one of them."""
        if create_type != "invoice" or self.env.context.get("msp_invoice_batch_ids") is not None:
            return super()._cron_recurring_create(date_ref, create_type)
        self._msp_wake_second_invoicing_worker()
        kind = Domain("generation_type", "=", create_type)
        if date_ref:
            self._msp_invoice_run(self._get_contracts_to_invoice_domain(date_ref) & kind, date_ref)
            return True
        # each company's contracts on its own clock: the day that is today where it is
        for company in self._msp_companies(kind & Domain("recurring_next_date", "!=", False)):
            today = company._msp_today()
            domain = (
                self._get_contracts_to_invoice_domain(today)
                & kind
                & Domain("company_id", "=", company.id)
            )
            if not self._msp_invoice_run(domain, today):
                break  # out of time: the next run picks up what is left
        return True

    @api.model
    def _msp_invoice_run(self, domain, date_ref, create_type="invoice"):
        """Invoice the contracts of ``domain`` as of ``date_ref``, batch after batch; False
        when the run is out of time before they are all done."""
        batch_size = self._msp_invoice_batch_size()
        cron = self.env["ir.cron"]
        last_id = conflicts = 0
        while True:
            # A new transaction for each claim: it sees what other workers committed.
            claimed = self._msp_claim_invoice_batch(domain, date_ref, last_id, batch_size)
            if claimed is None:
                cron._commit_progress(0)
                continue
            if not claimed:
                return True
            try:
                claimed._msp_invoice_claimed(date_ref, create_type)
            except SerializationFailure:
                # Another worker committed rows this batch writes too (a customer's or a
                # product's row) after this transaction began. The batch is dropped whole,
                # its claim included, and taken again in a new transaction.
                conflicts += 1
                if conflicts > MAX_CONFLICTS:
                    raise
                _logger.info("Invoicing: batch in conflict with another worker, retried")
                self.env.cr.rollback()
                self.env.invalidate_all(flush=False)
                continue
            last_id, conflicts = claimed[-1].id, 0
            full = len(claimed) == batch_size
            remaining = self.search_count(domain & Domain("id", ">", last_id)) if full else 0
            time_left = cron._commit_progress(len(claimed), remaining=remaining)
            if not full:
                return True
            if time_left <= 0:
                return False

    @api.model
    def _msp_wake_second_invoicing_worker(self):
        """When OCA's invoicing action starts, wake its second worker (an action of the same
        code): it joins the run on the next free cron worker as soon as this transaction
        commits its first batch. Only OCA's action wakes it, so they never wake each other in
        turn."""
        first = self.env.ref("contract.contract_cron_for_invoice", raise_if_not_found=False)
        if first and self.env.context.get("cron_id") == first.id:
            second = self.env.ref(
                "msp_service_contract.ir_cron_msp_invoice_second_worker",
                raise_if_not_found=False,
            )
            if second and second.active:
                # sudo: waking a scheduled action of the run under way
                second.sudo()._trigger()

    def _record_invoice_generation_error(self, exc, create_type):
        """A conflict with another worker is not the contract's error: in our run it ends
        the batch, which is taken again (_cron_recurring_create), instead of being noted on
        each of its contracts by OCA's one-by-one fallback, which would meet it again."""
        if isinstance(exc, SerializationFailure) and self.env.context.get("msp_invoice_batch_ids"):
            raise exc
        return super()._record_invoice_generation_error(exc, create_type)

    def _recurring_create_invoice(self, date_ref=False):
        contracts = self.with_context(**{BATCHED: True, "mail_create_nolog": True})
        moves = super(ContractContract, contracts)._recurring_create_invoice(date_ref)
        if self.env.context.get("msp_invoice_batch_ids") is not None:
            # One batch of the cron (contract_contract.py): its work is done and about to be
            # committed; drop what the ORM cached for it, so memory does not grow with the
            # number of batches.
            self.env.flush_all()
            self.env.invalidate_all()
        return moves.with_env(self.env)

    def _prepare_recurring_invoices_values(self, date_ref=False):
        if not self.env.context.get(BATCHED):
            return super()._prepare_recurring_invoices_values(date_ref)
        self._msp_prefetch_invoicing()
        invoices_values = super()._prepare_recurring_invoices_values(date_ref)
        self._msp_prefill_invoice_lines(invoices_values)
        return invoices_values

    @api.model
    def _msp_prefill_invoice_lines(self, invoices_values):
        """Give each product line of the invoices its partner and its amounts, as the
        invoice computes them (quantity x price less the discount, rounded, with the sign of
        the move type), for invoices in the company's currency. account.move's create()
        otherwise writes them line by line after creating the lines (each write syncs the
        whole invoice again), about half of its time. Where a value given differs from what
        the invoice computes (prices that include a tax), the invoice corrects it as before:
        only the writes that change nothing are saved."""
        Partner = self.env["res.partner"]
        Company = self.env["res.company"]
        Currency = self.env["res.currency"]
        for vals in invoices_values:
            currency = Currency.browse(vals.get("currency_id"))
            company = Company.browse(vals.get("company_id"))
            if not currency or currency != company.currency_id:
                continue
            sign = {"out_invoice": -1, "in_invoice": 1}.get(vals.get("move_type"))
            if not sign:
                continue
            partner = Partner.browse(vals.get("partner_id")).commercial_partner_id
            for command in vals.get("invoice_line_ids", []):
                line = command[2] if command[0] == Command.CREATE else None
                if not line or line.get("display_type", "product") != "product":
                    continue
                if "balance" in line or "amount_currency" in line:
                    continue
                amount = currency.round(
                    sign
                    * line.get("quantity", 1.0)
                    * line.get("price_unit", 0.0)
                    * (1 - (line.get("discount") or 0.0) / 100)
                )
                line.update(
                    {"partner_id": partner.id, "amount_currency": amount, "balance": amount}
                )

    def _msp_prefetch_invoicing(self):
        """Read for the whole batch, in one query each, what invoicing then reads contract by
        contract: the customers' languages (markers) and, for contracts on a plan, their
        hours periods with their ledger lines (settlement). The values stay in the cache,
        which the ORM keeps up to date as periods and lines are added."""
        self.partner_id.mapped("lang")
        planned = self.filtered("msp_plan_id")
        if planned and self.env.context.get("msp_invoicing"):
            # Settlement opens months: lock the batch's contracts in one query, not one each.
            planned._msp_lock_contracts()
            # sudo: the ledger is read by the settlement, which runs as superuser too.
            planned.sudo().msp_hours_period_ids.entry_ids.mapped("hours")

    def _msp_invoices_by_contract(self, invoices):
        """[(contract, its invoices among ``invoices``)] for the contracts of self, from the
        invoices' lines (no search: the invoices were just created and are in the cache)."""
        moves_by_id = defaultdict(lambda: invoices.browse())
        for move in invoices:
            for contract_id in move.invoice_line_ids.contract_line_id.contract_id.ids:
                moves_by_id[contract_id] |= move
        return [
            (contract, moves_by_id[contract.id]) for contract in self if contract.id in moves_by_id
        ]

    @api.model
    def _add_contract_origin(self, invoices):
        if not self.env.context.get(BATCHED):
            return super()._add_contract_origin(invoices)
        subtype = self.env.ref("account.mt_invoice_created")
        # An invoice of no contract in self (not expected) keeps its plain creation message.
        bodies = {move.id: Markup("<p>%s</p>") % move._creation_message() for move in invoices}
        for contract, moves in self._msp_invoices_by_contract(invoices):
            link = contract._get_html_link(title=contract.display_name)
            for move in moves:
                bodies[move.id] = Markup("<p>%s %s %s.</p>") % (
                    move._creation_message(),
                    self.env._("by contract"),
                    link,
                )
        if not bodies:
            return None
        moves = invoices.browse(list(bodies))
        # Followers who want to hear of new invoices get the message the usual way; on a new
        # invoice there are usually none (the subtype is not a default one).
        author = self.env.user.partner_id
        # sudo: reading the followers of invoices the caller has just created.
        notified = (
            self.env["mail.followers"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "account.move"),
                    ("res_id", "in", moves.ids),
                    ("subtype_ids", "in", subtype.ids),
                    ("partner_id", "!=", author.id),
                ]
            )
            .mapped("res_id")
        )
        for move in moves.browse(notified):
            move.message_post(body=bodies.pop(move.id), subtype_id=subtype.id)
        if bodies:
            # _message_log_batch writes internal notes; the creation message is an ordinary
            # notification of the "Invoice Created" subtype.
            messages = moves.browse(list(bodies))._message_log_batch(bodies=bodies)
            messages.write({"subtype_id": subtype.id, "is_internal": False})
        return None

    @api.model
    def _invoice_followers(self, invoices):
        if not self.env.context.get(BATCHED):
            return super()._invoice_followers(invoices)
        subtype = self.env.ref("contract.mail_message_subtype_invoice_created")
        by_partners = defaultdict(lambda: invoices.browse())
        for contract, moves in self._msp_invoices_by_contract(invoices):
            partners = contract.message_follower_ids.filtered(
                lambda follower: subtype in follower.subtype_ids
            ).partner_id
            if partners:
                by_partners[tuple(sorted(partners.ids))] |= moves
        for partner_ids, moves in by_partners.items():
            moves.message_subscribe(partner_ids=list(partner_ids))
        return None


class ContractLine(models.Model):
    _inherit = "contract.line"

    def _insert_markers(self, first_date_invoiced, last_date_invoiced):
        """OCA's markers, with the customer's language from the cached language data
        instead of a ``res.lang`` search per line. Same rules: an active language's date
        format, else ``%m/%d/%Y``; empty markers for a line without a period."""
        if not self.env.context.get(BATCHED):
            return super()._insert_markers(first_date_invoiced, last_date_invoiced)
        self.ensure_one()
        lang = self.env["res.lang"]._get_data(code=self.contract_id.partner_id.lang)
        date_format = lang.date_format or "%m/%d/%Y"
        name = self.name
        name = name.replace(
            "#START#",
            first_date_invoiced.strftime(date_format) if first_date_invoiced else "",
        )
        name = name.replace(
            "#END#",
            last_date_invoiced.strftime(date_format) if last_date_invoiced else "",
        )
        month_name = ""
        if first_date_invoiced:
            month_name = self.with_context(lang=lang.code)._translate_marker_month_name(
                first_date_invoiced.strftime("%m")
            )
        return name.replace("#INVOICEMONTHNAME#", month_name)
