# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .selections import SEVERITIES


class MspEolEntry(models.Model):
    """One operating system release and the date its vendor stops supporting it.

    An asset whose "operating system + version" matches the pattern gets the date as its
    end of life; past that date an import or the "Check end of life" button raises a finding.
    The first matching entry in sequence order wins, so specific patterns come first.
    """

    _name = "msp.eol.entry"
    _inherit = ["msp.it.audit.input.limits"]
    _description = "Operating system end of life"
    _order = "sequence, id"

    name = fields.Char(required=True, help="The release, e.g. Windows Server 2012 R2.")
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    family = fields.Selection(
        [
            ("windows", "Windows"),
            ("windows_server", "Windows Server"),
            ("macos", "macOS"),
            ("linux", "Linux"),
            ("esxi", "VMware ESXi"),
            ("other", "Other"),
        ],
        required=True,
        default="other",
    )
    pattern = fields.Char(
        required=True,
        help="A regular expression (case-insensitive) searched in the asset's operating "
        "system name followed by its version, e.g. 'windows server 2012'.",
    )
    eol_date = fields.Date(string="End of life", required=True)
    severity = fields.Selection(SEVERITIES, required=True, default="high")
    recommendation = fields.Text()
    product_id = fields.Many2one("product.product", string="Remediation product")
    estimated_hours = fields.Float(default=2.0)

    @api.constrains("pattern")
    def _check_pattern(self):
        for entry in self:
            try:
                re.compile(entry.pattern)
            except re.error as exc:
                raise ValidationError(
                    self.env._(
                        "The pattern of '%(name)s' is not a valid regular expression: %(error)s",
                        name=entry.name,
                        error=exc,
                    )
                ) from exc

    def _match(self, os_string):
        """The first entry of ``self`` (in sequence order) whose pattern is in ``os_string``."""
        if not os_string:
            return self.browse()
        for entry in self.sorted(lambda e: (e.sequence, e.id)):
            if re.search(entry.pattern, os_string, re.IGNORECASE):
                return entry
        return self.browse()
