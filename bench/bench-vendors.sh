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

DB="msp_bench_vendors_$(date +%Y%m%d_%H%M%S)_$$"
CFG="$REPO_ROOT/.odoo/bench-vendors.conf"
write_odoo_config "$ODOO" "$CFG" "" "$(free_port)"
sed -i '/^db_name\|^dbfilter/d' "$CFG"
cleanup() { [ -n "${MSP_BENCH_KEEP:-}" ] || drop_db "$DB" 2>/dev/null || true; }
trap cleanup EXIT
say "creating $DB with msp_service_contract (no demo data; cached template after the first run)"
"$VENV/bin/click-odoo-initdb" -c "$CFG" -n "$DB" -m msp_service_contract --no-demo \
    --cache-prefix mspbench --cache-max-age 30 --cache-max-size 6 --log-level warn
"$PY" "$REPO_ROOT/bench/bench_vendors.py" -c "$CFG" -d "$DB"
