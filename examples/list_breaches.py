"""SLA reporting: list the SLA breaches of a period from the SLA ledger.

Reads ``msp.sla.event`` lines with ``event_type = 'breach'`` whose ``date`` (UTC) is in
[--since, --until); by default the previous calendar month and this one up to now. Each line
names its ticket, the clock (response or resolution target) and the policy. Prints them as
JSON. See docs/api.md, "List breaches in a period".

    python examples/list_breaches.py --url URL --db DB --user LOGIN --key KEY \
        --since 2026-10-01 --until 2026-11-01
"""

from datetime import UTC, date, datetime

from odoo_client import connect, connection_arguments, print_json, run

EVENT_FIELDS = ["date", "ticket_id", "clock_id", "kind", "policy_id", "company_id", "details"]


def main():
    today = date.today()
    last_month = (today.replace(day=1) - date.resolution).replace(day=1)
    parser = connection_arguments(__doc__.splitlines()[0])
    parser.add_argument("--since", type=date.fromisoformat, default=last_month)
    parser.add_argument("--until", type=date.fromisoformat, help="excluded; default: now")
    args = parser.parse_args()

    client = connect(args)
    # Odoo stores datetimes in UTC, without a time zone
    until = args.until or datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    domain = [
        ("event_type", "=", "breach"),
        ("date", ">=", f"{args.since:%Y-%m-%d} 00:00:00"),
        ("date", "<", f"{until:%Y-%m-%d %H:%M:%S}"),
    ]
    breaches = client.call(
        "msp.sla.event", "search_read", domain=domain, fields=EVENT_FIELDS, order="date, id"
    )
    print_json({"since": str(args.since), "until": str(until), "breaches": breaches})


if __name__ == "__main__":
    run(main)
