#!/usr/bin/env bash
# make bench-capacity: the capacity check's backtest and speed (bench/bench_capacity.py). One
# fresh database with msp_service_contract (no demo data), dropped afterwards unless
# MSP_BENCH_KEEP is set (then `bench/bench_capacity.py -c .odoo/bench-capacity.conf -d DB
# --predict-only` predicts again on the replayed history). Exits non-zero when a goal of
# issue 15 is missed; docs/capacity.md has the figures.
source "$(dirname "$0")/../tools/lib.sh"

ODOO="$(find_odoo)"
ensure_venv "$ODOO"
ensure_postgres
bench_contract_db capacity
"$PY" "$REPO_ROOT/bench/bench_capacity.py" -c "$CFG" -d "$DB" "$@"
