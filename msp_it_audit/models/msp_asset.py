# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import ipaddress
import re

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command

from .input_limits import DEVICE_TEXT_LIMITS, SOFTWARE_TEXT_LIMITS
from .msp_customer_mixin import check_same_customer

ASSET_KINDS = [
    ("workstation", "Workstation"),
    ("laptop", "Laptop"),
    ("server", "Server"),
    ("virtual_machine", "Virtual machine"),
    ("network", "Network device"),
    ("firewall", "Firewall"),
    ("printer", "Printer"),
    ("phone", "Phone or mobile"),
    ("cloud", "Cloud service"),
    ("licence", "Software licence"),
]

# Values vendors put in the serial number field when they have none.
JUNK_SERIALS = {
    "",
    "NONE",
    "N/A",
    "NA",
    "UNKNOWN",
    "DEFAULT",
    "DEFAULTSTRING",
    "TOBEFILLEDBYO.E.M.",
    "SYSTEMSERIALNUMBER",
    "CHASSISSERIALNUMBER",
    "NOTSPECIFIED",
    "NOTAPPLICABLE",
    "0123456789",
    "123456789",
    "INVALID",
}
JUNK_MACS = {"000000000000", "ffffffffffff"}
JUNK_HOSTNAMES = {
    "",
    "localhost",
    "localhost.localdomain",
    "localhost6",
    "localhost6.localdomain6",
    "ip6-localhost",
    "ip6-loopback",
    "unknown",
    "none",
}
# Addresses every network reuses ("this network", 0.0.0.0/8): never an identity key.
_THIS_NETWORK = ipaddress.ip_network("0.0.0.0/8")
_HEX12 = re.compile(r"^[0-9a-f]{12}$")

# The order in which an incoming record is matched to an existing asset (strongest first).
MATCH_KEYS = ("serial_key", "mac_key", "hostname_key", "ip_key")
# The text fields a device brings (a scanned host, a synced device).
DEVICE_TEXT_FIELDS = (
    "hostname",
    "ip_address",
    "mac_address",
    "serial_number",
    "manufacturer",
    "hardware_model",
    "os_name",
    "os_version",
)
# What an import or a sync may change on an asset it matched (empty values change nothing).
IMPORTED_FIELDS = (*DEVICE_TEXT_FIELDS, "ip_addresses", "eol_date")
# What sync_assets accepts as text for a device (plus kind and software), with the longest
# text each may be (docs/api.md, section 1): the assets' own limits (input_limits.py).
SYNC_TEXT_LIMITS = DEVICE_TEXT_LIMITS
SYNC_TEXT_FIELDS = tuple(SYNC_TEXT_LIMITS)
SYNC_SOFTWARE_LIMITS = SOFTWARE_TEXT_LIMITS
SYNC_MAX_DEVICES = 5000
SYNC_MAX_SOFTWARE = 5000
# Characters no text field may hold (PostgreSQL refuses NUL; the others are never meant).
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The largest id PostgreSQL's integer columns hold.
MAX_ID = 2**31 - 1


def normalize_serial(value):
    """Upper case without spaces; vendor placeholders and runs of one character are no serial."""
    serial = re.sub(r"\s+", "", value or "").upper()
    if serial in JUNK_SERIALS or len(set(serial)) == 1:
        return False
    return serial


def normalize_mac(value):
    """``aa:bb:cc:dd:ee:ff`` from any common notation; all zeros or all ones are no MAC."""
    mac = re.sub(r"[^0-9a-fA-F]", "", value or "").lower()
    if not _HEX12.match(mac) or mac in JUNK_MACS:
        return False
    return ":".join(mac[i : i + 2] for i in range(0, 12, 2))


def normalize_hostname(value):
    """The short host name in lower case (``PC-01.corp.example`` is ``pc-01``). A placeholder
    is no name, with a domain or without (``localhost.lan`` is ``localhost``)."""
    name = (value or "").strip().lower().rstrip(".")
    if name in JUNK_HOSTNAMES or normalize_ip(name):
        return False  # an address is not a name
    short = name.split(".", 1)[0]
    if short in JUNK_HOSTNAMES:
        return False
    return short


def normalize_ip(value):
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return False


def is_shared_ip(address):
    """Whether an ``ipaddress`` address is one that many devices have (loopback, link-local,
    unspecified, multicast, reserved, broadcast, "this network", site-local), so that it can
    never tell two devices apart."""
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        address = mapped
    return (
        address.is_loopback
        or address.is_link_local
        or address.is_unspecified
        or address.is_multicast
        or address.is_reserved
        or getattr(address, "is_site_local", False)
        or (address.version == 4 and address in _THIS_NETWORK)
    )


def normalize_ip_key(value):
    """The IP address as a matching key: normalized, and False for an address that is not
    unique to one device (127.0.0.1, ::1, 169.254.x.x, fe80::, 0.0.0.0, multicast...)."""
    ip = normalize_ip(value)
    if not ip or is_shared_ip(ipaddress.ip_address(ip)):
        return False
    return ip


# The fields that carry a matching key, and how each is normalized.
KEY_NORMALIZERS = {
    "serial_number": normalize_serial,
    "mac_address": normalize_mac,
    "hostname": normalize_hostname,
    "ip_address": normalize_ip_key,
}


class MspAsset(models.Model):
    _name = "msp.asset"
    _description = "Customer IT asset"
    _inherit = [
        "msp.customer.mixin",
        "msp.it.audit.input.limits",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _order = "partner_id, kind, name, id"

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    site_id = fields.Many2one(
        "res.partner",
        string="Site",
        check_company=True,
        domain="[('commercial_partner_id', '=', partner_id)]",
        help="The address of the customer where the device is.",
    )
    kind = fields.Selection(ASSET_KINDS, required=True, default="workstation", tracking=True)
    manufacturer = fields.Char()
    hardware_model = fields.Char(string="Model")
    serial_number = fields.Char(tracking=True)
    hostname = fields.Char(tracking=True)
    ip_address = fields.Char(string="IP address", tracking=True)
    ip_addresses = fields.Char(string="All IP addresses")
    mac_address = fields.Char(string="MAC address", tracking=True)
    os_name = fields.Char(string="Operating system", tracking=True)
    os_version = fields.Char(string="OS version")
    purchase_date = fields.Date()
    warranty_end_date = fields.Date(string="Warranty end", tracking=True)
    eol_date = fields.Date(
        string="End of life", tracking=True, help="From the end-of-life table, or set by hand."
    )
    contact_id = fields.Many2one(
        "res.partner",
        string="Assigned contact",
        check_company=True,
        domain="[('commercial_partner_id', '=', partner_id)]",
    )
    criticality = fields.Selection(
        [("low", "Low"), ("medium", "Medium"), ("high", "High"), ("critical", "Critical")],
        default="medium",
        required=True,
    )
    state = fields.Selection(
        [("discovered", "Discovered"), ("active", "Active"), ("retired", "Retired")],
        default="discovered",
        required=True,
        tracking=True,
    )
    source = fields.Selection(
        [
            ("manual", "Manual"),
            ("nmap", "Nmap scan"),
            ("glpi", "GLPI inventory"),
            ("file", "CSV/XLSX import"),
            ("api", "API sync"),
        ],
        default="manual",
        required=True,
        readonly=True,
    )
    source_audit_id = fields.Many2one(
        "msp.audit",
        string="Source audit",
        readonly=True,
        index="btree_not_null",
        help="The audit whose import created or last updated this asset.",
    )
    source_date = fields.Datetime(
        string="Source date", readonly=True, help="When an import last changed this asset."
    )
    # Audits and findings are the auditors' (and sales'): technicians and contract managers
    # read the covered assets without them.
    audit_ids = fields.Many2many(
        "msp.audit",
        "msp_asset_msp_audit_rel",
        "asset_id",
        "audit_id",
        string="Audits",
        groups="sales_team.group_sale_salesman",
    )
    finding_ids = fields.Many2many(
        "msp.audit.finding",
        "msp_asset_msp_audit_finding_rel",
        "asset_id",
        "finding_id",
        string="Findings",
        groups="sales_team.group_sale_salesman",
    )
    software_ids = fields.One2many("msp.asset.software", "asset_id", string="Installed software")
    is_past_eol = fields.Boolean(compute="_compute_is_past_eol", string="Past end of life")
    # normalized matching keys (see docs/it-audit.md, "How records are matched")
    serial_key = fields.Char(compute="_compute_keys", store=True, index="btree_not_null")
    mac_key = fields.Char(compute="_compute_keys", store=True, index="btree_not_null")
    hostname_key = fields.Char(compute="_compute_keys", store=True, index="btree_not_null")
    ip_key = fields.Char(compute="_compute_keys", store=True, index="btree_not_null")

    _serial_unique = models.UniqueIndex(
        "(partner_id, serial_key) WHERE serial_key IS NOT NULL",
        "This customer already has an asset with this serial number.",
    )
    _mac_unique = models.UniqueIndex(
        "(partner_id, mac_key) WHERE mac_key IS NOT NULL",
        "This customer already has an asset with this MAC address.",
    )

    @api.depends("serial_number", "mac_address", "hostname", "ip_address")
    def _compute_keys(self):
        for asset in self:
            asset.serial_key = normalize_serial(asset.serial_number)
            asset.mac_key = normalize_mac(asset.mac_address)
            asset.hostname_key = normalize_hostname(asset.hostname)
            asset.ip_key = normalize_ip_key(asset.ip_address)

    @api.model
    def _recompute_match_keys(self, batch_size=1000):
        """Compute again the stored matching keys of every asset, archived ones included, in
        batches of ``batch_size``: for assets stored before a change of the rules (since
        19.0.1.1.0, loopback, link-local and other shared addresses and placeholder host
        names are no key; assets stored before kept theirs until their address changed).
        Only the assets whose keys differ are written. Returns how many were."""
        Asset = self.with_context(active_test=False)
        key_fields = [self._fields[name] for name in MATCH_KEYS]
        changed, last_id = 0, 0
        while True:
            assets = Asset.search([("id", ">", last_id)], order="id", limit=batch_size)
            if not assets:
                return changed
            last_id = assets[-1].id
            stale = assets.filtered(
                lambda asset: (
                    self._match_keys({name: asset[name] for name in KEY_NORMALIZERS})
                    != {key: asset[key] for key in MATCH_KEYS}
                )
            )
            for field in key_fields:
                self.env.add_to_compute(field, stale)
            stale.flush_recordset(MATCH_KEYS)
            changed += len(stale)
            assets.invalidate_recordset()

    @api.constrains("source_audit_id", "partner_id")
    def _check_source_audit_customer(self):
        check_same_customer(self, "source_audit_id", "partner_id")

    @api.constrains("audit_ids", "finding_ids", "partner_id")
    def _check_audits_customer(self):
        check_same_customer(self, "audit_ids", "partner_id")
        check_same_customer(self, "finding_ids", "partner_id", "audit_id.partner_id")

    @api.depends("eol_date")
    def _compute_is_past_eol(self):
        today = fields.Date.context_today(self)
        for asset in self:
            asset.is_past_eol = bool(asset.eol_date and asset.eol_date <= today)

    @api.model
    def get_import_templates(self):
        return [
            {
                "label": self.env._("Import template for assets"),
                "template": "/msp_it_audit/static/csv/msp_asset_import_template.csv",
            }
        ]

    def action_set_active(self):
        self.write({"state": "active"})

    def action_retire(self):
        self.write({"state": "retired"})

    # ------------------------------------------------------------------
    # Matching (used by the scan imports)
    # ------------------------------------------------------------------

    @api.model
    def _match_keys(self, values):
        """The matching keys of a record given as asset values."""
        return {
            "serial_key": normalize_serial(values.get("serial_number")),
            "mac_key": normalize_mac(values.get("mac_address")),
            "hostname_key": normalize_hostname(values.get("hostname")),
            "ip_key": normalize_ip_key(values.get("ip_address")),
        }

    @api.model
    def _keys_conflict(self, keys_a, keys_b, matched_on):
        """Whether two records that share ``matched_on`` are still different devices.

        A match on a weaker key is refused when a stronger key is known on both sides and
        differs: two devices with different serial numbers are never merged because they share
        a host name.
        """
        for key in MATCH_KEYS[: MATCH_KEYS.index(matched_on)]:
            if keys_a.get(key) and keys_b.get(key) and keys_a[key] != keys_b[key]:
                return True
        return False

    @api.model
    def _build_match_index(self, partner):
        """Existing assets of a customer by each matching key (lowest id wins a tie)."""
        assets = self.with_context(active_test=False).search(
            [("partner_id", "=", partner.id)], order="id"
        )
        index = {key: {} for key in MATCH_KEYS}
        for asset in assets:
            entry = {"asset": asset, "keys": {key: asset[key] for key in MATCH_KEYS}}
            self._index_entry(index, entry)
        return index

    @api.model
    def _index_entry(self, index, entry):
        for key in MATCH_KEYS:
            if entry["keys"].get(key):
                index[key].setdefault(entry["keys"][key], entry)

    @api.model
    def _find_match(self, index, keys):
        """The entry an incoming record is the same device as, or None.

        Keys are tried in the order serial number, MAC address, host name, IP address; the
        first key that finds a non-conflicting entry wins.
        """
        for key in MATCH_KEYS:
            if not keys.get(key):
                continue
            entry = index[key].get(keys[key])
            if entry and not self._keys_conflict(entry["keys"], keys, key):
                return entry
        return None

    @api.model
    def _asset_changes(self, asset, vals):
        """The incoming values that differ from the asset. Empty values change nothing, and
        neither does a value that identifies nothing (``localhost``, 127.0.0.1, a vendor's
        placeholder serial) where the asset has one that does."""
        changes = {}
        for name in IMPORTED_FIELDS:
            value = vals.get(name)
            if not value or value == asset[name]:
                continue
            normalize = KEY_NORMALIZERS.get(name)
            if normalize and not normalize(value) and normalize(asset[name]):
                continue
            changes[name] = value
        return changes

    @api.model
    def _software_commands(self, asset, software):
        """Commands replacing an asset's software list, or [] when it is the same."""
        if not software:
            return []
        current = sorted(
            (s.name or "", s.version or "", s.publisher or "") for s in asset.software_ids
        )
        if current == sorted(software):
            return []
        return [Command.clear()] + [
            Command.create({"name": n, "version": v, "publisher": p}) for n, v, p in software
        ]

    @api.model
    def _upsert_assets(self, partner, company, records, source_vals):
        """Create or update a customer's assets from incoming records (scan hosts, synced
        devices): the common step of the imports and of sync_assets.

        ``records`` is a list of ``(vals, software)``: asset values, and the software list as
        (name, version, publisher) tuples or None when unknown. Each record is matched with
        _find_match (serial number, MAC address, host name, IP address); the same device twice
        in the records is created once, the first values winning and blanks being filled.
        Returns ``(stats, assets)``: the counts (created, updated, unchanged, skipped: no key to
        match on) and, for each record, its asset (an empty recordset when skipped).
        """
        stats = dict.fromkeys(("created", "updated", "unchanged", "skipped"), 0)
        index = self._build_match_index(partner)
        new_entries, seen = [], []
        for vals, software in records:
            keys = self._match_keys(vals)
            if not any(keys.values()):
                stats["skipped"] += 1
                seen.append(None)
                continue
            entry = self._find_match(index, keys)
            if entry is None:
                # a serial or MAC already taken by a different device is not stored twice
                for key, field in (("serial_key", "serial_number"), ("mac_key", "mac_address")):
                    if keys[key] and keys[key] in index[key]:
                        keys[key], vals[field] = False, ""
                entry = {"asset": None, "keys": keys, "vals": vals, "software": software}
                new_entries.append(entry)
                self._index_entry(index, entry)
            elif entry["asset"] is None:
                # the same device twice: the first values win, blanks are filled
                for name, value in vals.items():
                    if value and not entry["vals"].get(name):
                        entry["vals"][name] = value
                for key, value in keys.items():
                    entry["keys"][key] = entry["keys"].get(key) or value
                self._index_entry(index, entry)
            else:
                changes = self._asset_changes(entry["asset"], vals)
                # a serial or MAC that belongs to another asset stays where it is
                for key, field in (("serial_key", "serial_number"), ("mac_key", "mac_address")):
                    owner = index[key].get(keys[key]) if field in changes else None
                    if owner is not None and owner is not entry:
                        del changes[field]
                entry.setdefault("changes", {}).update(changes)
                entry.setdefault("software", software)
            seen.append(entry)

        if new_entries:
            created = self.with_context(
                mail_create_nolog=True, mail_create_nosubscribe=True, tracking_disable=True
            ).create(
                [
                    {
                        **{k: v for k, v in entry["vals"].items() if v},
                        **source_vals,
                        "partner_id": partner.id,
                        "company_id": company.id,
                        "software_ids": [
                            Command.create({"name": n, "version": v, "publisher": p})
                            for n, v, p in entry["software"] or ()
                        ],
                    }
                    for entry in new_entries
                ]
            )
            for entry, asset in zip(new_entries, created, strict=True):
                entry["asset"] = asset
            stats["created"] = len(created)
        matched = {id(entry): entry for entry in seen if entry and "changes" in entry}
        updated = self.browse()
        for entry in matched.values():
            changes = entry["changes"]
            software = self._software_commands(entry["asset"], entry.get("software"))
            if software:
                changes["software_ids"] = software
            if changes:
                entry["asset"].write(changes)
                updated |= entry["asset"]
        # the source once for all updated assets: one check of its values, not one per asset
        updated.write(source_vals)
        stats["updated"] = len(updated)
        stats["unchanged"] = len(matched) - len(updated)
        return stats, [entry["asset"] if entry else self.browse() for entry in seen]

    # ------------------------------------------------------------------
    # Sync from other systems (public, over XML-RPC and JSON-2)
    # ------------------------------------------------------------------

    @api.model
    def sync_assets(self, partner_id, devices):
        """Create or update a customer's assets from another system (an RMM, an inventory
        tool), in one call. Devices are matched on serial number, MAC address, host name, then
        IP address, as in the scan imports, so calling again with the same devices changes
        nothing. No audit is needed and none is linked.

        :param int partner_id: the customer (its company is used)
        :param list devices: one dict per device with any of ``name``, ``kind``, ``hostname``,
            ``ip_address``, ``mac_address``, ``serial_number``, ``manufacturer``,
            ``hardware_model``, ``os_name``, ``os_version`` and ``software`` (a list of dicts
            with ``name``, ``version``, ``publisher``); each needs at least one of serial
            number, MAC address, host name or IP address
        :return: ``{"created", "updated", "unchanged": counts, "asset_ids": [id per device]}``
        :raise UserError: on bad input, naming the device; then nothing is written
        """
        valid_id = (
            isinstance(partner_id, int) and not isinstance(partner_id, bool)
        ) and 0 < partner_id <= MAX_ID
        partner = self.env["res.partner"].browse(partner_id if valid_id else []).exists()
        if not partner:
            raise UserError(self.env._("Customer %(id)r does not exist.", id=partner_id))
        partner.check_access("read")
        self.check_access("create")
        self.check_access("write")
        if not isinstance(devices, list) or not devices:
            raise UserError(self.env._("Give the devices as a non-empty list of objects."))
        if len(devices) > SYNC_MAX_DEVICES:
            raise UserError(
                self.env._(
                    "%(count)s devices in one call; the limit is %(limit)s. Split the sync.",
                    count=len(devices),
                    limit=SYNC_MAX_DEVICES,
                )
            )
        eol_entries = self.env["msp.eol.entry"].search([("active", "=", True)])
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        records = [
            self._sync_device_record(number, device, eol_entries, kinds)
            for number, device in enumerate(devices, 1)
        ]
        source_vals = {"source": "api", "source_date": fields.Datetime.now()}
        with self.env.cr.savepoint():
            stats, assets = self._upsert_assets(
                partner.commercial_partner_id, self.env.company, records, source_vals
            )
        return {
            "created": stats["created"],
            "updated": stats["updated"],
            "unchanged": stats["unchanged"],
            "asset_ids": [asset.id for asset in assets],
        }

    @api.model
    def _sync_device_record(self, number, device, eol_entries, kinds):
        """(vals, software) of one device given to sync_assets, or a UserError naming it.
        ``kinds``: the asset kinds and their labels."""

        def refuse(message):
            raise UserError(
                self.env._(
                    "Device %(number)s: %(message)s Nothing was synced.",
                    number=number,
                    message=message,
                )
            )

        if not isinstance(device, dict):
            refuse(self.env._("expected an object with the device's fields."))
        known = {*SYNC_TEXT_FIELDS, "kind", "software"}
        unknown = sorted(str(key)[:64] for key in device if key not in known)
        if unknown:
            refuse(
                self.env._(
                    "unknown field(s) %(fields)s. Known: %(known)s.",
                    fields=", ".join(unknown),
                    known=", ".join(sorted(known)),
                )
            )
        vals = {}
        for name in SYNC_TEXT_FIELDS:
            value = self._sync_text(device.get(name), name, SYNC_TEXT_LIMITS[name], refuse)
            if value:
                vals[name] = value
        if vals.get("ip_address") and not normalize_ip(vals["ip_address"]):
            refuse(
                self.env._(
                    "ip_address %(value)r is not an IPv4 or IPv6 address.",
                    value=vals["ip_address"],
                )
            )
        kind = device.get("kind") or "workstation"
        if not isinstance(kind, str) or kind not in kinds:
            refuse(
                self.env._(
                    "kind %(kind)s is not one of %(kinds)s.",
                    kind=repr(kind)[:64],
                    kinds=", ".join(kinds),
                )
            )
        vals["kind"] = kind
        if not any(self._match_keys(vals).values()):
            refuse(
                self.env._(
                    "it has no serial number, MAC address, host name or IP address to be "
                    "matched on (placeholders such as 'localhost', 127.0.0.1 or link-local "
                    "addresses identify no device)."
                )
            )
        vals.setdefault(
            "name",
            vals.get("hostname")
            or vals.get("ip_address")
            or vals.get("serial_number")
            or vals.get("mac_address"),
        )
        os_string = " ".join(filter(None, (vals.get("os_name"), vals.get("os_version"))))
        entry = eol_entries._match(os_string)
        vals["eol_date"] = entry.eol_date if entry else False
        software = device.get("software")
        if software is None:
            return vals, None
        return vals, self._sync_software(software, refuse)

    @api.model
    def _sync_text(self, value, field, limit, refuse):
        """A device's text value, stripped; None when empty. Refuses (through ``refuse``)
        anything but text, text over ``limit`` characters and control characters."""
        if value is None or value is False:
            return None
        if not isinstance(value, str):
            refuse(
                self.env._(
                    "%(field)s must be text, not %(type)s.",
                    field=field,
                    type=type(value).__name__,
                )
            )
        value = value.strip()
        if len(value) > limit:
            refuse(
                self.env._(
                    "%(field)s is %(length)s characters long; at most %(limit)s are allowed.",
                    field=field,
                    length=len(value),
                    limit=limit,
                )
            )
        if _CONTROL_CHARS.search(value):
            refuse(
                self.env._(
                    "%(field)s holds control characters (such as NUL); send plain text.",
                    field=field,
                )
            )
        return value or None

    @api.model
    def _sync_software(self, software, refuse):
        """A device's software list as (name, version, publisher) tuples, or refused."""
        if not isinstance(software, list) or len(software) > SYNC_MAX_SOFTWARE:
            refuse(
                self.env._(
                    "software must be a list of at most %(limit)s objects, each with a name.",
                    limit=SYNC_MAX_SOFTWARE,
                )
            )
        items = []
        for position, item in enumerate(software, 1):
            if not isinstance(item, dict) or set(item) - set(SYNC_SOFTWARE_LIMITS):
                refuse(
                    self.env._(
                        "software must be a list of objects: item %(position)s is not one "
                        "with a name and, optionally, a version and a publisher.",
                        position=position,
                    )
                )
            texts = [
                self._sync_text(item.get(key), f"software item {position} {key}", limit, refuse)
                or ""
                for key, limit in SYNC_SOFTWARE_LIMITS.items()
            ]
            if not texts[0]:
                refuse(
                    self.env._(
                        "software item %(position)s has no name.",
                        position=position,
                    )
                )
            items.append(tuple(texts))
        return items
