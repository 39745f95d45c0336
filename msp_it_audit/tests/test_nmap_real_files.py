# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64

from odoo.exceptions import UserError

from ..parsers import parse_nmap_xml
from .common import MspItAuditCommon

REAL = "python_libnmap/"  # real scans of Nmap 5.21 to 7.91 (see fixtures/python_libnmap)
NMAP_PUBLIC_DOCTYPE = (
    b'<!DOCTYPE nmaprun PUBLIC "-//IDN nmap.org//DTD Nmap XML 1.04//EN" '
    b'"https://svn.nmap.org/nmap/docs/nmap.dtd">\n'
)


def with_doctype(raw, doctype):
    """The file with ``doctype`` after its XML declaration (where Nmap writes it)."""
    declaration, rest = raw.split(b"\n", 1)
    return declaration + b"\n" + doctype + rest


class TestNmapRealFiles(MspItAuditCommon):
    """Real scan files of several Nmap versions, from another project's tests."""

    def assets_by_ip(self):
        return {asset.ip_address: asset for asset in self.customer_assets()}

    def test_nmap_6_with_its_public_doctype(self):
        """Nmap 6.40 output with Nmap's official public identifier (the DTD is not loaded)."""
        raw = with_doctype(self.fixture(REAL + "os_scan6.xml"), NMAP_PUBLIC_DOCTYPE)
        stats = self.audit.import_nmap_xml(base64.b64encode(raw), "os_scan6.xml")
        self.assertEqual((stats["created"], stats["skipped"]), (3, 253))
        assets = self.assets_by_ip()
        self.assertEqual(set(assets), {"192.168.1.1", "192.168.1.3", "192.168.1.5"})
        router = assets["192.168.1.1"]
        self.assertEqual(
            (router.kind, router.os_name, router.os_version, router.manufacturer),
            ("network", "Linux 2.6.13 (embedded)", "2.6.X", "Sagemcom"),
        )
        self.assertEqual(router.mac_address, "6C:2E:85:19:AF:00")
        windows = assets["192.168.1.5"]
        self.assertEqual(
            (windows.kind, windows.os_name, windows.os_version),
            ("server", "Microsoft Windows Server 2008 Beta 3", "2008"),
        )
        mac = assets["192.168.1.3"]
        self.assertEqual((mac.kind, mac.os_version), ("workstation", "10.8.X"))
        self.assertIn("Mountain Lion", mac.os_name)
        by_title = {finding.name: finding for finding in self.audit.finding_ids}
        self.assertEqual(by_title["Telnet is exposed"].asset_ids, router)
        self.assertEqual(by_title["Remote Desktop (RDP) is exposed"].asset_ids, mac)
        self.assertEqual(by_title["VNC remote control is exposed"].asset_ids, mac)
        again = self.audit.import_nmap_xml(base64.b64encode(raw), "os_scan6.xml")
        self.assertEqual((again["created"], again["updated"], again["unchanged"]), (0, 0, 3))

    def test_nmap_public_doctype_variants(self):
        """Nmap's public identifier is accepted with any version of the DTD and its URL on
        nmap.org; the bare DOCTYPE of Nmap 7 too."""
        raw = self.fixture(REAL + "test_osclass.xml")  # Nmap 6.47, <!DOCTYPE nmaprun>
        self.assertEqual(len(parse_nmap_xml(raw)), 1)
        plain = raw.replace(b"<!DOCTYPE nmaprun>", b"")  # CRLF file
        for doctype in (
            NMAP_PUBLIC_DOCTYPE,
            b'<!DOCTYPE nmaprun PUBLIC "-//IDN nmap.org//DTD Nmap XML 1.05//EN"\n'
            b' "https://nmap.org/data/nmap.dtd">\n',
        ):
            [host] = parse_nmap_xml(with_doctype(plain, doctype))
            self.assertEqual(host["os_name"], "Linux 3.7 - 3.15")

    def test_public_doctype_keeps_refusing_subsets_entities_and_other_dtds(self):
        raw = self.fixture(REAL + "os_scan6.xml")
        refused = {
            # an internal subset after nmap's own identifier
            NMAP_PUBLIC_DOCTYPE[:-2] + b" [<!ELEMENT nmaprun ANY>]>\n": "document type",
            # an entity declared after nmap's own identifier
            NMAP_PUBLIC_DOCTYPE[:-2] + b' [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n': (
                "declares XML entities"
            ),
            # nmap's public identifier with a DTD somewhere else
            b'<!DOCTYPE nmaprun PUBLIC "-//IDN nmap.org//DTD Nmap XML 1.04//EN" '
            b'"http://127.0.0.1:9/nmap.dtd">\n': "document type",
            # another public identifier with nmap's URL
            b'<!DOCTYPE nmaprun PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
            b'"https://svn.nmap.org/nmap/docs/nmap.dtd">\n': "document type",
        }
        for doctype, message in refused.items():
            with self.assertRaisesRegex(UserError, message):
                self.audit.import_nmap_xml(base64.b64encode(with_doctype(raw, doctype)))
        self.assertFalse(self.customer_assets())

    def test_nmap_5_osclass_next_to_osmatch(self):
        """Nmap 5.21 writes <osclass> next to <osmatch>: the version and type still come."""
        stats = self.audit.import_nmap_xml(self.b64(REAL + "os_scan5.xml"), "os_scan5.xml")
        self.assertEqual((stats["created"], stats["skipped"]), (4, 252))
        windows = self.assets_by_ip()["192.168.1.5"]
        self.assertEqual(
            (windows.kind, windows.os_name, windows.os_version, windows.manufacturer),
            ("server", "Microsoft Windows Server 2008 Beta 3", "2008", "Intel Corporate"),
        )
        self.assertEqual(windows.mac_address, "00:1F:3C:87:66:50")
        radio = self.assets_by_ip()["192.168.1.1"]
        self.assertEqual((radio.os_name, radio.kind), ("Chumby Internet radio", "workstation"))
        self.assertEqual(radio.manufacturer, "Chumby", "from the osclass of a device")
        by_title = {finding.name: finding for finding in self.audit.finding_ids}
        self.assertEqual(by_title["Telnet is exposed"].asset_ids, radio)

    def test_cups_on_631_alone_is_not_a_printer(self):
        """Every Linux and macOS machine runs CUPS on 631: a printer needs more evidence."""
        for name in ("1_os_banner_scripts.xml", "test_osclass.xml"):  # Nmap 5.51, 6.47
            [host] = [h for h in parse_nmap_xml(self.fixture(REAL + name)) if not h["down"]]
            self.assertIn(631, {service["port"] for service in host["services"]}, name)
            self.assertNotEqual(host["kind"], "printer", name)
        [linux] = [h for h in parse_nmap_xml(self.fixture(REAL + "test_osclass.xml")) if h["name"]]
        self.assertEqual((linux["kind"], linux["os_version"]), ("workstation", "3.X"))

    def test_os_class_wins_over_printer_ports(self):
        """Nmap 7.91 of a Linux honeypot that answers on 9100: the OS class says what it is."""
        hosts = [
            h for h in parse_nmap_xml(self.fixture(REAL + "dionaea_scan.xml")) if not h["down"]
        ]
        dionaea = next(h for h in hosts if h["hostname"] == "dionaea")
        self.assertIn(9100, {service["port"] for service in dionaea["services"]})
        self.assertEqual((dionaea["kind"], dionaea["os_name"]), ("workstation", "Linux 4.15 - 5.6"))

    def test_loopback_scan_identifies_no_device(self):
        """A scan of 127.0.0.1 ("localhost", no MAC address) has nothing that tells one device
        from another: the host is skipped, and nothing is merged into it later."""
        stats = self.audit.import_nmap_xml(self.b64(REAL + "1_os_banner_scripts.xml"))
        self.assertEqual((stats["created"], stats["skipped"]), (0, 1))
        self.assertFalse(self.customer_assets())
