# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import P1, MspSlaCase


@tagged("post_install", "-at_install")
class TestTicketValues(MspSlaCase):
    """A ticket created or written over the API (docs/api.md, section 2) with a value of the
    wrong type is refused with a ValidationError naming the field, before anything is written
    (no ticket, no clock, no ledger line): not a database error or a TypeError."""

    def counts(self):
        self.env.flush_all()
        return [
            self.env[model].sudo().search_count([])
            for model in ("helpdesk.ticket", "msp.sla.clock", "msp.sla.event")
        ]

    def assertRefused(self, call, message):
        before = self.counts()
        with self.assertRaises(ValidationError) as caught:
            call()
        self.assertIn(message, str(caught.exception))
        self.assertEqual(self.counts(), before)

    def test_create_refuses_bad_values_naming_the_field(self):
        valid = {
            "name": "Server down",
            "description": "<p>Ping lost.</p>",
            "partner_id": self.contact.id,
            "team_id": self.team.id,
            "priority": P1,
        }
        Ticket = self.env["helpdesk.ticket"].with_user(self.agent)
        cases = [
            ({"team_id": [self.team.id]}, "Team (team_id) must be the id of a record"),
            ({"team_id": 2**31 - 1}, "Team (team_id) 2147483647 does not exist"),
            # an empty object is not "no team": Odoo would read it as a new team's values
            ({"team_id": {}}, "Team (team_id) must be the id of a record"),
            ({"partner_id": 2**40}, "Contact (partner_id) must be the id of a record"),
            ({"partner_id": "Acme"}, "Contact (partner_id) must be the id of a record"),
            ({"partner_id": True}, "Contact (partner_id) must be the id of a record"),
            ({"category_id": -1}, "Category (category_id) must be the id of a record"),
            ({"priority": "7"}, "Priority (priority) must be one of '0', '1', '2', '3'"),
            ({"priority": [P1]}, "Priority (priority) must be one of"),
            ({"priority": 3}, "Priority (priority) must be one of"),
            ({"name": {"text": "Server down"}}, "Title (name) must be text"),
            ({"name": None}, "Title (name) is required"),
            ({"description": False}, "Description (description) is required"),
            ({"name": "Server\x00down"}, "Title (name) must be text without NUL characters"),
        ]
        for change, message in cases:
            with self.subTest(change=change):
                self.assertRefused(lambda c=change: Ticket.create([{**valid, **c}]), message)
        missing = dict(valid)
        del missing["description"]
        self.assertRefused(
            lambda: Ticket.create([missing]), "Description (description) is required"
        )
        # valid values still open the ticket with its clocks
        ticket = Ticket.create([valid])
        self.assertEqual(ticket.msp_sla_status, "on_track")

    def test_write_refuses_bad_values_naming_the_field(self):
        ticket = self.create_ticket("2026-03-02 09:00:00", priority=P1)
        clocks = ticket.msp_sla_clock_ids
        for change, message in [
            ({"priority": {"p": 1}}, "Priority (priority) must be one of"),
            ({"team_id": 1.5}, "Team (team_id) must be the id of a record"),
            ({"name": False}, "Title (name) is required"),
        ]:
            with self.subTest(change=change):
                self.assertRefused(lambda c=change: ticket.write(c), message)
        self.assertEqual(ticket.priority, P1)
        self.assertEqual(ticket.msp_sla_clock_ids, clocks)
