#!/usr/bin/env bash
# make bench-capacity: the capacity check's backtest and speed (bench/bench_capacity.py). One
# fresh database with msp_service_contract (no demo data), dropped afterwards. Exits non-zero
# when a goal of issue 15 is missed; docs/capacity.md has the figures.
source "$(dirname "$0")/../tools/lib.sh"

ODOO="$(find_odoo)"
ensure_venv "$ODOO"
ensure_postgres

DB="msp_bench_capacity_$(date +%Y%m%d_%H%M%S)_$$"
CFG="$REPO_ROOT/.odoo/bench-capacity.conf"
write_odoo_config "$ODOO" "$CFG" "" "$(free_port)"
sed -i '/^db_name\|^dbfilter/d' "$CFG"
trap 'drop_db "$DB" 2>/dev/null || true' EXIT
say "creating $DB with msp_service_contract (no demo data; cached template after the first run)"
"$VENV/bin/click-odoo-initdb" -c "$CFG" -n "$DB" -m msp_service_contract --no-demo \
    --cache-prefix mspbench --cache-max-age 30 --cache-max-size 6 --log-level warn
"$PY" "$REPO_ROOT/bench/bench_capacity.py" -c "$CFG" -d "$DB" "$@"
