# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from freezegun import freeze_time
from lxml import etree

from odoo.tests import tagged

from .common import MspContractCase

LABEL = "Hours left this month"


@tagged("post_install", "-at_install")
class TestHoursAtAGlance(MspContractCase):
    """The hours left this month, and how they are made, on the contract, its list, the
    customer's smart button and the ticket, under one label."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan.write({"rollover_rule": "cap", "rollover_cap_hours": 5})

    def make_october(self):
        """September: 2 h used, 8 unused of which 5 roll over (the cap). October: 10
        included + 5 rolled over + 3 prepaid - 4.5 used = 13.5 left."""
        contract = self.make_contract()
        ticket = self.make_ticket()
        self.log_time(ticket, date(2026, 9, 10), 2.0)
        self.invoice(contract, date(2026, 9, 1))
        self.invoice(contract, date(2026, 10, 1))
        self.env["msp.contract.prepaid.wizard"].with_user(self.manager).create(
            {"contract_id": contract.id, "hours": 3, "amount": 300, "date": date(2026, 10, 2)}
        ).action_confirm()
        self.log_time(ticket, date(2026, 10, 6), 4.5)
        return contract, ticket

    @freeze_time("2026-10-15")
    def test_figure_and_its_parts(self):
        contract, ticket = self.make_october()
        contract.invalidate_recordset()
        self.assertEqual(
            (
                contract.msp_hours_included,
                contract.msp_hours_rollover,
                contract.msp_hours_prepaid,
                contract.msp_hours_used,
                contract.msp_hours_balance,
            ),
            (10.0, 5.0, 3.0, 4.5, 13.5),
        )
        self.assertEqual(
            contract.msp_hours_summary,
            "10:00 included + 5:00 rolled over + 3:00 prepaid - 4:30 used",
        )
        # the same figure as the ledger's (what coverage decides on)
        self.assertAlmostEqual(contract._msp_hours_left(date(2026, 10, 15)), 13.5)
        # the ticket shows it to the technician, who may not read the contract
        ticket_as_tech = ticket.with_user(self.technician)
        ticket.user_id = self.technician
        self.assertAlmostEqual(ticket_as_tech.msp_hours_remaining, 13.5)
        self.assertEqual(ticket_as_tech.msp_hours_summary, contract.msp_hours_summary)

    @freeze_time("2026-10-31 23:30:00")
    def test_the_month_is_the_company_s_whoever_reads(self):
        """On the last evening of October (UTC), it is already November in Brussels and in
        Tokyo. The contract's month is its company's, not each reader's: the manager, the
        technician on the ticket and the customer's smart button all read October's 13.5
        hours; with the company in Brussels, all of them read November's."""
        contract, ticket = self.make_october()
        ticket.user_id = self.technician
        self.company.partner_id.tz = False  # UTC

        def figures():
            seen = set()
            for tz in ("Europe/Brussels", "Asia/Tokyo", "UTC"):
                self.env.invalidate_all()
                seen.add(contract.with_user(self.manager).with_context(tz=tz).msp_hours_balance)
                tech = ticket.with_user(self.technician).with_context(tz=tz)
                seen.add(tech.msp_hours_remaining)
                partner = contract.partner_id.with_user(self.manager).with_context(tz=tz)
                seen.add(partner.msp_hours_left)
            return seen

        self.assertEqual(figures(), {13.5})
        self.company.partner_id.tz = "Europe/Brussels"
        [november] = figures()
        self.assertNotEqual(november, 13.5)
        self.assertEqual(self.company._msp_today(), date(2026, 11, 1))

    @freeze_time("2026-10-15")
    def test_contract_without_time_this_month_has_its_included_hours(self):
        contract = self.make_contract(start=date(2026, 10, 1))
        self.assertEqual(contract.msp_hours_balance, 10.0)
        self.assertEqual(contract.msp_hours_summary, "10:00 included - 0:00 used")

    @freeze_time("2026-10-15")
    def test_list_reads_the_hours_of_all_contracts_at_once(self):
        contract, _ticket = self.make_october()
        others = self.env["contract.contract"]
        for index in range(3):
            customer = self.env["res.partner"].create(
                {"name": f"Clinic {index}", "is_company": True}
            )
            others |= self.make_contract(customer=customer, start=date(2026, 10, 1))
        counts = []
        # a contract with time this month and one without, then more of the latter
        for contracts in (contract | others[0], contract | others):
            contracts.invalidate_recordset()
            before = self.env.cr.sql_log_count
            contracts.mapped("msp_hours_balance")
            counts.append(self.env.cr.sql_log_count - before)
        self.assertEqual(counts[0], counts[1], "one grouped read, whatever the number of rows")
        self.assertEqual((contract | others).mapped("msp_hours_balance"), [13.5, 10, 10, 10])

    @freeze_time("2026-10-15")
    def test_customer_smart_button(self):
        contract, _ticket = self.make_october()
        expired = self.make_contract(start=date(2026, 1, 1), date_end=date(2026, 6, 30))
        self.assertEqual(self.customer.msp_active_contract_count, 1)
        self.assertAlmostEqual(self.customer.msp_hours_left, 13.5)
        # a contact shows its company's hours
        self.assertAlmostEqual(self.user_a.msp_hours_left, 13.5)
        action = self.customer.with_user(self.manager).action_msp_view_service_hours()
        self.assertEqual(
            (action["res_model"], action["res_id"]), ("contract.contract", contract.id)
        )
        # two active contracts: the list of both, not the expired one
        second = self.make_contract(start=date(2026, 10, 1))
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.msp_active_contract_count, 2)
        self.assertAlmostEqual(self.customer.msp_hours_left, 23.5)
        action = self.customer.with_user(self.manager).action_msp_view_service_hours()
        contracts = self.env["contract.contract"].search(action["domain"])
        self.assertEqual(contracts, contract | second)
        self.assertNotIn(expired, contracts)
        # technicians see the hours, not the contracts (nor their prices): their button
        # opens the customer's open tickets
        customer_as_tech = self.customer.with_user(self.technician)
        self.assertAlmostEqual(customer_as_tech.msp_hours_left, 23.5)
        action = customer_as_tech.action_msp_view_service_hours()
        self.assertEqual(action["res_model"], "helpdesk.ticket")
        # no contract: no button
        other = self.env["res.partner"].create({"name": "No Contract Co", "is_company": True})
        self.assertEqual(other.msp_active_contract_count, 0)
        view = self.env["res.partner"].get_views([(False, "form")])["views"]["form"]["arch"]
        button = etree.fromstring(view).xpath("//button[@name='action_msp_view_service_hours']")[0]
        self.assertEqual(button.get("invisible"), "not msp_active_contract_count")

    @freeze_time("2026-10-15")
    def test_customer_smart_button_counts_the_allowed_companies_only(self):
        self.make_contract(start=date(2026, 10, 1))
        other_company = self.env["res.company"].create({"name": "Other MSP Branch"})
        self.manager.company_ids |= other_company
        customer = self.customer.with_user(self.manager)
        elsewhere = customer.with_context(allowed_company_ids=[other_company.id])
        self.assertEqual(elsewhere.msp_active_contract_count, 0)
        self.assertEqual(elsewhere.msp_hours_left, 0, "a contract of a company not selected")
        both = customer.with_context(allowed_company_ids=[other_company.id, self.company.id])
        self.assertEqual(both.msp_active_contract_count, 1)
        self.assertAlmostEqual(both.msp_hours_left, 10)

    def test_one_label_everywhere(self):
        where = [
            ("contract.contract", "form", "msp_hours_balance"),
            ("contract.contract", "list", "msp_hours_balance"),
            ("res.partner", "form", "msp_hours_left"),
            ("helpdesk.ticket", "form", "msp_hours_remaining"),
        ]
        for model, view_type, field in where:
            with self.subTest(model=model, view=view_type):
                result = self.env[model].get_views([(False, view_type)])
                arch = etree.fromstring(result["views"][view_type]["arch"])
                nodes = arch.xpath(f"//field[@name='{field}']")
                self.assertTrue(nodes)
                self.assertFalse([node for node in nodes if node.get("string")])
                self.assertEqual(result["models"][model]["fields"][field]["string"], LABEL)
                self.assertIn(
                    "included + rolled over + prepaid - used", self.env[model]._fields[field].help
                )
        # the smart button's text, the portal page and the monthly report
        partner_form = self.env["res.partner"].get_views([(False, "form")])["views"]["form"]
        text = etree.fromstring(partner_form["arch"]).xpath(
            "//button[@name='action_msp_view_service_hours']//span[hasclass('o_stat_text')]"
        )[0]
        self.assertEqual(text.text.strip(), LABEL)
        for xmlid in (
            "msp_service_contract.portal_contract_page_msp",
            "msp_service_contract.report_monthly_service",
        ):
            with self.subTest(template=xmlid):
                self.assertIn(LABEL, self.env.ref(xmlid).arch)

    def test_monthly_report_splits_the_hours(self):
        contract, _ticket = self.make_october()
        figures = self.env["report.msp_service_contract.report_monthly_service"]._contract_figures(
            contract, date(2026, 10, 1), date(2026, 11, 1)
        )
        self.assertEqual(
            figures["hours"],
            {"included": 10.0, "rollover": 5.0, "prepaid": 3.0, "used": 4.5, "left": 13.5},
        )
        self.assertAlmostEqual(figures["hours_left"], 13.5)
