# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Where the capacity check is opened: a helpdesk team, an opportunity, a proposal."""

from odoo import models


class HelpdeskTicketTeam(models.Model):
    _inherit = "helpdesk.ticket.team"

    def action_msp_capacity(self):
        self.ensure_one()
        return self.env["msp.capacity.run"]._msp_capacity_open(
            {"team_id": self.id, "company_id": self.company_id.id or self.env.company.id}
        )


class CrmLead(models.Model):
    _inherit = "crm.lead"

    def action_msp_capacity(self):
        self.ensure_one()
        return self.env["msp.capacity.run"]._msp_capacity_open(
            {"lead_id": self.id, "company_id": self.company_id.id or self.env.company.id}
        )


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def action_msp_capacity(self):
        self.ensure_one()
        return self.env["msp.capacity.run"]._msp_capacity_open(
            {
                "sale_order_id": self.id,
                "lead_id": self.opportunity_id.id,
                "company_id": self.company_id.id,
            }
        )
