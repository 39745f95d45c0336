# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class MspAsset(models.Model):
    """Assets feed the expiry watch: their warranty end and their end of life."""

    _name = "msp.asset"
    _inherit = ["msp.asset", "msp.expiry.source.mixin"]

    _msp_expiry_fields = (
        "name",
        "warranty_end_date",
        "eol_date",
        "state",
        "active",
        "partner_id",
        "company_id",
    )

    def _msp_expiry_sources(self):
        sources = super()._msp_expiry_sources()
        for asset in self:
            watched = asset.active and asset.state != "retired"
            for key, kind, date, label in (
                ("warranty", "warranty", asset.warranty_end_date, self.env._("warranty")),
                ("eol", "eol", asset.eol_date, self.env._("end of life")),
            ):
                sources.append(
                    {
                        "res_id": asset.id,
                        "key": key,
                        "kind": kind,
                        "name": f"{asset.name}: {label}",
                        "expiry_date": watched and date,
                        "partner_id": asset.partner_id.id,
                        "company_id": asset.company_id.id,
                    }
                )
        return sources
