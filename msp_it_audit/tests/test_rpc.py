# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
from datetime import datetime, timedelta

from odoo.tests import HttpCase, get_db_name, tagged
from odoo.tools import mute_logger

from .common import MspItAuditCommon


@tagged("post_install", "-at_install")
class TestRpc(HttpCase, MspItAuditCommon):
    """The documented import method works over Odoo 19's JSON-2 API with an API key."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        key = (
            cls.env["res.users.apikeys"]
            .with_user(cls.auditor)
            ._generate("rpc", "scanner", datetime.now() + timedelta(days=1))
        )
        cls.headers = {
            "Authorization": f"Bearer {key}",
            "Content-Type": "application/json",
            "X-Odoo-Database": get_db_name(),
        }

    def _call(self, method, **params):
        return self.url_open(
            f"/json/2/msp.audit/{method}",
            data=json.dumps({"ids": self.audit.ids, **params}),
            headers=self.headers,
        )

    def test_import_over_json2(self):
        response = self._call(
            "import_nmap_xml",
            file_b64=self.b64("nmap_edge_cases.xml").decode(),
            filename="edge.xml",
        )
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(
            response.json(),
            {
                "created": 4,
                "updated": 0,
                "unchanged": 0,
                "skipped": 1,
                "findings_created": 6,
                "findings_updated": 0,
            },
        )
        self.assertEqual(len(self.customer_assets()), 4)

    def test_sync_assets_over_json2(self):
        response = self.url_open(
            "/json/2/msp.asset/sync_assets",
            data=json.dumps(
                {
                    "partner_id": self.customer.id,
                    "devices": [{"hostname": "hd-ws01", "serial_number": "5CG1234XYZ"}],
                }
            ),
            headers=self.headers,
        )
        self.assertEqual(response.status_code, 200, response.text)
        result = response.json()
        self.assertEqual((result["created"], result["updated"], result["unchanged"]), (1, 0, 0))
        self.assertEqual(result["asset_ids"], self.customer_assets().ids)

    def test_hostile_file_over_json2(self):
        with mute_logger("odoo.http"):
            response = self._call("import_nmap_xml", file_b64=self.b64("nmap_xxe.xml").decode())
        self.assertNotEqual(response.status_code, 200)
        error = response.json()
        self.assertEqual(error["name"], "odoo.exceptions.UserError")
        self.assertIn("declares XML entities", error["message"])
        self.assertFalse(self.customer_assets())
