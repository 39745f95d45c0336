# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from hashlib import sha256

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import P1, P3, MspSlaCase, local


@tagged("post_install", "-at_install")
class TestSlaLedgerIntegrity(MspSlaCase):
    """The SLA ledger is tamper-evident: never rewritten, hashed in a chain per company, and
    verified line by line."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.other_company = cls.env["res.company"].create({"name": "MSP Ledger Branch"})
        cls.sla_manager = new_test_user(
            cls.env,
            login="sla_ledger_manager",
            groups="msp_sla.msp_sla_group_manager",
            company_id=cls.company.id,
            company_ids=[(6, 0, (cls.company | cls.other_company).ids)],
        )
        cls.admin_user = new_test_user(
            cls.env, login="sla_ledger_sysadmin", groups="base.group_system"
        )

    def verify(self, company=None):
        results = self.env["msp.sla.event"].with_user(self.sla_manager).verify_ledger_integrity()
        return {r["company_id"]: r for r in results}[(company or self.company).id]

    def seal(self):
        """What the scheduled action does right after each commit that writes lines."""
        return self.env["msp.sla.event"]._msp_ledger_seal_pending()

    def events(self, ticket, event_type=None):
        """The ticket's ledger once sealed."""
        self.seal()
        return self.unsealed_events(ticket, event_type)

    def unsealed_events(self, ticket, event_type=None):
        return MspSlaCase.events(self, ticket, event_type)

    def sql(self, query, *args):
        self.env.flush_all()
        self.env.cr.execute(query, args)
        self.env.invalidate_all()

    def branch_ticket(self, at, **vals):
        """A ticket of the other company (no team, so no policy: one "no policy" line)."""
        return self.create_ticket(at, team_id=False, company_id=self.other_company.id, **vals)

    def test_intact_ledger_verifies(self):
        self.create_ticket(local(2026, 11, 25, 9, 0), priority=P1)
        result = self.verify()
        self.assertTrue(result["intact"], result["message"])
        self.assertEqual(result["checked"], result["total"])
        self.assertIn(f"all {result['total']} lines intact", result["message"])
        self.assertFalse(result["line_id"])

    def test_each_line_is_chained_to_the_previous_line_of_its_company(self):
        # Two companies' tickets, interleaved: each company has its own gapless chain.
        tickets = self.env["helpdesk.ticket"]
        for hour in (9, 10, 11):
            tickets |= self.create_ticket(local(2026, 11, 25, hour, 0))
            tickets |= self.branch_ticket(local(2026, 11, 25, hour, 30))
        Event = self.env["msp.sla.event"]
        self.seal()
        for company in (self.company, self.other_company):
            lines = Event.search([("company_id", "=", company.id)]).sorted("ledger_sequence")
            self.assertEqual(lines.mapped("ledger_sequence"), list(range(1, len(lines) + 1)))
            previous = ""
            for line in lines:
                columns = line._msp_ledger_columns()
                self.env.cr.execute(
                    f"SELECT {', '.join(columns)} FROM msp_sla_event WHERE id = %s", [line.id]
                )
                row = dict(zip(columns, self.env.cr.fetchone(), strict=True))
                self.assertEqual(line.ledger_hash, Event._msp_ledger_hash(previous, row))
                previous = line.ledger_hash
        branch_lines = tickets.msp_sla_event_ids.filtered(
            lambda e: e.company_id == self.other_company
        )
        self.assertEqual(len(branch_lines), 3)
        self.assertEqual(set(branch_lines.mapped("event_type")), {"no_policy"})
        self.assertTrue(self.verify(self.other_company)["intact"])

    def test_the_hash_is_sha256_of_the_previous_hash_and_sorted_json(self):
        row = {"id": 7, "ledger_sequence": 3, "details": None, "date": local(2026, 1, 2, 3, 4)}
        content = '{"date":"2026-01-02T02:04:00","details":null,"id":"7","ledger_sequence":"3"}'
        self.assertEqual(
            self.env["msp.sla.event"]._msp_ledger_hash("abc", row),
            sha256(("abc" + content).encode()).hexdigest(),
        )

    def test_a_line_changed_in_sql_is_named(self):
        ticket = self.create_ticket(local(2026, 11, 25, 9, 0), priority=P1)
        self.create_ticket(local(2026, 11, 25, 10, 0))
        first, second = self.events(ticket, "start").sorted("ledger_sequence")
        self.sql(
            "UPDATE msp_sla_event SET date = date - interval '1 hour' WHERE id = %s", second.id
        )
        result = self.verify()
        self.assertFalse(result["intact"])
        self.assertEqual(result["line_id"], second.id)
        self.assertEqual(result["line_sequence"], second.ledger_sequence)
        self.assertEqual(result["checked"], second.ledger_sequence - 1)
        self.assertEqual(result["line_date"], str(second.date))
        self.assertIn("Started on ticket", result["line_description"])
        self.assertIn(f"id {second.id}", result["message"])
        self.assertIn("does not match its hash", result["message"])
        self.assertTrue(self.verify(self.other_company)["intact"], "other chains are not hit")
        self.assertTrue(first)

    def test_a_line_deleted_in_sql_is_named_by_the_line_after_it(self):
        ticket = self.create_ticket(local(2026, 11, 25, 9, 0), priority=P1)
        first, second = self.events(ticket, "start").sorted("ledger_sequence")
        self.sql("DELETE FROM msp_sla_event WHERE id = %s", first.id)
        result = self.verify()
        self.assertFalse(result["intact"])
        self.assertEqual(result["line_id"], second.id)
        self.assertIn("missing", result["reason"])

    def test_the_last_line_deleted_in_sql_is_found(self):
        ticket = self.create_ticket(local(2026, 11, 25, 9, 0), priority=P1)
        last = self.events(ticket).sorted("ledger_sequence")[-1]
        sequence = last.ledger_sequence
        self.sql("DELETE FROM msp_sla_event WHERE id = %s", last.id)
        result = self.verify()
        self.assertFalse(result["intact"])
        self.assertFalse(result["line_id"])
        self.assertEqual(result["line_sequence"], sequence)
        self.assertIn("last lines were deleted", result["message"])

    def test_a_line_inserted_in_sql_after_the_sealed_lines_is_found(self):
        ticket = self.create_ticket(local(2026, 11, 25, 9, 0))
        last = self.events(ticket).sorted("ledger_sequence")[-1]
        self.sql(
            "INSERT INTO msp_sla_event (ticket_id, company_id, event_type, date, "
            "ledger_sequence, ledger_hash) VALUES (%s, %s, 'met', now() at time zone 'utc', "
            "%s, repeat('0', 64))",
            ticket.id,
            self.company.id,
            last.ledger_sequence + 1,
        )
        # New lines of both companies wait for the sealing: the planted line takes this
        # company's next place, which stops this chain's sealing only.
        self.create_ticket(local(2026, 11, 25, 10, 0))
        self.branch_ticket(local(2026, 11, 25, 10, 0))
        with self.assertLogs("odoo.addons.msp_sla.models.msp_ledger_hash_mixin", "ERROR"):
            results = {
                r["company_id"]: r
                for r in self.env["msp.sla.event"]
                .with_user(self.sla_manager)
                .verify_ledger_integrity()
            }
        result, other = results[self.company.id], results[self.other_company.id]
        self.assertFalse(result["intact"])
        self.assertEqual(result["line_sequence"], last.ledger_sequence + 1)
        self.assertIn("does not match its hash", result["reason"])
        self.assertTrue(result["pending"], "this company's new lines wait")
        self.assertTrue(other["intact"], other["message"])
        self.assertEqual(other["pending"], 0, "the other company's lines are sealed")

    def test_new_lines_wait_for_the_sealing_and_are_not_broken(self):
        """Lines are written unsealed and the sealing action is woken for the commit; until
        it runs, verification counts them as waiting, and it seals them before it checks."""
        cron = self.env.ref("msp_sla.ir_cron_msp_ledger_seal")
        self.seal()
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        ticket = self.create_ticket(local(2026, 11, 25, 9, 0), priority=P1)
        self.create_ticket(local(2026, 11, 25, 9, 5), priority=P1)
        new = self.unsealed_events(ticket)
        self.assertTrue(new)
        self.assertFalse(any(new.mapped("ledger_hash")), "sealed later, not by the writer")
        self.assertGreater(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]),
            triggers,
            "the sealing is woken for the commit",
        )
        waiting = self.env["msp.sla.event"]._msp_ledger_verify_company(self.company)
        self.assertTrue(waiting["intact"], waiting["message"])
        self.assertGreaterEqual(waiting["pending"], len(new))
        self.assertIn("waiting to be sealed", waiting["message"])
        result = self.verify()
        self.assertTrue(result["intact"], result["message"])
        self.assertEqual(result["pending"], 0)
        self.assertTrue(all(len(h) == 64 for h in new.mapped("ledger_hash")))

    def test_nobody_rewrites_or_deletes_a_line(self):
        line = self.events(self.create_ticket(local(2026, 11, 25, 9, 0)), "start")[:1]
        # The administrator has read access only (AccessError is a UserError); the superuser
        # is refused by the ledger itself.
        with self.assertRaises(UserError):
            line.with_user(self.admin_user).write({"details": "rewritten"})
        with self.assertRaises(UserError):
            line.with_user(self.admin_user).unlink()
        with self.assertRaisesRegex(UserError, "cannot be changed .*details"):
            line.sudo().write({"details": "rewritten"})
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            line.sudo().unlink()
        self.assertTrue(line.exists())
        self.assertFalse(line.details)
        self.assertTrue(self.verify()["intact"])

    def test_a_ticket_with_ledger_lines_is_archived_not_deleted(self):
        ticket = self.create_ticket(local(2026, 11, 25, 9, 0))
        lines = ticket.msp_sla_event_ids
        self.assertTrue(lines)
        with self.assertRaisesRegex(UserError, "archive them instead"):
            ticket.unlink()
        with self.assertRaisesRegex(UserError, "archive them instead"):
            ticket.with_env(self.env(su=True)).unlink()
        ticket.action_archive()
        self.assertFalse(ticket.active)
        self.assertEqual(ticket.msp_sla_event_ids, lines)
        self.assertTrue(self.verify()["intact"])

    def test_the_ticket_foreign_key_restricts_in_sql(self):
        ticket = self.create_ticket(local(2026, 11, 25, 9, 0))
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT confdeltype FROM pg_constraint WHERE conrelid = 'msp_sla_event'::regclass "
            "AND conname = 'msp_sla_event_ticket_id_fkey'"
        )
        self.assertEqual(self.env.cr.fetchone()[0], "r", "ON DELETE RESTRICT")
        self.assertTrue(ticket.msp_sla_event_ids)

    def test_a_correction_is_a_new_line_that_names_the_line_it_corrects(self):
        ticket = self.create_ticket(local(2026, 11, 25, 9, 0))
        start = self.events(ticket, "start").sorted("id")[:1]
        original_date = start.date
        ticket._msp_sla_demo_rewind(60)
        corrections = self.env["msp.sla.event"].search([("corrects_id", "=", start.id)])
        self.assertEqual(len(corrections), 1)
        self.assertEqual(corrections.event_type, "start")
        self.assertEqual((original_date - corrections.date).total_seconds(), 3600)
        self.assertEqual(start.date, original_date, "the corrected line is untouched")
        self.assertTrue(self.verify()["intact"])

    def test_existing_lines_are_sealed_at_upgrade(self):
        for hour in (9, 10):
            self.branch_ticket(local(2026, 11, 25, hour, 0))
        # As before the upgrade: lines without hashes, no chain.
        self.sql(
            "UPDATE msp_sla_event SET ledger_sequence = NULL, ledger_hash = NULL "
            "WHERE company_id = %s",
            self.other_company.id,
        )
        self.sql("DELETE FROM msp_ledger_chain WHERE company_id = %s", self.other_company.id)
        before = self.env["msp.sla.event"]._msp_ledger_verify_company(self.other_company)
        self.assertEqual(before["pending"], 2)
        self.env["msp.sla.event"]._msp_ledger_seal_pending()
        result = self.verify(self.other_company)
        self.assertTrue(result["intact"], result["message"])
        self.assertEqual(result["checked"], 2)

    def test_only_managers_verify(self):
        with self.assertRaises(AccessError):
            self.env["msp.sla.event"].with_user(self.agent).verify_ledger_integrity()

    def test_verify_action_opens_the_report(self):
        self.create_ticket(local(2026, 11, 25, 9, 0), priority=P3)
        action = self.env.ref("msp_sla.msp_sla_event_action_verify_integrity")
        result = action.with_user(self.sla_manager).run()
        wizard = self.env[result["res_model"]].browse(result["res_id"])
        self.assertEqual(wizard.ledger, "msp.sla.event")
        self.assertTrue(wizard.intact)
        self.assertEqual(wizard.result_ids.company_id, self.company | self.other_company)
        mine = wizard.result_ids.filtered(lambda r: r.company_id == self.company)
        self.assertIn("lines intact", mine.message)
        with self.assertRaises(UserError):
            wizard.action_verify_ledger("res.partner")
