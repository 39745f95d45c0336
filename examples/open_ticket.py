"""Monitoring: open a ticket for a customer, then read its coverage and SLA deadlines.

The ticket is created for the customer (or one of its contacts), optionally on one of its
assets found by serial number or host name. The server chooses the service contract, the
coverage and the SLA policy, and starts the SLA clocks; the script reads them back and prints
them as JSON. See docs/api.md, "Open a ticket".

    python examples/open_ticket.py --url URL --db DB --user LOGIN --key KEY \
        --customer "Northwind Dental Clinic" --title "Disk C: 95% full on NWD-SRV01" \
        --priority 2 --asset nwd-srv01
"""

from odoo_client import connect, connection_arguments, find_customer, print_json, run

TICKET_FIELDS = [
    "name",
    "number",
    "partner_id",
    "priority",
    "msp_asset_id",
    "msp_contract_id",
    "msp_coverage",
    "msp_coverage_reason",
    "msp_hours_remaining",
    "msp_sla_policy_id",
    "msp_sla_status",
    "msp_sla_deadline",
]
CLOCK_FIELDS = ["kind", "state", "counting", "target_minutes", "start_at", "deadline"]


def main():
    parser = connection_arguments(__doc__.splitlines()[0])
    parser.add_argument("--customer", required=True, help="the customer's id or exact name")
    parser.add_argument("--title", required=True)
    parser.add_argument("--description", help="HTML; default: the title")
    parser.add_argument("--priority", choices="0123", default="1", help="0 low ... 3 very high")
    parser.add_argument("--asset", help="serial number or host name of the customer's asset")
    args = parser.parse_args()

    client = connect(args)
    partner_id = find_customer(client, args.customer)
    vals = {
        "name": args.title,
        "description": args.description or args.title,
        "partner_id": partner_id,
        "priority": args.priority,
    }
    if args.asset:
        asset_ids = client.call(
            "msp.asset",
            "search",
            domain=[
                ("partner_id", "=", partner_id),
                "|",
                ("serial_number", "=ilike", args.asset),
                ("hostname", "=ilike", args.asset),
            ],
            limit=1,
        )
        vals["msp_asset_id"] = asset_ids[0] if asset_ids else False
    [ticket_id] = client.call("helpdesk.ticket", "create", vals_list=[vals])
    [ticket] = client.call("helpdesk.ticket", "read", ids=[ticket_id], fields=TICKET_FIELDS)
    ticket["clocks"] = client.call(
        "msp.sla.clock",
        "search_read",
        domain=[("ticket_id", "=", ticket_id)],
        fields=CLOCK_FIELDS,
        order="deadline",
    )
    print_json(ticket)


if __name__ == "__main__":
    run(main)
