# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import P3, MspSlaCase, local


@tagged("post_install", "-at_install")
class TestSlaSecurity(MspSlaCase):
    """Portal isolation, who configures policies, and the append-only ledger."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_acme = new_test_user(
            cls.env, login="portal_acme", groups="base.group_portal", partner_id=cls.contact.id
        )
        cls.portal_brill = new_test_user(
            cls.env,
            login="portal_brill",
            groups="base.group_portal",
            partner_id=cls.other_contact.id,
        )
        cls.helpdesk_manager = new_test_user(
            cls.env, login="sla_hd_manager", groups="helpdesk_mgmt.group_helpdesk_manager"
        )
        cls.admin_user = new_test_user(cls.env, login="sla_sysadmin", groups="base.group_system")

    def test_portal_sees_own_sla_status_and_nothing_of_others(self):
        mine = self.create_ticket(local(2026, 11, 25, 9, 0), priority=P3)
        theirs = self.create_ticket(
            local(2026, 11, 25, 9, 0), priority=P3, partner_id=self.other_contact.id
        )
        as_acme = mine.with_user(self.portal_acme)
        as_acme.check_access("read")
        values = as_acme.read(["msp_sla_status", "msp_sla_deadline"])[0]
        self.assertEqual(values["msp_sla_status"], "on_track")
        self.assertEqual(values["msp_sla_deadline"], local(2026, 11, 25, 14, 0))
        with self.assertRaises(AccessError):
            theirs.with_user(self.portal_acme).read(["msp_sla_status"])
        with self.assertRaises(AccessError):
            mine.with_user(self.portal_brill).read(["msp_sla_status"])
        # Clocks and ledger are internal: not even their own.
        with self.assertRaises(AccessError):
            mine.msp_sla_clock_ids.with_user(self.portal_acme).read(["deadline"])
        with self.assertRaises(AccessError):
            mine.msp_sla_event_ids.with_user(self.portal_acme).read(["event_type"])
        # And read-only: a portal user cannot move the deadline.
        with self.assertRaises(AccessError):
            as_acme.write({"msp_sla_policy_id": False})

    def test_ledger_is_append_only(self):
        ticket = self.create_ticket(local(2026, 11, 25, 9, 0), priority=P3)
        line = self.events(ticket, "start")[:1]
        for user in (self.agent, self.helpdesk_manager):
            with self.assertRaises(AccessError):
                line.with_user(user).write({"details": "rewritten"})
            with self.assertRaises(AccessError):
                line.with_user(user).unlink()
            with self.assertRaises(AccessError):
                self.env["msp.sla.event"].with_user(user).create(
                    {"ticket_id": ticket.id, "event_type": "met"}
                )
        self.assertNotEqual(line.details, "rewritten")
        # Nor may a system administrator: a correction is a new line (test_ledger_integrity).
        with self.assertRaises(UserError):
            line.with_user(self.admin_user).write({"details": "corrected by admin"})
        self.assertNotEqual(line.details, "corrected by admin")

    def test_system_administrator_cannot_append_to_the_ledger(self):
        """Only the engine appends lines (through sudo): a system administrator over the ORM
        (as over RPC) cannot seal a forged "met" line into the chain."""
        ticket = self.create_ticket(local(2026, 11, 25, 9, 0), priority=P3)
        before = self.events(ticket)
        forged = {
            "ticket_id": ticket.id,
            "company_id": ticket.company_id.id,
            "event_type": "met",
            "date": "2001-01-01 09:00:00",
        }
        with self.assertRaises(UserError):  # AccessError is a UserError
            self.env["msp.sla.event"].with_user(self.admin_user).create(forged)
        self.assertEqual(self.events(ticket), before)
        # Nor where a group was given the create right by mistake.
        self.env.ref("msp_sla.access_msp_sla_event_system").perm_create = True
        with self.assertRaisesRegex(UserError, "written by the engine only"):
            self.env["msp.sla.event"].with_user(self.admin_user).create(forged)
        self.assertEqual(self.events(ticket), before)

    def test_clocks_are_read_only_for_technicians(self):
        ticket = self.create_ticket(local(2026, 11, 25, 9, 0), priority=P3)
        clock = self.clock(ticket, "response").with_user(self.agent)
        self.assertTrue(clock.deadline)
        with self.assertRaises(AccessError):
            clock.write({"deadline": local(2027, 1, 1, 9, 0)})

    def test_helpdesk_users_read_policies_managers_configure_them(self):
        self.assertEqual(self.policy.with_user(self.agent).name, "Gold")
        with self.assertRaises(AccessError):
            self.policy.with_user(self.agent).write({"at_risk_threshold": 90})
        self.policy.with_user(self.helpdesk_manager).write({"at_risk_threshold": 90})
        self.assertEqual(self.policy.at_risk_threshold, 90)

    def test_policy_of_another_company_is_invisible(self):
        other_company = self.env["res.company"].create({"name": "Other MSP"})
        calendar = self.calendar.copy({"company_id": other_company.id})
        foreign = self.env["msp.sla.policy"].create(
            {"name": "Foreign", "calendar_id": calendar.id, "company_id": other_company.id}
        )
        visible = self.env["msp.sla.policy"].with_user(self.agent).search([])
        self.assertIn(self.policy, visible)
        self.assertNotIn(foreign, visible)
