"""Billing export: a customer's service contracts with their MRR, ARR and hours balance.

Reads ``contract.contract`` (``msp_mrr``, ``msp_arr``, ``msp_hours_balance``: the hours left
this month) and the contract's monthly hours periods (``msp.contract.hours.period``: hours
credited, used and the balance of each month), newest first. Prints them as JSON. See
docs/api.md, "Read a contract's hours balance and MRR".

    python examples/contract_hours.py --url URL --db DB --user LOGIN --key KEY \
        --customer "Northwind Dental Clinic" --months 3
"""

from odoo_client import connect, connection_arguments, find_customer, print_json, run

CONTRACT_FIELDS = [
    "name",
    "partner_id",
    "currency_id",
    "msp_plan_id",
    "msp_renewal_state",
    "msp_mrr",
    "msp_arr",
    "msp_hours_balance",
]
PERIOD_FIELDS = [
    "date_start",
    "date_end",
    "state",
    "credit_hours",
    "used_hours",
    "balance_hours",
]


def main():
    parser = connection_arguments(__doc__.splitlines()[0])
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--customer", help="the customer's id or exact name")
    target.add_argument("--contract-id", type=int)
    parser.add_argument("--months", type=int, default=3, help="hours periods to list")
    args = parser.parse_args()

    client = connect(args)
    if args.contract_id:
        domain = [("id", "=", args.contract_id)]
    else:
        domain = [
            ("commercial_partner_id", "=", find_customer(client, args.customer)),
            ("msp_plan_id", "!=", False),
        ]
    contracts = client.call(
        "contract.contract", "search_read", domain=domain, fields=CONTRACT_FIELDS, order="id"
    )
    for contract in contracts:
        contract["hours_periods"] = client.call(
            "msp.contract.hours.period",
            "search_read",
            domain=[("contract_id", "=", contract["id"])],
            fields=PERIOD_FIELDS,
            order="date_start desc",
            limit=args.months,
        )
    print_json(contracts)


if __name__ == "__main__":
    run(main)
