# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    msp_audit_ids = fields.One2many("msp.audit", "lead_id", string="IT audits")
    msp_audit_count = fields.Integer(
        compute="_compute_msp_counts", groups="sales_team.group_sale_salesman"
    )
    msp_asset_count = fields.Integer(
        compute="_compute_msp_counts", groups="sales_team.group_sale_salesman"
    )

    @api.depends("msp_audit_ids", "partner_id")
    def _compute_msp_counts(self):
        Audit, Asset = self.env["msp.audit"], self.env["msp.asset"]
        audits = {}
        if Audit.has_access("read"):
            audits = dict(
                Audit._read_group([("lead_id", "in", self.ids)], ["lead_id"], ["__count"])
            )
        assets = {}
        partners = self.partner_id.commercial_partner_id
        if partners and Asset.has_access("read"):
            assets = dict(
                Asset._read_group([("partner_id", "in", partners.ids)], ["partner_id"], ["__count"])
            )
        for lead in self:
            lead.msp_audit_count = audits.get(lead._origin, 0)
            lead.msp_asset_count = assets.get(lead.partner_id.commercial_partner_id, 0)

    def action_schedule_it_audit(self):
        """Open the dialog that creates the IT audit of this opportunity."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Schedule IT audit"),
            "res_model": "msp.audit.schedule.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_lead_id": self.id},
        }

    def action_view_msp_audits(self):
        self.ensure_one()
        return self.env["msp.audit"]._window_action(
            "msp_it_audit.msp_audit_action",
            [("lead_id", "=", self.id)],
            {
                "default_lead_id": self.id,
                "default_partner_id": self.partner_id.commercial_partner_id.id,
            },
        )

    def action_view_msp_assets(self):
        self.ensure_one()
        return self.partner_id.commercial_partner_id.action_view_msp_assets()
