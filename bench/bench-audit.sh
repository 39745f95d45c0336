#!/usr/bin/env bash
# make bench-audit: time msp_it_audit's Nmap import of generated scans (1,000 and 5,000 hosts),
# first import and re-import, and the peak memory of each run; then the audit report's PDF of a
# generated 50-host audit with its findings, printed by wkhtmltopdf while an Odoo server of the
# database runs (as the Print menu does), against the 2 s goal: exits non-zero when missed. The database
# ${MSP_BENCH_DB:-msp_bench_audit} is created once (dependencies from the template, then
# msp_it_audit alone) and kept; each run rolls its own data back.
source "$(dirname "$0")/../tools/lib.sh"

ODOO="$(find_odoo)"
ensure_venv "$ODOO"
ensure_postgres
DB="${MSP_BENCH_DB:-msp_bench_audit}"
CFG="$REPO_ROOT/.odoo/bench-$DB.conf"
PORT="$(free_port)"
write_odoo_config "$ODOO" "$CFG" "$DB" "$PORT"
if db_exists "$DB"; then
    action=(-u msp_it_audit)
else
    create_db_from_template "$CFG" "$DB"
    action=(-i msp_it_audit)
fi
"$PY" "$ODOO/odoo-bin" -c "$CFG" -d "$DB" "${action[@]}" --stop-after-init --log-level=warn

say "benchmark: Nmap import into an empty audit, then the same file again"
results=()
for hosts in ${MSP_BENCH_HOSTS:-1000 5000}; do
    line="$("$PY" "$REPO_ROOT/bench/bench_audit.py" -c "$CFG" -d "$DB" --hosts "$hosts")"
    echo "$line"
    results+=("$line")
done
echo
printf '%s\n' "${results[@]}" | "$PY" "$REPO_ROOT/bench/bench_audit.py" --summarize

echo
say "benchmark: the audit report's PDF (wkhtmltopdf) of a ${MSP_BENCH_PDF_HOSTS:-50}-host audit"
# The server wkhtmltopdf fetches the report's styles and fonts from, as in production.
"$PY" "$ODOO/odoo-bin" -c "$CFG" -d "$DB" --log-level=warn --max-cron-threads=0 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 60); do
    curl -s -o /dev/null "http://127.0.0.1:$PORT/web/login" && break
    sleep 1
done
# web.base.url as a public address the server cannot reach (MSP_BENCH_BASE_URL to change it):
# the audit PDF must not depend on it.
status=0
MSP_BENCH_BASE_URL="${MSP_BENCH_BASE_URL:-http://192.0.2.1}" "$PY" "$REPO_ROOT/bench/bench_audit.py" \
    -c "$CFG" -d "$DB" --hosts "${MSP_BENCH_PDF_HOSTS:-50}" --pdf || status=$?
exit "$status"
