# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """Orders confirmed before 19.0.1.2.0 kept "To invoice" on the monthly lines of the
    contract they made or renew; the contract's own invoices bill them, so the order has
    nothing to invoice for them (sale_order_line._compute_qty_to_invoice): compute them again."""
    recompute_contract_order_lines(api.Environment(cr, SUPERUSER_ID, {}))


def recompute_contract_order_lines(env):
    """Compute again the quantity and status to invoice of the confirmed monthly lines of
    orders that made or renew a contract and still have a quantity to invoice, and the
    status of their orders. Returns those lines."""
    lines = (
        env["sale.order.line"]
        .with_context(active_test=False)
        .search(
            [
                ("state", "=", "sale"),
                ("qty_to_invoice", "!=", 0),
                "|",
                ("order_id.msp_contract_ids", "!=", False),
                ("order_id.msp_renewal_contract_id", "!=", False),
            ]
        )
        ._msp_billed_by_contract()
    )
    if lines:
        env.add_to_compute(lines._fields["qty_to_invoice"], lines)
        env.add_to_compute(lines._fields["invoice_status"], lines)
        env.add_to_compute(lines.order_id._fields["invoice_status"], lines.order_id)
        env.flush_all()
    return lines
