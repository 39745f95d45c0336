# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import hashlib
import hmac
import secrets

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .msp_sla_target import priority_selection

SOURCE_KINDS = [
    ("alertmanager", "Prometheus Alertmanager"),
    ("grafana", "Grafana Alerting"),
    ("generic", "Generic JSON"),
]
# What a new source maps, until someone edits its lines: the severities Prometheus rules and
# Grafana alert rules use most, to helpdesk_mgmt's priorities ("3" is P1).
DEFAULT_SEVERITIES = [
    ("critical", "3"),
    ("page", "3"),
    ("error", "2"),
    ("high", "2"),
    ("warning", "1"),
    ("info", "0"),
]
# The largest body a source may accept: Alertmanager sends at most a few hundred kB.
MAX_BODY_LIMIT_KB = 16 * 1024


def hash_token(token):
    """The stored form of a bearer token: its SHA-256, hex. Tokens are 256-bit random, so a
    plain hash is enough (no salt or stretching needed for a non-guessable secret)."""
    return hashlib.sha256(token.encode()).hexdigest()


class MspAlertSource(models.Model):
    _name = "msp.alert.source"
    _description = "Alert Source"
    _inherit = ["mail.thread"]
    _order = "name, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    kind = fields.Selection(SOURCE_KINDS, required=True, default="alertmanager", tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    team_id = fields.Many2one(
        "helpdesk.ticket.team",
        string="Team",
        check_company=True,
        tracking=True,
        help="The team the alerts' tickets go to (and its default SLA policy when the customer "
        "has none).",
    )
    token_hash = fields.Char(
        copy=False,
        groups="msp_sla.msp_sla_group_manager",
        help="SHA-256 of the bearer token; the token itself is never stored.",
    )
    token_set = fields.Boolean(string="Token Set", compute="_compute_token_set")
    token_rotated_at = fields.Datetime(string="Token Rotated", readonly=True, copy=False)
    body_limit_kb = fields.Integer(
        string="Body Limit (kB)",
        default=1024,
        required=True,
        help="A webhook call with a larger body is refused (413) before it is read.",
    )
    severity_label = fields.Char(
        default="severity",
        required=True,
        help="The alert label that carries the severity.",
    )
    severity_ids = fields.One2many(
        "msp.alert.severity",
        "source_id",
        string="Severity to Priority",
        copy=True,
        default=lambda self: [
            fields.Command.create({"severity": severity, "priority": priority})
            for severity, priority in DEFAULT_SEVERITIES
        ],
    )
    default_priority = fields.Selection(
        priority_selection,
        required=True,
        default="1",
        help="The ticket priority of an alert whose severity has no line.",
    )
    close_on_resolved = fields.Boolean(
        string="Resolved Closes Untouched Tickets",
        default=True,
        tracking=True,
        help="A 'resolved' notification closes the alert's ticket when no person has touched "
        "it (no message by an internal user, no stage or assignee change by a person). A "
        "touched ticket only gets a note.",
    )
    flap_window_minutes = fields.Integer(
        string="Flapping Window (minutes)",
        default=60,
        required=True,
        help="An alert that fires again within this time after it resolved reopens its "
        "ticket instead of opening a new one.",
    )
    webhook_path = fields.Char(string="Webhook Path", compute="_compute_webhook_path")
    alert_ids = fields.One2many("msp.alert", "source_id", string="Alerts")
    alert_count = fields.Integer(compute="_compute_alert_count")

    _body_limit_range = models.Constraint(
        f"CHECK(body_limit_kb BETWEEN 1 AND {MAX_BODY_LIMIT_KB})",
        f"The body limit of an alert source is in kB, from 1 to {MAX_BODY_LIMIT_KB}.",
    )
    _flap_window_positive = models.Constraint(
        "CHECK(flap_window_minutes >= 0)",
        "The flapping window is a number of minutes, 0 or more (0: never reopen).",
    )

    def _compute_token_set(self):
        # sudo: whether a token exists, not what it is
        for source in self:
            source.token_set = bool(source.sudo().token_hash)

    def _compute_webhook_path(self):
        for source in self:
            source.webhook_path = f"/msp/alerts/{source.id}" if source.id else False

    def _compute_alert_count(self):
        counts = dict(
            self.env["msp.alert"]._read_group(
                [("source_id", "in", self.ids)], ["source_id"], ["__count"]
            )
        )
        for source in self:
            source.alert_count = counts.get(source, 0)

    @api.constrains("severity_label")
    def _check_severity_label(self):
        for source in self:
            if not source.severity_label.strip():
                raise ValidationError(
                    self.env._(
                        "Alert source %(source)s: Severity Label is empty; give the label "
                        "that carries the severity (usually 'severity').",
                        source=source.name,
                    )
                )

    # ------------------------------------------------------------------
    # Token
    # ------------------------------------------------------------------

    def _msp_alert_set_token(self):
        """A new random token for this source: stores its hash, returns the token (the only
        time it exists outside the caller's hands)."""
        self.ensure_one()
        token = secrets.token_urlsafe(32)
        # sudo: the hash field is for SLA administrators, who alone call this (the button)
        self.sudo().write({"token_hash": hash_token(token)})
        self.token_rotated_at = fields.Datetime.now()
        self.message_post(body=self.env._("Token rotated: the previous one no longer works."))
        return token

    def _msp_alert_check_token(self, token):
        """True when ``token`` is this source's token. Compares the hashes in constant time,
        so the answer's timing tells nothing about how much of the token was right."""
        self.ensure_one()
        # sudo: the controller checks a caller's token before anything else
        stored = self.sudo().token_hash
        given = hash_token(token or "")
        # compare even when none is stored, so an unset token costs the same time
        return hmac.compare_digest(given, stored or "") and bool(stored)

    def action_rotate_token(self):
        """The "Rotate token" button: a new token, shown once in a dialog."""
        self.ensure_one()
        token = self._msp_alert_set_token()
        wizard = self.env["msp.alert.token.wizard"].create({"source_id": self.id, "token": token})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New token for %s", self.name),
            "res_model": "msp.alert.token.wizard",
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_view_alerts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("msp_sla.msp_alert_action")
        action["domain"] = [("source_id", "=", self.id)]
        action["context"] = {"default_source_id": self.id}
        return action

    # ------------------------------------------------------------------
    # Mapping
    # ------------------------------------------------------------------

    def _msp_alert_priority(self, labels):
        """The ticket priority of an alert with these labels."""
        self.ensure_one()
        severity = str(labels.get(self.severity_label) or "").strip().lower()
        for line in self.severity_ids:
            if line.severity == severity:
                return line.priority
        return self.default_priority


class MspAlertSeverity(models.Model):
    _name = "msp.alert.severity"
    _description = "Alert Severity to Ticket Priority"
    _order = "source_id, priority desc, severity"

    source_id = fields.Many2one("msp.alert.source", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="source_id.company_id", store=True)
    severity = fields.Char(required=True, help="The severity label's value, in lower case.")
    priority = fields.Selection(priority_selection, required=True, default="1")

    _one_line_per_severity = models.Constraint(
        "UNIQUE(source_id, severity)",
        "An alert source maps each severity once: edit the existing line.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("severity"):
                vals["severity"] = vals["severity"].strip().lower()
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("severity"):
            vals["severity"] = vals["severity"].strip().lower()
        return super().write(vals)
