# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class MspSlaConfigCacheMixin(models.AbstractModel):
    """Clears the SLA engine's caches (policy configuration, business-time windows) when
    what they were computed from changes."""

    _name = "msp.sla.config.cache.mixin"
    _description = "SLA configuration cache invalidation"

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()
        return super().create(vals_list)

    def write(self, vals):
        self.env.registry.clear_cache()
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()
