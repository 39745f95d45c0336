#!/usr/bin/env bash
# make bench-invoicing: the invoicing run at scale. OCA contract's cron against
# msp_service_contract's run at 2,000 contracts (the ratio, goal under 0.5), then 20,000
# contracts invoiced by two workers at once (time, and each contract invoiced once), in a
# fresh database without demo data, dropped afterwards. See bench/bench_invoicing.py and
# docs/performance.md. MSP_BENCH_CONTRACTS sets the size of the ratio (2000),
# MSP_BENCH_WORKERS_CONTRACTS the sizes of the two-worker runs ("20000"); MSP_BENCH_KEEP=1
# keeps the database. Exits non-zero when a goal is missed.
source "$(dirname "$0")/../tools/lib.sh"

ODOO="$(find_odoo)"
ensure_venv "$ODOO"
ensure_postgres

bench_contract_db invoicing
say "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start"
"$PY" "$REPO_ROOT/bench/bench_invoicing.py" -c "$CFG" -d "$DB" \
    --contracts "${MSP_BENCH_CONTRACTS:-2000}" \
    --workers-contracts ${MSP_BENCH_WORKERS_CONTRACTS:-20000}
