# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestMspSlaInstall(TransactionCase):
    """The skeleton: installed, its groups chained, its menus guarded by them."""

    def _visible_menus(self, user):
        return self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()

    def test_module_installed(self):
        module = self.env["ir.module.module"].search([("name", "=", "msp_sla")])
        self.assertEqual(module.state, "installed")

    def test_manager_implies_user_implies_helpdesk_user(self):
        manager = self.env.ref("msp_sla.msp_sla_group_manager")
        user = self.env.ref("msp_sla.msp_sla_group_user")
        self.assertIn(user, manager.all_implied_ids)
        self.assertIn(self.env.ref("helpdesk_mgmt.group_helpdesk_user"), user.all_implied_ids)
        self.assertIn(self.env.ref("base.user_admin"), manager.all_user_ids)

    def test_configuration_menu_needs_manager(self):
        employee = new_test_user(self.env, login="sla_employee", groups="base.group_user")
        technician = new_test_user(self.env, login="sla_tech", groups="msp_sla.msp_sla_group_user")
        manager = new_test_user(self.env, login="sla_mgr", groups="msp_sla.msp_sla_group_manager")
        root = self.env.ref("msp_sla.msp_sla_menu_root").id
        config = self.env.ref("msp_sla.msp_sla_menu_config").id

        self.assertNotIn(root, self._visible_menus(employee))
        self.assertIn(root, self._visible_menus(technician))
        self.assertNotIn(config, self._visible_menus(technician))
        self.assertIn(config, self._visible_menus(manager))
