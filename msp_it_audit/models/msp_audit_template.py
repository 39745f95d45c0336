# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class MspAuditTemplate(models.Model):
    _name = "msp.audit.template"
    _inherit = ["msp.it.audit.input.limits"]
    _description = "IT audit checklist"
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one("res.company", help="Empty: shared by every company.")
    description = fields.Text(translate=True)
    item_ids = fields.One2many("msp.audit.template.item", "template_id", string="Checks", copy=True)
    item_count = fields.Integer(compute="_compute_item_count")

    @api.depends("item_ids")
    def _compute_item_count(self):
        for template in self:
            template.item_count = len(template.item_ids)
