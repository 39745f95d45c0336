"""RMM sync: create or update a customer's assets from the devices an RMM knows.

The devices (a JSON list, from --devices FILE or standard input) are sent as one GLPI
inventory to ``msp.audit.import_glpi_inventory`` on the integration's audit of the customer.
The server matches each device to an existing asset by serial number, then MAC address, then
host name, then IP address, so running the sync again changes nothing. One device:

    {"hostname": "nwd-srv02", "serial": "CZJ7140XYZ", "mac": "3c:a8:2a:10:20:06",
     "ip": "192.168.10.6", "type": "server", "os": "Windows Server 2022 Standard",
     "os_version": "21H2", "manufacturer": "HPE", "model": "ProLiant DL20 Gen10"}

``type`` is workstation (default), laptop, server or virtual_machine. Prints the import's
counts and the audit's assets as JSON. See docs/api.md, "Create or update assets".

    python examples/sync_assets.py --url URL --db DB --user LOGIN --key KEY \
        --customer "Northwind Dental Clinic" --devices devices.json
"""

import argparse
import base64
import json
import sys

from odoo_client import (
    connect,
    connection_arguments,
    find_customer,
    integration_audit,
    print_json,
    run,
)

CHASSIS = {"laptop": "Laptop", "server": "Rack Mount Chassis", "workstation": "Desktop"}


def glpi_inventory(device):
    """One GLPI-agent inventory (glpi-project/inventory_format) for an RMM device."""
    kind = device.get("type", "workstation")
    return {
        "action": "inventory",
        "itemtype": "Computer",
        "deviceid": device.get("hostname") or device.get("serial") or device.get("mac"),
        "content": {
            "hardware": {
                "name": device.get("hostname", ""),
                "chassis_type": CHASSIS.get(kind, ""),
                "vmsystem": "VMware" if kind == "virtual_machine" else "Physical",
            },
            "bios": {
                "ssn": device.get("serial", ""),
                "smanufacturer": device.get("manufacturer", ""),
                "smodel": device.get("model", ""),
            },
            "operatingsystem": {
                "full_name": device.get("os", ""),
                "version": device.get("os_version", ""),
            },
            "networks": [{"mac": device.get("mac", ""), "ipaddress": device.get("ip", "")}],
        },
    }


def main():
    parser = connection_arguments(__doc__.splitlines()[0])
    parser.add_argument("--customer", required=True, help="the customer's id or exact name")
    parser.add_argument("--devices", type=argparse.FileType("r"), default=sys.stdin)
    parser.add_argument("--audit-id", type=int, help="import into this audit instead")
    args = parser.parse_args()
    devices = json.load(args.devices)

    client = connect(args)
    partner_id = find_customer(client, args.customer)
    audit_id = args.audit_id or integration_audit(client, partner_id, args.user)
    inventory = json.dumps([glpi_inventory(device) for device in devices]).encode()
    counts = client.call(
        "msp.audit",
        "import_glpi_inventory",
        ids=[audit_id],
        file_b64=base64.b64encode(inventory).decode(),
        filename="rmm-sync.json",
    )
    assets = client.call(
        "msp.asset",
        "search_read",
        domain=[("audit_ids", "in", [audit_id])],
        fields=["name", "kind", "serial_number", "mac_address", "hostname", "ip_address"],
        order="id",
    )
    print_json({"audit_id": audit_id, "counts": counts, "assets": assets})


if __name__ == "__main__":
    run(main)
