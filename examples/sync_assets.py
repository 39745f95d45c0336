"""RMM sync: create or update a customer's assets from the devices an RMM knows.

The devices (a JSON list, from --devices FILE or standard input) are sent in one call to
``msp.asset.sync_assets``. The server matches each device to the customer's existing assets
by serial number, then MAC address, then host name, then IP address, so running the sync
again changes nothing. One device, in the RMM's words:

    {"hostname": "nwd-srv02", "serial": "CZJ7140XYZ", "mac": "3c:a8:2a:10:20:06",
     "ip": "192.168.10.6", "type": "server", "os": "Windows Server 2022 Standard",
     "os_version": "21H2", "manufacturer": "HPE", "model": "ProLiant DL20 Gen10"}

``type`` is one of msp.asset's kinds (workstation by default, laptop, server,
virtual_machine, network, firewall, printer...). Prints the counts and the synced assets as
JSON. See docs/api.md, "Create or update assets".

    python examples/sync_assets.py --url URL --db DB --user LOGIN --key KEY \
        --customer "Northwind Dental Clinic" --devices devices.json
"""

import argparse
import json
import sys

from odoo_client import connect, connection_arguments, find_customer, print_json, run

# The RMM's names for the fields of msp.asset that sync_assets takes.
FIELDS = {
    "hostname": "hostname",
    "serial": "serial_number",
    "mac": "mac_address",
    "ip": "ip_address",
    "type": "kind",
    "os": "os_name",
    "os_version": "os_version",
    "manufacturer": "manufacturer",
    "model": "hardware_model",
}


def asset_values(device):
    """The sync_assets values of one RMM device (the fields it has)."""
    return {FIELDS[key]: value for key, value in device.items() if key in FIELDS and value}


def main():
    parser = connection_arguments(__doc__.splitlines()[0])
    parser.add_argument("--customer", required=True, help="the customer's id or exact name")
    parser.add_argument("--devices", type=argparse.FileType("r"), default=sys.stdin)
    args = parser.parse_args()
    devices = json.load(args.devices)

    client = connect(args)
    partner_id = find_customer(client, args.customer)
    result = client.call(
        "msp.asset",
        "sync_assets",
        partner_id=partner_id,
        devices=[asset_values(device) for device in devices],
    )
    assets = client.call(
        "msp.asset",
        "read",
        ids=result.pop("asset_ids"),
        fields=["name", "kind", "serial_number", "mac_address", "hostname", "ip_address"],
    )
    print_json({"counts": result, "assets": assets})


if __name__ == "__main__":
    run(main)
