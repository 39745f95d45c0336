# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The expiry watch: what of a customer's expires (domains, certificates, licences,
warranties, vendor terms...), the reminders raised before it does, and the hook through which
other models feed it.

Any model feeds the watch by inheriting ``msp.expiry.source.mixin`` and overriding
``_msp_expiry_sources()`` (see the mixin below and docs/vendors-expiry.md)."""

import logging
from datetime import timedelta

import psycopg2.errors
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain

_logger = logging.getLogger(__name__)

EXPIRY_KINDS = [
    ("domain", "Domain"),
    ("tls", "TLS certificate"),
    ("licence", "Software licence"),
    ("warranty", "Warranty"),
    ("eol", "Hardware end of life"),
    ("vendor_term", "Vendor account term"),
    ("authorisation", "Letter of authorisation"),
    ("other", "Other"),
]
# The kinds whose date the watch reads itself (expiry_lookup.py); the others come from their
# source record or are typed in.
LOOKUP_KINDS = ("domain", "tls")
DEFAULT_THRESHOLDS = "60,30,7"


def parse_thresholds(text):
    """``"60, 30,7"`` -> ``[60, 30, 7]`` (largest first, no duplicates). Raises ValueError."""
    days = {int(part) for part in (text or "").replace(";", ",").split(",") if part.strip()}
    if not days or any(day < 0 or day > 3650 for day in days):
        raise ValueError(text)
    return sorted(days, reverse=True)


class MspExpiryItem(models.Model):
    _name = "msp.expiry.item"
    _description = "Watched expiry"
    _inherit = ["msp.customer.mixin", "mail.thread", "mail.activity.mixin", "msp.input.limits"]
    _order = "expiry_date, id"

    name = fields.Char(
        required=True,
        tracking=True,
        help="The domain (example.com), the certificate's host:port (mail.example.com:443), "
        "the licence or the service.",
    )
    kind = fields.Selection(EXPIRY_KINDS, required=True, default="domain", tracking=True)
    active = fields.Boolean(default=True)
    expiry_date = fields.Date(
        tracking=True, help="Read by the lookup (domains, certificates), or from the source."
    )
    issuer = fields.Char(readonly=True, help="The certificate's issuer, as the server sent it.")
    user_id = fields.Many2one(
        "res.users",
        string="Account Manager",
        compute="_compute_user_id",
        store=True,
        readonly=False,
        domain="[('share', '=', False)]",
        help="Gets the reminders when they are activities; the customer's salesperson.",
    )
    # The lookup (domains and certificates)
    last_check_at = fields.Datetime(string="Last Checked", readonly=True)
    check_state = fields.Selection(
        [("none", "Not looked up"), ("ok", "OK"), ("failed", "Lookup failed")],
        string="Last Check",
        default="none",
        required=True,
        readonly=True,
    )
    check_error = fields.Text(string="Lookup Error", readonly=True)
    check_attempts = fields.Integer(
        string="Failed Attempts", readonly=True, help="Failed lookups in a row."
    )
    next_check_at = fields.Datetime(
        string="Next Lookup", readonly=True, help="Retried later and later after failures."
    )
    # The reminders
    next_reminder_date = fields.Date(
        readonly=True,
        help="When the next reminder is due: the daily action reads only the items due.",
    )
    reminder_ids = fields.One2many("msp.expiry.reminder", "item_id", string="Reminders")
    days_left = fields.Integer(compute="_compute_status")
    status = fields.Selection(
        [
            ("unknown", "No date"),
            ("ok", "OK"),
            ("due", "Expiring soon"),
            ("expired", "Expired"),
            ("failed", "Lookup failed"),
        ],
        compute="_compute_status",
    )
    # Where it comes from (an asset, a vendor account, a contract line...)
    res_model = fields.Char(string="Source Model", readonly=True, index=True)
    res_id = fields.Many2oneReference(string="Source ID", model_field="res_model", readonly=True)
    source_key = fields.Char(
        readonly=True, help="Which date of the source record (one record may give several)."
    )
    source_ref = fields.Reference(
        selection="_selection_source_ref", string="Source", compute="_compute_source_ref"
    )

    # The daily action reads the due items only: nothing due costs one indexed query.
    _next_reminder_idx = models.Index(
        "(next_reminder_date) WHERE active IS TRUE AND next_reminder_date IS NOT NULL"
    )
    _next_check_idx = models.Index(
        "(next_check_at) WHERE active IS TRUE AND kind IN ('domain', 'tls')"
    )
    _source_uniq = models.UniqueIndex(
        "(res_model, res_id, source_key) WHERE res_model IS NOT NULL",
        "A source record's date is watched once.",
    )

    @api.depends("partner_id")
    def _compute_user_id(self):
        for item in self:
            if not item.user_id:
                item.user_id = item.partner_id.user_id

    @api.depends("expiry_date", "check_state")
    @api.depends_context("tz")
    def _compute_status(self):
        today = fields.Date.context_today(self)
        for item in self:
            thresholds = item.company_id._msp_expiry_thresholds()
            item.days_left = (item.expiry_date - today).days if item.expiry_date else 0
            if item.check_state == "failed":
                item.status = "failed"
            elif not item.expiry_date:
                item.status = "unknown"
            elif item.days_left < 0:
                item.status = "expired"
            elif item.days_left <= max(thresholds):
                item.status = "due"
            else:
                item.status = "ok"

    @api.model
    def _selection_source_ref(self):
        names = self.env.registry.descendants(["msp.expiry.source.mixin"], "_inherit")
        return sorted(
            (name, self.env[name]._description)
            for name in names
            if name in self.env and not self.env[name]._abstract
        )

    @api.depends("res_model", "res_id")
    def _compute_source_ref(self):
        models_ = {name for name, _label in self._selection_source_ref()}
        for item in self:
            item.source_ref = (
                f"{item.res_model},{item.res_id}"
                if item.res_model in models_ and item.res_id
                else False
            )

    @api.constrains("kind", "name")
    def _check_name(self):
        for item in self.filtered(lambda i: i.kind in LOOKUP_KINDS):
            try:
                if item.kind == "tls":
                    self._msp_split_host_port(item.name)
                else:
                    self._msp_domain_name(item.name)
            except ValueError as error:
                raise ValidationError(
                    self.env._(
                        "Name of %(item)s: %(error)s. Give a domain such as example.com, or "
                        "for a certificate host or host:port such as mail.example.com:443.",
                        item=item.display_name,
                        error=error,
                    )
                ) from None

    # ------------------------------------------------------------------
    # Create and write: schedule the next reminder, close renewed ones
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        items = super().create(vals_list)
        items._msp_schedule_reminders()
        return items

    def write(self, vals):
        old_dates = {item.id: item.expiry_date for item in self} if "expiry_date" in vals else {}
        result = super().write(vals)
        if old_dates:
            renewed = self.filtered(
                lambda i: i.expiry_date and old_dates[i.id] and i.expiry_date > old_dates[i.id]
            )
            renewed._msp_close_reminders()
        if {"expiry_date", "active", "company_id"} & set(vals):
            self._msp_schedule_reminders()
        return result

    def _msp_pending_thresholds(self):
        """The thresholds (days before expiry) of this item's date not reminded yet."""
        self.ensure_one()
        if not self.active or not self.expiry_date:
            return []
        sent = {
            reminder.threshold_days
            for reminder in self.reminder_ids
            if reminder.expiry_date == self.expiry_date
        }
        return [days for days in self.company_id._msp_expiry_thresholds() if days not in sent]

    def _msp_schedule_reminders(self):
        """Store when each item's next reminder is due (False: none), grouped in few writes."""
        by_date = {}
        for item in self:
            pending = item._msp_pending_thresholds()
            due = item.expiry_date - timedelta(days=max(pending)) if pending else False
            if due != item.next_reminder_date:
                by_date.setdefault(due, []).append(item.id)
        for due, ids in by_date.items():
            self.browse(ids).write({"next_reminder_date": due})  # reschedules nothing

    # ------------------------------------------------------------------
    # The daily action
    # ------------------------------------------------------------------

    @api.model
    def _msp_reminder_batch_size(self):
        # sudo: a technical setting, read by the scheduler
        return int(self.env["ir.config_parameter"].sudo().get_param("msp_expiry.batch_size", 200))

    @api.model
    def _msp_due_domain(self):
        today = fields.Date.context_today(self)
        return Domain("active", "=", True) & Domain("next_reminder_date", "<=", today)

    @api.model
    def _cron_expiry_remind(self):
        """Raise the reminders due today, in batches; the items another worker holds are
        skipped (row locks), and each (item, threshold, expiry date) is reminded once (a
        unique index on the reminders). Returns the number of items reminded."""
        return self._msp_run_batches(
            self._msp_due_domain(), "next_reminder_date, id", "_msp_raise_reminders"
        )

    @api.model
    def _msp_run_batches(self, domain, order, step):
        """Run the method ``step`` on the items of ``domain``, batch by batch, each batch
        under row locks (the rows another worker holds are skipped, the others re-checked
        under the lock) and committed with _commit_progress. Returns the items done."""
        batch_size = self._msp_reminder_batch_size()
        done = 0
        while True:
            candidates = self.search(domain, limit=batch_size, order=order)
            if not candidates:
                return done
            locked = candidates.try_lock_for_update(allow_referencing=True)
            locked.invalidate_recordset()
            locked = locked.filtered_domain(domain)
            getattr(locked, step)()
            done += len(locked)
            full = len(candidates) == batch_size
            time_left = self.env["ir.cron"]._commit_progress(
                len(locked), remaining=self.search_count(domain) if full else 0
            )
            if time_left <= 0 or not full or not locked:
                return done

    def _msp_raise_reminders(self):
        """One reminder per item for the thresholds due now. When several are due at once (an
        item added 20 days before its date, with 60 and 30 passed), the tightest one raises the
        reminder and the others are recorded as covered by it."""
        today = fields.Date.context_today(self)
        Reminder = self.env["msp.expiry.reminder"]
        for item in self:
            due = [
                days
                for days in item._msp_pending_thresholds()
                if item.expiry_date - timedelta(days=days) <= today
            ]
            if not due:
                continue
            tightest = min(due)
            try:
                with self.env.cr.savepoint():
                    rows = Reminder.create(
                        [
                            {
                                "item_id": item.id,
                                "threshold_days": days,
                                "expiry_date": item.expiry_date,
                                "state": "open" if days == tightest else "covered",
                            }
                            for days in due
                        ]
                    )
                    rows.flush_recordset()
                    reminder = rows.filtered(lambda r: r.state == "open")
                    reminder.write(item._msp_make_reminder(tightest))
                    rows.flush_recordset()
            except psycopg2.errors.UniqueViolation:
                # Another worker reminded this item (and threshold) first: nothing to do.
                _logger.info("Expiry watch: %s was reminded by another worker", item.name)
                self.env.invalidate_all()
        self._msp_schedule_reminders()

    def _msp_reminder_mode(self):
        self.ensure_one()
        return self.company_id.msp_expiry_reminder_mode or "ticket"

    def _msp_make_reminder(self, days):
        """Raise the reminder (a ticket, or an activity for the account manager); returns the
        values that link it to the reminder row."""
        self.ensure_one()
        if self._msp_reminder_mode() == "activity":
            activity = self.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=self.expiry_date,
                summary=self._msp_reminder_title(days),
                note=self._msp_reminder_body(days),
                user_id=(self.user_id or self.env.user).id,
            )
            return {"activity_id": activity.id}
        ticket = self.env["helpdesk.ticket"].create(self._msp_prepare_ticket(days))
        return {"ticket_id": ticket.id}

    def _msp_reminder_title(self, days):
        kind = dict(self._fields["kind"]._description_selection(self.env))[self.kind]
        if self.expiry_date < fields.Date.context_today(self):
            return self.env._(
                "%(kind)s %(name)s expired on %(date)s",
                kind=kind,
                name=self.name,
                date=self.expiry_date,
            )
        return self.env._(
            "%(kind)s %(name)s expires on %(date)s (%(days)s-day reminder)",
            kind=kind,
            name=self.name,
            date=self.expiry_date,
            days=days,
        )

    def _msp_reminder_body(self, days):
        left = (self.expiry_date - fields.Date.context_today(self)).days
        if left < 0:
            text = self.env._(
                "%(name)s of %(customer)s expired on %(date)s, %(ago)s days ago. Renew or "
                "replace it, then the watch closes this reminder when it reads the new date.",
                name=self.name,
                customer=self.partner_id.display_name,
                date=self.expiry_date,
                ago=-left,
            )
        else:
            text = self.env._(
                "%(name)s of %(customer)s expires on %(date)s, in %(left)s days. Renew it, "
                "then the watch closes this reminder when it reads the new date.",
                name=self.name,
                customer=self.partner_id.display_name,
                date=self.expiry_date,
                left=left,
            )
        return Markup("<p>%s</p>") % text

    def _msp_prepare_ticket(self, days):
        return {
            "name": self._msp_reminder_title(days),
            "description": self._msp_reminder_body(days),
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "user_id": self.user_id.id,
        }

    def _msp_close_reminders(self):
        """The item was renewed (a later date was read): close its open reminders of the
        earlier dates, each with a note giving the new date."""
        for item in self:
            reminders = item.reminder_ids.filtered(
                lambda r, i=item: r.state == "open" and r.expiry_date < i.expiry_date
            )
            if reminders:
                # sudo: closes the tickets and activities the watch raised itself, whoever
                # renewed the item (a manager's lookup may not write others' tickets)
                reminders.sudo()._msp_close(item.expiry_date)

    # ------------------------------------------------------------------
    # Sources: the hook's other side
    # ------------------------------------------------------------------

    @api.model
    def _msp_sync_sources(self, records):
        """Create, update or archive the items of ``records`` (models that inherit
        msp.expiry.source.mixin) from what their ``_msp_expiry_sources()`` return."""
        if not records:
            return self.browse()
        # sudo: the watch follows its source records; whoever may change a source's date
        # changes the date watched, and the items keep the source's customer and company.
        Item = self.sudo().with_context(active_test=False, tracking_disable=True)
        existing = Item.search([("res_model", "=", records._name), ("res_id", "in", records.ids)])
        by_key = {(item.res_id, item.source_key): item for item in existing}
        seen, to_create = set(), []
        for source in records._msp_expiry_sources():
            key = (source["res_id"], source["key"])
            seen.add(key)
            vals = {
                "kind": source["kind"],
                "name": source["name"],
                "expiry_date": source.get("expiry_date") or False,
                "partner_id": source["partner_id"],
                "company_id": source["company_id"],
                "active": bool(source.get("expiry_date")),
            }
            item = by_key.get(key)
            if item:
                changed = {
                    name: value
                    for name, value in vals.items()
                    if (item[name].id if name in ("partner_id", "company_id") else item[name])
                    != value
                }
                if changed:
                    item.write(changed)
            elif vals["active"]:
                to_create.append(
                    {**vals, "res_model": records._name, "res_id": key[0], "source_key": key[1]}
                )
        stale = existing.filtered(lambda i: (i.res_id, i.source_key) not in seen and i.active)
        stale.write({"active": False})
        return existing | Item.create(to_create)

    @api.model
    def _msp_sync_all_sources(self):
        """Feed the watch from every record of every source model (at install and update)."""
        for name in self.env.registry.descendants(["msp.expiry.source.mixin"], "_inherit"):
            model = self.env[name]
            if name != "msp.expiry.source.mixin" and not model._abstract:
                # sudo: the sync of all records at install and update, whatever the user reads
                model = model.sudo().with_context(active_test=False)
                for offset in range(0, model.search_count([]), 1000):
                    self._msp_sync_sources(model.search([], limit=1000, offset=offset, order="id"))

    @api.model
    def _msp_count_by(self, domain, field):
        """{value of ``field``: number of items of ``domain``} (empty without read access:
        the smart buttons of users who may not read the watch)."""
        if not self.has_access("read"):
            return {}
        return dict(self._read_group(domain, [field], ["__count"]))

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_open_source(self):
        self.ensure_one()
        if not self.source_ref:
            return False
        return {
            "type": "ir.actions.act_window",
            "res_model": self.source_ref._name,
            "res_id": self.source_ref.id,
            "view_mode": "form",
        }


class MspExpiryReminder(models.Model):
    _name = "msp.expiry.reminder"
    _description = "Expiry reminder"
    _order = "id desc"

    item_id = fields.Many2one(
        "msp.expiry.item", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(related="item_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="item_id.partner_id", store=True)
    threshold_days = fields.Integer(string="Days Before", required=True, readonly=True)
    expiry_date = fields.Date(required=True, readonly=True, help="The date it reminded of.")
    state = fields.Selection(
        [("open", "Open"), ("covered", "Covered by a closer reminder"), ("closed", "Closed")],
        required=True,
        default="open",
        readonly=True,
    )
    ticket_id = fields.Many2one("helpdesk.ticket", readonly=True, ondelete="set null")
    activity_id = fields.Many2one("mail.activity", readonly=True, ondelete="set null")
    closed_note = fields.Char(readonly=True)

    # Exactly once per item, threshold and expiry date, whatever the workers do.
    _once_uniq = models.UniqueIndex(
        "(item_id, threshold_days, expiry_date)",
        "This item was already reminded at this threshold for this date.",
    )

    def _msp_close(self, new_date):
        """Close the tickets (to a closed stage) and mark the activities done, with a note
        saying the new date."""
        for reminder in self:
            note = self.env._(
                "Renewed: %(name)s now expires on %(date)s.",
                name=reminder.item_id.name,
                date=new_date,
            )
            ticket = reminder.ticket_id
            if ticket and not ticket.closed:
                ticket.message_post(body=note, subtype_xmlid="mail.mt_note")
                stage = reminder._msp_closed_stage()
                if stage:
                    ticket.stage_id = stage
            if reminder.activity_id:
                reminder.activity_id.action_feedback(feedback=note)
            reminder.write({"state": "closed", "closed_note": note})
        self.search([("state", "=", "covered"), ("item_id", "in", self.item_id.ids)]).write(
            {"state": "closed"}
        )

    def _msp_closed_stage(self):
        self.ensure_one()
        ticket = self.ticket_id
        domain = Domain("closed", "=", True) & Domain(
            "company_id", "in", [False, ticket.company_id.id]
        )
        if ticket.team_id:
            domain &= Domain("team_ids", "in", [False, ticket.team_id.id])
        return self.env["helpdesk.ticket.stage"].search(domain, order="sequence, id", limit=1)


class MspExpirySourceMixin(models.AbstractModel):
    """The hook: a model whose records carry dates to watch inherits this mixin, overrides
    ``_msp_expiry_sources()`` and lists in ``_msp_expiry_fields`` the fields whose change
    re-reads them. Its records then create, update and archive their watched items."""

    _name = "msp.expiry.source.mixin"
    _description = "Feeds the expiry watch"

    # The fields whose change re-syncs the items (a model sets its own).
    _msp_expiry_fields = ()

    msp_expiry_count = fields.Integer(string="Expiries", compute="_compute_msp_expiry_count")

    def _compute_msp_expiry_count(self):
        counts = self.env["msp.expiry.item"]._msp_count_by(
            [("res_model", "=", self._name), ("res_id", "in", self.ids)], "res_id"
        )
        for record in self:
            record.msp_expiry_count = counts.get(record.id, 0)

    def _msp_expiry_sources(self):
        """The dates to watch of the records in ``self``: a list of dicts with

        - ``res_id``: the record's id; ``key``: which of its dates (one item per key);
        - ``kind``: one of EXPIRY_KINDS; ``name``: what expires, as the reminder names it;
        - ``expiry_date``: the date, or False (the item is archived: nothing to watch);
        - ``partner_id``, ``company_id``: the customer (commercial entity) and company.
        """
        return []

    def _msp_expiry_sync(self):
        return self.env["msp.expiry.item"]._msp_sync_sources(self)

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._msp_expiry_sync()
        return records

    def write(self, vals):
        result = super().write(vals)
        if set(vals) & set(self._msp_expiry_fields):
            self._msp_expiry_sync()
        return result

    def unlink(self):
        # sudo: the items of deleted sources go with them, whoever may read the items
        items = (
            self.env["msp.expiry.item"]
            .sudo()
            .with_context(active_test=False)
            .search([("res_model", "=", self._name), ("res_id", "in", self.ids)])
        )
        result = super().unlink()
        items.unlink()
        return result

    def action_msp_view_expiries(self):
        """The watched items of these records."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Expiries"),
            "res_model": "msp.expiry.item",
            "view_mode": "list,form",
            "domain": [("res_model", "=", self._name), ("res_id", "in", self.ids)],
            "context": {"create": False},
        }
