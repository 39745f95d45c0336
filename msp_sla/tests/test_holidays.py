# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

import psycopg2

from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger

from .common import P3, MspSlaCase, local


@tagged("post_install", "-at_install")
class TestSlaPublicHolidays(MspSlaCase):
    """Public holidays loaded from the holidays library into SLA business hours."""

    def leaves(self):
        return self.env["resource.calendar.leaves"].search(
            [("calendar_id", "=", self.calendar.id)], order="date_from"
        )

    def test_belgium_2026(self):
        created, updated = self.calendar._msp_sla_load_public_holidays("BE", [2026])
        self.assertFalse(updated)
        self.assertEqual(created, self.leaves())
        by_day = {leave.msp_sla_holiday_date: leave for leave in created}
        for day in (date(2026, 1, 1), date(2026, 4, 6), date(2026, 7, 21), date(2026, 11, 11)):
            self.assertIn(day, by_day, f"{day} is a Belgian public holiday")
        easter_monday = by_day[date(2026, 4, 6)]
        self.assertEqual(easter_monday.name, "Easter Monday")
        # The whole local day in the calendar's time zone (Brussels, summer time), for everyone.
        self.assertEqual(easter_monday.date_from, local(2026, 4, 6, 0, 0))
        self.assertEqual(easter_monday.date_to, local(2026, 4, 6, 23, 59, 59))
        self.assertFalse(easter_monday.resource_id)
        self.assertEqual(easter_monday.time_type, "leave")
        self.assertEqual(set(created.mapped("msp_sla_holiday_region")), {"BE"})
        self.assertFalse([d for d in by_day if d.year != 2026])

    def test_loading_twice_adds_nothing_and_renames(self):
        first, _updated = self.calendar._msp_sla_load_public_holidays("be", [2026])
        national_day = first.filtered(lambda leave: leave.msp_sla_holiday_date == date(2026, 7, 21))
        national_day.name = "Fête nationale (old name)"
        created, updated = self.calendar._msp_sla_load_public_holidays("BE", [2026])
        self.assertFalse(created)
        self.assertEqual(updated, national_day)
        self.assertEqual(national_day.name, "National Day")
        self.assertEqual(self.leaves(), first)

    def test_hand_typed_holiday_is_adopted_not_duplicated(self):
        christmas = self.env["resource.calendar.leaves"].create(
            {
                "name": "Christmas 2026",
                "calendar_id": self.calendar.id,
                "date_from": local(2026, 12, 25, 0, 0),
                "date_to": local(2026, 12, 25, 23, 59, 59),
            }
        )
        _created, updated = self.calendar._msp_sla_load_public_holidays("BE", [2026])
        self.assertEqual(updated, christmas)
        self.assertEqual(christmas.msp_sla_holiday_date, date(2026, 12, 25))
        self.assertEqual(christmas.msp_sla_holiday_region, "BE")
        self.assertEqual(
            len(self.leaves().filtered(lambda leave: leave.date_from == christmas.date_from)), 1
        )

    def test_one_loaded_holiday_per_calendar_day(self):
        created, _updated = self.calendar._msp_sla_load_public_holidays("BE", [2026])
        christmas = created.filtered(lambda leave: leave.msp_sla_holiday_date.month == 12)
        # What a second manager loading at the same time would add: refused by the database.
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.UniqueViolation),
            self.env.cr.savepoint(),
        ):
            christmas.copy({"msp_sla_holiday_date": christmas.msp_sla_holiday_date})
            self.env.flush_all()
        # Duplicating a holiday by hand makes a plain leave, not a second holiday.
        self.assertFalse(christmas.copy().msp_sla_holiday_date)

    def test_another_country_renaming_a_day_gives_it_its_code(self):
        created, _updated = self.calendar._msp_sla_load_public_holidays("BE", [2026])
        christmas = created.filtered(lambda leave: leave.msp_sla_holiday_date == date(2026, 12, 25))
        christmas.name = "Kerstmis"
        new_year = created.filtered(lambda leave: leave.msp_sla_holiday_date == date(2026, 1, 1))
        _created, updated = self.calendar._msp_sla_load_public_holidays("FR", [2026])
        # The name and the code of a day come from the same load.
        self.assertIn(christmas, updated)
        self.assertEqual(
            (christmas.name, christmas.msp_sla_holiday_region), ("Christmas Day", "FR")
        )
        self.assertNotIn(new_year, updated, "same name: the day stays Belgium's")
        self.assertEqual(new_year.msp_sla_holiday_region, "BE")

    def test_region_adds_its_own_holidays(self):
        country, _updated = self.calendar._msp_sla_load_public_holidays("DE", [2026])
        self.assertNotIn(date(2026, 1, 6), country.mapped("msp_sla_holiday_date"))
        region, _updated = self.calendar._msp_sla_load_public_holidays("DE-BY", [2026])
        # Bavaria adds Epiphany and Corpus Christi; the national days are not added twice.
        self.assertIn(date(2026, 1, 6), region.mapped("msp_sla_holiday_date"))
        self.assertIn(date(2026, 6, 4), region.mapped("msp_sla_holiday_date"))
        self.assertNotIn(date(2026, 12, 25), region.mapped("msp_sla_holiday_date"))
        self.assertEqual(set(region.mapped("msp_sla_holiday_region")), {"DE-BY"})
        self.assertEqual(len(self.leaves()), len(country) + len(region))

    def test_unknown_codes_are_refused(self):
        with self.assertRaisesRegex(UserError, "Country or region.*XX.*holidays.readthedocs.io"):
            self.calendar._msp_sla_load_public_holidays("XX", [2026])
        with self.assertRaisesRegex(UserError, "DE-ZZ.*not a region of DE.*DE-BY"):
            self.calendar._msp_sla_load_public_holidays("DE-ZZ", [2026])
        with self.assertRaisesRegex(UserError, "Year"):
            self.calendar._msp_sla_load_public_holidays("BE", [26000])
        self.assertFalse(self.leaves())

    def test_deadline_skips_a_loaded_holiday(self):
        self.calendar._msp_sla_load_public_holidays("BE", [2026])
        # Wednesday 13 May 16:00, 8 business hours: 2 on Wednesday, Thursday 14 May is
        # Ascension Day, then Friday 8-12 (4) and 13-15 (2).
        ticket = self.create_ticket(local(2026, 5, 13, 16, 0), priority=P3)
        self.assertEqual(self.clock(ticket, "resolution").deadline, local(2026, 5, 15, 15, 0))

    def test_sla_manager_loads_from_the_calendar(self):
        manager = new_test_user(
            self.env,
            login="sla_holiday_manager",
            groups="base.group_user,msp_sla.msp_sla_group_manager",
        )
        arch = self.env["resource.calendar"].with_user(manager).get_view(view_type="form")["arch"]
        self.assertIn("Load Public Holidays", arch)
        self.assertIn('name="msp_sla_public_holidays"', arch)
        Wizard = self.env["msp.sla.holiday.wizard"].with_user(manager)
        context = {"active_model": "resource.calendar", "active_id": self.calendar.id}
        form = Form(Wizard.with_context(**context))
        form.region_code = "BE"
        form.year = 2026
        self.assertIn("2026-07-21  National Day", form.preview)
        action = form.save().action_load()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(len(self.leaves()), len(form.preview.splitlines()))
        self.assertEqual(self.calendar.global_leave_ids, self.leaves())
        form = Form(Wizard.with_context(**context))
        form.region_code = "XX"
        form.year = 2026
        self.assertFalse(form.preview)
        with self.assertRaisesRegex(UserError, "XX"):
            form.save().action_load()
