"""Import a scan file into a customer's audit: an Nmap XML scan or a GLPI JSON inventory.

The file is sent base64-encoded to ``msp.audit.import_nmap_xml`` (``*.xml``) or
``msp.audit.import_glpi_inventory`` (``*.json``). Without --audit-id the integration's open
audit of the customer is used (created when there is none). Importing the same file again
changes nothing. A refused file (malformed, hostile, too large) imports nothing and ends the
script with the server's UserError. Prints the counts as JSON. See docs/api.md, "Import a
scan file".

    nmap -sV -O -oX scan.xml 192.168.10.0/24
    python examples/import_scan.py --url URL --db DB --user LOGIN --key KEY \
        --customer "Northwind Dental Clinic" --file scan.xml
"""

import base64
import sys
from pathlib import Path

from odoo_client import (
    connect,
    connection_arguments,
    find_customer,
    integration_audit,
    print_json,
    run,
)

METHODS = {".xml": "import_nmap_xml", ".json": "import_glpi_inventory"}


def main():
    parser = connection_arguments(__doc__.splitlines()[0])
    parser.add_argument("--file", required=True, type=Path, help="an Nmap .xml or GLPI .json")
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--customer", help="the customer's id or exact name")
    target.add_argument("--audit-id", type=int)
    args = parser.parse_args()
    method = METHODS.get(args.file.suffix.lower())
    if not method:
        sys.exit(f"{args.file}: expected an Nmap .xml or a GLPI .json file")

    client = connect(args)
    audit_id = args.audit_id or integration_audit(
        client, find_customer(client, args.customer), args.user
    )
    counts = client.call(
        "msp.audit",
        method,
        ids=[audit_id],
        file_b64=base64.b64encode(args.file.read_bytes()).decode(),
        filename=args.file.name,
    )
    print_json({"audit_id": audit_id, "method": method, "counts": counts})


if __name__ == "__main__":
    run(main)
