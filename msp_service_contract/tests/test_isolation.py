# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Isolation by construction: no customer reads another's records, no company another's.

The guard lists every model the portal group may read, from the access rights of every
installed module (Odoo's, OCA's and ours). Each must be either

- a model that holds customer records: the test makes records of two customers, A and B,
  and proves that A's portal user reads and finds none of B's (and B finds its own, so the
  check cannot pass for want of records), or
- a model listed below as not holding one customer's data, with the reason.

A new model that portal users can read fails the test until it is in one of the two lists,
that is until someone has decided who may read its records and given it its rule.
"""

from datetime import date

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from .common import MspContractCase

# Portal-readable models that hold no customer's own records, and why they may be read.
NOT_CUSTOMER_DATA = {
    # reference data, the same for everybody
    "res.country": "reference data",
    "res.country.state": "reference data",
    "res.country.group": "reference data",
    "res.currency": "reference data",
    "res.currency.rate": "reference data",
    "res.lang": "reference data",
    "res.partner.industry": "reference data",
    "res.partner.title": "reference data",
    "uom.uom": "reference data",
    "uom.category": "reference data",
    "account.payment.term": "the terms printed on every invoice",
    "account.payment.term.line": "the terms printed on every invoice",
    "account.incoterms": "reference data",
    "account.tax": "the taxes printed on every invoice",
    "account.tax.group": "the taxes printed on every invoice",
    "account.fiscal.position": "printed on invoices, no customer data",
    "account.journal": "the MSP's journals, no customer data",
    "account.account": "the MSP's chart of accounts, no customer data",
    "product.template": "the MSP's catalogue (products sold on portal documents)",
    "product.product": "the MSP's catalogue (products sold on portal documents)",
    "product.category": "the MSP's catalogue",
    "product.attribute": "the MSP's catalogue",
    "product.attribute.value": "the MSP's catalogue",
    "product.template.attribute.line": "the MSP's catalogue",
    "product.template.attribute.value": "the MSP's catalogue",
    "product.tag": "the MSP's catalogue",
    "product.pricelist": "the MSP's price lists",
    "product.pricelist.item": "the MSP's price lists",
    "helpdesk.ticket.category": "the MSP's ticket categories",
    "helpdesk.ticket.channel": "the MSP's ticket channels",
    "helpdesk.ticket.stage": "the MSP's ticket stages",
    "helpdesk.ticket.tag": "the MSP's ticket tags",
    "helpdesk.ticket.team": "the MSP's support teams",
    "contract.tag": "the MSP's contract tags",
    "utm.campaign": "marketing reference data",
    "utm.medium": "marketing reference data",
    "utm.source": "marketing reference data",
    "mail.message.subtype": "reference data",
    "mail.activity.type": "reference data",
    # users' own records, behind Odoo core's per-user rules
    "auth.passkey.key": "Odoo core: the user's own passkeys",
    "auth_totp.device": "Odoo core: the user's own devices",
    "res.users.apikeys": "Odoo core: the user's own API keys",
    "ir.filters": "Odoo core: the user's own and shared filters",
    "mail.notification": "Odoo core: the user's own notifications",
    "discuss.channel": "Odoo core: channels the user is a member of",
    "discuss.channel.member": "Odoo core: members of the user's channels",
    "discuss.call.history": "Odoo core: calls of the user's channels",
    "calendar.event": "Odoo core: the user's own meetings",
    "payment.method": "reference data",
    "payment.token": "Odoo core: the partner's own payment tokens",
    # Odoo's project sharing: tasks and timesheets of projects shared with the customer
    "project.project": "Odoo core: projects shared with the portal user",
    "project.task": "Odoo core: tasks of projects shared with the portal user",
    "project.milestone": "Odoo core: milestones of projects shared with the portal user",
    "project.collaborator": "Odoo core: the portal user's own collaborations",
    "project.tags": "the MSP's project tags",
    "project.task.type": "the MSP's task stages",
    "ir.attachment": "Odoo core: checked against the record each attachment belongs to",
    "mail.message": "Odoo core: checked against the record each message belongs to",
    "mail.followers": "Odoo core: checked against the record followed",
    "res.partner": "Odoo core: base's portal rule (the user's own commercial entity)",
    "res.users": "Odoo core: users' public name and avatar (portal chatter)",
    "res.company": "the MSP's companies (letterhead of every document)",
}

# For each model that holds one customer's records: how to make one for a customer
# (its contact) and whether the customer itself reads it in the portal.
CUSTOMER_MODELS = (
    "account.analytic.line",
    "account.move",
    "account.move.line",
    "contract.contract",
    "contract.line",
    "contract.modification",
    "helpdesk.ticket",
    "msp.asset",
    "msp.asset.software",
    "msp.audit",
    "msp.audit.check",
    "msp.audit.finding",
    "msp.expiry.item",
    "msp.vendor.account",
    "sale.order",
    "sale.order.line",
)

# Many2one fields between customer models that may point to another customer's record, and
# why that is not a link from one customer's record to another's. (The other many2one fields
# between customer models refuse it: test_no_record_of_a_customer_points_to_another_customers.)
PART_OF_ITS_PARENT = "part of its parent: linked to B's, it is B's record, shown to B only"
CROSS_LINKS_ALLOWED = {
    ("contract.line", "contract_id"): PART_OF_ITS_PARENT,
    ("contract.modification", "contract_id"): PART_OF_ITS_PARENT,
    ("msp.asset.software", "asset_id"): PART_OF_ITS_PARENT,
    ("msp.audit.check", "audit_id"): PART_OF_ITS_PARENT,
    ("msp.audit.finding", "audit_id"): PART_OF_ITS_PARENT,
    ("sale.order.line", "order_id"): PART_OF_ITS_PARENT,
    ("sale.order.line", "linked_line_id"): "Odoo sale's link between lines of one order",
    ("account.move.line", "contract_line_id"): "OCA contract bills the contract's invoicing "
    "partner, which may be another company than the customer (its parent, a reseller)",
    ("account.move.line", "msp_contract_id"): "the contract billed: its invoicing partner may "
    "be another company than the customer, as above",
    ("account.move", "reversed_entry_id"): "Odoo accounting's link, written by its reversal",
    ("account.move", "auto_post_origin_id"): "Odoo accounting's link, written by its "
    "recurring entries",
    ("account.move", "tax_cash_basis_origin_move_id"): "Odoo accounting's link, written by "
    "its cash basis entries",
    ("account.move", "adjusting_entry_origin_move_ids"): "Odoo accounting's link, written by "
    "its adjusting entries",
    ("account.move", "adjusting_entries_move_ids"): "Odoo accounting's link, written by its "
    "adjusting entries",
    ("account.move.line", "sale_line_ids"): "Odoo sale's invoicing link: an order's lines may be "
    "invoiced to another company (the order's invoice address)",
    ("sale.order.line", "invoice_lines"): "the same link, from the order line",
}

# Customer models whose records the customer itself does not read in the portal either
# (time entries are shown as hours on the contract page and report, not as records).
NOT_SHOWN_TO_THE_CUSTOMER = {"account.analytic.line"}


@tagged("post_install", "-at_install")
class TestIsolation(MspContractCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rival = cls.env["res.partner"].create({"name": "Rival Dentists", "is_company": True})
        cls.rival_contact = cls.env["res.partner"].create(
            {"name": "Rita Rival", "parent_id": cls.rival.id}
        )
        cls.portal_a = new_test_user(
            cls.env, login="iso_portal_a", groups="base.group_portal", partner_id=cls.user_a.id
        )
        cls.portal_b = new_test_user(
            cls.env,
            login="iso_portal_b",
            groups="base.group_portal",
            partner_id=cls.rival_contact.id,
        )
        cls.records_a = cls._customer_records(cls.customer, cls.user_a)
        cls.records_b = cls._customer_records(cls.rival, cls.rival_contact)

    @classmethod
    def _customer_records(cls, customer, contact, company=None):
        """One record of every customer model for ``customer``, as its portal user would see
        it: a published audit with a check and a finding, an asset with software, a contract
        with a line and a modification, a ticket."""
        env = cls.env(
            context=dict(cls.env.context, allowed_company_ids=(company or cls.company).ids)
        )
        asset = env["msp.asset"].create(
            {
                "name": f"SRV-{customer.id}",
                "kind": "server",
                "partner_id": customer.id,
                "state": "active",
                "serial_number": f"SN-ISO-{customer.id}-{env.company.id}",
                "software_ids": [Command.create({"name": "Windows Server", "version": "2019"})],
            }
        )
        audit = env["msp.audit"].create(
            {
                "partner_id": customer.id,
                "asset_ids": [Command.set(asset.ids)],
                "is_published": True,
                "check_line_ids": [Command.create({"name": "Backups tested", "area": "backup"})],
            }
        )
        finding = env["msp.audit.finding"].create(
            {"name": f"Open RDP at {customer.name}", "audit_id": audit.id, "severity": "high"}
        )
        if company:
            contract = env["contract.contract"].create(
                {
                    "name": f"Contract of {customer.name}",
                    "partner_id": customer.id,
                    "company_id": company.id,
                    "contract_line_ids": [
                        Command.create(
                            {
                                "product_id": cls.product_flat.id,
                                "name": "Managed network",
                                "quantity": 1,
                                "price_unit": 123,
                                "date_start": date(2026, 9, 1),
                            }
                        )
                    ],
                }
            )
            ticket = env["helpdesk.ticket"].create(
                {
                    "name": f"Printer down at {customer.name}",
                    "description": "<p>Down.</p>",
                    "partner_id": contact.id,
                    "company_id": company.id,
                }
            )
        else:
            contract = cls.make_contract(customer=customer, assets=asset)
            ticket = cls.make_ticket(customer_contact=contact)
        contract.message_subscribe(partner_ids=contact.ids)
        project, employee = cls.project, cls.employee
        if company:
            project = env["project.project"].create({"name": "Managed services 2"})
            employee = env["hr.employee"].create({"name": "Tom Two"})
        timesheet = env["account.analytic.line"].create(
            {
                "name": f"Work for {customer.name}",
                "date": date(2026, 9, 8),
                "unit_amount": 1.0,
                "msp_ticket_id": ticket.id,
                "project_id": project.id,
                "employee_id": employee.id,
            }
        )
        modification = env["contract.modification"].create(
            {"contract_id": contract.id, "date": date(2026, 9, 1), "description": "Price set"}
        )
        order = env["sale.order"].create(
            {
                "partner_id": customer.id,
                "order_line": [Command.create({"product_id": cls.product_flat.id})],
            }
        )
        order.message_subscribe(partner_ids=contact.ids)
        invoice = env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_line_ids": [
                    Command.create({"product_id": cls.product_flat.id, "price_unit": 123})
                ],
            }
        )
        invoice.action_post()
        invoice.message_subscribe(partner_ids=contact.ids)
        expiry = env["msp.expiry.item"].create(
            {
                "name": f"customer-{customer.id}.example.com",
                "kind": "domain",
                "partner_id": customer.id,
                "expiry_date": date(2027, 3, 1),
            }
        )
        vendor = env["res.partner"].create(
            {"name": f"Carrier of {customer.name}", "is_company": True, "msp_vendor_kind": "isp"}
        )
        vendor_account = env["msp.vendor.account"].create(
            {
                "name": f"Fibre line of {customer.name}",
                "partner_id": customer.id,
                "vendor_id": vendor.id,
                "circuit_ref": f"CIRCUIT-{customer.id}",
                "asset_ids": [Command.set(asset.ids)],
            }
        )
        return {
            "account.analytic.line": timesheet,
            "account.move": invoice,
            "account.move.line": invoice.line_ids,
            "contract.contract": contract,
            "contract.line": contract.contract_line_ids,
            "contract.modification": modification,
            "helpdesk.ticket": ticket,
            "msp.asset": asset,
            "msp.asset.software": asset.software_ids,
            "msp.audit": audit,
            "msp.audit.check": audit.check_line_ids,
            "msp.audit.finding": finding,
            "msp.expiry.item": expiry,
            "msp.vendor.account": vendor_account,
            "sale.order": order,
            "sale.order.line": order.order_line,
        }

    def _portal_readable_models(self):
        allowed = self.env["ir.model.access"].with_user(self.portal_a)._get_allowed_models("read")
        return {
            name
            for name in allowed
            if name in self.env and not self.env[name]._abstract and not self.env[name]._transient
        }

    def assertReadsNone(self, user, records, label):
        """``user`` neither finds nor reads any of ``records``."""
        for model, recs in records.items():
            with self.subTest(model=model, who=label):
                self.assertTrue(recs, f"the test made no {model} record")
                as_user = self.env[model].with_user(user)
                self.assertFalse(
                    as_user.search([("id", "in", recs.ids)]), f"{label} finds {model} records"
                )
                self.assertFalse(
                    set(as_user.search([]).ids) & set(recs.ids), f"{label} lists {model} records"
                )
                with self.assertRaises(AccessError, msg=f"{label} reads {model} records"):
                    recs.with_user(user).read(["display_name"])

    def test_every_portal_readable_model_is_decided(self):
        undecided = self._portal_readable_models() - set(CUSTOMER_MODELS) - set(NOT_CUSTOMER_DATA)
        self.assertFalse(
            sorted(undecided),
            "portal users may read these models, which neither the customer-isolation test "
            "covers nor NOT_CUSTOMER_DATA explains: give each its record rule and add it to "
            "CUSTOMER_MODELS, or explain why its records are nobody's own",
        )
        for model in CUSTOMER_MODELS:
            self.assertIn(model, self._portal_readable_models(), f"{model} is not portal-readable")

    def test_portal_customer_reads_none_of_another_customers_records(self):
        self.assertEqual(set(self.records_b), set(CUSTOMER_MODELS))
        for model, recs in self.records_b.items():
            if model in NOT_SHOWN_TO_THE_CUSTOMER:
                continue
            with self.subTest(model=model):
                own = self.env[model].with_user(self.portal_b).search([("id", "in", recs.ids)])
                self.assertEqual(own, recs.with_user(self.portal_b), f"B reads its own {model}")
        self.assertReadsNone(self.portal_a, self.records_b, "portal A")
        self.assertReadsNone(self.portal_b, self.records_a, "portal B")

    def test_a_ticket_is_on_an_asset_of_its_own_customer(self):
        """An integration user created a ticket for A's contact on B's asset: A's portal user
        then read B's asset name on it."""
        theirs = self.records_b["msp.asset"]
        integration = new_test_user(
            self.env, login="iso_rmm", groups="helpdesk_mgmt.group_helpdesk_user"
        )
        Ticket = self.env["helpdesk.ticket"].with_user(integration)
        values = {
            "name": "Disk full",
            "description": "<p>Alert</p>",
            "partner_id": self.user_a.id,
            "msp_asset_id": theirs.id,
        }
        with self.assertRaises(ValidationError) as caught:  # in a savepoint, like a request
            Ticket.create(values)
        self.assertRegex(
            str(caught.exception),
            rf"^Asset of \S+ - Disk full must be one of its customer's \({self.customer.name}\): "
            rf"{theirs.name} is not\.",
        )
        self.assertFalse(self.env["helpdesk.ticket"].search([("name", "=", "Disk full")]))
        mine = self.records_a["helpdesk.ticket"]
        with self.assertRaises(ValidationError):
            mine.with_user(integration).write({"msp_asset_id": theirs.id})
        # Its own customer's asset is fine; another customer for the ticket is not.
        mine.msp_asset_id = self.records_a["msp.asset"]
        with self.assertRaises(ValidationError):
            mine.partner_id = self.rival_contact
        # Nor may a contract cover another customer's users.
        with self.assertRaises(ValidationError) as caught:
            self.records_a["contract.contract"].msp_covered_user_ids = self.rival_contact
        self.assertIn(f"cannot cover {self.rival_contact.display_name}", str(caught.exception))

    def test_no_record_of_a_customer_points_to_another_customers(self):
        """Guard of the class: a record of customer A that points to one of customer B's
        (a ticket on B's asset) shows B's record's name to A's portal user, whatever the
        record rules say. Every many2one or many2many from a customer model to a customer model
        refuses
        such a link (each attempt raises), or is listed in CROSS_LINKS_ALLOWED with the
        reason it is not one."""
        linked = []
        # Records the customer does not read in the portal show it nothing either.
        for model in sorted(set(CUSTOMER_MODELS) - NOT_SHOWN_TO_THE_CUSTOMER):
            for name, field in self.env[model]._fields.items():
                if (
                    field.type not in ("many2one", "many2many")
                    or field.comodel_name not in CUSTOMER_MODELS
                    or not field.store
                    or field.compute
                    or (model, name) in CROSS_LINKS_ALLOWED
                ):
                    continue
                mine = self.records_a[model][:1]
                theirs = self.records_b[field.comodel_name][:1]
                value = theirs.id if field.type == "many2one" else [Command.link(theirs.id)]
                try:
                    with self.env.cr.savepoint():
                        mine.write({name: value})
                        self.env.flush_all()
                except UserError:
                    self.env.invalidate_all()
                    self.assertNotIn(theirs, mine[name], f"{model}.{name}")
                else:
                    linked.append(f"{model}.{name}")
        self.assertFalse(
            linked,
            "these fields let a customer's record point to another customer's: refuse it "
            "with a constraint, or explain in CROSS_LINKS_ALLOWED why it is not a cross link",
        )

    def test_user_of_one_company_reads_nothing_of_another(self):
        other_company = self.env["res.company"].create({"name": "MSP Two Ltd"})
        self.env.user.company_ids |= other_company
        self.env["account.chart.template"].try_loading(
            "generic_coa", company=other_company, install_demo=False
        )
        records = self._customer_records(self.rival, self.rival_contact, company=other_company)
        for model, recs in records.items():
            if "company_id" in recs._fields:
                self.assertEqual(recs.mapped("company_id"), other_company, model)
        groups = ",".join(
            (
                "msp_service_contract.msp_service_contract_group_manager",
                "msp_sla.msp_sla_group_manager",
                "msp_it_audit.msp_it_audit_group_manager",
                "helpdesk_mgmt.group_helpdesk_manager",
                "sales_team.group_sale_manager",
                "account.group_account_manager",
            )
        )
        insider = new_test_user(
            self.env, login="iso_one_company", groups=groups, company_id=self.company.id
        )
        self.assertEqual(insider.company_ids, self.company)
        self.assertReadsNone(insider, records, "a user of company 1")
        portal = new_test_user(
            self.env, login="iso_portal_c1", groups="base.group_portal", partner_id=self.user_a.id
        )
        self.assertReadsNone(portal, records, "a portal user of company 1")
