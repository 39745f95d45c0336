# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.addons.msp_it_audit.models.msp_customer_mixin import check_same_customer


class MspAsset(models.Model):
    _inherit = "msp.asset"

    msp_contract_ids = fields.Many2many(
        "contract.contract",
        "msp_contract_covered_asset_rel",
        "asset_id",
        "contract_id",
        string="Covering Contracts",
        readonly=True,
    )

    @api.constrains("msp_contract_ids", "partner_id")
    def _check_contracts_customer(self):
        check_same_customer(self, "msp_contract_ids", "partner_id", "commercial_partner_id")

    @api.model
    def _msp_leakage_domain(self, customers=None):
        """Assets that leak revenue: in use at a customer with a service contract but covered
        by none, or covered although retired. ``customers`` limits it to some customers."""
        with_contract = (
            self.env["contract.contract"]
            .search(
                [
                    ("msp_plan_id", "!=", False),
                    ("msp_renewal_state", "not in", ("expired", "terminated")),
                ]
            )
            .commercial_partner_id
        )
        if customers is not None:
            with_contract &= customers
        unbilled = [
            "&",
            "&",
            ("partner_id", "in", with_contract.ids),
            ("state", "!=", "retired"),
            ("msp_contract_ids", "=", False),
        ]
        retired_billed = ["&", ("state", "=", "retired"), ("msp_contract_ids", "!=", False)]
        if customers is not None:
            retired_billed = ["&", ("partner_id", "in", customers.ids), *retired_billed]
        return ["|", *unbilled, *retired_billed]
