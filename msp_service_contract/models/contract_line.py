# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.addons.msp_it_audit.models.msp_asset import ASSET_KINDS

from .msp_service_plan import BILLING_MODES


class ContractLine(models.Model):
    _name = "contract.line"
    _inherit = ["contract.line", "msp.input.limits"]
    # Input limits (input_limits.py) on the lines of service contracts: those on a plan.
    _msp_limits_scope = "contract_id.msp_plan_id"

    msp_billing_mode = fields.Selection(BILLING_MODES, string="Billing Mode")
    msp_asset_kind = fields.Selection(ASSET_KINDS, string="Device Kind")
    msp_renewal_price_unit = fields.Float(
        string="Renewal Price", copy=False, help="The price of the next term, once prepared."
    )
    msp_trueup_snapshot = fields.Char(
        copy=False, help="Ids of what the line counted at the last true-up."
    )

    def _msp_portal_name(self):
        """The line's description without the product's internal reference: "[NET-M]
        Managed network" reads "Managed network" for the customer."""
        self.ensure_one()
        name = self.name or ""
        code = self.product_id.default_code
        if code and name.startswith(f"[{code}]"):
            name = name[len(code) + 2 :].lstrip()
        return name

    def _set_recurrence_field(self, field):
        """Do not copy the contract's next invoice date into its lines.

        OCA contract 19.0.1.2.1.2 computes a line's next date from its own last invoiced
        date, then overwrites it with the contract's stored date, which is itself the minimum
        of its lines' dates. The two stored computes read each other; recomputed in chunks of
        1,000 records, lines past the first chunk copy a contract date that is still being
        recomputed, and the contract stays due: the next run invoices it again for an
        impossible period. See docs/oca-contract-double-invoicing.md. The line's own
        computation already follows the contract's schedule.
        """
        if field == "recurring_next_date":
            return
        return super()._set_recurrence_field(field)

    def _msp_snapshot_records(self):
        self.ensure_one()
        ids = [int(i) for i in (self.msp_trueup_snapshot or "").split(",") if i]
        model = "msp.asset" if self.msp_billing_mode == "per_device" else "res.partner"
        return self.env[model].browse(ids).exists()
