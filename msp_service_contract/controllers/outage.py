# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The portal's "Report an outage": a P1 emergency ticket from the customer."""

from odoo import http
from odoo.http import request
from odoo.tools import plaintext2html

P1 = "3"
SUBJECT_LENGTH = 200


class MspPortalOutage(http.Controller):
    def _msp_outage_team(self, company):
        """The team taking emergencies: one with the emergency alias, else one with an
        emergency policy, in the customer's company."""
        # sudo: the portal user picks no team; this one is configuration read on their behalf
        Team = request.env["helpdesk.ticket.team"].sudo()
        domain = [("company_id", "in", [company.id, False])]
        return Team.search([*domain, ("msp_emergency_intake", "=", True)], limit=1) or (
            Team.search([*domain, ("msp_emergency_policy_id", "!=", False)], limit=1)
        )

    @http.route("/my/outage", type="http", auth="user", website=True, methods=["GET"])
    def portal_msp_outage_form(self, **kw):
        return request.render("msp_service_contract.portal_outage_form", {"page_name": "outage"})

    @http.route(
        "/my/outage/submit", type="http", auth="user", website=True, methods=["POST"], csrf=True
    )
    def portal_msp_outage_submit(self, subject="", description="", **kw):
        user = request.env.user
        partner = user.partner_id
        company = partner.company_id or user.company_id
        team = self._msp_outage_team(company)
        subject = (subject or "").strip()[:SUBJECT_LENGTH] or request.env._("Outage")
        vals = {
            "name": request.env._("Outage: %s", subject),
            "description": plaintext2html(description or ""),
            "partner_id": partner.id,
            "partner_name": partner.name,
            "partner_email": partner.email,
            "company_id": company.id,
            "team_id": team.id,
            "priority": P1,
            "msp_emergency": True,
            "channel_id": request.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_web").id,
        }
        if team:
            vals["stage_id"] = team._get_applicable_stages()[:1].id
        # sudo: as helpdesk_mgmt's own portal form, a portal user creates their ticket (for
        # their own partner, set above, not taken from the form)
        ticket = request.env["helpdesk.ticket"].sudo().create(vals)
        ticket.message_subscribe(partner_ids=partner.ids)
        ticket._msp_emergency_tell_customer()
        return request.redirect(f"/my/ticket/{ticket.id}")
