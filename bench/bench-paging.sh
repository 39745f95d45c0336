#!/usr/bin/env bash
# make bench-paging: the paging scan with nothing due over 100,000 closed incidents, and the
# time from a P1 ticket to its first page with a real server's cron runner. One fresh
# database with msp_sla (no demo data), dropped afterwards. See bench/bench_paging.py.
source "$(dirname "$0")/../tools/lib.sh"

ODOO="$(find_odoo)"
ensure_venv "$ODOO"
ensure_postgres

DB="msp_bench_paging_$(date +%Y%m%d_%H%M%S)_$$"
CFG="$REPO_ROOT/.odoo/bench-paging.conf"
PORT="$(free_port)"
write_odoo_config "$ODOO" "$CFG" "$DB" "$PORT"
PIDFILE="$REPO_ROOT/.odoo/bench-paging.pid"
LOG="$REPO_ROOT/.odoo/bench-paging-server.log"
cleanup() {
    if [ -f "$PIDFILE" ]; then kill "$(cat "$PIDFILE")" 2>/dev/null || true; sleep 2; rm -f "$PIDFILE"; fi
    drop_db "$DB" 2>/dev/null || true
}
trap cleanup EXIT
say "creating $DB with msp_sla (no demo data; cached template after the first run)"
"$VENV/bin/click-odoo-initdb" -c "$CFG" -n "$DB" -m msp_sla --no-demo \
    --cache-prefix mspbench --cache-max-age 30 --cache-max-size 6 --log-level warn
say "starting Odoo on $DB with one cron thread (the runner that pages), log in $LOG"
odoo_bin "$ODOO" -c "$CFG" -d "$DB" --max-cron-threads 1 --pidfile "$PIDFILE" \
    --log-level warn > "$LOG" 2>&1 &
for _ in $(seq 60); do curl -sf "http://127.0.0.1:$PORT/web/login" >/dev/null && break; sleep 1; done
"$PY" "$REPO_ROOT/bench/bench_paging.py" -c "$CFG" --db "$DB" --closed "${MSP_BENCH_INCIDENTS:-100000}"
