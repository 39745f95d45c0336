# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from .msp_customer_mixin import check_same_customer


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    msp_finding_id = fields.Many2one(
        "msp.audit.finding",
        string="Finding",
        index="btree_not_null",
        copy=False,
        readonly=True,
        help="The accepted finding this one-time remediation line comes from.",
    )
    msp_asset_ids = fields.Many2many(
        "msp.asset",
        "sale_order_line_msp_asset_rel",
        "line_id",
        "asset_id",
        string="Assets",
        copy=False,
        help="The assets this line covers or remediates.",
    )
    msp_is_recurring = fields.Boolean(
        string="Managed service",
        copy=False,
        readonly=True,
        help="A monthly managed-service line of an audit's proposal.",
    )

    @api.constrains("msp_finding_id", "order_id")
    def _check_msp_finding_customer(self):
        check_same_customer(self, "msp_finding_id", "order_id.partner_id", "audit_id.partner_id")

    @api.constrains("msp_asset_ids", "order_id")
    def _check_msp_assets_customer(self):
        check_same_customer(self, "msp_asset_ids", "order_id.partner_id")
