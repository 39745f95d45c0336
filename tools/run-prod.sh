#!/usr/bin/env bash
# make run-prod: Odoo 19 with the three MSP addons as a production deployment runs it: the
# multi-process server (HTTP workers, cron workers, a gevent process for the websocket), memory
# and time limits, proxy mode; optionally with a streaming replica of PostgreSQL that serves the
# requests that only read (Odoo's db_replica_host / db_replica_port). See docs/deployment.md.
#
#   tools/run-prod.sh [--workers N] [--cron-workers N] [--replica]     start (Ctrl-C stops all)
#   tools/run-prod.sh --stop                                            stop the one running on MSP_DB
#
# Environment: MSP_DB (default msp), MSP_HTTP_PORT (8069), MSP_GEVENT_PORT (8072), MSP_WORKERS
# (2), MSP_CRON_WORKERS (2), MSP_REPLICA=1 (same as --replica), MSP_REPLICA_PORT (a free one),
# MSP_UPDATE=1 (update the addons of an existing database before serving it).
# A database that does not exist is created with demo data, as make run does; one that exists
# is served as it is (a production start never upgrades by surprise).
source "$(dirname "$0")/lib.sh"

DB="${MSP_DB:-msp}"
PORT="${MSP_HTTP_PORT:-8069}"
GEVENT_PORT="${MSP_GEVENT_PORT:-8072}"
WORKERS="${MSP_WORKERS:-2}"
CRON_WORKERS="${MSP_CRON_WORKERS:-2}"
REPLICA="${MSP_REPLICA:-0}"
STOP=0
while [ $# -gt 0 ]; do
    case "$1" in
        --workers) WORKERS="$2"; shift 2 ;;
        --workers=*) WORKERS="${1#*=}"; shift ;;
        --cron-workers) CRON_WORKERS="$2"; shift 2 ;;
        --cron-workers=*) CRON_WORKERS="${1#*=}"; shift ;;
        --replica) REPLICA=1; shift ;;
        --stop) STOP=1; shift ;;
        *) die "unknown option $1 (see the head of tools/run-prod.sh)" ;;
    esac
done
[[ "$WORKERS" =~ ^[1-9][0-9]*$ ]] || die "--workers must be a positive number (got '$WORKERS'); 0 is make run's threaded server."
[[ "$CRON_WORKERS" =~ ^[0-9]+$ ]] || die "--cron-workers must be a number (got '$CRON_WORKERS')."

STATE="$REPO_ROOT/.odoo"
PIDFILE="$STATE/run-prod-$DB.pid"          # this command's own pid
REPLICA_STATE="$STATE/run-prod-$DB.replica" # the replica's directory while it runs
mkdir -p "$STATE"

# --- the replica -------------------------------------------------------------------------
# The PostgreSQL server process refuses to run as root: when we are root, the replica's
# cluster belongs to the 'postgres' system user, as the primary's does.
as_cluster_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
PGBIN="$(dirname "$(readlink -f "$(command -v pg_basebackup || echo /usr/lib/postgresql/15/bin/pg_basebackup)")")"
[ -x "$PGBIN/pg_ctl" ] || PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"

stop_replica() {
    # Stop the replica recorded in $REPLICA_STATE (ours, or one a killed run left behind).
    [ -f "$REPLICA_STATE" ] || return 0
    local dir; dir="$(cat "$REPLICA_STATE")"
    if [ -f "$dir/data/postmaster.pid" ]; then
        say "stopping the replica ($dir)"
        as_cluster_owner "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    # The copy is the size of the whole cluster: removed in the background, not waited for.
    case "$dir" in /tmp/msp-replica.*) (rm -rf "$dir" &) ;; esac
    rm -f "$REPLICA_STATE"
}

running() {
    # Whether process $1 runs (a zombie that its parent has not reaped yet has ended).
    local state; state="$(ps -o stat= -p "$1" 2>/dev/null)" && [ "${state:0:1}" != Z ]
}

if [ "$STOP" = 1 ]; then
    [ -f "$PIDFILE" ] || die "no run-prod is recorded for database '$DB' ($PIDFILE is missing)."
    pid="$(cat "$PIDFILE")"
    if running "$pid"; then
        say "stopping run-prod of '$DB' (pid $pid)"
        kill -TERM "$pid"
        for _ in $(seq 1 360); do running "$pid" || break; sleep 0.5; done
        running "$pid" && die "run-prod (pid $pid) did not stop within 3 minutes."
    fi
    rm -f "$PIDFILE"
    stop_replica # when run-prod was killed before it could stop it
    say "stopped"
    exit 0
fi

ODOO="$(find_odoo)"
say "Odoo source: $ODOO"
ensure_venv "$ODOO"
ensure_postgres
ensure_report_tools

if [ -f "$PIDFILE" ] && running "$(cat "$PIDFILE")"; then
    die "run-prod already runs on '$DB' (pid $(cat "$PIDFILE")); stop it with: tools/run-prod.sh --stop"
fi
echo $$ > "$PIDFILE"

start_replica() {
    local primary_socket primary_port dir port
    primary_socket="$(psql -d postgres -Atqc "select split_part(current_setting('unix_socket_directories'), ',', 1)")"
    primary_port="$(psql -d postgres -Atqc "show port")"
    port="${MSP_REPLICA_PORT:-$(free_port)}"
    dir="$(mktemp -d /tmp/msp-replica.XXXXXX)"
    echo "$dir" > "$REPLICA_STATE"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    chmod 700 "$dir"
    say "replica: copying the primary cluster with pg_basebackup into $dir/data"
    local user=()
    [ "$(id -u)" -eq 0 ] || user=(-U "${PGUSER:-$(id -un)}")
    as_cluster_owner "$PGBIN/pg_basebackup" -h "$primary_socket" -p "$primary_port" "${user[@]}" \
        -D "$dir/data" -X stream -c fast -R --no-sync \
        || die "pg_basebackup failed: the role needs the REPLICATION right (a superuser has it) and pg_hba.conf a 'local replication' line."
    # Hot standby needs at least the primary's values of these.
    local settings
    settings="$(psql -d postgres -Atqc "select string_agg(name || ' = ' || setting, E'\n') from pg_settings where name in ('max_connections', 'max_worker_processes', 'max_wal_senders', 'max_prepared_transactions', 'max_locks_per_transaction')")"
    as_cluster_owner tee "$dir/data/postgresql.conf" >/dev/null <<CONF
# The MSP suite's read-only replica (tools/run-prod.sh); primary_conninfo is in postgresql.auto.conf.
port = $port
listen_addresses = ''
unix_socket_directories = '$dir'
hot_standby = on
# The copy was not synced to disk (--no-sync): one syncfs at start instead of an fsync per file.
recovery_init_sync_method = syncfs
hba_file = '$dir/data/pg_hba.conf'
ident_file = '$dir/data/pg_ident.conf'
$settings
CONF
    as_cluster_owner tee "$dir/data/pg_hba.conf" >/dev/null <<HBA
local all all peer
HBA
    as_cluster_owner touch "$dir/data/pg_ident.conf"
    as_cluster_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/replica.log" -w -t 300 start >/dev/null \
        || die "the replica did not start; see $dir/replica.log"
    local state=""
    for _ in $(seq 1 60); do
        state="$(psql -h "$dir" -p "$port" -d "$DB" -Atqc "select pg_is_in_recovery()" 2>/dev/null || true)"
        [ "$state" = "t" ] && break
        sleep 0.5
    done
    [ "$state" = "t" ] || die "the replica on port $port does not answer as a standby; see $dir/replica.log"
    REPLICA_HOST="$dir" REPLICA_PORT="$port"
    say "replica: streaming from the primary, socket $dir port $port (read-only requests go there)"
}

odoo_pid=""
stop_odoo() {
    # Odoo's graceful stop lets each worker finish its request or scheduled action. After
    # MSP_STOP_GRACE seconds (30) a second signal stops it at once, and what is left of its
    # workers is killed: an action cut short is rolled back and runs again later.
    local children grace="${MSP_STOP_GRACE:-30}"
    children="$(pgrep -P "$odoo_pid" | tr '\n' ' ' || true)"
    kill -TERM "$odoo_pid" 2>/dev/null || true
    for _ in $(seq 1 $((grace * 2))); do kill -0 "$odoo_pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$odoo_pid" 2>/dev/null; then
        say "workers still busy after ${grace}s: stopping them now"
        kill -TERM "$odoo_pid" 2>/dev/null || true
        sleep 2
        kill -KILL "$odoo_pid" 2>/dev/null || true
    fi
    # shellcheck disable=SC2086 # a list of pids
    [ -n "$children" ] && kill -KILL $children 2>/dev/null || true
    wait "$odoo_pid" 2>/dev/null || true
}
cleanup() {
    trap - EXIT INT TERM
    if [ -n "$odoo_pid" ] && kill -0 "$odoo_pid" 2>/dev/null; then
        stop_odoo
    fi
    stop_replica
    rm -f "$PIDFILE"
    say "run-prod of '$DB' stopped"
}
trap cleanup EXIT
stop_replica # one left behind by a run that was killed

# --- the database ------------------------------------------------------------------------
CFG="$STATE/run-prod-$DB.conf"
write_odoo_config "$ODOO" "$CFG" "$DB" "$PORT"
action=()
if db_exists "$DB"; then
    if [ "${MSP_UPDATE:-0}" = 1 ]; then
        say "updating the MSP addons in '$DB'"
        "$PY" "$ODOO/odoo-bin" -c "$CFG" -d "$DB" -u "$MSP_ADDONS" --stop-after-init --log-level=warn
    else
        say "database '$DB' exists: serving it as it is (MSP_UPDATE=1 updates the addons first)"
    fi
else
    create_db_from_template "$CFG" "$DB"
    say "installing the MSP addons with demo data into '$DB'"
    "$PY" "$ODOO/odoo-bin" -c "$CFG" -d "$DB" -i "$MSP_ADDONS" --stop-after-init --log-level=warn
fi

# --- the multi-process server --------------------------------------------------------------
# Sizing (docs/deployment.md): workers ~ 2 x cores + 1 for many users, memory per worker,
# cron workers apart. proxy_mode: behind the reverse proxy, trust its X-Forwarded-* headers.
sed -i '/^proxy_mode/d' "$CFG"
cat >> "$CFG" <<CFG
proxy_mode = True
workers = $WORKERS
max_cron_threads = $CRON_WORKERS
gevent_port = $GEVENT_PORT
limit_memory_soft = $((2048 * 1024 * 1024))
limit_memory_hard = $((2560 * 1024 * 1024))
limit_time_cpu = 60
limit_time_real = 120
limit_time_real_cron = 600
limit_request = 8192
db_maxconn = 16
CFG
if [ "$REPLICA" = 1 ]; then
    start_replica
    cat >> "$CFG" <<CFG
db_replica_host = $REPLICA_HOST
db_replica_port = $REPLICA_PORT
CFG
fi

say "Odoo (multi-process: $WORKERS HTTP workers, $CRON_WORKERS cron workers, websocket on $GEVENT_PORT) will serve http://127.0.0.1:$PORT/odoo"
say "stop it with Ctrl-C or: MSP_DB=$DB tools/run-prod.sh --stop"
"$PY" "$ODOO/odoo-bin" -c "$CFG" -d "$DB" --log-level=info &
odoo_pid=$!
# Ctrl-C reaches Odoo with the terminal's process group; --stop sends TERM to this script,
# which passes it on. Either way Odoo stops its workers, then the EXIT trap stops the replica.
stopping=0
trap 'stopping=1' TERM
trap ':' INT
rc=0
while kill -0 "$odoo_pid" 2>/dev/null && [ "$stopping" = 0 ]; do
    wait "$odoo_pid" && rc=0 || rc=$?
done
[ "$stopping" = 1 ] && { stop_odoo; rc=0; }
# A stop that was asked for is a clean exit.
[ "$rc" -ge 128 ] && rc=0
exit "$rc"
