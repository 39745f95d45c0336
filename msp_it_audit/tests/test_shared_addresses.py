# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import json

from odoo.exceptions import UserError
from odoo.fields import Command

from ..models.msp_asset import normalize_hostname, normalize_ip_key
from ..parsers import parse_nmap_xml
from .common import MspItAuditCommon


def nmap_file(*hosts):
    """A minimal Nmap file, each host given as the XML of its <host> element."""
    return (
        b'<?xml version="1.0"?>\n<!DOCTYPE nmaprun>\n<nmaprun scanner="nmap">'
        + b"".join(hosts)
        + b'<runstats><finished time="1"/></runstats></nmaprun>'
    )


def nmap_host(address, hostname=None, ports=(), extra=b""):
    names = (
        b'<hostnames><hostname name="%s" type="PTR"/></hostnames>' % hostname.encode()
        if hostname
        else b""
    )
    port_xml = b"".join(
        b'<port protocol="tcp" portid="%d"><state state="open"/>'
        b'<service name="%s"%s/></port>' % (port, name.encode(), attrs)
        for port, name, attrs in ports
    )
    return (
        b'<host><status state="up"/><address addr="%s" addrtype="ipv4"/>%s<ports>%s</ports>%s'
        b"</host>" % (address.encode(), names, port_xml, extra)
    )


def glpi_switch(ips):
    return {
        "action": "netinventory",
        "deviceid": "sw-1",
        "itemtype": "NetworkEquipment",
        "content": {
            "network_device": {
                "type": "NetworkEquipment",
                "name": "localhost",
                "serial": "FOC0000SW01",
                "mac": "b8:27:eb:0a:0b:0c",
                "ips": ips,
            }
        },
    }


class TestSharedAddresses(MspItAuditCommon):
    """Loopback, link-local and other addresses many devices have, and placeholder host
    names, never tell two devices apart."""

    def test_addresses_that_are_no_identity(self):
        for address in (
            "127.0.0.1",
            "127.8.9.10",
            "::1",
            "169.254.10.20",
            "fe80::1",
            "0.0.0.0",
            "0.1.2.3",
            "::",
            "224.0.0.251",
            "ff02::1",
            "255.255.255.255",
            "::ffff:127.0.0.1",
            "fec0::1",
        ):
            self.assertFalse(normalize_ip_key(address), address)
        self.assertEqual(normalize_ip_key("10.0.0.5"), "10.0.0.5")
        self.assertEqual(normalize_ip_key("192.168.1.5"), "192.168.1.5")
        self.assertEqual(normalize_ip_key("2001:0db8::0001"), "2001:db8::1")
        asset = self.env["msp.asset"].create(
            {"name": "PC", "partner_id": self.customer.id, "ip_address": "127.0.0.1"}
        )
        self.assertFalse(asset.ip_key)

    def test_glpi_switch_listing_loopback_is_not_merged_into_a_scanned_localhost(self):
        """The switch's inventory lists 127.0.0.1 first; a workstation scanned as
        'localhost' 127.0.0.1 with a MAC address already exists: two devices stay two."""
        workstation = self.env["msp.asset"].create(
            {
                "name": "Reception PC",
                "partner_id": self.customer.id,
                "hostname": "localhost",
                "ip_address": "127.0.0.1",
                "mac_address": "00:1a:2b:00:00:01",
            }
        )
        finding = self.env["msp.audit.finding"].create(
            {
                "audit_id": self.audit.id,
                "name": "Old OS",
                "severity": "high",
                "asset_ids": [Command.link(workstation.id)],
            }
        )
        data = json.dumps(glpi_switch(["127.0.0.1", "10.0.0.2"])).encode()
        stats = self.audit.import_glpi_inventory(base64.b64encode(data), "switch.json")
        self.assertEqual((stats["created"], stats["updated"]), (1, 0))
        switch = self.customer_assets() - workstation
        self.assertEqual(switch.kind, "network")
        self.assertEqual(switch.ip_address, "10.0.0.2", "the address unique to the switch")
        self.assertEqual(workstation.mac_address, "00:1a:2b:00:00:01")
        self.assertEqual(workstation.name, "Reception PC")
        self.assertEqual(finding.asset_ids, workstation, "its findings stay where they were")

    def test_a_scanned_link_local_address_matches_no_asset(self):
        """A host seen only by a link-local address is not the asset that once had it."""
        laptop = self.env["msp.asset"].create(
            {
                "name": "Laptop",
                "partner_id": self.customer.id,
                "ip_address": "169.254.1.1",
                "mac_address": "00:1a:2b:00:00:0a",
            }
        )
        raw = nmap_file(nmap_host("169.254.1.1", ports=[(23, "telnet", b"")]))
        stats = self.audit.import_nmap_xml(base64.b64encode(raw))
        self.assertEqual((stats["created"], stats["updated"], stats["skipped"]), (0, 0, 1))
        self.assertFalse(laptop.audit_ids)
        self.assertFalse(self.audit.finding_ids, "no finding on a device nobody can tell")

    def test_placeholder_values_never_overwrite_real_ones(self):
        """A sync that matches an asset by MAC with 'localhost', 127.0.0.1 and a vendor's
        placeholder serial keeps the asset's real host name, address and serial."""
        asset = self.env["msp.asset"].create(
            {
                "name": "Accounting PC",
                "partner_id": self.customer.id,
                "hostname": "acct-pc",
                "ip_address": "10.0.0.7",
                "serial_number": "CZC1234567",
                "mac_address": "00:1a:2b:00:00:07",
            }
        )
        result = self.env["msp.asset"].sync_assets(
            self.customer.id,
            [
                {
                    "mac_address": "00-1A-2B-00-00-07",
                    "hostname": "localhost.localdomain",
                    "ip_address": "127.0.1.1",
                    "serial_number": "To be filled by O.E.M.",
                    "os_name": "Ubuntu 24.04",
                }
            ],
        )
        self.assertEqual(result["asset_ids"], asset.ids)
        self.assertEqual(
            (asset.hostname, asset.ip_address, asset.serial_number, asset.os_name),
            ("acct-pc", "10.0.0.7", "CZC1234567", "Ubuntu 24.04"),
        )

    def test_placeholder_host_names_with_a_domain_never_merge_devices(self):
        """'localhost.lan' and 'localhost.home' are both 'localhost' once the domain is cut:
        a placeholder too, never a key that makes two devices one."""
        Asset = self.env["msp.asset"]
        router = Asset.sync_assets(
            self.customer.id,
            [{"name": "Router A", "hostname": "localhost.lan", "ip_address": "192.168.1.1"}],
        )
        nas = Asset.sync_assets(
            self.customer.id,
            [{"name": "NAS B", "hostname": "localhost.home", "ip_address": "192.168.1.20"}],
        )
        self.assertNotEqual(router["asset_ids"], nas["asset_ids"])
        self.assertEqual(
            sorted(Asset.browse(router["asset_ids"] + nas["asset_ids"]).mapped("name")),
            ["NAS B", "Router A"],
        )
        self.assertFalse(normalize_hostname("localhost.lan"))
        self.assertFalse(normalize_hostname("Unknown.lan."))
        self.assertEqual(normalize_hostname("PC-01.corp.example"), "pc-01")

    def test_sync_refuses_a_device_known_only_by_shared_values(self):
        with self.assertRaisesRegex(UserError, "Device 2: it has no serial number"):
            self.env["msp.asset"].sync_assets(
                self.customer.id,
                [{"hostname": "pc-1"}, {"hostname": "localhost", "ip_address": "::1"}],
            )
        self.assertFalse(self.customer_assets())
        first = self.env["msp.asset"].sync_assets(
            self.customer.id, [{"hostname": "pc-1", "ip_address": "169.254.3.3"}]
        )
        second = self.env["msp.asset"].sync_assets(
            self.customer.id, [{"hostname": "pc-2", "ip_address": "169.254.3.3"}]
        )
        self.assertNotEqual(first["asset_ids"], second["asset_ids"])


class TestPrinterEvidence(MspItAuditCommon):
    """Which open services make a host a printer when OS detection says nothing."""

    def kind(self, ports, extra=b""):
        [host] = parse_nmap_xml(nmap_file(nmap_host("10.0.0.9", ports=ports, extra=extra)))
        return host["kind"]

    def test_printer_rule(self):
        ipp = (631, "ipp", b"")
        self.assertEqual(self.kind([ipp]), "", "CUPS alone: not a printer")
        self.assertEqual(self.kind([(515, "printer", b"")]), "", "LPD alone: not a printer")
        self.assertEqual(self.kind([(515, "printer", b""), ipp]), "printer")
        self.assertEqual(self.kind([(9100, "jetdirect", b"")]), "printer")
        self.assertEqual(
            self.kind([(80, "http", b' product="HP LaserJet http config" devicetype="printer"')]),
            "printer",
        )
        linux = (
            b'<os><osmatch name="Linux 5.4" accuracy="98"><osclass type="general purpose" '
            b'vendor="Linux" osfamily="Linux" osgen="5.X" accuracy="98"/></osmatch></os>'
        )
        self.assertEqual(self.kind([(9100, "jetdirect", b"")], linux), "workstation")
        printer_os = (
            b'<os><osmatch name="HP LaserJet M402" accuracy="96"><osclass type="printer" '
            b'vendor="HP" osfamily="embedded" accuracy="96"/></osmatch></os>'
        )
        self.assertEqual(self.kind([ipp], printer_os), "printer")
