# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    msp_contract_ids = fields.One2many(
        "contract.contract",
        "commercial_partner_id",
        string="Service Contracts",
        domain=[("contract_type", "=", "sale")],
    )
