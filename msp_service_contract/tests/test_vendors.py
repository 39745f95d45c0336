# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import tagged

from .common import MspContractCase


class MspVendorCase(MspContractCase):
    """A carrier (escalation number on file) and Microsoft as vendors; the customer's fibre
    line and its Microsoft 365 tenant as vendor accounts; the third-party wait stage; an SLA
    policy that excludes third-party delays from its resolution target; a contract that
    resells 8 Microsoft 365 licences. No test here."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.isp = Partner.create(
            {"name": "Lumen Fibre Ltd", "is_company": True, "msp_vendor_kind": "isp"}
        )
        cls.microsoft = Partner.create(
            {"name": "Microsoft Ireland", "is_company": True, "msp_vendor_kind": "software"}
        )
        Account = cls.env["msp.vendor.account"]
        cls.fibre = Account.create(
            {
                "name": "Fibre 500/500",
                "partner_id": cls.user_a.id,  # a contact: the account is its company's
                "vendor_id": cls.isp.id,
                "account_number": "LF-448120",
                "circuit_ref": "LF-ETH-0048213",
                "escalation_phone": "+44 20 7946 0123",
                "support_phone": "+44 800 046 0000",
                "renewal_date": date(2026, 10, 15),
                "notice_days": 30,
                "cost": 89.0,
                "credentials_location": "Vault: Customers/Dental Care/Lumen portal",
                "asset_ids": [Command.set(cls.ws1.ids)],
            }
        )
        cls.m365 = Account.create(
            {
                "name": "Microsoft 365 Business Premium",
                "partner_id": cls.customer.id,
                "vendor_id": cls.microsoft.id,
                "tenant_ref": "dentalcare.onmicrosoft.com",
                "cost": 140.0,
            }
        )
        cls.vendor_stage = cls.env.ref("msp_service_contract.helpdesk_ticket_stage_waiting_vendor")
        cls.add_resolution_target(pause_on_third_party=True)
        cls.product_m365 = cls.env["product.product"].create(
            {"name": "Microsoft 365 Business Premium", "type": "service"}
        )
        cls.contract = cls.make_contract(start=date(2026, 9, 1))
        cls.contract.write(
            {
                "contract_line_ids": [
                    Command.create(
                        {
                            "product_id": cls.product_m365.id,
                            "name": "Microsoft 365 Business Premium",
                            "quantity": 8,
                            "price_unit": 22.0,
                            "msp_vendor_account_id": cls.m365.id,
                            "msp_vendor_cost": 17.5,
                            "date_start": date(2026, 9, 1),
                            "recurring_next_date": date(2026, 9, 1),
                        }
                    )
                ]
            }
        )
        cls.resold = cls.contract.contract_line_ids.filtered("msp_vendor_account_id")


@tagged("post_install", "-at_install")
class TestVendors(MspVendorCase):
    """The register, vendor cases on tickets and resold vendor services."""

    def test_account_belongs_to_the_customer_and_computes_its_notice_date(self):
        self.assertEqual(self.fibre.partner_id, self.customer)
        self.assertEqual(self.fibre.notice_date, date(2026, 9, 15))
        self.assertEqual(
            self.fibre.display_name, "Lumen Fibre Ltd · Fibre 500/500 · Dental Care Ltd"
        )
        self.fibre.renewal_date = False
        self.fibre.date_end = date(2026, 12, 31)
        self.assertEqual(self.fibre.notice_date, date(2026, 12, 1), "from the term end")

    def test_constraints_say_what_to_fix(self):
        rival = self.env["res.partner"].create({"name": "Rival Dentists", "is_company": True})
        rival_asset = self.env["msp.asset"].create(
            {"name": "RIVAL-PC", "kind": "workstation", "partner_id": rival.id}
        )
        cases = [
            ({"date_start": date(2026, 9, 1), "date_end": date(2026, 8, 1)}, "term end"),
            ({"date_start": date(2026, 11, 1)}, "renewal date"),
            ({"notice_days": -5}, "notice period is a number of days"),
            ({"cost": -1}, "cost cannot be negative"),
            ({"support_url": "portal.lumen.example"}, "https://"),
            ({"vendor_id": self.user_b.id}, "no vendor kind"),
            ({"asset_ids": [Command.link(rival_asset.id)]}, "RIVAL-PC is not"),
        ]
        for vals, message in cases:
            with (
                self.subTest(vals=vals),
                self.assertRaises(ValidationError) as caught,
                self.env.cr.savepoint(),
            ):
                self.fibre.write(vals)
                self.env.flush_all()
            self.assertIn(message, str(caught.exception))
        self.customer.msp_vendor_kind = "other"
        with self.assertRaisesRegex(ValidationError, "the vendor and the customer are the same"):
            self.fibre.vendor_id = self.customer

    def test_technician_reads_contacts_and_numbers_never_costs(self):
        accounts = self.env["msp.vendor.account"].with_user(self.technician)
        [row] = accounts.search_read(
            [("id", "=", self.fibre.id)], ["escalation_phone", "circuit_ref", "renewal_date"]
        )
        self.assertEqual(row["escalation_phone"], "+44 20 7946 0123")
        self.assertNotIn("cost", accounts.browse(self.fibre.id).read()[0], "not in a full read")
        with self.assertRaises(AccessError):
            self.fibre.with_user(self.technician).read(["cost"])
        with self.assertRaises(AccessError):
            accounts.search_read([], ["name", "cost"])
        with self.assertRaises(AccessError):
            accounts.formatted_read_group([], ["partner_id"], ["cost:sum"])
        with self.assertRaises(AccessError):
            accounts.search([("cost", ">", 50)])
        with self.assertRaises(AccessError):
            accounts.create({"name": "x", "partner_id": self.customer.id, "vendor_id": self.isp.id})
        manager = self.env["msp.vendor.account"].with_user(self.manager)
        [group] = manager.formatted_read_group(
            [("partner_id", "=", self.customer.id)], ["partner_id"], ["cost:sum"]
        )
        self.assertEqual(group["cost:sum"], 229.0)

    def open_case(self, ticket, account, ref):
        return (
            self.env["msp.vendor.case"]
            .with_user(self.technician)
            .create({"ticket_id": ticket.id, "vendor_account_id": account.id, "vendor_ref": ref})
        )

    def test_waiting_on_the_vendor_pauses_the_resolution_and_the_ledger_says_whom(self):
        with freeze_time(datetime(2026, 9, 8, 9, 0)):
            ticket = self.make_ticket(user_id=self.technician.id)
            start_stage = ticket.stage_id
            case = self.open_case(ticket, self.fibre, "LF-FLT-7781203")
            self.assertEqual(case.escalation_phone, "+44 20 7946 0123")
            self.assertEqual(case.state, "open")
        with freeze_time(datetime(2026, 9, 8, 10, 0)):
            case.action_wait_on_vendor()
        self.assertEqual(case.state, "waiting")
        self.assertEqual(ticket.stage_id, self.vendor_stage)
        resolution = ticket.msp_sla_clock_ids.filtered(lambda c: c.kind == "resolution")
        self.assertEqual(resolution.state, "paused")
        pause = ticket.msp_sla_event_ids.filtered(lambda e: e.event_type == "pause")
        self.assertEqual(pause.details, "waiting on vendor Lumen Fibre Ltd (LF-FLT-7781203)")
        with freeze_time(datetime(2026, 9, 8, 13, 30)):
            case.action_vendor_answered()
            self.assertAlmostEqual(case.waiting_hours, 3.5)
        self.assertEqual(case.state, "open")
        self.assertEqual(ticket.stage_id, start_stage, "back where it was")
        self.assertEqual(resolution.state, "running")
        self.assertEqual(resolution.paused_minutes, 210)
        # The next follow-up is an activity on the case.
        case.activity_schedule(
            "mail.mail_activity_data_call",
            date_deadline=date(2026, 9, 9),
            user_id=self.technician.id,
        )
        self.assertEqual(case.activity_date_deadline, date(2026, 9, 9))
        case.with_user(self.technician).action_resolve()
        self.assertEqual(case.state, "resolved")

    def test_a_case_is_on_an_account_of_the_tickets_customer(self):
        rival = self.env["res.partner"].create({"name": "Rival Dentists", "is_company": True})
        theirs = self.fibre.copy({"partner_id": rival.id, "asset_ids": False})
        ticket = self.make_ticket()
        with self.assertRaisesRegex(ValidationError, "is not one of Dental Care Ltd's"):
            self.open_case(ticket, theirs, "X")

    def test_monthly_report_lists_the_time_waiting_on_each_vendor(self):
        with freeze_time(datetime(2026, 8, 31, 20, 0)):
            ticket = self.make_ticket(user_id=self.technician.id)
            fibre = self.open_case(ticket, self.fibre, "LF-1")
            fibre.action_wait_on_vendor()
        with freeze_time(datetime(2026, 9, 1, 2, 0)):  # 2 h of it in September
            fibre.action_vendor_answered()
        with freeze_time(datetime(2026, 9, 10, 9, 0)):
            other = self.make_ticket(name="Teams calls drop", user_id=self.technician.id)
            m365 = self.open_case(other, self.m365, "MS-220")
            m365.action_wait_on_vendor()
        with freeze_time(datetime(2026, 9, 11, 9, 0)):
            m365.action_resolve()
        Report = self.env["report.msp_service_contract.report_monthly_service"]
        waits = Report._msp_vendor_waits(self.contract, date(2026, 9, 1), date(2026, 10, 1))
        self.assertEqual(
            [(vendor.name, cases, round(hours, 2)) for vendor, cases, hours in waits],
            [("Microsoft Ireland", 1, 24.0), ("Lumen Fibre Ltd", 1, 2.0)],
        )
        html, _format = self.env["ir.actions.report"]._render_qweb_html(
            "msp_service_contract.report_monthly_service",
            self.contract.ids,
            data={"month": "2026-09-01"},
        )
        self.assertIn("Time waiting on vendors", html.decode())
        self.assertIn("24.00", html.decode())

    def bill(self, price, day, link=True):
        line = {"product_id": self.product_m365.id, "quantity": 8, "price_unit": price}
        if link:
            line["msp_vendor_account_id"] = self.m365.id
        bill = self.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": self.microsoft.id,
                "invoice_date": day,
                "invoice_line_ids": [Command.create(line)],
            }
        )
        bill.action_post()
        return bill

    def test_margin_counts_the_vendor_cost_and_a_posted_bill_updates_it(self):
        self.assertAlmostEqual(self.contract.msp_resale_cost, 8 * 17.5)
        self.assertAlmostEqual(self.contract.msp_resale_margin, 8 * 22 - 8 * 17.5)
        bill = self.bill(18.1, date(2026, 8, 28))
        self.assertAlmostEqual(self.resold.msp_vendor_cost, 18.1)
        self.assertAlmostEqual(self.contract.msp_resale_margin, 8 * 22 - 8 * 18.1)
        self.assertIn(bill.name, self.contract.message_ids[0].body)
        # A bill that names no account is matched by its vendor and product.
        self.bill(18.5, date(2026, 8, 29), link=False)
        self.assertAlmostEqual(self.resold.msp_vendor_cost, 18.5)

        # The invoice keeps the cost of its period; the profitability counts it.
        self.invoice(self.contract, date(2026, 9, 1))
        self.bill(19.0, date(2026, 9, 20))
        self.invoice(self.contract, date(2026, 10, 1))
        rows = self.env["msp.contract.profit.report"].search(
            [("contract_id", "=", self.contract.id)]
        )
        by_month = {row.month: row for row in rows}
        september, october = by_month[date(2026, 9, 1)], by_month[date(2026, 10, 1)]
        self.assertAlmostEqual(september.vendor_cost, 8 * 18.5)
        self.assertAlmostEqual(october.vendor_cost, 8 * 19.0)
        self.assertAlmostEqual(september.revenue, 600.0 + 8 * 22)
        self.assertAlmostEqual(september.margin, september.revenue - september.cost)
        self.assertAlmostEqual(september.cost, 8 * 18.5, msg="no time logged")

    def test_a_bill_line_names_an_account_of_the_bills_vendor_only(self):
        with self.assertRaisesRegex(ValidationError, "only be set on a vendor bill of"):
            self.env["account.move"].create(
                {
                    "move_type": "in_invoice",
                    "partner_id": self.isp.id,
                    "invoice_date": date(2026, 9, 1),
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": self.product_m365.id,
                                "price_unit": 1,
                                "msp_vendor_account_id": self.m365.id,
                            }
                        )
                    ],
                }
            )

    def test_a_resold_line_is_an_account_of_the_contracts_customer(self):
        rival = self.env["res.partner"].create({"name": "Rival Dentists", "is_company": True})
        theirs = self.m365.copy({"partner_id": rival.id})
        with self.assertRaises(UserError):
            self.resold.msp_vendor_account_id = theirs
