# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    msp_audit_count = fields.Integer(
        compute="_compute_msp_counts", groups="sales_team.group_sale_salesman"
    )
    msp_asset_count = fields.Integer(
        compute="_compute_msp_counts", groups="sales_team.group_sale_salesman"
    )

    @api.depends("commercial_partner_id")
    def _compute_msp_counts(self):
        """Counts of the commercial entity (a contact shows its company's audits and assets)."""
        commercial = self.commercial_partner_id
        counts = {}
        for model in ("msp.audit", "msp.asset"):
            Model = self.env[model]
            counts[model] = (
                dict(
                    Model._read_group(
                        [("partner_id", "in", commercial.ids)], ["partner_id"], ["__count"]
                    )
                )
                if commercial and Model.has_access("read")
                else {}
            )
        for partner in self:
            partner.msp_audit_count = counts["msp.audit"].get(partner.commercial_partner_id, 0)
            partner.msp_asset_count = counts["msp.asset"].get(partner.commercial_partner_id, 0)

    def action_view_msp_audits(self):
        self.ensure_one()
        return self.env["msp.audit"]._window_action(
            "msp_it_audit.msp_audit_action",
            [("partner_id", "=", self.commercial_partner_id.id)],
            {"default_partner_id": self.commercial_partner_id.id},
        )

    def action_view_msp_assets(self):
        self.ensure_one()
        return self.env["msp.audit"]._window_action(
            "msp_it_audit.msp_asset_action",
            [("partner_id", "=", self.commercial_partner_id.id)],
            {"default_partner_id": self.commercial_partner_id.id},
        )
