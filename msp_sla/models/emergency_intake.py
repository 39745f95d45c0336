# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

P1 = "3"


class MspSlaPolicy(models.Model):
    _inherit = "msp.sla.policy"

    def _msp_sla_is_24x7(self):
        """Whether this policy counts its P1 targets round the clock: every P1 target counts
        "Round the Clock", or the calendar works every hour of every day."""
        self.ensure_one()
        p1 = self.target_ids.filtered(lambda t: t.priority == P1)
        if p1 and all(t.counting == "always" for t in p1):
            return True
        hours = {}
        for attendance in self.calendar_id.attendance_ids:
            day = hours.setdefault(attendance.dayofweek, 0.0)
            hours[attendance.dayofweek] = day + attendance.hour_to - attendance.hour_from
        return bool(p1) and len(hours) == 7 and all(h >= 24 for h in hours.values())

    def _msp_sla_check_24x7(self, owner):
        """Refuse a policy that is not a 24x7 clock as ``owner``'s emergency policy."""
        for policy in self:
            if not policy._msp_sla_is_24x7():
                raise ValidationError(
                    self.env._(
                        "%(owner)s: Emergency SLA Policy %(policy)s is not a 24x7 clock. "
                        "Choose a policy whose P1 targets count Round the Clock (or whose "
                        "business hours cover every hour of the week).",
                        owner=owner,
                        policy=policy.name,
                    )
                )


class HelpdeskTicketTeam(models.Model):
    _inherit = "helpdesk.ticket.team"

    msp_emergency_policy_id = fields.Many2one(
        "msp.sla.policy",
        string="Emergency SLA Policy (24x7)",
        check_company=True,
        help="The round-the-clock policy of the team's emergencies (alerts of P1 severity, "
        "the emergency e-mail alias, the portal's 'Report an outage'), when the customer's "
        "cover includes emergencies.",
    )
    msp_emergency_intake = fields.Boolean(
        string="Emergency E-mail Alias",
        help="E-mails to this team's alias open P1 emergencies on the 24x7 clock (when the "
        "customer's cover includes it).",
    )

    @api.constrains("msp_emergency_policy_id")
    def _check_msp_emergency_policy(self):
        for team in self:
            team.msp_emergency_policy_id._msp_sla_check_24x7(self.env._("Team %s", team.name))


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    msp_emergency = fields.Boolean(
        string="Emergency",
        copy=False,
        tracking=True,
        index=True,
        help="Opened as an emergency (a P1 alert, the emergency e-mail alias, the portal's "
        "'Report an outage'): on the 24x7 clock when the customer's cover includes it.",
    )
    msp_emergency_note = fields.Char(
        string="Emergency Cover",
        compute="_compute_msp_emergency_note",
        help="Whether the customer's cover includes emergencies, and so which clock runs.",
    )

    @api.depends("msp_emergency", "msp_sla_policy_id", "partner_id", "team_id")
    def _compute_msp_emergency_note(self):
        covered = self.filtered("msp_emergency")._msp_emergency_cover()
        for ticket in self:
            ticket.msp_emergency_note = (
                covered[ticket.id][1] if ticket.msp_emergency and ticket.id in covered else False
            )

    def _msp_emergency_cover(self):
        """{ticket id: (covered, explanation)}: whether each ticket's emergency runs on the
        24x7 clock. Here: when its team has an emergency policy. msp_service_contract adds
        the customer's plan."""
        result = {}
        for ticket in self:
            if ticket.team_id.msp_emergency_policy_id:
                result[ticket.id] = (True, self.env._("Emergency cover: 24x7 clock"))
            else:
                result[ticket.id] = (
                    False,
                    self.env._("No emergency policy on the team: normal service level"),
                )
        return result

    def _msp_emergency_policy(self):
        """The 24x7 policy of an emergency ticket whose cover includes it (else empty)."""
        self.ensure_one()
        return self.team_id.msp_emergency_policy_id

    def _msp_sla_select_policy(self):
        """Emergencies whose cover includes them run on the 24x7 policy."""
        return self._msp_emergency_apply(super()._msp_sla_select_policy())

    def _msp_emergency_apply(self, result):
        """``result`` ({ticket id: policy}) with the covered emergencies on their 24x7
        policy; a module whose policy choice comes later applies it again after its own."""
        emergencies = self.filtered("msp_emergency")
        if emergencies:
            cover = emergencies._msp_emergency_cover()
            for ticket in emergencies:
                policy = ticket._msp_emergency_policy()
                if (
                    cover[ticket.id][0]
                    and policy
                    and policy.company_id
                    in (
                        ticket.company_id,
                        self.env["res.company"],
                    )
                ):
                    result[ticket.id] = policy
        return result

    def _msp_sla_policy_inputs(self):
        return (*super()._msp_sla_policy_inputs(), "msp_emergency")

    @api.model
    def message_new(self, msg, custom_values=None):
        """E-mail to an emergency team's alias: a P1 emergency."""
        values = dict(custom_values or {})
        team = self.env["helpdesk.ticket.team"].browse(values.get("team_id"))
        if team.exists() and team.msp_emergency_intake:
            values.update(priority=P1, msp_emergency=True)
        ticket = super().message_new(msg, custom_values=values)
        if ticket.msp_emergency:
            ticket._msp_emergency_tell_customer()
        return ticket

    def _msp_emergency_tell_customer(self):
        """Tell the customer, on the ticket, when the emergency is not covered: it opened
        under their normal service level."""
        cover = self._msp_emergency_cover()
        partner_root = self.env.ref("base.partner_root")
        for ticket in self:
            covered, why = cover[ticket.id]
            if covered or not ticket.partner_id:
                continue
            # sudo: OdooBot posts the notice (the customer or the mail gateway may not post)
            ticket.sudo().message_post(
                body=self.env._(
                    "Your service plan does not include emergency cover (%(why)s): this "
                    "request is handled as a priority ticket under your normal service level "
                    "and business hours. Call us if it cannot wait.",
                    why=why,
                ),
                author_id=partner_root.id,
                partner_ids=ticket.partner_id.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
