# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import math
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command

from ..parsers import (
    ScanFileError,
    decode_base64_file,
    file_label,
    parse_glpi_inventory,
    parse_nmap_xml,
)
from .input_limits import is_record_id
from .msp_asset import normalize_ip_key
from .msp_customer_mixin import check_same_customer

# Probability-like weight of one unresolved finding in the risk score (docs/it-audit.md).
SEVERITY_RISK = {"critical": 0.40, "high": 0.20, "medium": 0.08, "low": 0.02, "info": 0.0}
# Share of a check line's weight that counts as risk, by result.
CHECK_RISK = {"pass": 0.0, "warning": 0.5, "fail": 1.0}
FINDINGS_SHARE = 0.6
DEFAULT_IMPORT_MAX_BYTES = 50 * 1024 * 1024


class MspAudit(models.Model):
    _name = "msp.audit"
    _description = "IT audit"
    _inherit = [
        "msp.customer.mixin",
        "msp.it.audit.input.limits",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _order = "date_planned desc, id desc"

    name = fields.Char(
        string="Reference", required=True, copy=False, readonly=True, default="New", index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    lead_id = fields.Many2one(
        "crm.lead",
        string="Opportunity",
        index="btree_not_null",
        tracking=True,
        check_company=True,
    )
    salesperson_id = fields.Many2one(
        related="lead_id.user_id", string="Salesperson", store=True, index="btree_not_null"
    )
    user_id = fields.Many2one(
        "res.users",
        string="Auditor",
        tracking=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
    )
    date_planned = fields.Datetime(string="Planned on", tracking=True)
    date_start = fields.Date(string="Started on", tracking=True)
    date_end = fields.Date(string="Finished on", tracking=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("scheduled", "Scheduled"),
            ("in_progress", "In progress"),
            ("done", "Done"),
            ("proposed", "Proposed"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
        group_expand="_group_expand_states",
    )
    template_id = fields.Many2one(
        "msp.audit.template", string="Checklist", check_company=True, tracking=True
    )
    check_line_ids = fields.One2many("msp.audit.check", "audit_id", string="Checks", copy=True)
    asset_ids = fields.Many2many(
        "msp.asset", "msp_asset_msp_audit_rel", "audit_id", "asset_id", string="Assets"
    )
    finding_ids = fields.One2many("msp.audit.finding", "audit_id", string="Findings")
    executive_summary = fields.Html()
    user_count = fields.Integer(
        string="Users", help="People the customer has: the quantity of the per-user line."
    )
    is_published = fields.Boolean(
        string="Published",
        tracking=True,
        copy=False,
        help="The customer's portal users may read a published audit, its findings and assets.",
    )
    risk_score = fields.Integer(
        compute="_compute_risk_score",
        store=True,
        aggregator="avg",
        help="0 (no known risk) to 100; see docs/it-audit.md for the formula.",
    )
    checklist_risk = fields.Float(compute="_compute_risk_score", store=True, aggregator="avg")
    findings_risk = fields.Float(compute="_compute_risk_score", store=True, aggregator="avg")
    sale_order_ids = fields.One2many("sale.order", "msp_audit_id", string="Quotations")
    sale_order_count = fields.Integer(compute="_compute_counts", string="Quotation count")
    asset_count = fields.Integer(compute="_compute_counts")
    finding_count = fields.Integer(compute="_compute_counts")
    check_progress = fields.Float(compute="_compute_counts", string="Checked (%)")
    remediation_amount = fields.Monetary(
        compute="_compute_counts",
        string="Accepted remediation",
        help="The price of the findings the customer accepted.",
    )

    _risk_score_range = models.Constraint(
        "CHECK(risk_score BETWEEN 0 AND 100)", "The risk score is between 0 and 100."
    )
    _user_count_positive = models.Constraint(
        "CHECK(user_count >= 0)", "The number of users cannot be negative."
    )

    @api.model
    def _group_expand_states(self, states, domain):
        """Kanban columns: the stages of the flow, and Cancelled only when it has audits."""
        flow = ["draft", "scheduled", "in_progress", "done", "proposed"]
        return flow + [state for state in states if state not in flow]

    # ------------------------------------------------------------------
    # Computes and constraints
    # ------------------------------------------------------------------

    @api.depends(
        "finding_ids.severity",
        "finding_ids.state",
        "check_line_ids.result",
        "check_line_ids.weight",
    )
    def _compute_risk_score(self):
        for audit in self:
            score, checklist, findings = audit._risk_score_parts()
            audit.risk_score = score
            audit.checklist_risk = checklist
            audit.findings_risk = findings

    def _risk_score_parts(self):
        """(score, checklist part, findings part), each from 0 to 100.

        findings = 100 x (1 - product of (1 - p)) over unresolved findings, p by severity;
        checklist = 100 x sum(weight x result share) / sum(weight) over evaluated checks;
        score = 0.6 x findings + 0.4 x checklist, or findings alone with no evaluated check.
        """
        self.ensure_one()
        safe = 1.0
        for finding in self.finding_ids:
            if finding.state != "resolved" and finding.severity:
                safe *= 1.0 - SEVERITY_RISK[finding.severity]
        findings = 100.0 * (1.0 - safe)
        evaluated = self.check_line_ids.filtered(lambda c: c.result in CHECK_RISK)
        total_weight = sum(evaluated.mapped("weight"))
        if not total_weight:
            return round(findings), 0.0, findings
        checklist = 100.0 * sum(c.weight * CHECK_RISK[c.result] for c in evaluated) / total_weight
        score = FINDINGS_SHARE * findings + (1.0 - FINDINGS_SHARE) * checklist
        return min(100, max(0, math.floor(score + 0.5))), checklist, findings

    @api.depends(
        "asset_ids",
        "finding_ids.state",
        "finding_ids.price",
        "sale_order_ids",
        "check_line_ids.result",
    )
    def _compute_counts(self):
        for audit in self:
            audit.sale_order_count = len(audit.sale_order_ids)
            audit.asset_count = len(audit.asset_ids)
            audit.finding_count = len(audit.finding_ids)
            lines = audit.check_line_ids
            done = lines.filtered(lambda c: c.result != "todo")
            audit.check_progress = 100.0 * len(done) / len(lines) if lines else 0.0
            audit.remediation_amount = sum(
                audit.finding_ids.filtered(lambda f: f.state == "accepted").mapped("price")
            )

    @api.constrains("asset_ids", "partner_id")
    def _check_assets_customer(self):
        check_same_customer(self, "asset_ids", "partner_id")

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for audit in self:
            if audit.date_start and audit.date_end and audit.date_end < audit.date_start:
                raise ValidationError(
                    self.env._(
                        "Audit %(name)s cannot finish (%(end)s) before it starts (%(start)s).",
                        name=audit.name,
                        end=audit.date_end,
                        start=audit.date_start,
                    )
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        self._check_auditor_assignment(vals_list)
        for vals in vals_list:
            if vals.get("name", "New") == "New":
                vals["name"] = self.env["ir.sequence"].next_by_code("msp.audit") or "New"
        return super().create(vals_list)

    @api.model
    def _check_auditor_assignment(self, vals_list):
        """An auditor creates audits for themselves or for nobody (the record rule
        msp_audit_rule_user): say so before the insert, naming the field, instead of the
        access error Odoo raises once the audit is written."""
        if self.env.su or self.env.user.has_group("msp_it_audit.msp_it_audit_group_manager"):
            return
        for vals in vals_list:
            auditor, lead_id = vals.get("user_id", self.env.uid), vals.get("lead_id")
            if not is_record_id(auditor) or auditor == self.env.uid:
                continue  # no auditor, or not an id: the relation check that follows says so
            # sudo: whose opportunity it is, not what it says
            lead = self.env["crm.lead"].sudo().browse(lead_id if is_record_id(lead_id) else [])
            if lead.exists().user_id != self.env.user:
                raise AccessError(
                    self.env._(
                        "Auditor (user_id): you may create audits for yourself or for nobody, "
                        "not for another user (id %(user)s). An IT audit administrator "
                        "assigns audits to other auditors.",
                        user=auditor,
                    )
                )

    # ------------------------------------------------------------------
    # Stages
    # ------------------------------------------------------------------

    def action_schedule(self):
        for audit in self:
            if not (audit.user_id and audit.date_planned):
                raise UserError(
                    self.env._(
                        "Set the auditor and the planned date of %(name)s before scheduling it.",
                        name=audit.name,
                    )
                )
            audit.state = "scheduled"
            audit._schedule_auditor_activity()

    def _schedule_auditor_activity(self):
        for audit in self:
            audit.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=fields.Date.to_date(audit.date_planned or fields.Date.today()),
                summary=self.env._("IT audit of %(customer)s", customer=audit.partner_id.name),
                user_id=audit.user_id.id,
            )

    def action_start(self):
        for audit in self:
            if audit.state not in ("draft", "scheduled"):
                raise UserError(
                    self.env._(
                        "Only a draft or scheduled audit can start (%(name)s).", name=audit.name
                    )
                )
            audit.write({"state": "in_progress", "date_start": fields.Date.context_today(audit)})
            if not audit.check_line_ids:
                audit.action_load_checklist()

    def action_done(self):
        for audit in self:
            if audit.state != "in_progress":
                raise UserError(
                    self.env._("Only an audit in progress can be done (%(name)s).", name=audit.name)
                )
            audit.write({"state": "done", "date_end": fields.Date.context_today(audit)})

    def action_cancel(self):
        self.write({"state": "cancelled"})

    def action_draft(self):
        self.write({"state": "draft"})

    def action_load_checklist(self):
        """Add to each audit the checks of its checklist it does not have yet."""
        for audit in self:
            if not audit.template_id:
                raise UserError(
                    self.env._("Choose a checklist for %(name)s first.", name=audit.name)
                )
            present = audit.check_line_ids.item_id
            audit.check_line_ids = [
                Command.create(item._prepare_check_values())
                for item in audit.template_id.item_ids
                if item not in present
            ]

    def action_publish(self):
        self.write({"is_published": True})

    def action_unpublish(self):
        self.write({"is_published": False})

    def action_check_eol(self):
        """Set end-of-life dates on the audit's assets and raise findings for those past it."""
        eol_entries = self.env["msp.eol.entry"].search([("active", "=", True)])
        for audit in self:
            changed = defaultdict(lambda: self.env["msp.asset"])
            for asset in audit.asset_ids:
                entry = eol_entries._match(audit._os_string(asset.os_name, asset.os_version))
                if entry and asset.eol_date != entry.eol_date:
                    changed[entry.eol_date] |= asset
            for eol_date, assets in changed.items():
                assets.eol_date = eol_date
            hosts = [(asset, None) for asset in audit.asset_ids]
            audit._upsert_findings(audit._eol_finding_specs(hosts, eol_entries))

    # ------------------------------------------------------------------
    # Smart buttons
    # ------------------------------------------------------------------

    @api.model
    def _window_action(self, xmlid, domain, context):
        """The window action ``xmlid`` narrowed to ``domain`` (the smart buttons' step)."""
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action.update(domain=domain, context=context)
        return action

    def action_view_assets(self):
        self.ensure_one()
        return self._window_action(
            "msp_it_audit.msp_asset_action",
            [("audit_ids", "in", self.ids)],
            {"default_partner_id": self.partner_id.id},
        )

    def action_view_findings(self):
        self.ensure_one()
        return self._window_action(
            "msp_it_audit.msp_audit_finding_action",
            [("audit_id", "=", self.id)],
            {"default_audit_id": self.id},
        )

    def action_view_quotations(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale.action_quotations_with_onboarding"
        )
        action["domain"] = [("msp_audit_id", "=", self.id)]
        action["context"] = {"create": False}
        if len(self.sale_order_ids) == 1:
            action.update(views=[(False, "form")], res_id=self.sale_order_ids.id)
        return action

    def action_open_import_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Import a scan"),
            "res_model": "msp.audit.import.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_audit_id": self.id},
        }

    # ------------------------------------------------------------------
    # Imports (public: documented in docs/it-audit.md, callable over RPC)
    # ------------------------------------------------------------------

    def import_nmap_xml(self, file_b64, filename=None):
        """Import an Nmap XML scan (``nmap -oX``), given as base64, into this audit.

        Returns the counts: assets created, updated, unchanged and skipped, findings created
        and updated. A refused file raises a UserError and imports nothing.
        """
        return self._import_file(parse_nmap_xml, "nmap", file_b64, filename)

    def import_glpi_inventory(self, file_b64, filename=None):
        """Import a GLPI-agent JSON inventory (one inventory or a list), given as base64."""
        return self._import_file(parse_glpi_inventory, "glpi", file_b64, filename)

    @api.model
    def _import_max_bytes(self):
        # sudo: reading one technical setting, no user data
        value = self.env["ir.config_parameter"].sudo().get_param("msp_it_audit.import_max_bytes")
        try:
            return int(value) if value else DEFAULT_IMPORT_MAX_BYTES
        except ValueError:
            return DEFAULT_IMPORT_MAX_BYTES

    def _import_file(self, parser, source, file_b64, filename):
        self.ensure_one()
        self.check_access("write")
        filename = file_label(filename)
        if self.state in ("proposed", "cancelled"):
            raise UserError(
                self.env._(
                    "Audit %(name)s is %(state)s: reset it to draft before importing into it.",
                    name=self.name,
                    state=dict(self._fields["state"]._description_selection(self.env))[self.state],
                )
            )
        try:
            hosts = parser(decode_base64_file(file_b64, self._import_max_bytes()))
        except ScanFileError as error:
            raise UserError(self._scan_error_message(error, filename)) from error
        # everything is parsed before anything is written; the savepoint keeps a failure
        # while writing from leaving half an import behind, even if the caller goes on
        try:
            with self.env.cr.savepoint():
                stats = self._import_hosts(hosts, source)
        except ValidationError as error:
            # a value out of its range (docs/it-audit.md, "Input limits"), the device named
            raise ValidationError(self._refused_file_message(error.args[0], filename)) from error
        self._post_import_message(stats, source, filename)
        return stats

    def _scan_error_message(self, error, filename):
        params = error.params
        messages = {
            "empty": self.env._("The file is empty."),
            "not_base64": self.env._("The file could not be read: it is not valid base64."),
            "too_large": self.env._(
                "The file is %(size)s bytes; imports are limited to %(limit)s bytes (system "
                "parameter msp_it_audit.import_max_bytes). Split the scan into smaller ones.",
                size=params.get("size"),
                limit=params.get("limit"),
            ),
            "entity": self.env._(
                "The file declares XML entities (<!ENTITY ...>). Scan files never do: such "
                "files are used for XXE and 'billion laughs' attacks, so it was refused."
            ),
            "doctype": self.env._(
                "The file has a document type declaration other than Nmap's own "
                "<!DOCTYPE nmaprun> (an external or internal DTD). It was refused: DTDs are "
                "never loaded and no network access is made."
            ),
            "malformed": self.env._(
                "The file is not well-formed and was refused (%(detail)s). Export it again "
                "from the scanner.",
                detail=params.get("detail", ""),
            ),
            "truncated": self.env._(
                "The Nmap file ends before the scan's summary (<runstats>): the scan was "
                "interrupted or the file is cut short. Run or copy it again."
            ),
            "wrong_root": self.env._(
                "This is not the expected kind of file: expected %(expected)s, found "
                "'%(found)s'. Use the import that matches the file (Nmap XML or GLPI JSON).",
                expected=params.get("expected"),
                found=params.get("found"),
            ),
            "too_deep": self.env._(
                "The file nests data deeper than %(limit)s levels and was refused.",
                limit=params.get("limit"),
            ),
        }
        return self._refused_file_message(
            messages.get(error.code, self.env._("The file was refused.")), filename
        )

    def _refused_file_message(self, message, filename):
        if filename:
            message = self.env._("%(file)s: %(message)s", file=filename, message=message)
        return message + "\n" + self.env._("Nothing was imported.")

    @api.model
    def _os_string(self, os_name, os_version):
        return " ".join(part for part in (os_name, os_version) if part)

    def _prepare_asset_values(self, host, source, eol_entries):
        """Asset values from a parser's host record (the import's overridable step)."""
        self.ensure_one()
        ips = host["ip_addresses"]
        # the first IPv4 address, else IPv6; one unique to the device (not 127.0.0.1,
        # link-local...) before any other
        ordered = sorted(ips, key=lambda ip: (not normalize_ip_key(ip), ":" in ip))
        vals = {
            "name": host["name"] or (ips[:1] or [""])[0],
            "kind": host["kind"] or "workstation",
            "hostname": host["hostname"],
            "ip_address": (ordered or [""])[0],
            "ip_addresses": ", ".join(ips),
            "mac_address": host["mac_address"],
            "serial_number": host["serial_number"],
            "manufacturer": host["manufacturer"],
            "hardware_model": host["hardware_model"],
            "os_name": host["os_name"],
            "os_version": host["os_version"],
        }
        entry = eol_entries._match(self._os_string(host["os_name"], host["os_version"]))
        vals["eol_date"] = entry.eol_date if entry else False
        return vals

    def _import_hosts(self, hosts, source):
        """Create or update the assets of parsed hosts, then raise their findings.

        Returns the counts. Assets are matched with msp.asset._find_match (serial number,
        MAC address, host name, IP address, in that order): see msp.asset._upsert_assets.
        """
        self.ensure_one()
        Asset = self.env["msp.asset"]
        eol_entries = self.env["msp.eol.entry"].search([("active", "=", True)])
        live = [host for host in hosts if not host.get("down")]
        records = [
            (self._prepare_asset_values(host, source, eol_entries), host["software"])
            for host in live
        ]
        source_vals = {
            "source": source,
            "source_audit_id": self.id,
            "source_date": fields.Datetime.now(),
        }
        stats, assets = Asset._upsert_assets(self.partner_id, self.company_id, records, source_vals)
        stats["skipped"] += len(hosts) - len(live)
        found = Asset.browse(sorted({asset.id for asset in assets if asset}))
        missing = found - self.asset_ids
        if missing:
            self.asset_ids = [Command.link(asset.id) for asset in missing]
        pairs = [(asset, host) for asset, host in zip(assets, live, strict=True) if asset]
        specs = self._rule_finding_specs(pairs) + self._eol_finding_specs(pairs, eol_entries)
        created, updated = self._upsert_findings(specs)
        stats["findings_created"], stats["findings_updated"] = created, updated
        return stats

    def _rule_finding_specs(self, pairs):
        """Findings raised by the scan rules on the open services of the hosts."""
        rules = self.env["msp.audit.scan.rule"].search([("active", "=", True)])
        specs = {}
        for asset, host in pairs:
            for service in (host or {}).get("services", []):
                for rule in rules:
                    if not rule._matches(service, host.get("host_scripts", {})):
                        continue
                    spec = specs.setdefault(
                        rule.id,
                        {
                            "source_key": f"rule:{rule.id}",
                            "vals": {
                                "name": rule.finding_title,
                                "area": rule.area,
                                "severity": rule.severity,
                                "description": rule.description,
                                "recommendation": rule.recommendation,
                                "product_id": rule.product_id.id,
                                "estimated_hours": rule.estimated_hours,
                                "source": "scan",
                                "rule_id": rule.id,
                            },
                            "asset_ids": set(),
                            "evidence": set(),
                        },
                    )
                    spec["asset_ids"].add(asset.id)
                    spec["evidence"].add(
                        f"{asset.name} {service['port']}/{service['protocol']} "
                        f"{service['service']} {service['product']} {service['version']}".strip()
                    )
        return list(specs.values())

    def _eol_finding_specs(self, pairs, eol_entries):
        """Findings for assets whose operating system is past its end of life."""
        reference = self.date_start or fields.Date.context_today(self)
        specs = {}
        for asset, _host in pairs:
            entry = eol_entries._match(self._os_string(asset.os_name, asset.os_version))
            if not entry or entry.eol_date > reference:
                continue
            spec = specs.setdefault(
                entry.id,
                {
                    "source_key": f"eol:{entry.id}",
                    "vals": {
                        "name": self.env._(
                            "%(release)s is past its end of life", release=entry.name
                        ),
                        "area": "endpoint",
                        "severity": entry.severity,
                        "description": self.env._(
                            "The vendor stopped supporting %(release)s on %(date)s: no more "
                            "security updates.",
                            release=entry.name,
                            date=entry.eol_date,
                        ),
                        "recommendation": entry.recommendation,
                        "product_id": entry.product_id.id,
                        "estimated_hours": entry.estimated_hours,
                        "source": "eol",
                        "eol_entry_id": entry.id,
                    },
                    "asset_ids": set(),
                    "evidence": set(),
                },
            )
            spec["asset_ids"].add(asset.id)
            spec["evidence"].add(
                f"{asset.name}: {self._os_string(asset.os_name, asset.os_version)}"
            )
        return list(specs.values())

    def _upsert_findings(self, specs):
        """Create the findings of ``specs`` or add their assets and evidence to existing ones.

        A finding is identified in its audit by its source key (one per scan rule, one per
        end-of-life release), so importing again adds nothing that is already there.
        Returns (created, updated).
        """
        self.ensure_one()
        if not specs:
            return 0, 0
        Finding = self.env["msp.audit.finding"]
        existing = {
            f.source_key: f
            for f in Finding.search(
                [
                    ("audit_id", "=", self.id),
                    ("source_key", "in", [s["source_key"] for s in specs]),
                ]
            )
        }
        to_create, updated = [], 0
        for spec in specs:
            finding = existing.get(spec["source_key"])
            if not finding:
                to_create.append(
                    {
                        **{k: v for k, v in spec["vals"].items() if v},
                        "audit_id": self.id,
                        "source_key": spec["source_key"],
                        "asset_ids": [Command.set(sorted(spec["asset_ids"]))],
                        "evidence": "\n".join(sorted(spec["evidence"])),
                    }
                )
                continue
            vals = {}
            new_assets = spec["asset_ids"] - set(finding.asset_ids.ids)
            if new_assets:
                vals["asset_ids"] = [Command.link(a) for a in sorted(new_assets)]
            lines = set((finding.evidence or "").splitlines())
            if not spec["evidence"] <= lines:
                vals["evidence"] = "\n".join(sorted(lines | spec["evidence"]))
            if vals:
                finding.write(vals)
                updated += 1
        if to_create:
            Finding.with_context(mail_create_nolog=True, tracking_disable=True).create(to_create)
        return len(to_create), updated

    @api.model
    def _import_summary(self, stats):
        """What an import did, in one sentence (the chatter and the import dialog show it)."""
        return self.env._(
            "Assets: %(created)s created, %(updated)s updated, %(unchanged)s unchanged, "
            "%(skipped)s skipped. Findings: %(fcreated)s raised, %(fupdated)s updated.",
            created=stats["created"],
            updated=stats["updated"],
            unchanged=stats["unchanged"],
            skipped=stats["skipped"],
            fcreated=stats["findings_created"],
            fupdated=stats["findings_updated"],
        )

    def _post_import_message(self, stats, source, filename):
        label = {"nmap": self.env._("Nmap scan"), "glpi": self.env._("GLPI inventory")}[source]
        self.message_post(
            body=self.env._(
                "%(label)s %(file)s imported. %(summary)s",
                label=label,
                file=filename or "",
                summary=self._import_summary(stats),
            )
        )

    # ------------------------------------------------------------------
    # Proposal
    # ------------------------------------------------------------------

    def action_create_proposal(self):
        """Create the quotation of a done audit, link it and update the opportunity."""
        if len(self) != 1:
            raise UserError(
                self.env._(
                    "Create the proposal of one audit at a time (ids: one audit), not of "
                    "%(count)s.",
                    count=len(self),
                )
            )
        if self.state != "done":
            raise UserError(
                self.env._(
                    "Finish audit %(name)s (mark it done) before creating its proposal.",
                    name=self.name,
                )
            )
        if self.sale_order_ids.filtered(lambda o: o.state != "cancel"):
            raise UserError(
                self.env._(
                    "Audit %(name)s already has a quotation. Cancel it to create a new one.",
                    name=self.name,
                )
            )
        order = self.env["sale.order"].create(self._prepare_proposal_values())
        self.state = "proposed"
        self._update_opportunity_revenue(order)
        self.message_post(
            body=self.env._("Proposal %(order)s created.", order=order._get_html_link())
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": order.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def _prepare_proposal_values(self):
        self.ensure_one()
        products = self.env["msp.audit.pricing"]._by_basis(self.company_id)
        lines = self._prepare_remediation_lines(products) + self._prepare_service_lines(products)
        # sudo: the auditor may not read another salesperson's lead; only its team and
        # salesperson are used
        lead = self.lead_id.sudo()
        values = {
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "opportunity_id": self.lead_id.id,
            "team_id": lead.team_id.id or False,
            "msp_audit_id": self.id,
            "origin": self.name,
            "order_line": [Command.create(vals) for vals in lines],
        }
        if lead.user_id:
            # the opportunity's salesperson sells the proposal (the auditor keeps access to it)
            values["user_id"] = lead.user_id.id
        return values

    def _prepare_remediation_lines(self, products):
        """One-time lines: one per accepted finding, under a section."""
        findings = self.finding_ids.filtered(lambda f: f.state == "accepted").sorted(
            lambda f: (f._severity_rank(), f.id)
        )
        if not findings:
            return []
        default = products.get("remediation")
        lines = [{"display_type": "line_section", "name": self.env._("Remediation (one-time)")}]
        for finding in findings:
            product = finding.product_id or default
            if not product:
                raise UserError(
                    self.env._(
                        "Finding '%(finding)s' has no remediation product and no default one "
                        "is configured (IT Audit > Configuration > Proposal pricing).",
                        finding=finding.name,
                    )
                )
            lines.append(finding._prepare_sale_line_values(product))
        return lines

    def _prepare_service_lines(self, products):
        """Recurring lines: devices per kind and users, priced by the pricing table."""
        assets_by_product = defaultdict(lambda: self.env["msp.asset"])
        for asset in self.asset_ids.filtered(lambda a: a.state != "retired"):
            product = products.get(asset.kind)
            if product:
                assets_by_product[product] |= asset
        lines = []
        for product, assets in sorted(assets_by_product.items(), key=lambda p: p[0].id):
            lines.append(
                {
                    "product_id": product.id,
                    "product_uom_qty": len(assets),
                    "msp_asset_ids": [Command.set(assets.ids)],
                    "msp_is_recurring": True,
                }
            )
        if self.user_count and products.get("user"):
            lines.append(
                {
                    "product_id": products["user"].id,
                    "product_uom_qty": self.user_count,
                    "msp_is_recurring": True,
                }
            )
        if lines:
            lines.insert(
                0,
                {
                    "display_type": "line_section",
                    "name": self.env._("Managed services (monthly)"),
                },
            )
        return lines

    def _update_opportunity_revenue(self, order):
        """Expected revenue = the quotation's untaxed total; recurring revenue = its monthly
        managed-service lines (on the monthly plan when it exists)."""
        self.ensure_one()
        if not self.lead_id:
            return
        monthly = sum(
            order.order_line.filtered(lambda line: line.msp_is_recurring).mapped("price_subtotal")
        )
        vals = {"expected_revenue": order.amount_untaxed, "recurring_revenue": monthly}
        plan = self.env.ref("crm.crm_recurring_plan_monthly", raise_if_not_found=False)
        if monthly and plan:
            vals["recurring_plan"] = plan.id
        # sudo: the auditor may create the proposal of a lead another salesperson owns; only
        # the two revenue figures computed above are written
        self.lead_id.sudo().write(vals)

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("IT audit %(name)s", name=self.name)

    # ------------------------------------------------------------------
    # Report helpers
    # ------------------------------------------------------------------

    def _report_asset_summary(self):
        """Rows for the report: per kind, the count, past end of life, EOL within a year,
        warranty expired and older than five years."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        soon = today + timedelta(days=365)
        kinds = dict(self.env["msp.asset"]._fields["kind"]._description_selection(self.env))
        rows = {}
        for asset in self.asset_ids.filtered(lambda a: a.state != "retired"):
            row = rows.setdefault(
                asset.kind,
                {
                    "kind": kinds[asset.kind],
                    "count": 0,
                    "eol": 0,
                    "eol_soon": 0,
                    "warranty": 0,
                    "old": 0,
                },
            )
            row["count"] += 1
            if asset.eol_date and asset.eol_date <= today:
                row["eol"] += 1
            elif asset.eol_date and asset.eol_date <= soon:
                row["eol_soon"] += 1
            if asset.warranty_end_date and asset.warranty_end_date < today:
                row["warranty"] += 1
            if asset.purchase_date and (today - asset.purchase_date).days > 5 * 365:
                row["old"] += 1
        return [rows[key] for key in sorted(rows, key=lambda k: kinds[k])]

    def _report_findings_by_severity(self):
        """[(severity label, findings)] from critical to info, unresolved findings only."""
        self.ensure_one()
        Finding = self.env["msp.audit.finding"]
        labels = dict(Finding._fields["severity"]._description_selection(self.env))
        groups = []
        for severity in ("critical", "high", "medium", "low", "info"):
            findings = self.finding_ids.filtered(
                lambda f, s=severity: f.severity == s and f.state != "resolved"
            )
            if findings:
                groups.append((labels[severity], findings))
        return groups
