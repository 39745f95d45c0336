# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.addons.msp_it_audit.models.msp_asset import ASSET_KINDS

from .msp_service_plan import BILLING_MODES


class ContractLine(models.Model):
    _inherit = "contract.line"

    msp_billing_mode = fields.Selection(BILLING_MODES, string="Billing Mode")
    msp_asset_kind = fields.Selection(ASSET_KINDS, string="Device Kind")
    msp_trueup_snapshot = fields.Char(
        copy=False, help="Ids of what the line counted at the last true-up."
    )

    def _msp_snapshot_records(self):
        self.ensure_one()
        ids = [int(i) for i in (self.msp_trueup_snapshot or "").split(",") if i]
        model = "msp.asset" if self.msp_billing_mode == "per_device" else "res.partner"
        return self.env[model].browse(ids).exists()
