#!/usr/bin/env python3
"""make screenshots: the user guide's pictures, taken from the running application.

Starts the run command (tools/run.sh) on its own demo database and a free loopback port,
logs in as admin in headless Chromium (driven over the DevTools protocol), opens each page
of the demo data, waits until the web client is idle and saves a PNG in docs/img/. Then it
stops the server and drops the database. Nothing here is drawn by hand: run it again after
a UI change and commit the new pictures.

    make screenshots
    .venv/bin/python tools/screenshots.py [--keep-db] [--only NAME ...]
"""

import argparse
import base64
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import websocket
from odoo_server import Admin as BaseAdmin
from odoo_server import OdooServer, drop_database, free_port

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "docs" / "img"
DB = os.environ.get("MSP_SCREENS_DB", "msp_screens")
# The browser the tours use: the first of these on PATH (tools/lib.sh ensure_chromium).
CHROMIUM = os.environ.get("MSP_CHROMIUM") or next(
    filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))),
    "chromium",
)
WIDTH, HEIGHT = 1440, 900
PAGE_TIMEOUT = 60

# The web client is idle: a view is mounted, nothing is loading, no dialog is blocking.
WEBCLIENT_IDLE = """
    !!document.querySelector('.o_action_manager .o_view_controller')
    && !document.querySelector('.o_loading_indicator, .o_blockUI, .o_view_sample_data')
"""


def log(message):
    print(f"[screenshots] {message}", file=sys.stderr, flush=True)


class Admin(BaseAdmin):
    """admin/admin over XML-RPC, to find the demo records."""

    def find(self, model, domain):
        ids = self.call(model, "search", domain, limit=1, order="id")
        if not ids:
            raise LookupError(f"no {model} matches {domain}")
        return ids[0]


class Browser:
    """Headless Chromium, one page, driven over the DevTools protocol."""

    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="msp-screens-chromium-")
        self.port = free_port()
        self.proc = subprocess.Popen(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--no-first-run",
                "--hide-scrollbars",
                "--force-device-scale-factor=1",
                "--lang=en-US",
                f"--remote-debugging-port={self.port}",
                f"--user-data-dir={self.profile}",
                f"--window-size={WIDTH},{HEIGHT}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.ws = websocket.create_connection(
            self._page_websocket(), timeout=PAGE_TIMEOUT, suppress_origin=True
        )
        self.next_id = 0
        self.send("Page.enable")
        self.send("Runtime.enable")
        self.resize(HEIGHT)

    def resize(self, height):
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=WIDTH,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )

    def _page_websocket(self):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{self.port}/json/list", timeout=2
                ) as response:
                    pages = [t for t in json.load(response) if t["type"] == "page"]
                if pages:
                    return pages[0]["webSocketDebuggerUrl"]
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("Chromium did not open its DevTools port")

    def send(self, method, **params):
        self.next_id += 1
        call_id = self.next_id
        self.ws.send(json.dumps({"id": call_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == call_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression!r}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression, what, timeout=PAGE_TIMEOUT):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.evaluate(f"!!({expression})"):
                    return
            except RuntimeError:
                pass  # the page is navigating
            time.sleep(0.25)
        url = self.evaluate("location.href")
        raise RuntimeError(f"timed out waiting for {what} at {url}")

    def goto(self, url):
        self.send("Page.navigate", url=url)
        self.wait_for("document.readyState === 'complete'", f"{url} to load")

    def idle(self, ready, what):
        """Wait until ``ready`` holds and stays true with the network quiet for a moment."""
        self.wait_for(ready, what)
        time.sleep(0.8)  # animations, late renders (tooltips, chatter)
        self.wait_for(ready, what)

    def screenshot(self, path):
        data = self.send("Page.captureScreenshot", format="png", fromSurface=True)["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self):
        try:
            self.ws.close()
        finally:
            if self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGTERM)
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                    self.proc.wait()
            shutil.rmtree(self.profile, ignore_errors=True)


def login(browser, url):
    browser.goto(f"{url}/web/login")
    browser.wait_for("document.querySelector('form input[name=login]')", "the login form")
    browser.evaluate(
        """(() => {
            document.querySelector('input[name=login]').value = 'admin';
            document.querySelector('input[name=password]').value = 'admin';
            document.querySelector('form.oe_login_form').submit();
        })()"""
    )
    browser.wait_for("location.pathname.startsWith('/odoo')", "the web client after login")
    browser.idle(
        "document.querySelector('.o_main_navbar')"
        " && !document.querySelector('.o_loading_indicator')",
        "the home page",
    )


def shots(admin):
    """The pictures: name, path after the server URL, viewport height, what must be shown,
    and optionally a notebook page to open and what must be shown then."""
    audit = admin.ref("msp_it_audit.demo_audit_northwind")
    order = admin.find("sale.order", [("msp_audit_id", "=", audit)])
    contract = admin.find("contract.contract", [("msp_audit_id", "=", audit)])
    ticket = admin.ref("msp_sla.ticket_vpn")
    form = ".o_form_view .o_form_sheet"

    def shown(selector):
        return f"{WEBCLIENT_IDLE} && document.querySelector({json.dumps(selector)})"

    return [
        {
            "name": "audit",
            "path": f"/odoo/action-msp_it_audit.msp_audit_action/{audit}",
            "height": 940,
            "ready": shown(f"{form} .o_notebook a[name='findings']"),
            "tab": "findings",
            "ready_after": shown(f"{form} [name='finding_ids'] .o_data_row"),
        },
        {
            "name": "proposal",
            "path": f"/odoo/action-sale.action_orders/{order}",
            "height": 900,
            "ready": shown(f"{form} [name='order_line'] .o_data_row"),
        },
        {
            "name": "contract",
            "path": f"/odoo/action-msp_service_contract.msp_service_contract_action/{contract}",
            "height": 1180,
            "ready": shown(f"{form} .o_notebook a[name='msp_coverage']"),
            "tab": "msp_coverage",
            "ready_after": shown(f"{form} [name='msp_covered_asset_ids'] .o_data_row"),
        },
        {
            "name": "ticket-sla",
            "path": f"/odoo/action-helpdesk_mgmt.helpdesk_ticket_action/{ticket}",
            "height": 760,
            "ready": shown(f"{form} [name='msp_sla_status'] .badge"),
        },
        {
            "name": "sla-compliance",
            "path": "/odoo/action-msp_sla.msp_sla_report_action",
            "height": 520,
            "ready": shown(".o_pivot table tbody tr"),
        },
        {
            "name": "monthly-report",
            "path": f"/report/html/msp_service_contract.report_monthly_service/{contract}",
            "height": 1120,
            "ready": "document.readyState === 'complete' && document.querySelector('.page h2')"
            " && document.fonts.status === 'loaded'",
        },
    ]


def take(browser, url, only):
    OUT.mkdir(parents=True, exist_ok=True)
    taken = []
    for shot in shots(Admin(url, DB)):
        name = shot["name"]
        if only and name not in only:
            continue
        browser.resize(shot["height"])
        browser.goto(f"{url}{shot['path']}")
        browser.idle(shot["ready"], name)
        if shot.get("tab"):
            browser.evaluate(
                f"document.querySelector(\".o_notebook a[name='{shot['tab']}']\").click()"
            )
            browser.idle(shot["ready_after"], f"{name}, page {shot['tab']}")
        # No hover, focus ring or tooltip: park the pointer in a corner, drop the focus.
        browser.send("Input.dispatchMouseEvent", type="mouseMoved", x=WIDTH - 1, y=0)
        browser.evaluate("document.activeElement && document.activeElement.blur()")
        time.sleep(0.3)
        target = OUT / f"{name}.png"
        browser.screenshot(target)
        log(f"{target.relative_to(REPO)}: {target.stat().st_size // 1024} KB")
        taken.append(target)
    return taken


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep-db", action="store_true", help=f"keep the database {DB}")
    parser.add_argument("--only", nargs="*", default=[], help="only these pictures (names)")
    args = parser.parse_args()

    started = time.monotonic()
    log_dir = Path(tempfile.mkdtemp(prefix="msp-screens-"))
    server = OdooServer(DB, free_port(), log_dir / "odoo.log")
    browser = None
    try:
        log(f"starting Odoo on database {DB} at {server.url} (log: {server.log_path})")
        server.start()
        server.wait_until_served()
        log("Odoo is up; taking the pictures in headless Chromium")
        browser = Browser()
        login(browser, server.url)
        taken = take(browser, server.url, set(args.only))
    except Exception:
        log(f"failed; the server's log ends with:\n{server.output() if server.proc else ''}")
        raise
    finally:
        if browser:
            browser.close()
        server.stop()
        if not args.keep_db:
            drop_database(DB)
    shutil.rmtree(log_dir, ignore_errors=True)
    log(f"{len(taken)} pictures in {OUT.relative_to(REPO)} in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
