#!/usr/bin/env bash
# make bench-load: a working day under load (issue 16) against the multi-process server of
# make run-prod, with locust in its own virtualenv (.venv-bench). A new database with
# msp_service_contract (no demo data; cached template after the first run) gets generated
# data, then each run starts the server with N HTTP workers and locust drives 30 users for
# 60 s while the scheduled actions run. The database is dropped afterwards (MSP_BENCH_KEEP=1
# keeps it). See bench/bench_load.py for what is measured and the goals.
#
#   MSP_BENCH_WORKERS   the HTTP workers of each run (default "2,1,4": the goal's run first)
#   MSP_BENCH_USERS     simultaneous users (30)        MSP_BENCH_SECONDS   each run's length (60)
#   MSP_BENCH_REPLICA=1 every run with the streaming replica (MSP_REPLICA=1 of run-prod)
source "$(dirname "$0")/../tools/lib.sh"

ODOO="$(find_odoo)"
ensure_venv "$ODOO"
ensure_postgres
ensure_report_tools

BENCH_VENV="${MSP_BENCH_VENV:-$REPO_ROOT/.venv-bench}"
want="$(cat "$REPO_ROOT/requirements-bench.txt" "$REPO_ROOT/bench/locust-constraints.txt" | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$BENCH_VENV/.msp-installed" 2>/dev/null)" != "$want" ]; then
    python="$(command -v python3.11 || command -v python3)"
    [ -x "$BENCH_VENV/bin/python" ] || { say "creating virtualenv $BENCH_VENV (the load tool)"; "$python" -m venv "$BENCH_VENV"; }
    say "installing locust into $BENCH_VENV"
    "$BENCH_VENV/bin/python" -m pip install -q --disable-pip-version-check \
        -c "$REPO_ROOT/bench/locust-constraints.txt" \
        "$(grep -o '^locust==[^ ]*' "$REPO_ROOT/requirements-bench.txt")" \
        2> >(sed '/is ignored: it is neither a file nor a directory/d' >&2)
    echo "$want" > "$BENCH_VENV/.msp-installed"
fi

DB="${MSP_BENCH_DB:-msp_bench_load_$(date +%Y%m%d_%H%M%S)_$$}"
CFG="$REPO_ROOT/.odoo/bench-load.conf"
write_odoo_config "$ODOO" "$CFG" "$DB" "$(free_port)"
cleanup() { [ -n "${MSP_BENCH_KEEP:-}" ] || [ -n "${MSP_BENCH_DB:-}" ] || drop_db "$DB" 2>/dev/null || true; }
trap cleanup EXIT
if ! db_exists "$DB"; then
    say "creating $DB with msp_service_contract (no demo data; cached template after the first run)"
    "$VENV/bin/click-odoo-initdb" -c "$CFG" -n "$DB" -m msp_service_contract --no-demo \
        --cache-prefix mspbench --cache-max-age 30 --cache-max-size 6 --log-level warn
fi
say "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before the run"
replica=()
[ "${MSP_BENCH_REPLICA:-0}" = 1 ] && replica=(--replica)
"$PY" "$REPO_ROOT/bench/bench_load.py" -c "$CFG" -d "$DB" --locust "$BENCH_VENV/bin/locust" \
    --workers "${MSP_BENCH_WORKERS:-2,1,4}" --users "${MSP_BENCH_USERS:-30}" \
    --seconds "${MSP_BENCH_SECONDS:-60}" "${replica[@]}"
