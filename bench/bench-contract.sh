#!/usr/bin/env bash
# make bench-contract: OCA contract's invoicing cron against the full msp_service_contract
# invoicing (hours ledger, overage, SLA credits), measured in one run on the same data, in a
# fresh database (no demo data; account's generic chart gives the sale journal and accounts),
# which is dropped afterwards. See bench/bench_contract.py for what is measured and
# docs/performance.md for the figures. MSP_BENCH_CONTRACTS="500 2000" sets the sizes;
# MSP_BENCH_KEEP=1 keeps the database.
source "$(dirname "$0")/../tools/lib.sh"

ODOO="$(find_odoo)"
ensure_venv "$ODOO"
ensure_postgres

bench_contract_db contract
"$PY" "$REPO_ROOT/bench/bench_contract.py" -c "$CFG" -d "$DB" \
    --contracts ${MSP_BENCH_CONTRACTS:-500 2000}
say "the renewal run over 10,000 contracts, 100 of them due"
"$PY" "$REPO_ROOT/bench/bench_renewal.py" -c "$CFG" -d "$DB"
