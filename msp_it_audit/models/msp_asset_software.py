# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class MspAssetSoftware(models.Model):
    _name = "msp.asset.software"
    _inherit = ["msp.it.audit.input.limits"]
    _description = "Software installed on an asset"
    _order = "asset_id, name, version, id"

    asset_id = fields.Many2one("msp.asset", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="asset_id.company_id", store=True)
    name = fields.Char(required=True)
    version = fields.Char()
    publisher = fields.Char()
