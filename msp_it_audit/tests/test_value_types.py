# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError, UserError, ValidationError

from .common import MspItAuditCommon


class TestValueTypes(MspItAuditCommon):
    """Audits (docs/api.md, section 3) and the other records of IT audits refuse a value of
    the wrong type, a missing customer or an auditor the caller may not assign with a clear
    error naming the field, before anything is written: not a database error."""

    def assertRefused(self, call, message, error=ValidationError):
        counts = [self.env[model].search_count([]) for model in ("msp.audit", "msp.asset")]
        with self.assertRaises(error) as caught:
            call()
        self.assertIn(message, str(caught.exception))
        self.env.flush_all()
        self.assertEqual(
            [self.env[model].search_count([]) for model in ("msp.audit", "msp.asset")], counts
        )

    def test_audit_create_refuses_values_of_the_wrong_type(self):
        Audit = self.env["msp.audit"].with_user(self.auditor)
        customer = self.customer.id
        for vals, message in [
            ({}, "IT audit: Customer (partner_id) is required: give the id of the customer."),
            ({"partner_id": False}, "Customer (partner_id) is required"),
            ({"partner_id": customer, "user_id": [self.auditor.id]}, "Auditor must be the id"),
            ({"partner_id": customer, "user_id": {}}, "Auditor must be the id of a record"),
            ({"partner_id": customer, "template_id": 2**31 - 1}, "Checklist 2147483647 does"),
            ({"partner_id": customer, "lead_id": 2**40}, "Opportunity must be the id"),
            ({"partner_id": customer, "executive_summary": {}}, "Executive Summary must be text"),
            ({"partner_id": customer, "executive_summary": "<p>\x00</p>"}, "without NUL"),
        ]:
            with self.subTest(vals=vals):
                self.assertRefused(lambda v=vals: Audit.create([v]), message)
        self.assertRefused(
            lambda: self.audit.with_user(self.auditor).write({"template_id": "Standard"}),
            "Checklist must be the id of a record (msp.audit.template)",
        )
        self.assertRefused(
            lambda: self.env["msp.asset"].create([{"partner_id": customer, "hostname": ["pc"]}]),
            "Customer IT asset: Hostname must be text",
        )

    def test_an_auditor_creates_audits_for_themselves_or_nobody(self):
        Audit = self.env["msp.audit"].with_user(self.auditor)
        self.assertRefused(
            lambda: Audit.create([{"partner_id": self.customer.id, "user_id": self.manager.id}]),
            "Auditor (user_id): you may create audits for yourself or for nobody",
            error=AccessError,
        )
        mine = Audit.create([{"partner_id": self.customer.id}])
        self.assertEqual(mine.user_id, self.auditor)
        nobody = Audit.create([{"partner_id": self.customer.id, "user_id": False}])
        self.assertFalse(nobody.user_id)
        # an IT audit administrator assigns audits to others
        assigned = (
            self.env["msp.audit"]
            .with_user(self.manager)
            .create([{"partner_id": self.customer.id, "user_id": self.auditor.id}])
        )
        self.assertEqual(assigned.user_id, self.auditor)

    def test_proposal_of_one_audit_at_a_time(self):
        second = self.audit.copy()
        for audits in (self.env["msp.audit"], self.audit | second):
            with self.subTest(count=len(audits)), self.assertRaises(UserError) as caught:
                audits.with_user(self.auditor).action_create_proposal()
            self.assertIn("Create the proposal of one audit at a time", str(caught.exception))
        self.assertFalse(self.audit.sale_order_ids | second.sale_order_ids)
