"""Suite-wide pytest rules.

A skipped test would count as passing. Odoo skips a browser tour when Chromium or
websocket-client is missing, so every skip is turned into a failure that says why.
"""

import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped tests fail this suite: {reason}"
