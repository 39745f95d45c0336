# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from freezegun import freeze_time

from odoo.tests import Form, tagged

from .common import MspSlaCase


@tagged("post_install", "-at_install")
class TestSlaCustomerReportWizard(MspSlaCase):
    """SLA > Reporting > Monthly Customer Report opens on last month."""

    def test_opens_on_last_month_for_the_selected_customers(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "msp_sla.msp_sla_customer_report_wizard_action"
        )
        Wizard = self.env[action["res_model"]].with_context(
            active_model="res.partner", active_ids=self.customer.ids
        )
        with freeze_time("2026-03-10 12:00:00"):
            wizard = Form(Wizard)
            self.assertEqual(wizard.month, date(2026, 2, 1))
            self.assertEqual(wizard.partner_ids[:], self.customer)
        with freeze_time("2026-01-15 12:00:00"):
            self.assertEqual(Wizard.default_get(["month"])["month"], date(2025, 12, 1))
