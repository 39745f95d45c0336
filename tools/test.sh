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

say "running the tests (pytest-odoo, database '$DB')"
set +e
(cd "$REPO_ROOT" && "$PY" -m pytest --odoo-config="$CFG" --odoo-database="$DB" --odoo-http "$@")
rc=$?
set -e
if [ "$rc" -eq 0 ] && [ "$keep" -eq 0 ]; then
    drop_db "$DB" && rm -f "$CFG"
    say "tests passed; database '$DB' dropped"
elif [ "$rc" -ne 0 ]; then
    say "tests failed (pytest exit $rc); database '$DB' is kept for debugging (drop it with: dropdb $DB)"
fi
exit "$rc"
