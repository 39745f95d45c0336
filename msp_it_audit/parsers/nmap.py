# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Nmap XML (``nmap -oX``) to host records, refusing hostile XML.

lxml parses with entity resolution, DTD loading and network access off and without the
huge-tree option. Two DOCTYPEs are accepted, the ones Nmap writes: the bare
``<!DOCTYPE nmaprun>`` and Nmap's public identifier
``<!DOCTYPE nmaprun PUBLIC "-//IDN nmap.org//DTD Nmap XML 1.04//EN" "https://svn.nmap.org/nmap/docs/nmap.dtd">``
(any version of the DTD, its URL on nmap.org); that DTD is never loaded. Anything else (an
internal subset, an ENTITY declaration, another SYSTEM or PUBLIC identifier) refuses the file.
"""

import codecs
import re

from lxml import etree

from .common import ScanFileError, new_host, text

# Nmap's own DOCTYPEs (bare, or its public identifier); anything else refuses the file
_DOCTYPE_RE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_NMAP_PUBLIC_ID = r"-//IDN nmap\.org//DTD Nmap XML \d{1,2}\.\d{1,2}//EN"
_NMAP_DTD_URL = r"https?://(?:svn\.)?nmap\.org/[A-Za-z0-9_/.-]{1,64}\.dtd"
_ALLOWED_DOCTYPE_RE = re.compile(
    rb"<!DOCTYPE\s+nmaprun(?:\s+PUBLIC\s+\"%s\"\s+\"%s\")?\s*>"
    % (_NMAP_PUBLIC_ID.encode(), _NMAP_DTD_URL.encode()),
    re.IGNORECASE,
)
_NMAP_PUBLIC_ID_RE = re.compile(_NMAP_PUBLIC_ID + r"\Z")
_NMAP_DTD_URL_RE = re.compile(_NMAP_DTD_URL + r"\Z")
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
# Printer evidence when OS detection gave no device type (docs/it-audit.md, "Nmap XML"):
# raw printing (9100, jetdirect), or LPD (515) together with IPP (631). IPP alone is not
# enough: every Linux and macOS machine runs CUPS on 631.
RAW_PRINT_PORT = 9100
LPD_PORT = 515
IPP_PORT = 631
PRINTER_SERVICES = {"jetdirect", "pdl-datastream"}
PRINTER_DEVICE_TYPES = {"printer", "print server"}


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
        if not (
            _NMAP_PUBLIC_ID_RE.match(docinfo.public_id or "")
            and _NMAP_DTD_URL_RE.match(docinfo.system_url or "")
        ):
            raise ScanFileError("doctype")
    elif docinfo.doctype and docinfo.doctype.replace(" ", "").lower() != "<!doctypenmaprun>":
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
    if not host["kind"] and _looks_like_printer(node, host["services"]):
        host["kind"] = "printer"
    host["name"] = host["hostname"] or (host["ip_addresses"][:1] or [""])[0]
    return host


def _looks_like_printer(node, services):
    """Whether the open services say printer: a service nmap identified as a printer
    (``devicetype``), raw printing on 9100 (jetdirect), or LPD on 515 together with IPP on
    631. IPP (631) alone is CUPS, which every Linux and macOS machine runs."""
    ports = {service["port"] for service in services}
    names = {service["service"] for service in services}
    device_types = {
        (service.get("devicetype") or "").lower() for service in node.iterfind("ports/port/service")
    }
    return bool(
        device_types & PRINTER_DEVICE_TYPES
        or names & PRINTER_SERVICES
        or RAW_PRINT_PORT in ports
        or {LPD_PORT, IPP_PORT} <= ports
    )


def _accuracy(node):
    try:
        return int(node.get("accuracy") or 0)
    except ValueError:
        return 0


def _best(nodes):
    """The node of highest accuracy, the first one on a tie (nmap's order), or None."""
    best = None
    for node in nodes:
        if best is None or _accuracy(node) > _accuracy(best):
            best = node
    return best


def _parse_os(node, host):
    """The best OS match and its class.

    Nmap 6 and later nest the ``<osclass>`` elements in each ``<osmatch>``; Nmap 5 writes
    them next to the ``<osmatch>`` elements, directly under ``<os>``. The class is the first
    one of the best match (6+), else the most accurate one under ``<os>`` (5.x). Without an
    ``<osmatch>`` nmap made no OS guess and the classes alone are not used.
    """
    match = _best(node.iterfind("os/osmatch"))
    if match is None:
        return
    host["os_name"] = text(match.get("name"), 128)
    osclass = match.find("osclass")
    if osclass is None:
        osclass = _best(node.iterfind("os/osclass"))
    if osclass is not None:
        host["os_version"] = text(osclass.get("osgen"), 64)
        os_type = (osclass.get("type") or "").lower()
        if os_type in OS_TYPE_KINDS:
            host["kind"] = OS_TYPE_KINDS[os_type]
        elif os_type == "general purpose":
            host["kind"] = "server" if "server" in host["os_name"].lower() else "workstation"
        if not host["manufacturer"] and os_type not in ("general purpose", ""):
            host["manufacturer"] = text(osclass.get("vendor"), 128)
