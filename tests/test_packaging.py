"""Each addon builds an OCA-style wheel with whool: `pip wheel ./msp_sla` gives
odoo_addon_msp_sla-<manifest version>-py3-none-any.whl holding odoo/addons/msp_sla."""

import ast
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.standalone
# The wheels each addon's wheel requires: its non-core dependencies, as whool derives them.
WHEEL_REQUIRES = {
    "msp_sla": {"holidays", "odoo-addon-helpdesk_mgmt==19.0.*", "odoo==19.0.*"},
    "msp_it_audit": {"odoo==19.0.*"},
    "msp_service_contract": {
        "odoo-addon-contract==19.0.*",
        "odoo-addon-msp_it_audit==19.0.*",
        "odoo-addon-msp_sla==19.0.*",
        "odoo==19.0.*",
        "simpy",
    },
}


@pytest.mark.parametrize("addon", sorted(WHEEL_REQUIRES))
def test_addon_builds_its_wheel(addon, tmp_path):
    manifest = ast.literal_eval((REPO / addon / "__manifest__.py").read_text())
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "--disable-pip-version-check",
            "-w",
            str(tmp_path),
            str(REPO / addon),
        ],
        check=True,
        capture_output=True,
    )
    # whool adds a post-release number (.N) for the commits since the version last changed.
    wheels = list(tmp_path.glob(f"odoo_addon_{addon}-{manifest['version']}*-py3-none-any.whl"))
    assert len(wheels) == 1, sorted(p.name for p in tmp_path.iterdir())
    wheel = wheels[0]
    names = zipfile.ZipFile(wheel).namelist()
    assert f"odoo/addons/{addon}/__manifest__.py" in names
    assert f"odoo/addons/{addon}/static/description/icon.png" in names
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    requires = {
        line.removeprefix("Requires-Dist: ")
        for line in zipfile.ZipFile(wheel).read(metadata).decode().splitlines()
        if line.startswith("Requires-Dist:")
    }
    assert requires == WHEEL_REQUIRES[addon]


@pytest.mark.parametrize("addon", sorted(WHEEL_REQUIRES))
def test_every_test_module_is_registered(addon):
    """pytest finds test files by path, Odoo's own runner (``--test-enable``) only through the
    tests package's imports: a test module missing there would silently not run under Odoo."""
    tests = REPO / addon / "tests"
    imported = set()
    for node in ast.walk(ast.parse((tests / "__init__.py").read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 1 and not node.module:
            imported |= {alias.name for alias in node.names}
    modules = {path.stem for path in tests.glob("test_*.py")}
    assert modules - imported == set(), f"{addon}/tests/__init__.py does not import them"
