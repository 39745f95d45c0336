# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from .msp_asset import ASSET_KINDS

PRICING_BASES = [
    *ASSET_KINDS,
    ("user", "Per user"),
    ("remediation", "Remediation (default product)"),
]


class MspAuditPricing(models.Model):
    """Which product prices what on a proposal.

    One row per basis: a device kind or "user" gives the recurring managed-service product
    (quantity: the audit's devices of that kind, or its users); "remediation" gives the
    product of a finding that has none. A company's own row wins over a shared one.
    """

    _name = "msp.audit.pricing"
    _description = "Proposal pricing"
    _order = "basis, company_id, id"
    _check_company_auto = True

    basis = fields.Selection(PRICING_BASES, required=True)
    product_id = fields.Many2one("product.product", required=True, check_company=True)
    company_id = fields.Many2one("res.company", help="Empty: used by every company.")

    _basis_unique = models.UniqueIndex(
        "(basis, COALESCE(company_id, 0))", "There is already a product for this basis."
    )

    def _by_basis(self, company):
        """{basis: product} for a company, its own rows winning over shared ones."""
        rows = self.search(
            [("company_id", "in", [company.id, False])], order="company_id desc nulls last"
        )
        products = {}
        for row in rows:
            products.setdefault(row.basis, row.product_id)
        return products
