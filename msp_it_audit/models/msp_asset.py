# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import ipaddress
import re

from odoo import api, fields, models

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
JUNK_HOSTNAMES = {"", "localhost", "localhost.localdomain", "unknown", "none"}
_HEX12 = re.compile(r"^[0-9a-f]{12}$")

# The order in which an incoming record is matched to an existing asset (strongest first).
MATCH_KEYS = ("serial_key", "mac_key", "hostname_key", "ip_key")


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
    """The short host name in lower case (``PC-01.corp.example`` is ``pc-01``)."""
    name = (value or "").strip().lower().rstrip(".")
    if name in JUNK_HOSTNAMES or normalize_ip(name):
        return False  # an address is not a name
    return name.split(".", 1)[0] or False


def normalize_ip(value):
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return False


class MspAsset(models.Model):
    _name = "msp.asset"
    _description = "Customer IT asset"
    _inherit = ["msp.customer.mixin", "mail.thread", "mail.activity.mixin"]
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
    warranty_end_date = fields.Date(string="Warranty end")
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
    audit_ids = fields.Many2many(
        "msp.audit", "msp_asset_msp_audit_rel", "asset_id", "audit_id", string="Audits"
    )
    finding_ids = fields.Many2many(
        "msp.audit.finding",
        "msp_asset_msp_audit_finding_rel",
        "asset_id",
        "finding_id",
        string="Findings",
    )
    software_ids = fields.One2many("msp.asset.software", "asset_id", string="Installed software")
    software_count = fields.Integer(compute="_compute_software_count")
    age_years = fields.Float(
        compute="_compute_age_years", string="Age (years)", help="Years since the purchase date."
    )
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
            asset.ip_key = normalize_ip(asset.ip_address)

    @api.depends("software_ids")
    def _compute_software_count(self):
        counts = dict(
            self.env["msp.asset.software"]._read_group(
                [("asset_id", "in", self.ids)], ["asset_id"], ["__count"]
            )
        )
        for asset in self:
            asset.software_count = counts.get(asset, 0)

    @api.depends("purchase_date")
    def _compute_age_years(self):
        today = fields.Date.context_today(self)
        for asset in self:
            asset.age_years = (
                round((today - asset.purchase_date).days / 365.25, 1)
                if asset.purchase_date
                else 0.0
            )

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
            "ip_key": normalize_ip(values.get("ip_address")),
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
        entries = []
        for asset in assets:
            entry = {"asset": asset, "keys": {key: asset[key] for key in MATCH_KEYS}}
            entries.append(entry)
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
