# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
from pathlib import Path

from odoo.tests import TransactionCase, new_test_user

FIXTURES = Path(__file__).resolve().parent / "fixtures"


class MspItAuditCommon(TransactionCase):
    """Shared data of the IT audit tests: users per role, two customers, an opportunity,
    an audit, and products with known prices. No test methods here."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.salesman = new_test_user(
            cls.env, login="msp_sales", name="Sam Sales", groups="sales_team.group_sale_salesman"
        )
        cls.other_salesman = new_test_user(
            cls.env,
            login="msp_sales_other",
            name="Olga Other",
            groups="sales_team.group_sale_salesman",
        )
        cls.auditor = new_test_user(
            cls.env,
            login="msp_auditor",
            name="Ada Auditor",
            groups="msp_it_audit.msp_it_audit_group_user",
        )
        cls.manager = new_test_user(
            cls.env,
            login="msp_audit_manager",
            name="Max Manager",
            groups="msp_it_audit.msp_it_audit_group_manager",
        )
        Partner = cls.env["res.partner"]
        cls.customer = Partner.create({"name": "Harbour Dental Ltd", "is_company": True})
        cls.customer_contact = Partner.create(
            {"name": "Hana Harbour", "parent_id": cls.customer.id, "email": "hana@harbour.test"}
        )
        cls.other_customer = Partner.create({"name": "Other Bakery Ltd", "is_company": True})
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "Harbour Dental: managed IT",
                "type": "opportunity",
                "partner_id": cls.customer.id,
                "user_id": cls.salesman.id,
            }
        )
        cls.audit = cls.env["msp.audit"].create(
            {
                "lead_id": cls.lead.id,
                "partner_id": cls.customer.id,
                "user_id": cls.auditor.id,
                "date_start": "2026-11-01",
            }
        )
        Product = cls.env["product.product"]
        cls.product_hour = Product.create(
            {"name": "Test remediation hour", "type": "service", "list_price": 100.0}
        )
        cls.product_workstation = Product.create(
            {"name": "Test managed workstation", "type": "service", "list_price": 30.0}
        )
        cls.product_server = Product.create(
            {"name": "Test managed server", "type": "service", "list_price": 120.0}
        )
        cls.product_network = Product.create(
            {"name": "Test managed network", "type": "service", "list_price": 20.0}
        )
        cls.product_user = Product.create(
            {"name": "Test managed user", "type": "service", "list_price": 15.0}
        )
        # this company's own rows win over the shared ones the module ships
        cls.env["msp.audit.pricing"].create(
            [
                {"basis": basis, "product_id": product.id, "company_id": cls.company.id}
                for basis, product in (
                    ("workstation", cls.product_workstation),
                    ("laptop", cls.product_workstation),
                    ("server", cls.product_server),
                    ("virtual_machine", cls.product_server),
                    ("network", cls.product_network),
                    ("user", cls.product_user),
                    ("remediation", cls.product_hour),
                )
            ]
        )

    @classmethod
    def fixture(cls, name):
        return (FIXTURES / name).read_bytes()

    @classmethod
    def b64(cls, name):
        return base64.b64encode(cls.fixture(name))

    def customer_assets(self, partner=None):
        return (
            self.env["msp.asset"]
            .with_context(active_test=False)
            .search([("partner_id", "=", (partner or self.customer).id)])
        )
