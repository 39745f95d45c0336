# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestMspServiceContractInstall(TransactionCase):
    """The skeleton: the whole suite is installed and the manager menus are guarded."""

    def test_suite_installed(self):
        states = dict(
            self.env["ir.module.module"]
            .search([("name", "in", ("msp_sla", "msp_it_audit", "msp_service_contract"))])
            .mapped(lambda m: (m.name, m.state))
        )
        self.assertEqual(
            states,
            {
                "msp_sla": "installed",
                "msp_it_audit": "installed",
                "msp_service_contract": "installed",
            },
        )

    def test_groups_exist_and_chain(self):
        user = self.env.ref("msp_service_contract.msp_service_contract_group_user")
        manager = self.env.ref("msp_service_contract.msp_service_contract_group_manager")
        self.assertIn(user, manager.all_implied_ids)
        # Technicians log time; managers handle contracts, which OCA gives to Billing.
        self.assertIn(self.env.ref("hr_timesheet.group_hr_timesheet_user"), user.all_implied_ids)
        self.assertNotIn(self.env.ref("account.group_account_invoice"), user.all_implied_ids)
        self.assertIn(self.env.ref("account.group_account_invoice"), manager.all_implied_ids)
        self.assertEqual(manager.privilege_id.name, "MSP Service Contracts")

    def test_user_cannot_open_manager_menu(self):
        reader = new_test_user(
            self.env,
            login="contract_reader",
            groups="msp_service_contract.msp_service_contract_group_user",
        )
        config = self.env.ref("msp_service_contract.msp_service_contract_menu_config")
        config_entry = self.env.ref("msp_service_contract.msp_service_contract_menu_config_main")
        visible = self.env["ir.ui.menu"].with_user(reader)._visible_menu_ids()
        self.assertIn(
            self.env.ref("msp_service_contract.msp_service_contract_menu_main").id, visible
        )
        self.assertNotIn(config.id, visible)
        # What the web client loads for its menu bar leaves the entry out too.
        loaded = self.env["ir.ui.menu"].with_user(reader).load_menus(debug=False)
        self.assertNotIn(config.id, loaded)
        self.assertNotIn(config_entry.id, loaded)
