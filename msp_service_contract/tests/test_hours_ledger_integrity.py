# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import MspContractCase


@tagged("post_install", "-at_install")
class TestHoursLedgerIntegrity(MspContractCase):
    """The hours ledger is tamper-evident like the SLA ledger (msp_sla's mixin): corrections
    are new lines, the chain names the first line that does not match, and what the ledger
    points to is kept."""

    def verify(self):
        results = (
            self.env["msp.contract.hours.entry"].with_user(self.manager).verify_ledger_integrity()
        )
        return {r["company_id"]: r for r in results}[self.company.id]

    def seal(self):
        """What the scheduled action does right after each commit that writes lines."""
        self.env["msp.contract.hours.entry"]._msp_ledger_seal_pending()

    def sql(self, query, *args):
        self.seal()  # the tampering below happens after the lines were sealed
        self.env.flush_all()
        self.env.cr.execute(query, args)
        self.env.invalidate_all()

    def test_lines_are_chained_and_verify(self):
        contract = self.make_contract()
        self.log_time(self.make_ticket(), date(2026, 9, 10), 2.0)
        self.seal()
        entries = contract.msp_hours_entry_ids.sorted("ledger_sequence")
        self.assertEqual(len(entries), 2, "included hours, then the covered time")
        self.assertEqual(entries[1].ledger_sequence, entries[0].ledger_sequence + 1)
        self.assertTrue(all(len(e.ledger_hash) == 64 for e in entries))
        self.assertEqual(entries.company_id, self.company)
        result = self.verify()
        self.assertTrue(result["intact"], result["message"])
        self.assertIn("lines intact", result["message"])

    def test_hours_changed_in_sql_are_named(self):
        contract = self.make_contract()
        self.log_time(self.make_ticket(), date(2026, 9, 10), 2.0)
        self.log_time(self.make_ticket(), date(2026, 9, 11), 1.0)
        self.seal()
        consumed = contract.msp_hours_entry_ids.filtered(lambda e: e.kind == "consumption")
        first = consumed.sorted("ledger_sequence")[0]
        self.sql("UPDATE msp_contract_hours_entry SET hours = -0.5 WHERE id = %s", first.id)
        result = self.verify()
        self.assertFalse(result["intact"])
        self.assertEqual(result["line_id"], first.id)
        self.assertEqual(result["line_date"], "2026-09-10")
        self.assertIn("Covered time", result["line_description"])

    def test_a_line_deleted_in_sql_is_named_by_the_line_after_it(self):
        contract = self.make_contract()
        self.log_time(self.make_ticket(), date(2026, 9, 10), 2.0)
        self.seal()
        included, consumed = contract.msp_hours_entry_ids.sorted("ledger_sequence")
        self.sql("DELETE FROM msp_contract_hours_entry WHERE id = %s", included.id)
        result = self.verify()
        self.assertEqual(result["line_id"], consumed.id)
        self.assertIn("missing", result["reason"])

    def test_nobody_rewrites_or_deletes_a_line(self):
        contract = self.make_contract()
        self.log_time(self.make_ticket(), date(2026, 9, 10), 2.0)
        entry = contract.msp_hours_entry_ids[:1]
        admin = self.env.ref("base.user_admin")
        # The administrator has read access only (AccessError is a UserError); the superuser
        # is refused by the ledger itself.
        with self.assertRaises(UserError):
            entry.with_user(admin).write({"hours": 99})
        with self.assertRaises(UserError):
            entry.with_user(admin).unlink()
        with self.assertRaisesRegex(UserError, "cannot be changed .*hours"):
            entry.sudo().write({"hours": 99})
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            entry.sudo().unlink()
        self.assertNotEqual(entry.hours, 99)
        self.assertTrue(self.verify()["intact"])

    def test_a_deleted_timesheet_line_is_reversed_by_a_line_that_names_its_consumption(self):
        contract = self.make_contract()
        line = self.log_time(self.make_ticket(), date(2026, 9, 10), 2.0)
        consumed = contract.msp_hours_entry_ids.filtered(lambda e: e.kind == "consumption")
        line.with_user(self.technician).unlink()
        reversal = contract.msp_hours_entry_ids.filtered(lambda e: e.kind == "reversal")
        self.assertEqual(reversal.reversal_of_id, consumed)
        self.assertAlmostEqual(reversal.hours, 2.0)
        self.assertFalse(consumed.timesheet_id, "the link to the deleted line is not hashed")
        self.assertTrue(self.verify()["intact"])

    def test_invoicing_links_the_ledger_and_it_stays_intact(self):
        contract = self.make_contract()
        self.log_time(self.make_ticket(), date(2026, 9, 10), 12.0)
        self.invoice(contract, date(2026, 9, 1))
        self.invoice(contract, date(2026, 10, 1))
        overage = contract.msp_hours_entry_ids.filtered(lambda e: e.kind == "overage")
        self.assertTrue(overage.invoice_line_id)
        self.assertTrue(self.verify()["intact"])

    def test_a_system_administrator_can_neither_unbill_nor_forge_a_line(self):
        """Over the ORM as over RPC: only the engine (through sudo) writes the ledger. An
        administrator who empties the invoice line of a billed overage would have it billed
        again; one who creates lines would seal forged hours into the chain."""
        admin = new_test_user(self.env, login="hours_sysadmin", groups="base.group_system")
        contract = self.make_contract()
        self.log_time(self.make_ticket(), date(2026, 9, 10), 12.0)
        self.invoice(contract, date(2026, 9, 1))
        self.invoice(contract, date(2026, 10, 1))
        overage = contract.msp_hours_entry_ids.filtered(lambda e: e.kind == "overage")
        billed = overage.invoice_line_id
        self.assertTrue(billed, "the engine links the invoice line that billed the overage")
        with self.assertRaises(UserError):  # AccessError is a UserError
            overage.with_user(admin).write({"invoice_line_id": False})
        with self.assertRaises(UserError):
            self.env["msp.contract.hours.entry"].with_user(admin).create(
                {
                    "period_id": contract.msp_hours_period_ids[:1].id,
                    "kind": "included",
                    "hours": 500.0,
                    "date": "1999-01-01",
                }
            )
        self.assertEqual(overage.invoice_line_id, billed)
        self.assertFalse(contract.msp_hours_entry_ids.filtered(lambda e: e.hours == 500))
        # Even where a group was given write rights by mistake, the link stays the engine's.
        self.env.ref(
            "msp_service_contract.access_msp_contract_hours_entry_system"
        ).perm_write = True
        with self.assertRaisesRegex(UserError, "written by the engine only"):
            overage.with_user(admin).write({"invoice_line_id": False})
        self.assertEqual(overage.invoice_line_id, billed)
        self.assertTrue(self.verify()["intact"])

    def test_tickets_and_contracts_with_ledger_lines_are_archived_not_deleted(self):
        contract = self.make_contract()
        ticket = self.make_ticket()
        self.log_time(ticket, date(2026, 9, 10), 2.0)
        with self.assertRaisesRegex(UserError, "archive them instead"):
            contract.unlink()
        ticket.msp_timesheet_ids.unlink()  # the time goes, its ledger lines stay
        self.assertFalse(ticket.msp_timesheet_ids)
        with self.assertRaisesRegex(UserError, "archive them instead"):
            ticket.unlink()
        ticket.action_archive()
        contract.action_archive()
        self.assertFalse(ticket.active or contract.active)
        self.assertTrue(self.verify()["intact"])
        other = self.env["res.partner"].create({"name": "Never Started", "is_company": True})
        unused = self.make_contract(customer=other)
        unused.unlink()  # nothing in its ledger: deleted
        self.assertFalse(unused.exists())

    def test_verify_action_opens_the_report(self):
        self.make_contract()
        action = self.env.ref(
            "msp_service_contract.msp_contract_hours_entry_action_verify_integrity"
        )
        result = action.with_user(self.manager).run()
        wizard = self.env[result["res_model"]].browse(result["res_id"])
        self.assertEqual(wizard.ledger, "msp.contract.hours.entry")
        self.assertTrue(wizard.intact)
