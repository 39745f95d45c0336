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

from collections import defaultdict

from markupsafe import Markup

from odoo import api, models

# Context key: invoicing through _recurring_create_invoice below. The invoices are created
# without their creation message, which _add_contract_origin writes instead.
BATCHED = "msp_batched_invoicing"


class ContractContract(models.Model):
    _inherit = "contract.contract"

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
        if self.env.context.get(BATCHED):
            self._msp_prefetch_invoicing()
        return super()._prepare_recurring_invoices_values(date_ref)

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
