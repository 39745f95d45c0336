# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""GLPI-agent inventories (glpi-project/inventory_format JSON) to host records.

One file holds one inventory (a JSON object with ``action``, ``deviceid`` and ``content``) or a
list of them. Computers come from ``content.hardware``, ``bios``, ``operatingsystem``,
``networks`` and ``softwares``; network equipment, printers and phones from
``content.network_device`` (``action`` "netinventory") or, for phones, from the computer-like
sections with ``itemtype`` "Phone".
"""

import json

from .common import ScanFileError, new_host, text

MAX_DEPTH = 64
MAX_SOFTWARE = 5000
LAPTOP_CHASSIS = {"laptop", "notebook", "portable", "sub notebook", "convertible", "tablet"}
SERVER_CHASSIS = {"server", "rack mount chassis", "blade", "main server chassis"}


def _depth(value, level=0):
    if level > MAX_DEPTH:
        raise ScanFileError("too_deep", limit=MAX_DEPTH)
    if isinstance(value, dict):
        for item in value.values():
            _depth(item, level + 1)
    elif isinstance(value, list):
        for item in value:
            _depth(item, level + 1)


def parse_glpi_inventory(raw):
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ScanFileError("malformed", detail="not UTF-8 text") from exc
    except RecursionError as exc:
        raise ScanFileError("too_deep", limit=MAX_DEPTH) from exc
    except ValueError as exc:
        raise ScanFileError("malformed", detail=str(exc)[:200]) from exc
    _depth(data)
    inventories = data if isinstance(data, list) else [data]
    if not inventories:
        raise ScanFileError("empty")
    hosts = []
    for inventory in inventories:
        if (
            not isinstance(inventory, dict)
            or not isinstance(inventory.get("content"), dict)
            or "deviceid" not in inventory
        ):
            raise ScanFileError("wrong_root", found=type(inventory).__name__, expected="inventory")
        hosts.append(_parse_inventory(inventory))
    return hosts


def _dict(value):
    return value if isinstance(value, dict) else {}


def _list(value):
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _parse_inventory(inventory):
    content = inventory["content"]
    itemtype = text(inventory.get("itemtype"), 32).lower()
    host = new_host()
    device = _dict(content.get("network_device"))
    if device:
        _parse_network_device(device, itemtype, host)
    else:
        _parse_computer(content, itemtype, host)
    host["name"] = host["hostname"] or host["serial_number"] or text(inventory.get("deviceid"))
    return host


def _parse_network_device(device, itemtype, host):
    host["hostname"] = text(device.get("name"), 253)
    host["serial_number"] = text(device.get("serial"), 128)
    host["mac_address"] = text(device.get("mac"), 32)
    host["manufacturer"] = text(device.get("manufacturer"), 128)
    host["hardware_model"] = text(device.get("model"), 128)
    host["os_name"] = text(device.get("description"), 128)
    host["os_version"] = text(device.get("firmware"), 64)
    ips = device.get("ips") if isinstance(device.get("ips"), list) else []
    host["ip_addresses"] = [text(ip, 64) for ip in ips if text(ip, 64)]
    device_type = (text(device.get("type"), 32) or itemtype).lower()
    if "print" in device_type or itemtype == "printer":
        host["kind"] = "printer"
    elif "phone" in device_type or itemtype == "phone":
        host["kind"] = "phone"
    elif "firewall" in device_type:
        host["kind"] = "firewall"
    else:
        host["kind"] = "network"


def _parse_computer(content, itemtype, host):
    hardware = _dict(content.get("hardware"))
    bios = _dict(content.get("bios"))
    system = _dict(content.get("operatingsystem"))
    host["hostname"] = text(hardware.get("name"), 253)
    host["serial_number"] = text(bios.get("ssn") or bios.get("msn"), 128)
    host["manufacturer"] = text(bios.get("smanufacturer") or bios.get("mmanufacturer"), 128)
    host["hardware_model"] = text(bios.get("smodel") or bios.get("mmodel"), 128)
    host["os_name"] = text(system.get("full_name") or system.get("name"), 128)
    host["os_version"] = text(system.get("version"), 64)
    for network in _list(content.get("networks")):
        if network.get("virtualdev") in (1, "1", True):
            continue
        for key in ("ipaddress", "ipaddress6"):
            ip = text(network.get(key), 64)
            if ip and ip not in host["ip_addresses"] and not ip.startswith(("127.", "::1")):
                host["ip_addresses"].append(ip)
        mac = text(network.get("mac"), 32)
        if mac and not host["mac_address"]:
            host["mac_address"] = mac
    software = {
        (text(s.get("name"), 128), text(s.get("version"), 64), text(s.get("publisher"), 128))
        for s in _list(content.get("softwares"))[:MAX_SOFTWARE]
        if text(s.get("name"))
    }
    host["software"] = sorted(software)
    host["user_count"] = len(_list(content.get("users")))
    chassis = text(hardware.get("chassis_type"), 64).lower()
    vmsystem = text(hardware.get("vmsystem"), 64).lower()
    if itemtype == "phone":
        host["kind"] = "phone"
    elif vmsystem and vmsystem != "physical":
        host["kind"] = "virtual_machine"
    elif chassis in SERVER_CHASSIS or "server" in host["os_name"].lower():
        host["kind"] = "server"
    elif chassis in LAPTOP_CHASSIS:
        host["kind"] = "laptop"
    else:
        host["kind"] = "workstation"
