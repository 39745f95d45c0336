# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Acknowledge a page by replying to its e-mail (docs/emergency.md, "Acknowledge").

The page e-mail (msp.page._msp_send) belongs to the paging incident, so Odoo's mail gateway
routes a reply to it (its In-Reply-To names the page e-mail) and not to the ticket: the
reply stays in the incident's chatter and never reaches the customer."""

from odoo import models
from odoo.tools import email_normalize

# What marks an automatic message (RFC 3834's Auto-Submitted, and the older headers that
# out-of-office responders still send): it is kept, never taken as an acknowledgement.
AUTOMATIC_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}


def is_automatic(message):
    """Whether an e-mail (email.message.Message) was sent by a program, not a person."""
    auto_submitted = (message.get("Auto-Submitted") or "no").strip().lower()
    precedence = (message.get("Precedence") or "").strip().lower()
    return (
        auto_submitted != "no"
        or bool(message.get("X-Autoreply") or message.get("X-Autorespond"))
        or precedence in AUTOMATIC_PRECEDENCE
    )


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _message_route_process(self, message, message_dict, routes):
        thread = self.with_context(msp_automatic_message=True) if is_automatic(message) else self
        return super(MailThread, thread)._message_route_process(message, message_dict, routes)


class MspPageIncident(models.Model):
    _name = "msp.page.incident"
    _inherit = ["msp.page.incident", "mail.thread"]

    def message_update(self, msg_dict, update_vals=None):
        result = super().message_update(msg_dict, update_vals=update_vals)
        self._msp_acknowledge_by_reply(msg_dict)
        return result

    def _msp_acknowledge_by_reply(self, msg_dict):
        """A reply acknowledges the incident as the person who sent it, when the sender's
        address is that of exactly one of the users the incident paged; any other reply
        (the customer's, a colleague's, an automatic reply such as an out-of-office
        message, even from the paged person's own address) is only kept in the incident's
        chatter."""
        sender = email_normalize(msg_dict.get("email_from") or "")
        if not sender or self.env.context.get("msp_automatic_message"):
            return  # an out-of-office reply does not mean its sender is on it
        for incident in self:
            users = incident.page_ids.user_id.filtered(
                lambda user: user.partner_id.email_normalized == sender
            )
            if len(users) == 1:
                # sudo: the engine's fields, as the paged user the sender's address names
                incident.with_user(users).sudo()._msp_acknowledge("email_reply")
