# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests

from odoo.tests import HttpCase, tagged

from .common import MspAlertCase

DATA = Path(__file__).parent / "data"
# Alertmanager delivers within group_wait + group_interval (1 s each in the config).
DELIVERY_TIMEOUT = 20
POLL_INTERVAL = 0.1


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@tagged("post_install", "-at_install")
class TestAlertWebhook(HttpCase, MspAlertCase):
    """The webhook over HTTP: refusals write nothing; Grafana's documented body; a real
    Prometheus Alertmanager delivering to the suite."""

    def post(self, body, token=MspAlertCase.TOKEN, source=None, raw=None):
        headers = {"Content-Type": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        source_id = (source or self.source).id
        return self.url_open(
            f"/msp/alerts/{source_id}",
            data=raw if raw is not None else json.dumps(body),
            headers=headers,
        )

    def written(self):
        return (
            self.env["msp.alert"].search_count([]),
            self.env["helpdesk.ticket"].search_count([]),
        )

    def test_refusals_write_nothing(self):
        before = self.written()
        body = self.am_body(self.am_alert(instance="db1", customer="acme"))
        archived = self.source.copy({"name": "Old Prometheus", "active": False})
        self.source.sudo().body_limit_kb = 1
        for case, response, status in [
            ("wrong token", self.post(body, token="nope"), 401),
            ("no token", self.post(body, token=None), 401),
            ("unknown source", self.post(body, source=self.source.browse(2**31 - 1)), 404),
            ("archived source", self.post(body, source=archived), 404),
            ("too large", self.post(None, raw=json.dumps(body) + " " * 1024), 413),
            ("bad JSON", self.post(None, raw="{nope"), 400),
            ("no labels", self.post(self.am_body({"status": "firing"})), 400),
            ("wrong version", self.post({**body, "version": "3"}), 400),
        ]:
            with self.subTest(case):
                self.assertEqual(response.status_code, status, response.text)
                self.assertIn("error", response.json())
        self.assertEqual(self.written(), before)

        response = self.post(body)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json()["new"], 1)
        pending = self.env["msp.alert"].search(
            [("source_id", "=", self.source.id), ("needs_ticket", "=", True)]
        )
        self.assertEqual(pending.name, "DiskFull", "recorded; its ticket opens next")

    def test_grafana_documented_body(self):
        grafana = self.source.copy({"name": "Grafana test", "kind": "grafana"})
        grafana.sudo().token_hash = self.source.sudo().token_hash
        response = self.post(None, source=grafana, raw=(DATA / "grafana_webhook.json").read_text())
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json()["new"], 2)
        self.assertEqual(response.json()["unmatched"], 2)
        alerts = self.env["msp.alert"].search([("source_id", "=", grafana.id)])
        self.assertEqual(
            set(alerts.mapped("fingerprint")), {"c6eadffa33fcdf37", "bc97ff14869b13e3"}
        )
        self.assertEqual(set(alerts.mapped("name")), {"High memory usage", "High CPU usage"})

    # ------------------------------------------------------------------
    # A real Alertmanager
    # ------------------------------------------------------------------

    def start_alertmanager(self):
        binary = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")
        self.assertTrue(binary, "tools/lib.sh installs the Debian package prometheus-alertmanager")
        work = Path(tempfile.mkdtemp(prefix="msp-alertmanager-"))
        self.addCleanup(shutil.rmtree, work, ignore_errors=True)
        config = (DATA / "alertmanager.yml").read_text()
        for key, value in (
            ("port", self.http_port()),
            ("source_id", self.source.id),
            ("token", self.TOKEN),
        ):
            config = config.replace("{" + key + "}", str(value))
        (work / "alertmanager.yml").write_text(config)
        port = free_port()
        log = open(work / "alertmanager.log", "wb")  # noqa: SIM115 - closed at cleanup
        proc = subprocess.Popen(
            [
                binary,
                f"--config.file={work / 'alertmanager.yml'}",
                f"--storage.path={work / 'data'}",
                f"--web.listen-address=127.0.0.1:{port}",
                "--cluster.listen-address=",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )

        def stop():
            proc.terminate()
            proc.wait(timeout=10)
            log.close()

        self.addCleanup(stop)
        url = f"http://127.0.0.1:{port}"
        self.am_log = lambda: (work / "alertmanager.log").read_text()
        self.wait(lambda: self.ready(url, proc), "Alertmanager ready")
        return url

    @staticmethod
    def ready(url, proc):
        if proc.poll() is not None:
            raise AssertionError(f"alertmanager exited with {proc.returncode}")
        try:
            return requests.get(f"{url}/-/ready", timeout=1).status_code == 200
        except requests.ConnectionError:
            return False

    def wait(self, condition, what):
        """Poll ``condition`` until it holds, letting the test server answer Alertmanager's
        calls in between (they carry no test cookie: all requests are allowed, and the test
        holds no cursor while they run)."""
        deadline = time.monotonic() + DELIVERY_TIMEOUT
        pause = threading.Event()
        while True:
            with self.allow_requests(all_requests=True):
                pause.wait(POLL_INTERVAL)
            self.env.invalidate_all()
            if condition():
                return
            if time.monotonic() > deadline:
                self.fail(f"{what}: not within {DELIVERY_TIMEOUT} s\n{self.am_log()[-3000:]}")

    def test_real_alertmanager_delivers_and_resolves(self):
        url = self.start_alertmanager()
        alerts = [
            {
                "labels": {
                    "alertname": "InstanceDown",
                    "instance": "db1:9100",
                    "customer": "acme",
                    "severity": "critical",
                },
                "annotations": {"summary": "db1 is down"},
            },
            {
                "labels": {"alertname": "DiskFull", "instance": "lost:9100", "severity": "warning"},
                "annotations": {"summary": "disk full on an unknown host"},
            },
        ]
        response = requests.post(f"{url}/api/v2/alerts", json=alerts, timeout=5)
        self.assertEqual(response.status_code, 200, response.text)
        Alert = self.env["msp.alert"]
        domain = [("source_id", "=", self.source.id)]
        self.wait(lambda: Alert.search_count(domain) == 2, "both alerts delivered")
        # the scheduled action the webhook woke opens their tickets
        self.assertEqual(Alert._msp_alert_open_pending(), 2)
        down = Alert.search([*domain, ("name", "=", "InstanceDown")])
        disk = Alert.search([*domain, ("name", "=", "DiskFull")])
        self.assertEqual(down.partner_id, self.customer)
        self.assertEqual(down.ticket_id.priority, "3")
        self.assertFalse(disk.partner_id, "unmatched, kept")
        self.assertEqual(disk.ticket_id.priority, "1")
        self.assertEqual(len(down.fingerprint), 16, "Alertmanager's own fingerprint")

        past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
        response = requests.post(
            f"{url}/api/v2/alerts", json=[{**a, "endsAt": past} for a in alerts], timeout=5
        )
        self.assertEqual(response.status_code, 200, response.text)
        self.wait(
            lambda: set(Alert.search(domain).mapped("status")) == {"resolved"}, "both resolved"
        )
        self.assertTrue(down.ticket_id.closed)
        self.assertTrue(disk.ticket_id.closed)
        self.assertEqual(Alert.search_count(domain), 2, "one alert each, firing to resolved")
