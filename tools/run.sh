#!/usr/bin/env bash
# make run: Odoo 19 with the three MSP addons on demo data, at http://127.0.0.1:8069.
# MSP_DB (default msp) and MSP_HTTP_PORT (default 8069) choose the database and port.
source "$(dirname "$0")/lib.sh"

ODOO="$(find_odoo)"
say "Odoo source: $ODOO"
ensure_venv "$ODOO"
ensure_postgres
ensure_report_tools

DB="${MSP_DB:-msp}"
PORT="${MSP_HTTP_PORT:-8069}"
CFG="$REPO_ROOT/.odoo/run-$DB.conf"
write_odoo_config "$ODOO" "$CFG" "$DB" "$PORT"
say "PostgreSQL: $(psql -d postgres -Atqc "select 'server ' || current_setting('server_version') || ' at ' || coalesce(inet_server_addr()::text, 'local socket') || ':' || current_setting('port') || ' as role ' || current_user")"

if db_exists "$DB"; then
    say "database '$DB' exists: reusing it and updating the MSP addons"
    action=(-u "$MSP_ADDONS")
else
    create_db_from_template "$CFG" "$DB"
    say "installing the MSP addons with demo data into '$DB'"
    action=(-i "$MSP_ADDONS")
fi

say "Odoo will serve http://127.0.0.1:$PORT/odoo  (login: admin, password: admin; Ctrl-C stops it)"
exec "$PY" "$ODOO/odoo-bin" -c "$CFG" -d "$DB" "${action[@]}" --log-level=info
