# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from .common import MspItAuditCommon


class TestNmapImport(MspItAuditCommon):
    """Nmap XML imports: hosts become assets, open services findings, by editable rules."""

    def _row_versions(self, records):
        """Physical row versions: an UPDATE, even to the same values, changes the ctid."""
        records.env.flush_all()
        self.env.cr.execute(
            f"SELECT id, ctid::text FROM {records._table} WHERE id IN %s ORDER BY id",
            [tuple(records.ids) or (0,)],
        )
        return self.env.cr.fetchall()

    def test_real_scan(self):
        """A scan nmap made of listeners we started on this machine (see fixtures/)."""
        stats = self.audit.import_nmap_xml(self.b64("nmap_host_sv.xml"), "sv.xml")
        self.assertEqual(stats["created"], 1)
        asset = self.customer_assets()
        self.assertEqual(asset.name, "192.0.2.2")
        self.assertEqual(asset.ip_address, "192.0.2.2")
        self.assertEqual(asset.source, "nmap")
        self.assertEqual(asset.source_audit_id, self.audit)
        self.assertTrue(asset.source_date)
        self.assertEqual(self.audit.asset_ids, asset)
        findings = {f.rule_id.service_name: f for f in self.audit.finding_ids}
        self.assertEqual(set(findings), {"ftp", "telnet", "http"})
        self.assertEqual(findings["telnet"].severity, "high")
        self.assertEqual(findings["ftp"].severity, "medium")
        self.assertEqual(findings["http"].severity, "low")
        self.assertIn("2121/tcp ftp vsftpd 3.0.3", findings["ftp"].evidence)
        self.assertEqual(findings["telnet"].asset_ids, asset)
        self.assertEqual(stats["findings_created"], 3)
        self.assertIn("Assets: 1 created", self.audit.message_ids[0].body)

        # the OS-detection run of the same host updates it and raises nothing new
        stats = self.audit.import_nmap_xml(self.b64("nmap_host_os.xml"), "os.xml")
        self.assertEqual((stats["created"], stats["updated"]), (0, 1))
        self.assertEqual((stats["findings_created"], stats["findings_updated"]), (0, 0))
        self.assertEqual(self.customer_assets(), asset)
        self.assertEqual(asset.os_name, "Linux 5.0 - 5.2")

    def test_edge_cases(self):
        stats = self.audit.import_nmap_xml(self.b64("nmap_edge_cases.xml"))
        self.assertEqual(
            (stats["created"], stats["updated"], stats["unchanged"], stats["skipped"]),
            (4, 0, 0, 1),
        )
        assets = {a.name: a for a in self.customer_assets()}
        self.assertNotIn("10.0.0.50", assets, "a host that is down is skipped")
        pc = assets["acct-pc.corp.example"]
        self.assertEqual(pc.mac_address, "00:1A:2B:3C:4D:5E")
        self.assertEqual(pc.mac_key, "00:1a:2b:3c:4d:5e")
        self.assertEqual(pc.manufacturer, "Dell")
        self.assertEqual(pc.os_name, "Microsoft Windows 7 SP1", "the most accurate OS match")
        self.assertEqual(str(pc.eol_date), "2020-01-14")
        no_os = assets["10.0.0.20"]
        self.assertFalse(no_os.os_name)
        self.assertFalse(no_os.eol_date)
        nas = assets["nas.corp.example"]
        self.assertEqual(nas.ip_address, "2001:db8::30")
        self.assertEqual(nas.kind, "server")
        switch = assets["core-sw"]
        self.assertEqual(switch.kind, "network")
        self.assertEqual(switch.ip_address, "10.0.0.40")
        self.assertEqual(switch.ip_addresses, "10.0.0.40, 2001:db8::40, 10.0.0.41")
        by_title = {f.name: f for f in self.audit.finding_ids}
        self.assertEqual(by_title["SMBv1 is enabled"].severity, "critical")
        self.assertEqual(by_title["SMBv1 is enabled"].asset_ids, pc)
        self.assertEqual(by_title["Remote Desktop (RDP) is exposed"].asset_ids, pc)
        self.assertEqual(by_title["SNMP answers to the default community"].asset_ids, switch)
        self.assertEqual(by_title["Telnet is exposed"].asset_ids, switch)
        self.assertEqual(by_title["FTP is exposed"].asset_ids, nas)
        eol = by_title["Windows 7 is past its end of life"]
        self.assertEqual((eol.source, eol.severity, eol.asset_ids), ("eol", "critical", pc))

    def test_reimport_changes_nothing(self):
        self.audit.import_nmap_xml(self.b64("nmap_edge_cases.xml"))
        assets, findings = self.customer_assets(), self.audit.finding_ids
        before = (self._row_versions(assets), self._row_versions(findings))
        stats = self.audit.import_nmap_xml(self.b64("nmap_edge_cases.xml"))
        self.assertEqual(
            stats,
            {
                "created": 0,
                "updated": 0,
                "unchanged": 4,
                "skipped": 1,
                "findings_created": 0,
                "findings_updated": 0,
            },
        )
        self.assertEqual(self.customer_assets(), assets)
        self.assertEqual(self.audit.finding_ids, findings)
        self.assertEqual((self._row_versions(assets), self._row_versions(findings)), before)

    def test_second_scan_moves_a_host_to_another_ip(self):
        self.audit.import_nmap_xml(self.b64("nmap_edge_cases.xml"))
        pc = self.customer_assets().filtered(lambda a: a.hostname_key == "acct-pc")
        self.assertEqual(pc.ip_address, "10.0.0.10")
        stats = self.audit.import_nmap_xml(self.b64("nmap_rescan_ip_changed.xml"))
        self.assertEqual((stats["created"], stats["updated"], stats["unchanged"]), (0, 1, 3))
        self.assertEqual(len(self.customer_assets()), 4)
        self.assertEqual(pc.ip_address, "10.0.0.110")

    def test_rules_are_data_a_manager_edits(self):
        Rule = self.env["msp.audit.scan.rule"].with_user(self.manager)
        Rule.search([("service_name", "=", "telnet")]).active = False
        Rule.create(
            {
                "name": "SSH on a workstation",
                "service_name": "ssh",
                "port": 22,
                "protocol": "tcp",
                "finding_title": "SSH server on the network",
                "severity": "info",
            }
        )
        self.audit.import_nmap_xml(self.b64("nmap_edge_cases.xml"))
        titles = self.audit.finding_ids.mapped("name")
        self.assertNotIn("Telnet is exposed", titles)
        ssh = self.audit.finding_ids.filtered(lambda f: f.name == "SSH server on the network")
        self.assertEqual(ssh.severity, "info")
        self.assertEqual(ssh.asset_ids.name, "10.0.0.20")

    def test_script_rule_needs_its_text(self):
        rule = self.env["msp.audit.scan.rule"].create(
            {
                "name": "SMB signing",
                "script_id": "smb-protocols",
                "script_output_contains": "SMBv3",
                "finding_title": "no SMBv3",
                "severity": "low",
            }
        )
        service = {"service": "microsoft-ds", "port": 445, "protocol": "tcp", "scripts": {}}
        self.assertFalse(rule._matches(service, {"smb-protocols": "NT LM 0.12 (SMBv1)"}))
        self.assertTrue(rule._matches(service, {"smb-protocols": "3:1:1 (SMBv3)"}))
        self.assertFalse(rule._matches(service, {}))

    def test_nmap_and_glpi_see_the_same_switch(self):
        """A switch found by the scan (MAC, short name) and by the GLPI agent (FQDN, serial)
        is one asset: GLPI fills in its serial number and model."""
        self.audit.import_nmap_xml(self.b64("nmap_edge_cases.xml"))
        stats = self.audit.import_glpi_inventory(self.b64("glpi_network_equipment.json"))
        self.assertEqual((stats["created"], stats["updated"]), (0, 1))
        switch = self.customer_assets().filtered(lambda a: a.hostname_key == "core-sw")
        self.assertEqual(switch.serial_number, "FOC1932X0AB")
        self.assertEqual(switch.hardware_model, "WS-C2960X-48FPS-L")
        self.assertEqual(switch.source, "glpi")
