# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestMspAppsMenuTour(HttpCase):
    def test_apps_menu_tour(self):
        """A manager logs in through the browser and reaches the three MSP apps."""
        self.start_tour("/odoo", "msp_apps_menu_tour", login="admin")
