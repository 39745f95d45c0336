# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models


class MspSlaCustomerReportWizard(models.TransientModel):
    _name = "msp.sla.customer.report.wizard"
    _description = "Print the Monthly SLA Report"

    partner_ids = fields.Many2many(
        "res.partner",
        string="Customers",
        required=True,
        domain=[("is_company", "=", True)],
        default=lambda self: (
            self.env.context.get("active_model") == "res.partner"
            and self.env.context.get("active_ids")
        ),
    )
    month = fields.Date(
        required=True,
        default=lambda self: self._default_month(),
        help="Any day of the month to report on.",
    )

    @api.model
    def _default_month(self):
        """The first day of last month, in the user's time zone."""
        return (fields.Date.context_today(self) - relativedelta(months=1)).replace(day=1)

    def action_print(self):
        self.ensure_one()
        return self.env.ref("msp_sla.action_report_customer_sla").report_action(
            self.partner_ids,
            data={"partner_ids": self.partner_ids.ids, "month": fields.Date.to_string(self.month)},
        )
