# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from lxml import etree

from odoo.tests import tagged

from .common import MspSlaCase


@tagged("post_install", "-at_install")
class TestTicketLabels(MspSlaCase):
    """OCA's "Partner Name" and "Email" beside "Contact", said plainly (inherited views)."""

    def arch(self, view_type):
        views = self.env["helpdesk.ticket"].get_views([(False, view_type)])["views"]
        return etree.fromstring(views[view_type]["arch"])

    def test_form_says_whose_name_and_email(self):
        arch = self.arch("form")
        name = arch.xpath("//field[@name='partner_name']")[0]
        email = arch.xpath("//field[@name='partner_email']")[0]
        self.assertEqual(name.get("string"), "Contact name (as typed)")
        self.assertEqual(name.get("invisible"), "partner_id")
        self.assertEqual(email.get("string"), "Contact email")
        self.assertNotIn("Partner Name", etree.tostring(arch, encoding="unicode"))

    def test_list_column(self):
        column = self.arch("list").xpath("//field[@name='partner_name']")[0]
        self.assertEqual(column.get("string"), "Contact name")
