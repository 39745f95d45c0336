#!/usr/bin/env bash
# make bench-audit: time msp_it_audit's Nmap import of generated scans (1,000 and 5,000 hosts),
# first import and re-import, and the peak memory of each run. The database
# ${MSP_BENCH_DB:-msp_bench_audit} is created once (dependencies from the template, then
# msp_it_audit alone) and kept; each run rolls its own data back.
source "$(dirname "$0")/../tools/lib.sh"

ODOO="$(find_odoo)"
ensure_venv "$ODOO"
ensure_postgres
DB="${MSP_BENCH_DB:-msp_bench_audit}"
CFG="$REPO_ROOT/.odoo/bench-$DB.conf"
write_odoo_config "$ODOO" "$CFG" "$DB" "$(free_port)"
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
