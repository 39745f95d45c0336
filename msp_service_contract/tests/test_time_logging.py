# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime

from freezegun import freeze_time

from odoo import api
from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import MspContractCase

MONDAY = datetime(2026, 9, 14, 9, 0)


class MspTimeLoggingCase(MspContractCase):
    """A covered ticket assigned to the technician, and helpers that post a reply the way the
    chatter does (as superuser, the time in the context). No test here."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contract = cls.make_contract()
        with freeze_time(MONDAY):
            cls.ticket = cls.make_ticket(
                category_id=cls.category_covered.id, user_id=cls.technician.id
            )

    def reply(self, body, hours, work_type=None, user=None, ticket=None):
        """Post ``body`` with time as the chatter's /mail/message/post route does."""
        context = {"msp_log_hours": hours}
        if work_type:
            context["msp_log_work_type"] = work_type
        ticket = (ticket or self.ticket).with_user(user or self.technician)
        return (
            ticket.with_context(**context)
            .sudo()
            .message_post(body=body, message_type="comment", subtype_xmlid="mail.mt_comment")
        )

    def consumed(self, line):
        return self.env["msp.contract.hours.entry"].search(
            [("timesheet_id", "=", line.id), ("kind", "=", "consumption")]
        )

    def technician_without_employee(self):
        """A technician with no employee, assigned the ticket."""
        nobody = new_test_user(
            self.env,
            login="msp_tech_no_employee",
            groups="msp_service_contract.msp_service_contract_group_user",
        )
        self.ticket.user_id = nobody
        return nobody

    def messages(self):
        return self.ticket.message_ids.filtered(lambda m: m.message_type == "comment")


@tagged("post_install", "-at_install")
class TestTimeEntryDate(MspTimeLoggingCase):
    @freeze_time("2026-10-31 23:30:00")
    def test_time_on_a_ticket_is_dated_by_the_company_s_clock(self):
        """At 23:30 UTC on 31 October it is 1 November in Brussels. With the company in
        Brussels, time on a ticket left undated (over the API) or opened from the ticket's
        Time tab is dated 1 November for a technician whose own clock says 31 October; a
        date given is kept."""
        self.company.partner_id.tz = "Europe/Brussels"
        lines = self.env["account.analytic.line"].with_context(tz="UTC")
        values = {
            "name": "Work",
            "unit_amount": 0.5,
            "msp_ticket_id": self.ticket.id,
            "project_id": self.project.id,
            "employee_id": self.employee.id,
        }
        undated = lines.create(values)
        self.assertEqual(undated.date, date(2026, 11, 1))
        dated = lines.create({**values, "date": date(2026, 10, 30)})
        self.assertEqual(dated.date, date(2026, 10, 30))
        defaults = lines.with_context(default_msp_ticket_id=self.ticket.id).default_get(["date"])
        self.assertEqual(defaults["date"], date(2026, 11, 1))
        self.assertEqual(lines.default_get(["date"])["date"], date(2026, 10, 31), "no ticket")

    @freeze_time("2026-10-31 11:00:00")
    def test_a_company_ahead_of_the_user_may_date_time_by_its_day(self):
        """11:00 UTC on 31 October is 1 November in Kiritimati (UTC+14): with the company
        there, a user on UTC may log time up to the day after the company's today."""
        self.company.partner_id.tz = "Pacific/Kiritimati"
        line = (
            self.env["account.analytic.line"]
            .with_context(tz="UTC")
            .create(
                {
                    "name": "Work",
                    "date": date(2026, 11, 2),
                    "unit_amount": 0.5,
                    "msp_ticket_id": self.ticket.id,
                    "project_id": self.project.id,
                    "employee_id": self.employee.id,
                }
            )
        )
        self.assertEqual(line.date, date(2026, 11, 2))


@tagged("post_install", "-at_install")
class TestTimeWithReply(MspTimeLoggingCase):
    """Time spent entered in the reply/note composer is a normal time entry on the ticket."""

    def test_reply_logs_a_normal_time_entry(self):
        with freeze_time(MONDAY):
            # A reply without time logs nothing; the one with time logs one entry.
            self.ticket.with_user(self.technician).sudo().message_post(
                body="Looking into it.", message_type="comment"
            )
            message = self.reply("<p>Rebuilt the <b>Outlook</b> profile.</p>", 0.5)
        line = self.ticket.msp_timesheet_ids
        self.assertEqual(len(line), 1)
        self.assertEqual(message.model, "helpdesk.ticket")
        self.assertAlmostEqual(line.unit_amount, 0.5)
        self.assertEqual(line.employee_id, self.employee)
        self.assertEqual(line.project_id, self.project)
        self.assertEqual(line.date, MONDAY.date())
        self.assertEqual(line.name, "Rebuilt the Outlook profile.")
        self.assertEqual(line.msp_work_type, "covered")
        self.assertEqual(line.msp_coverage, "covered")
        self.assertAlmostEqual(self.consumed(line).hours, -0.5, msg="the ledger counts it")
        self.assertEqual(self.balances(self.contract)[date(2026, 9, 1)], 9.5)

    def test_long_message_names_the_entry_in_short(self):
        with freeze_time(MONDAY):
            self.reply("<p>" + "Checked the mailbox rules and the add-ins. " * 20 + "</p>", 0.25)
        name = self.ticket.msp_timesheet_ids.name
        self.assertLessEqual(len(name), 120)
        self.assertTrue(name.startswith("Checked the mailbox rules"))
        self.assertTrue(name.endswith("…"))

    def test_billable_work_is_billed_not_taken_from_the_hours(self):
        with freeze_time(MONDAY):
            self.reply("Set up the new scanner (not in the contract).", 1.0, "billable")
        line = self.ticket.msp_timesheet_ids
        self.assertEqual(line.msp_work_type, "billable")
        self.assertEqual(line.msp_coverage, "not_covered")
        self.assertTrue(line.msp_billable)
        self.assertEqual(line.msp_contract_id, self.contract)
        self.assertFalse(self.consumed(line))
        self.assertEqual(self.balances(self.contract).get(date(2026, 9, 1), 10.0), 10.0)

    def test_after_hours_is_kept_on_the_entry_and_covered_by_the_contract(self):
        with freeze_time(MONDAY):
            self.reply("Restarted the server at night.", 2.0, "after_hours")
        line = self.ticket.msp_timesheet_ids
        self.assertEqual(line.msp_work_type, "after_hours")
        self.assertEqual(line.msp_coverage, "covered")
        self.assertAlmostEqual(self.consumed(line).hours, -2.0)

    def test_bad_time_posts_nothing(self):
        before = self.messages()
        bad = [
            (0, "covered"),
            (-0.5, "covered"),
            (25, "covered"),
            ("half an hour", "covered"),
            (True, "covered"),
            (0.5, "weekend"),
        ]
        for hours, work_type in bad:
            with (
                self.subTest(hours=hours, work_type=work_type),
                freeze_time(MONDAY),
                self.assertRaises(ValidationError),
            ):
                self.reply("Should not be posted.", hours, work_type)
        self.assertEqual(self.messages(), before)
        self.assertFalse(self.ticket.msp_timesheet_ids)

    def test_user_without_employee_is_told_and_nothing_is_posted(self):
        nobody = self.technician_without_employee()
        before = self.messages()
        with freeze_time(MONDAY), self.assertRaisesRegex(UserError, "no employee"):
            self.reply("Should not be posted.", 0.5, user=nobody)
        self.assertEqual(self.messages(), before)
        self.assertFalse(self.ticket.msp_timesheet_ids)


@tagged("post_install", "-at_install")
class TestTicketTimer(MspTimeLoggingCase):
    """One running timer per technician, stored, rounded up by the company's setting."""

    def start(self, ticket=None, user=None, at=MONDAY):
        with freeze_time(at):
            (ticket or self.ticket).with_user(user or self.technician).action_msp_timer_start()

    def stop(self, at, ticket=None):
        with freeze_time(at):
            (ticket or self.ticket).with_user(self.technician).action_msp_timer_stop()
        return (ticket or self.ticket).msp_timesheet_ids

    def test_stop_logs_time_rounded_up_to_the_company_step(self):
        self.assertEqual(self.company.msp_timer_rounding_minutes, 15)
        self.start()
        line = self.stop(datetime(2026, 9, 14, 9, 7))
        self.assertAlmostEqual(line.unit_amount, 0.25)
        self.assertEqual(line.employee_id, self.employee)
        self.assertEqual(line.msp_coverage, "covered")
        self.assertAlmostEqual(self.consumed(line).hours, -0.25)
        self.assertFalse(self.env["msp.ticket.timer"].search([]))

    def test_rounding_follows_the_setting(self):
        for step, stop_at, hours in [
            (0, datetime(2026, 9, 14, 9, 7, 10), 8 / 60),
            (30, datetime(2026, 9, 14, 9, 30), 0.5),
            (30, datetime(2026, 9, 14, 9, 30, 1), 1.0),
        ]:
            with self.subTest(step=step, stop_at=stop_at):
                self.company.msp_timer_rounding_minutes = step
                self.ticket.msp_timesheet_ids.unlink()
                self.start()
                self.assertAlmostEqual(self.stop(stop_at).unit_amount, hours)

    def test_one_running_timer_per_user(self):
        other_ticket = self.make_ticket(name="Printer offline", user_id=self.technician.id)
        self.start()
        with self.assertRaisesRegex(UserError, "already running on ticket"):
            self.start(other_ticket)
        self.assertEqual(self.env["msp.ticket.timer"].search([]).ticket_id, self.ticket)

    def test_closed_ticket_is_refused(self):
        self.ticket.stage_id = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        with self.assertRaisesRegex(UserError, "is closed"):
            self.start()
        self.assertFalse(self.env["msp.ticket.timer"].search([]))

    def test_timer_survives_a_reload(self):
        self.start()
        # A new environment, as after a reload or on another device: the timer is stored.
        self.env.invalidate_all()
        env = api.Environment(self.env.cr, self.technician.id, {})
        ticket = env["helpdesk.ticket"].browse(self.ticket.id)
        self.assertEqual(ticket.msp_timer_start, MONDAY)
        self.assertFalse(self.ticket.with_user(self.manager).msp_timer_start, "mine, not theirs")
        line = self.stop(datetime(2026, 9, 14, 10, 0))
        self.assertAlmostEqual(line.unit_amount, 1.0)

    def test_stop_without_a_timer_is_refused(self):
        with self.assertRaisesRegex(UserError, "not running"):
            self.stop(MONDAY)

    def test_timer_left_running_is_refused_at_stop_and_can_be_discarded(self):
        self.start()
        with self.assertRaisesRegex(UserError, r"run for 26\.5 hours.*Discard timer"):
            self.stop(datetime(2026, 9, 15, 11, 30))
        timer = self.env["msp.ticket.timer"].search([])
        self.assertEqual(timer.ticket_id, self.ticket, "the refused stop keeps the timer")
        self.assertFalse(self.ticket.msp_timesheet_ids)
        with freeze_time(datetime(2026, 9, 15, 11, 30)):
            self.ticket.with_user(self.technician).action_msp_timer_discard()
        self.assertFalse(timer.exists())
        self.assertFalse(self.ticket.msp_timesheet_ids, "a discarded timer logs nothing")
        note = self.ticket.message_ids[0]
        self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))
        self.assertEqual(note.author_id, self.technician.partner_id)
        self.assertIn(f"Timer of {self.technician.name} discarded after 26.5 h", note.body)
        # The technician can time their work again.
        self.start(at=datetime(2026, 9, 15, 11, 31))
        line = self.stop(datetime(2026, 9, 15, 12, 0))
        self.assertAlmostEqual(line.unit_amount, 0.5)

    def test_discard_without_a_timer_is_refused(self):
        with self.assertRaisesRegex(UserError, "not running"):
            self.ticket.with_user(self.technician).action_msp_timer_discard()

    def test_user_without_employee_cannot_start_a_timer(self):
        nobody = self.technician_without_employee()
        with self.assertRaisesRegex(UserError, "no employee"):
            self.start(user=nobody)
        self.assertFalse(self.env["msp.ticket.timer"].search([]))

    def test_technician_cannot_rewrite_their_timer(self):
        other_ticket = self.make_ticket(name="Printer offline", user_id=self.technician.id)
        self.start()
        timer = self.env["msp.ticket.timer"].with_user(self.technician).search([])
        for vals in (
            {"date_start": datetime(2026, 9, 14, 1, 0)},
            {"ticket_id": other_ticket.id},
            {"user_id": self.technician.id},
        ):
            with self.subTest(vals=vals), self.assertRaisesRegex(UserError, "cannot be changed"):
                timer.write(vals)
        timers = self.env["msp.ticket.timer"].with_user(self.technician)
        timer.unlink()
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            timers.create({"ticket_id": self.ticket.id, "date_start": datetime(2026, 9, 13)})
        self.assertFalse(timers.search([]))
        self.start()
        self.assertEqual(timers.search([]).date_start, MONDAY)
