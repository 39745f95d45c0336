# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from .msp_customer_mixin import check_same_customer


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

    @api.constrains("msp_audit_id", "partner_id")
    def _check_msp_audit_customer(self):
        check_same_customer(self, "msp_audit_id", "partner_id")
