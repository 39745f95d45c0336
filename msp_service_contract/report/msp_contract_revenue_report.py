# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models, tools
from odoo.tools import SQL


class MspContractMrrReport(models.Model):
    """Recurring revenue by month, as invoiced: the monthly value of each recurring contract
    line on the customer invoices of that month (posted or draft, not cancelled). Price
    increases, up- and downgrades and terminations show as they were invoiced."""

    _name = "msp.contract.mrr.report"
    _description = "Service Contract MRR by Month"
    _auto = False
    _depends = {
        "account.move": ["move_type", "state", "invoice_date", "currency_id"],
        "account.move.line": ["move_id", "contract_line_id", "price_subtotal"],
        "contract.line": ["contract_id", "recurring_rule_type", "recurring_interval"],
        "contract.contract": ["msp_plan_id", "commercial_partner_id", "company_id"],
    }
    _order = "month desc"

    month = fields.Date(readonly=True)
    contract_id = fields.Many2one("contract.contract", readonly=True)
    plan_id = fields.Many2one("msp.service.plan", string="Plan", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    mrr = fields.Monetary(
        string="MRR", readonly=True, currency_field="currency_id", aggregator="sum"
    )
    arr = fields.Monetary(
        string="ARR", readonly=True, currency_field="currency_id", aggregator="sum"
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE VIEW %s AS (
                SELECT MIN(aml.id) AS id,
                       date_trunc('month', am.invoice_date)::date AS month,
                       c.id AS contract_id,
                       c.msp_plan_id AS plan_id,
                       c.commercial_partner_id AS partner_id,
                       c.company_id,
                       am.currency_id,
                       SUM(aml.price_subtotal / %s) AS mrr,
                       SUM(aml.price_subtotal / %s) * 12 AS arr
                  FROM account_move_line aml
                  JOIN account_move am ON am.id = aml.move_id
                  JOIN contract_line cl ON cl.id = aml.contract_line_id
                  JOIN contract_contract c ON c.id = cl.contract_id
                 WHERE am.move_type = 'out_invoice' AND am.state != 'cancel'
                   AND c.msp_plan_id IS NOT NULL
                 GROUP BY 2, 3, 4, 5, 6, 7
            )""",
                SQL.identifier(self._table),
                SQL(self._months_sql()),
                SQL(self._months_sql()),
            )
        )

    @staticmethod
    def _months_sql():
        """Months covered by one invoice of a line, from its recurrence."""
        return (
            "GREATEST(COALESCE(cl.recurring_interval, 1), 1) * CASE cl.recurring_rule_type"
            " WHEN 'yearly' THEN 12 WHEN 'semesterly' THEN 6 WHEN 'quarterly' THEN 3"
            " WHEN 'daily' THEN 1.0 / 30 WHEN 'weekly' THEN 7.0 / 30 ELSE 1 END"
        )


class MspContractProfitReport(models.Model):
    """Contract profitability by month: the contract's invoiced revenue (recurring lines,
    overage, billable work, credits) against the cost of the time logged on its tickets, at
    the employees' hourly cost, and the vendors' cost of the services it resells (the unit
    cost each invoice line kept when it was invoiced)."""

    _name = "msp.contract.profit.report"
    _description = "Service Contract Profitability"
    _auto = False
    _depends = {
        "account.move": ["move_type", "state", "invoice_date"],
        "account.move.line": [
            "move_id",
            "contract_line_id",
            "msp_contract_id",
            "price_subtotal",
            "display_type",
            "quantity",
            "msp_vendor_cost",
        ],
        "account.analytic.line": ["msp_ticket_id", "date", "amount", "unit_amount"],
        "helpdesk.ticket": ["msp_contract_id"],
        "contract.contract": ["msp_plan_id", "commercial_partner_id", "company_id"],
    }
    _order = "month desc"

    month = fields.Date(readonly=True)
    contract_id = fields.Many2one("contract.contract", readonly=True)
    plan_id = fields.Many2one("msp.service.plan", string="Plan", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    revenue = fields.Float(readonly=True, aggregator="sum")
    cost = fields.Float(readonly=True, aggregator="sum")
    vendor_cost = fields.Float(string="Vendor Costs", readonly=True, aggregator="sum")
    margin = fields.Float(readonly=True, aggregator="sum")
    hours = fields.Float(string="Hours Logged", readonly=True, aggregator="sum")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE VIEW %s AS (
                WITH revenue AS (
                    SELECT c.id AS contract_id,
                           date_trunc('month', am.invoice_date)::date AS month,
                           SUM(CASE WHEN am.move_type = 'out_refund' THEN -1 ELSE 1 END
                               * aml.price_subtotal) AS revenue,
                           SUM(CASE WHEN am.move_type = 'out_refund' THEN -1 ELSE 1 END
                               * aml.quantity * COALESCE(aml.msp_vendor_cost, 0)) AS vendor_cost
                      FROM account_move_line aml
                      JOIN account_move am ON am.id = aml.move_id
                      LEFT JOIN contract_line cl ON cl.id = aml.contract_line_id
                      JOIN contract_contract c
                        ON c.id = COALESCE(cl.contract_id, aml.msp_contract_id)
                     WHERE am.move_type IN ('out_invoice', 'out_refund') AND am.state != 'cancel'
                       AND aml.display_type = 'product'
                     GROUP BY 1, 2
                ), costs AS (
                    SELECT t.msp_contract_id AS contract_id,
                           date_trunc('month', aal.date)::date AS month,
                           -SUM(aal.amount) AS cost,
                           SUM(aal.unit_amount) AS hours
                      FROM account_analytic_line aal
                      JOIN helpdesk_ticket t ON t.id = aal.msp_ticket_id
                     WHERE t.msp_contract_id IS NOT NULL
                     GROUP BY 1, 2
                )
                SELECT row_number() OVER (ORDER BY k.contract_id, k.month) AS id,
                       k.month, k.contract_id, c.msp_plan_id AS plan_id,
                       c.commercial_partner_id AS partner_id, c.company_id,
                       COALESCE(r.revenue, 0) AS revenue,
                       COALESCE(x.cost, 0) + COALESCE(r.vendor_cost, 0) AS cost,
                       COALESCE(r.vendor_cost, 0) AS vendor_cost,
                       COALESCE(r.revenue, 0) - COALESCE(x.cost, 0)
                           - COALESCE(r.vendor_cost, 0) AS margin,
                       COALESCE(x.hours, 0) AS hours
                  FROM (SELECT contract_id, month FROM revenue
                        UNION SELECT contract_id, month FROM costs) k
                  JOIN contract_contract c ON c.id = k.contract_id
                  LEFT JOIN revenue r ON r.contract_id = k.contract_id AND r.month = k.month
                  LEFT JOIN costs x ON x.contract_id = k.contract_id AND x.month = k.month
                 WHERE c.msp_plan_id IS NOT NULL
            )""",
                SQL.identifier(self._table),
            )
        )
