#!/usr/bin/env bash
# make bench-vendors: the expiry watch (issue 14) on a fresh database with
# msp_service_contract (no demo data), dropped afterwards: the daily reminder action over
# 10,000 watched items with nothing due, and 1,000 TLS certificate lookups against local TLS
# listeners with bounded concurrency. See bench/bench_vendors.py for what is measured and
# docs/vendors-expiry.md for the figures. MSP_BENCH_KEEP=1 keeps the database.
source "$(dirname "$0")/../tools/lib.sh"

ODOO="$(find_odoo)"
ensure_venv "$ODOO"
ensure_postgres

bench_contract_db vendors
"$PY" "$REPO_ROOT/bench/bench_vendors.py" -c "$CFG" -d "$DB"
