#!/usr/bin/env bash
# make bench-sla: msp_sla against plain helpdesk_mgmt and OCA helpdesk_mgmt_sla, measured in
# one run on three fresh databases (no demo data), which are dropped afterwards. See
# bench/bench_sla.py for what is measured; docs/performance.md for the figures.
source "$(dirname "$0")/../tools/lib.sh"

ODOO="$(find_odoo)"
ensure_venv "$ODOO"
ensure_postgres
# The OCA module we compare with, for the benchmark only.
pip_quiet install -q -c "$ODOO/requirements.txt" $(grep -o "^odoo-addon-[^ ]*" "$REPO_ROOT/requirements-bench.txt")

suffix="$(date +%Y%m%d_%H%M%S)_$$"
declare -A DBS=([plain]="msp_bench_plain_$suffix" [oca]="msp_bench_oca_$suffix" [msp]="msp_bench_msp_$suffix")
declare -A MODULES=([plain]=helpdesk_mgmt [oca]=helpdesk_mgmt_sla [msp]=msp_sla)
CFG="$REPO_ROOT/.odoo/bench-sla.conf"
write_odoo_config "$ODOO" "$CFG" "" "$(free_port)"
sed -i '/^db_name\|^dbfilter/d' "$CFG"
cleanup() {
    for db in "${DBS[@]}"; do drop_db "$db" 2>/dev/null || true; done
}
trap cleanup EXIT
for key in plain oca msp; do
    say "creating ${DBS[$key]} with ${MODULES[$key]} (no demo data; cached template after the first run)"
    "$VENV/bin/click-odoo-initdb" -c "$CFG" -n "${DBS[$key]}" -m "${MODULES[$key]}" --no-demo \
        --cache-prefix mspbench --cache-max-age 30 --cache-max-size 6 --log-level warn
done
"$PY" "$REPO_ROOT/bench/bench_sla.py" -c "$CFG" --plain "${DBS[plain]}" --oca "${DBS[oca]}" \
    --msp "${DBS[msp]}" --tickets "${MSP_BENCH_TICKETS:-5000}"
