# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from lxml import etree

from odoo.tests import tagged

from .common import MspContractCase


@tagged("post_install", "-at_install")
class TestLabels(MspContractCase):
    """Labels of OCA's views said plainly, through inheritance (no fork)."""

    def view(self, model, view_type):
        result = self.env[model].get_views([(False, view_type)])
        return etree.fromstring(result["views"][view_type]["arch"]), result["models"][model]

    def test_line_recurrence_says_what_it_does(self):
        arch, model = self.view("contract.contract", "form")
        self.assertTrue(arch.xpath("//field[@name='line_recurrence']"))
        field = model["fields"]["line_recurrence"]
        self.assertEqual(field["string"], "Lines have their own billing schedule")
        self.assertIn("each line has its own start date", field["help"])
        self.assertNotIn("?", field["string"])

    def test_ticket_list_shows_the_time_spent(self):
        arch, model = self.view("helpdesk.ticket", "list")
        column = arch.xpath("//field[@name='msp_timesheet_hours']")[0]
        self.assertEqual((column.get("optional"), column.get("widget")), ("show", "float_time"))
        self.assertEqual(model["fields"]["msp_timesheet_hours"]["string"], "Time Spent")
        self.make_contract()
        ticket = self.make_ticket()
        self.log_time(ticket, date(2026, 9, 10), 1.5)
        self.log_time(ticket, date(2026, 9, 11), 0.25)
        self.assertAlmostEqual(ticket.msp_timesheet_hours, 1.75)
