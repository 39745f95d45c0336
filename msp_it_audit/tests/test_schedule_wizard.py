# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.fields import Command
from odoo.tests import Form, tagged

from .common import MspItAuditCommon


@tagged("post_install", "-at_install")
class TestScheduleWizard(MspItAuditCommon):
    """The Schedule IT audit dialog proposes an auditor."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.auditor_group = cls.env.ref("msp_it_audit.msp_it_audit_group_user")
        cls.new_lead = cls.env["crm.lead"].create(
            {
                "name": "Quay Opticians: managed IT",
                "type": "opportunity",
                "partner_id": cls.other_customer.id,
                "user_id": cls.salesman.id,
            }
        )

    def dialog(self, lead, user):
        return Form(
            self.env["msp.audit.schedule.wizard"]
            .with_user(user)
            .with_context(default_lead_id=lead.id)
        )

    def test_auditor_of_the_opportunitys_last_audit(self):
        self.env["msp.audit"].create(
            {
                "lead_id": self.lead.id,
                "partner_id": self.customer.id,
                "user_id": self.manager.id,
                "date_planned": "2026-12-01 08:00:00",
            }
        )
        self.audit.date_planned = "2026-11-01 08:00:00"
        self.assertEqual(self.dialog(self.lead, self.salesman).auditor_id, self.manager)

    def test_last_auditor_who_left_the_team_is_not_proposed(self):
        self.auditor.group_ids = [Command.unlink(self.auditor_group.id)]
        self.assertEqual(self.dialog(self.lead, self.manager).auditor_id, self.manager)

    def test_current_user_when_an_auditor(self):
        self.assertEqual(self.dialog(self.new_lead, self.auditor).auditor_id, self.auditor)
        # a salesperson who is no auditor, with several auditors to choose from: no guess
        self.assertFalse(self.dialog(self.new_lead, self.salesman).auditor_id)

    def test_the_only_auditor(self):
        others = self.env["res.users"].search(
            [
                ("all_group_ids", "in", self.auditor_group.id),
                ("share", "=", False),
                ("id", "!=", self.auditor.id),
            ]
        )
        for user in others:
            granting = user.group_ids.filtered(
                lambda g: self.auditor_group in (g | g.all_implied_ids)
            )
            user.group_ids = [Command.unlink(group.id) for group in granting]
        dialog = self.dialog(self.new_lead, self.salesman)
        self.assertEqual(dialog.auditor_id, self.auditor)
        audit = self.env["msp.audit"].browse(dialog.save().action_schedule()["res_id"])
        self.assertEqual(audit.user_id, self.auditor)
