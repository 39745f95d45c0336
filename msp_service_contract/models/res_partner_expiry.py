# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    msp_expiry_count = fields.Integer(string="Expiries", compute="_compute_msp_expiry_count")

    def _compute_msp_expiry_count(self):
        counts = self.env["msp.expiry.item"]._msp_count_by(
            [("partner_id", "in", self.commercial_partner_id.ids)], "partner_id"
        )
        for partner in self:
            partner.msp_expiry_count = counts.get(partner.commercial_partner_id, 0)

    def action_msp_view_expiries(self):
        """The customer's watched expiries, soonest first."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Expiries"),
            "res_model": "msp.expiry.item",
            "view_mode": "list,form",
            "domain": [("partner_id", "=", self.commercial_partner_id.id)],
            "context": {"default_partner_id": self.commercial_partner_id.id},
        }
