#!/usr/bin/env bash
# make test: a fresh database with the three MSP addons (on demo data), then every test of the
# suite through pytest-odoo, browser tours included. Arguments go to pytest (paths, -k, -x ...).
# MSP_TEST_DB=name reuses (and updates) that database instead, and keeps it: the quick loop
# while working on one addon, e.g. MSP_TEST_DB=msp_dev make test T=msp_sla
# MSP_TEST_ADDONS=msp_sla installs (or updates) only that addon and what it depends on.
source "$(dirname "$0")/lib.sh"

ODOO="$(find_odoo)"
say "Odoo source: $ODOO"
ensure_venv "$ODOO"
ensure_postgres
ensure_report_tools
ensure_chromium
ensure_alertmanager

DB="${MSP_TEST_DB:-msp_test_$(date +%Y%m%d_%H%M%S)_$$}"
ADDONS="${MSP_TEST_ADDONS:-$MSP_ADDONS}"
CFG="$REPO_ROOT/.odoo/test-$DB.conf"
write_odoo_config "$ODOO" "$CFG" "$DB" "$(free_port)"
keep=0
if [ -n "${MSP_TEST_DB:-}" ] && db_exists "$DB"; then
    keep=1
    say "updating $ADDONS in existing database '$DB' (kept afterwards)"
    action=(-u "$ADDONS")
else
    [ -n "${MSP_TEST_DB:-}" ] && keep=1
    create_db_from_template "$CFG" "$DB"
    say "installing $ADDONS into '$DB'"
    action=(-i "$ADDONS")
fi
if ! "$PY" "$ODOO/odoo-bin" -c "$CFG" -d "$DB" "${action[@]}" --stop-after-init --log-level=warn; then
    say "installing the MSP addons failed; database '$DB' is kept for debugging (drop it with: dropdb $DB)"
    exit 1
fi

PYTEST=("$PY" -m pytest --odoo-http)
set +e
if [ $# -eq 0 ]; then
    # The whole suite in two pytest processes, one per core. The tests marked `standalone`
    # (their own Odoo servers, wheel builds, the restore drill, the browser tours) run in the
    # second one, on a copy of the installed database with its own config and HTTP port, so
    # the two never share a transaction, a lock or a port.
    SIDE_DB="${DB}_side"
    SIDE_CFG="$REPO_ROOT/.odoo/test-$SIDE_DB.conf"
    main_port="$(sed -n 's/^http_port = //p' "$CFG")"
    side_port="$(free_port)"
    while [ "$side_port" = "$main_port" ]; do side_port="$(free_port)"; done
    write_odoo_config "$ODOO" "$SIDE_CFG" "$SIDE_DB" "$side_port"
    drop_db "$SIDE_DB" 2>/dev/null
    psql -d postgres -qc "CREATE DATABASE \"$SIDE_DB\" TEMPLATE \"$DB\"" \
        && if [ -d "$REPO_ROOT/.odoo-data/filestore/$DB" ]; then
            cp -a "$REPO_ROOT/.odoo-data/filestore/$DB" "$REPO_ROOT/.odoo-data/filestore/$SIDE_DB"
        fi || die "could not copy database '$DB' for the second test process"
    side_dir="$(mktemp -d)"
    say "running the standalone tests beside the others, on '$SIDE_DB' (output at the end)"
    (cd "$REPO_ROOT" && "${PYTEST[@]}" --odoo-config="$SIDE_CFG" --odoo-database="$SIDE_DB" \
        -m standalone -p no:cacheprovider --junitxml="$side_dir/side.xml" \
        >"$side_dir/side.log" 2>&1) &
    side_pid=$!
    say "running the tests (pytest-odoo, database '$DB')"
    (cd "$REPO_ROOT" && "${PYTEST[@]}" --odoo-config="$CFG" --odoo-database="$DB" \
        -m "not standalone" --junitxml="$side_dir/main.xml")
    rc=$?
    wait "$side_pid"
    side_rc=$?
    say "the standalone tests, run beside the others:"
    cat "$side_dir/side.log"
    [ "$rc" -eq 0 ] && rc=$side_rc
    # One closing line for both runs, from their JUnit reports.
    "$PY" - "$side_dir/main.xml" "$side_dir/side.xml" <<'PY'
import sys
import xml.etree.ElementTree as ET

total = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
for path in sys.argv[1:]:
    try:
        suites = ET.parse(path).getroot().iter("testsuite")
    except (OSError, ET.ParseError):
        total["errors"] += 1  # a run that wrote no report did not pass
        continue
    for suite in suites:
        for key in total:
            total[key] += int(suite.get(key, 0))
failed = total["failures"] + total["errors"] + total["skipped"]
print(f"total: {total['tests'] - failed} passed, {failed} failed")
PY
    rm -rf "$side_dir"
    if [ "$rc" -eq 0 ]; then drop_db "$SIDE_DB" && rm -f "$SIDE_CFG"; fi
else
    say "running the tests (pytest-odoo, database '$DB')"
    (cd "$REPO_ROOT" && "${PYTEST[@]}" --odoo-config="$CFG" --odoo-database="$DB" "$@")
    rc=$?
fi
set -e
if [ "$rc" -eq 0 ] && [ "$keep" -eq 0 ]; then
    drop_db "$DB" && rm -f "$CFG"
    say "tests passed; database '$DB' dropped"
elif [ "$rc" -ne 0 ]; then
    say "tests failed (pytest exit $rc); database '$DB' is kept for debugging (drop it with: dropdb $DB)"
fi
exit "$rc"
