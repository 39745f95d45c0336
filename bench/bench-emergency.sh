#!/usr/bin/env bash
# make bench-emergency: the emergency path under load, against a real server started with
# --workers 2 on a fresh database (no demo data) holding msp_service_contract, which is
# dropped afterwards. Each measure is one Python file in MEASURES, run in turn against the
# same server with the same arguments (-c CONFIG -d DB --url URL); it prints its figures and
# exits non-zero on a miss. MSP_BENCH_KEEP=1 keeps the database; MSP_BENCH_DB=<db> runs on
# an existing one (kept), e.g. one kept before.
source "$(dirname "$0")/../tools/lib.sh"

MEASURES=(bench_alert_storm.py)

ODOO="$(find_odoo)"
ensure_venv "$ODOO"
ensure_postgres

DB="${MSP_BENCH_DB:-msp_bench_emergency_$(date +%Y%m%d_%H%M%S)_$$}"
[ -n "${MSP_BENCH_DB:-}" ] && MSP_BENCH_KEEP=1
PORT="$(free_port)"
CFG="$REPO_ROOT/.odoo/bench-emergency.conf"
LOG="$REPO_ROOT/.odoo/bench-emergency.log"
write_odoo_config "$ODOO" "$CFG" "$DB" "$PORT"
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ]; then kill -INT "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    [ -n "${MSP_BENCH_KEEP:-}" ] || drop_db "$DB" 2>/dev/null || true
}
trap cleanup EXIT
if db_exists "$DB"; then
    say "updating the addons in $DB"
    "$PY" "$ODOO/odoo-bin" -c "$CFG" -d "$DB" -u "$MSP_ADDONS" --stop-after-init --log-level warn
else
    say "creating $DB with msp_service_contract (no demo data; cached template after the first run)"
    "$VENV/bin/click-odoo-initdb" -c "$CFG" -n "$DB" -m msp_service_contract --no-demo \
        --cache-prefix mspbench --cache-max-age 30 --cache-max-size 6 --log-level warn
fi

say "starting Odoo with --workers 2 and a cron worker on port $PORT (log: $LOG)"
"$PY" "$ODOO/odoo-bin" -c "$CFG" -d "$DB" --workers 2 --max-cron-threads 1 \
    --log-level warn --logfile "$LOG" &
SERVER_PID=$!
for _ in $(seq 1 120); do
    curl -fs -o /dev/null "http://127.0.0.1:$PORT/web/login" && break
    kill -0 "$SERVER_PID" 2>/dev/null || die "the server stopped; see $LOG"
    sleep 0.5
done
curl -fs -o /dev/null "http://127.0.0.1:$PORT/web/login" || die "the server does not answer; see $LOG"

rc=0
for measure in "${MEASURES[@]}"; do
    say "measure: $measure"
    "$PY" "$REPO_ROOT/bench/$measure" -c "$CFG" -d "$DB" --url "http://127.0.0.1:$PORT" || rc=1
done
# The paging figures (scan with nothing due, a P1's time to its first page) on their own
# database and server: make bench-paging.
say "measure: the paging scan and the time to a first page (bench/bench-paging.sh)"
"$REPO_ROOT/bench/bench-paging.sh" || rc=1
exit "$rc"
