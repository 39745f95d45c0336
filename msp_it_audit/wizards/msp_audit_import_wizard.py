# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class MspAuditImportWizard(models.TransientModel):
    _name = "msp.audit.import.wizard"
    _inherit = ["msp.it.audit.input.limits"]
    _description = "Import a scan or an inventory into an IT audit"

    audit_id = fields.Many2one("msp.audit", required=True, ondelete="cascade")
    file_format = fields.Selection(
        [("nmap", "Nmap XML (nmap -oX)"), ("glpi", "GLPI-agent inventory (JSON)")],
        required=True,
        default="nmap",
    )
    file = fields.Binary(required=True)
    filename = fields.Char()
    result = fields.Text(readonly=True)
    state = fields.Selection([("upload", "Upload"), ("done", "Done")], default="upload")

    @api.onchange("filename")
    def _onchange_filename(self):
        if self.filename and self.filename.lower().endswith(".json"):
            self.file_format = "glpi"
        elif self.filename and self.filename.lower().endswith(".xml"):
            self.file_format = "nmap"

    def action_import(self):
        self.ensure_one()
        method = {
            "nmap": self.audit_id.import_nmap_xml,
            "glpi": self.audit_id.import_glpi_inventory,
        }[self.file_format]
        stats = method(self.file, filename=self.filename)
        self.write(
            {
                "state": "done",
                "result": self.audit_id._import_summary(stats),
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }
