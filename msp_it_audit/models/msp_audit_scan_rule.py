# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .selections import AREAS, SEVERITIES


class MspAuditScanRule(models.Model):
    """A rule that turns an open service found by a scan into a finding.

    A rule matches an open port when every criterion it sets matches: the service name, the
    port, the protocol, and a script (by id, optionally with a text its output must contain).
    Each rule raises at most one finding per audit, listing every affected asset.
    """

    _name = "msp.audit.scan.rule"
    _inherit = ["msp.it.audit.input.limits"]
    _description = "Scan rule"
    _order = "sequence, id"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    service_name = fields.Char(
        help="Nmap's service name, e.g. telnet, ftp, ms-wbt-server (RDP), snmp."
    )
    port = fields.Integer(default=0, help="0 matches any port.")
    protocol = fields.Selection(
        [("any", "Any"), ("tcp", "TCP"), ("udp", "UDP")], default="any", required=True
    )
    script_id = fields.Char(
        string="Script", help="An Nmap script whose output must be present, e.g. smb-protocols."
    )
    script_output_contains = fields.Char(
        help="Text (case-insensitive) the script's output must contain, e.g. SMBv1."
    )
    finding_title = fields.Char(required=True)
    area = fields.Selection(AREAS, required=True, default="network")
    severity = fields.Selection(SEVERITIES, required=True, default="medium")
    description = fields.Text()
    recommendation = fields.Text()
    product_id = fields.Many2one("product.product", string="Remediation product")
    estimated_hours = fields.Float(default=1.0)

    _port_positive = models.Constraint("CHECK(port >= 0)", "A port number cannot be negative.")

    @api.constrains("service_name", "port", "script_id")
    def _check_has_criterion(self):
        for rule in self:
            if not (rule.service_name or rule.port or rule.script_id):
                raise ValidationError(
                    self.env._(
                        "The scan rule '%(name)s' matches everything: set a service name, a port "
                        "or a script.",
                        name=rule.name,
                    )
                )

    def _matches(self, service, host_scripts):
        """Whether this rule matches one open service of a host (a parser service dict)."""
        self.ensure_one()
        if self.service_name and (service.get("service") or "").lower() != (
            self.service_name.strip().lower()
        ):
            return False
        if self.port and service.get("port") != self.port:
            return False
        if self.protocol != "any" and service.get("protocol") != self.protocol:
            return False
        if self.script_id:
            outputs = {**host_scripts, **service.get("scripts", {})}
            if self.script_id not in outputs:
                return False
            needle = (self.script_output_contains or "").lower()
            if needle and needle not in outputs[self.script_id].lower():
                return False
        return True
