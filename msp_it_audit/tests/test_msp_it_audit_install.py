# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestMspItAuditInstall(TransactionCase):
    """The skeleton: installed, auditors are salespeople, configuration is for managers."""

    def test_module_installed(self):
        self.assertTrue(self.env["ir.module.module"]._get("msp_it_audit").state == "installed")

    def test_auditor_is_a_salesperson(self):
        auditor = self.env.ref("msp_it_audit.msp_it_audit_group_user")
        self.assertIn(self.env.ref("sales_team.group_sale_salesman"), auditor.all_implied_ids)
        self.assertIn(
            auditor, self.env.ref("msp_it_audit.msp_it_audit_group_manager").all_implied_ids
        )

    def test_menus_by_group(self):
        Menu = self.env["ir.ui.menu"]
        salesman = new_test_user(
            self.env, login="audit_sales", groups="sales_team.group_sale_salesman"
        )
        auditor = new_test_user(
            self.env, login="audit_user", groups="msp_it_audit.msp_it_audit_group_user"
        )
        root = self.env.ref("msp_it_audit.msp_it_audit_menu_root")
        config = self.env.ref("msp_it_audit.msp_it_audit_menu_config")

        self.assertNotIn(root.id, Menu.with_user(salesman)._visible_menu_ids())
        auditor_menus = Menu.with_user(auditor)._visible_menu_ids()
        self.assertIn(root.id, auditor_menus)
        self.assertNotIn(config.id, auditor_menus)
        # Reading the menu tree as the client does: the auditor gets no Configuration entry.
        loaded = Menu.with_user(auditor).load_menus(debug=False)
        self.assertNotIn(config.id, loaded)

    def test_app_opens_on_the_audits(self):
        root = self.env.ref("msp_it_audit.msp_it_audit_menu_root")
        self.assertEqual(root.action, self.env.ref("msp_it_audit.msp_audit_action"))
