# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The pictures the tours ask for (static/tests/tours/tour_screenshot.js).

A tour step logs ``msp-screenshot {"name": ..., "height": ...}`` on the browser console. The
test's Chromium then takes a picture of the page (at that viewport height, if one is given),
saves it as ``<name><screenshot_suffix>.png`` and marks the page, so that the tour goes on.
``MSP_SCREENSHOT_DIR`` names the folder: ``make screenshots`` sets it to docs/img; without it
the pictures go to a temporary folder that the test removes once it has checked them.
"""

import base64
import json
import os
import shutil
import struct
import tempfile
import threading
from pathlib import Path

from odoo.tests.common import ChromeBrowser

REQUEST = "msp-screenshot "
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# After a resize the web client lays the page out again: let it render two frames.
SETTLE = """new Promise((resolve) =>
    setTimeout(() => requestAnimationFrame(() => requestAnimationFrame(resolve)), 400))"""
# The element a picture is of, scrolled into view when it does not fit as the page is.
SHOW = """(() => {
    const element = document.querySelector(%s);
    if (element && element.getBoundingClientRect().bottom > window.innerHeight) {
        element.scrollIntoView({ block: "start" });
    }
})()"""


def png_size(path):
    """(width, height) of a PNG file, read from its header."""
    header = Path(path).read_bytes()[:24]
    if header[:8] != PNG_SIGNATURE:
        raise ValueError(f"{path} is not a PNG file")
    return struct.unpack(">II", header[16:24])


class TourScreenshotMixin:
    """For HttpCase tests: takes the pictures their tours ask for. Use before HttpCase."""

    # Added to the pictures' names, e.g. "-phone" when a test runs a tour at phone size.
    screenshot_suffix = ""
    # Pictures the tour asks for that this test does not take (the tour just goes on).
    screenshots_not_taken = ()

    def setUp(self):
        super().setUp()
        folder = os.environ.get("MSP_SCREENSHOT_DIR")
        if folder:
            self.screenshot_dir = Path(folder)
            self.screenshot_dir.mkdir(parents=True, exist_ok=True)
        else:
            self.screenshot_dir = Path(tempfile.mkdtemp(prefix="msp-tour-screenshots-"))
            self.addCleanup(shutil.rmtree, self.screenshot_dir, ignore_errors=True)
        # name -> (path, (width, height) asked for)
        self.screenshots = {}
        original = ChromeBrowser._handle_console
        test = self

        def handle_console(browser, **params):
            first = (params.get("args") or [{}])[0]
            text = first.get("value")
            if params.get("type") == "log" and isinstance(text, str) and text.startswith(REQUEST):
                request = json.loads(text[len(REQUEST) :])
                # Not on the thread that reads the browser's messages: it must answer us.
                threading.Thread(
                    target=test._take_screenshot, args=(browser, request), daemon=True
                ).start()
            return original(browser, **params)

        self.patch(ChromeBrowser, "_handle_console", handle_console)

    def _viewport(self):
        # ChromeBrowser rewrites browser_size "1366x768" as "1366,768"
        width, height = self.browser_size.replace(",", "x").split("x")
        return int(width), int(height)

    def _take_screenshot(self, browser, request):
        name = request["name"]
        width, height = self._viewport()
        metrics = {"mobile": False, "width": width, "height": height, "deviceScaleFactor": 1}
        if name in self.screenshots_not_taken:
            browser._websocket_send(
                "Runtime.evaluate",
                params={"expression": f"document.body.dataset.mspScreenshot = {json.dumps(name)};"},
            )
            return
        try:
            if request.get("height"):
                browser._websocket_request(
                    "Emulation.setDeviceMetricsOverride",
                    params={**metrics, "height": request["height"]},
                )
            if request.get("show"):
                browser._websocket_request(
                    "Runtime.evaluate", params={"expression": SHOW % json.dumps(request["show"])}
                )
            browser._websocket_request(
                "Runtime.evaluate", params={"expression": SETTLE, "awaitPromise": True}
            )
            picture = browser._websocket_request(
                "Page.captureScreenshot", params={"format": "png"}, timeout=30
            )
            path = self.screenshot_dir / f"{name}{self.screenshot_suffix}.png"
            path.write_bytes(base64.b64decode(picture["data"]))
            self.screenshots[name] = (path, (width, request.get("height") or height))
            if request.get("height"):
                browser._websocket_request("Emulation.setDeviceMetricsOverride", params=metrics)
            answer = f"document.body.dataset.mspScreenshot = {json.dumps(name)};"
        except Exception as error:  # pylint: disable=broad-except
            # Told to the tour, which fails with this message instead of waiting in vain.
            answer = f"console.error({json.dumps(f'picture {name} failed: {error!r}')});"
        browser._websocket_send("Runtime.evaluate", params={"expression": answer})

    def assertScreenshots(self, *names):
        """The tour took these pictures: PNG files of the viewport's size."""
        for name in names:
            self.assertIn(name, self.screenshots, f"the tour took no picture {name!r}")
            path, size = self.screenshots[name]
            self.assertEqual(png_size(path), size, f"picture {name!r}")
