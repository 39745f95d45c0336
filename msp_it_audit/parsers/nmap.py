# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Nmap XML (``nmap -oX``) to host records, refusing hostile XML.

lxml parses with entity resolution, DTD loading and network access off and without the
huge-tree option. Any DTD beyond the bare ``<!DOCTYPE nmaprun>`` that nmap itself writes (an
internal subset, an ENTITY declaration, a SYSTEM or PUBLIC identifier) refuses the file.
"""

import codecs
import re

from lxml import etree

from .common import ScanFileError, new_host, text

# nmap writes exactly this DOCTYPE; anything else refuses the file
_DOCTYPE_RE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_ALLOWED_DOCTYPE_RE = re.compile(rb"<!DOCTYPE\s+nmaprun\s*>", re.IGNORECASE)
_ENTITY_RE = re.compile(rb"<!ENTITY", re.IGNORECASE)

# osclass types (nmap-os-db) to asset kinds
OS_TYPE_KINDS = {
    "router": "network",
    "switch": "network",
    "broadband router": "network",
    "wap": "network",
    "bridge": "network",
    "load balancer": "network",
    "hub": "network",
    "firewall": "firewall",
    "security-misc": "firewall",
    "printer": "printer",
    "print server": "printer",
    "phone": "phone",
    "voip phone": "phone",
    "pda": "phone",
    "storage-misc": "server",
}
PRINTER_PORTS = {515, 631, 9100}


def _parser():
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_blank_text=True,
        recover=False,
    )


def _as_utf8(raw):
    """The bytes to scan for declarations: a UTF-16 or UTF-32 file is looked at as UTF-8 so
    that an encoding trick cannot hide an ENTITY declaration from the byte scan."""
    head = raw[:4]
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if head.startswith(bom):
            try:
                return raw.decode(encoding).encode("utf-8")
            except UnicodeDecodeError as exc:
                raise ScanFileError("malformed", detail=str(exc)[:200]) from exc
    return raw


def _check_prolog(raw):
    """Refuse DTD tricks before lxml sees the file (cheap, works on the raw bytes)."""
    raw = _as_utf8(raw)
    if _ENTITY_RE.search(raw):
        raise ScanFileError("entity")
    for match in _DOCTYPE_RE.finditer(raw):
        if not _ALLOWED_DOCTYPE_RE.match(raw, match.start()):
            raise ScanFileError("doctype")


def _check_docinfo(tree):
    """The same check on what lxml parsed (catches encodings the byte scan cannot see)."""
    docinfo = tree.docinfo
    if docinfo.internalDTD is not None and (
        list(docinfo.internalDTD.iterelements()) or list(docinfo.internalDTD.iterentities())
    ):
        raise ScanFileError("entity")
    if docinfo.public_id or docinfo.system_url:
        raise ScanFileError("doctype")
    if docinfo.doctype and docinfo.doctype.replace(" ", "").lower() != "<!doctypenmaprun>":
        raise ScanFileError("doctype")


def parse_nmap_xml(raw):
    """Parse the bytes of an Nmap XML file into a list of host records.

    Hosts that are down are returned with ``"down": True`` so the caller can count them as
    skipped.
    """
    _check_prolog(raw)
    try:
        tree = etree.ElementTree(etree.fromstring(raw, parser=_parser()))
    except etree.XMLSyntaxError as exc:
        raise ScanFileError("malformed", detail=str(exc)[:200]) from exc
    _check_docinfo(tree)
    root = tree.getroot()
    if root.tag != "nmaprun":
        raise ScanFileError("wrong_root", found=text(root.tag, 64), expected="nmaprun")
    # an interrupted scan has no <runstats>: the file is cut short
    if root.find("runstats") is None:
        raise ScanFileError("truncated")
    return [_parse_host(host) for host in root.iterfind("host")]


def _parse_host(node):
    host = new_host()
    status = node.find("status")
    host["down"] = status is not None and status.get("state") != "up"
    for address in node.iterfind("address"):
        kind = address.get("addrtype")
        addr = text(address.get("addr"), 64)
        if kind in ("ipv4", "ipv6") and addr and addr not in host["ip_addresses"]:
            host["ip_addresses"].append(addr)
        elif kind == "mac" and addr and not host["mac_address"]:
            host["mac_address"] = addr
            host["manufacturer"] = text(address.get("vendor"), 128)
    # user-given names first, then reverse DNS: the first one is the hostname
    names = sorted(
        node.iterfind("hostnames/hostname"), key=lambda n: 0 if n.get("type") == "user" else 1
    )
    if names:
        host["hostname"] = text(names[0].get("name"), 253)
    _parse_os(node, host)
    for port in node.iterfind("ports/port"):
        state = port.find("state")
        if state is None or state.get("state") not in ("open", "open|filtered"):
            continue
        service = port.find("service")
        host["services"].append(
            {
                "port": int(port.get("portid") or 0),
                "protocol": text(port.get("protocol"), 8) or "tcp",
                "service": text(service.get("name"), 64) if service is not None else "",
                "product": text(service.get("product"), 128) if service is not None else "",
                "version": text(service.get("version"), 64) if service is not None else "",
                "scripts": {
                    text(s.get("id"), 64): text(s.get("output"), 2000)
                    for s in port.iterfind("script")
                },
            }
        )
    host["host_scripts"] = {
        text(s.get("id"), 64): text(s.get("output"), 2000)
        for s in node.iterfind("hostscript/script")
    }
    if not host["kind"] and {s["port"] for s in host["services"]} & PRINTER_PORTS:
        host["kind"] = "printer"
    host["name"] = host["hostname"] or (host["ip_addresses"][:1] or [""])[0]
    return host


def _parse_os(node, host):
    """The best OS match: the highest accuracy, the first one on a tie (nmap's order)."""
    best = None
    for match in node.iterfind("os/osmatch"):
        try:
            accuracy = int(match.get("accuracy") or 0)
        except ValueError:
            accuracy = 0
        if best is None or accuracy > best[0]:
            best = (accuracy, match)
    if best is None:
        return
    match = best[1]
    host["os_name"] = text(match.get("name"), 128)
    osclass = match.find("osclass")
    if osclass is not None:
        host["os_version"] = text(osclass.get("osgen"), 64)
        os_type = (osclass.get("type") or "").lower()
        if os_type in OS_TYPE_KINDS:
            host["kind"] = OS_TYPE_KINDS[os_type]
        elif os_type == "general purpose":
            host["kind"] = "server" if "server" in host["os_name"].lower() else "workstation"
        if not host["manufacturer"] and os_type not in ("general purpose", ""):
            host["manufacturer"] = text(osclass.get("vendor"), 128)
