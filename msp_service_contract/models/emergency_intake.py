# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class MspServicePlan(models.Model):
    _inherit = "msp.service.plan"

    emergency_cover = fields.Boolean(
        string="Emergency Cover (24x7)",
        tracking=True,
        help="Emergencies (P1 alerts, the emergency e-mail alias, the portal's 'Report an "
        "outage') run on the 24x7 clock. Without it they open under the plan's normal policy, "
        "and the customer is told so.",
    )
    emergency_policy_id = fields.Many2one(
        "msp.sla.policy",
        string="Emergency SLA Policy",
        check_company=True,
        help="The round-the-clock policy of the plan's emergencies; empty: the team's "
        "emergency policy.",
    )

    @api.constrains("emergency_policy_id")
    def _check_emergency_policy(self):
        for plan in self:
            plan.emergency_policy_id._msp_sla_check_24x7(self.env._("Plan %s", plan.name))


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    def _msp_emergency_contract(self):
        self.ensure_one()
        # sudo: the plan's cover decides the clock, whoever opens the ticket
        return self.sudo()._msp_find_contract(self._msp_today())

    def _msp_emergency_cover(self):
        """The customer's plan decides: emergency cover, or the normal policy."""
        result = super()._msp_emergency_cover()
        for ticket in self:
            today = ticket._msp_today()
            contract = ticket._msp_emergency_contract()
            if not contract or not contract._msp_is_active_on(today):
                continue  # no contract: msp_sla's answer (the team's emergency policy)
            plan = contract.msp_plan_id
            if not plan.emergency_cover:
                result[ticket.id] = (
                    False,
                    self.env._(
                        "plan %s does not include emergency cover: normal service level",
                        plan.name,
                    ),
                )
            elif plan.emergency_policy_id or ticket.team_id.msp_emergency_policy_id:
                result[ticket.id] = (
                    True,
                    self.env._("plan %s includes emergency cover: 24x7 clock", plan.name),
                )
        return result

    def _msp_emergency_policy(self):
        contract = self._msp_emergency_contract()
        plan_policy = contract.msp_plan_id.emergency_policy_id if contract else False
        return plan_policy or super()._msp_emergency_policy()

    def _msp_sla_select_policy(self):
        """The contract's policy, then (for covered emergencies) the 24x7 one."""
        return self._msp_emergency_apply(super()._msp_sla_select_policy())
