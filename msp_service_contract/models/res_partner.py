# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from .msp_contract_hours import HOURS_LEFT_HELP, HOURS_LEFT_LABEL


class ResPartner(models.Model):
    _inherit = "res.partner"

    msp_contract_ids = fields.One2many(
        "contract.contract",
        "commercial_partner_id",
        string="Service Contracts",
        domain=[("contract_type", "=", "sale")],
    )
    msp_hours_left = fields.Float(
        string=HOURS_LEFT_LABEL,
        compute="_compute_msp_hours_left",
        help=HOURS_LEFT_HELP + " Summed over the customer's active service contracts.",
    )
    msp_active_contract_count = fields.Integer(
        string="Active Service Contracts", compute="_compute_msp_hours_left"
    )

    def _msp_active_service_contracts(self):
        """The active service contracts of these partners' companies."""
        # sudo: technicians see the customer's hours, not its contracts (nor their prices);
        # what is shown is only the hours figure, of the companies the user works in (sudo
        # skips the multi-company rule: the company filter does its work)
        contracts = (
            self.env["contract.contract"]
            .sudo()
            .search(
                [
                    ("commercial_partner_id", "in", self.commercial_partner_id.ids),
                    ("company_id", "in", self.env.companies.ids),
                    ("contract_type", "=", "sale"),
                    ("msp_plan_id", "!=", False),
                ]
            )
        )
        return contracts.filtered(lambda c: c._msp_is_active_on(c._msp_today()))

    @api.depends_context("allowed_company_ids")
    def _compute_msp_hours_left(self):
        contracts = self._origin._msp_active_service_contracts()
        parts = contracts._msp_hours_parts_today()
        for partner in self:
            mine = contracts.filtered(
                lambda c, p=partner: c.commercial_partner_id == p.commercial_partner_id._origin
            )
            partner.msp_active_contract_count = len(mine)
            partner.msp_hours_left = sum(parts[c.id]["left"] for c in mine)

    def action_msp_view_service_hours(self):
        """The customer's active service contracts (their hours on the form). Technicians,
        who may not read contracts, get the customer's open tickets, which show the hours
        left and the coverage."""
        self.ensure_one()
        contracts = self._msp_active_service_contracts()
        window = self.env["msp.audit"]._window_action
        if not self.env["contract.contract"].has_access("read"):
            return window(
                "msp_service_contract.helpdesk_ticket_action_coverage",
                [
                    ("commercial_partner_id", "=", self.commercial_partner_id.id),
                    ("closed", "=", False),
                ],
                {},
            )
        action = window(
            "msp_service_contract.msp_service_contract_action",
            [("id", "in", contracts.ids)],
            {"default_contract_type": "sale"},
        )
        if len(contracts) == 1:
            action.update(views=[(False, "form")], view_mode="form", res_id=contracts.id)
        return action
