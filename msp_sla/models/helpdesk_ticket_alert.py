# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import SUPERUSER_ID, fields, models

# A change of these by a person means someone works on the ticket.
PERSON_FIELDS = ("stage_id", "user_id")


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    msp_alert_ids = fields.One2many("msp.alert", "ticket_id", string="Alerts")
    msp_alert_touched = fields.Boolean(
        string="Touched by a Person",
        copy=False,
        readonly=True,
        help="A person has worked on the ticket: a message (reply or note) by an internal "
        "user, or a stage or assignee change made by one (not by the alert intake, the "
        "scheduler or OdooBot). A 'resolved' alert then no longer closes it.",
    )

    def _msp_is_person(self, user):
        """An internal user other than OdooBot (the scheduler and the intakes run as it)."""
        return bool(user) and user.id != SUPERUSER_ID and not user.share

    def write(self, vals):
        if (
            any(name in vals for name in PERSON_FIELDS)
            and "msp_alert_touched" not in vals
            and not self.env.context.get("msp_alert_intake")
            and self._msp_is_person(self.env.user)
        ):
            vals = {**vals, "msp_alert_touched": True}
        return super().write(vals)

    def _message_post_after_hook(self, message, msg_values):
        result = super()._message_post_after_hook(message, msg_values)
        if (
            len(self) == 1
            and message.message_type in ("comment", "email")
            and not self.env.context.get("msp_alert_intake")
            and not self.msp_alert_touched
            and any(self._msp_is_person(user) for user in message.author_id.user_ids)
        ):
            # sudo: a flag the engine keeps; the author may only have read access
            self.sudo().with_context(msp_sla_no_hook=True).write({"msp_alert_touched": True})
        return result
