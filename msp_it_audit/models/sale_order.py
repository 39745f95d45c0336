# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    msp_audit_id = fields.Many2one(
        "msp.audit",
        string="IT audit",
        index="btree_not_null",
        copy=False,
        readonly=True,
        check_company=True,
        help="The audit this proposal was made from.",
    )
