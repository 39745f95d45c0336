# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.fields import Command
from odoo.tests import tagged

from .common import MspContractCase


@tagged("post_install", "-at_install")
class TestTrueupAndLeakage(MspContractCase):
    """Quantities follow the covered assets and users; leakage is listed."""

    def test_trueup_with_added_and_retired_assets(self):
        contract = self.make_contract()
        contract._msp_trueup_snapshot()
        ws3 = self.env["msp.asset"].create(
            {
                "name": "WS-03",
                "kind": "workstation",
                "partner_id": self.customer.id,
                "state": "active",
                "serial_number": "SN-WS-03",
            }
        )
        contract.msp_covered_asset_ids = [Command.link(ws3.id)]
        self.ws1.action_retire()
        action = contract.with_user(self.manager).action_msp_trueup()
        wizard = self.env["msp.contract.trueup.wizard"].browse(action["res_id"])
        devices = wizard.line_ids.filtered(lambda ln: ln.billing_mode == "per_device")
        self.assertEqual((devices.current_quantity, devices.expected_quantity), (2, 2))
        self.assertEqual(devices.added, "WS-03")
        self.assertEqual(devices.removed, "WS-01")
        users = wizard.line_ids.filtered(lambda ln: ln.billing_mode == "per_user")
        self.assertEqual(users.difference, 0)

        self.env["msp.asset"].create(
            {
                "name": "WS-04",
                "kind": "workstation",
                "partner_id": self.customer.id,
                "state": "active",
                "serial_number": "SN-WS-04",
            }
        ).msp_contract_ids = [Command.link(contract.id)]
        action = contract.with_user(self.manager).action_msp_trueup()
        wizard = self.env["msp.contract.trueup.wizard"].browse(action["res_id"])
        wizard.action_confirm()
        line = contract.contract_line_ids.filtered(lambda ln: ln.msp_billing_mode == "per_device")
        self.assertEqual(line.quantity, 3)
        self.assertIn("Quantity true-up", contract.message_ids[0].body)

    def test_billing_leakage(self):
        contract = self.make_contract()
        self.ws2.action_retire()
        leaking = self.env["msp.asset"].search(
            self.env["msp.asset"]._msp_leakage_domain(self.customer)
        )
        # The printer is in use but covered by no contract; WS-02 is billed but retired.
        self.assertEqual(set(leaking.mapped("name")), {"PRN-01", "WS-02"})
        self.assertIn(contract, self.ws2.msp_contract_ids)
