# Shared helpers for the MSP suite's setup scripts. Sourced, not executed.
# Every step prints what it does; anything it cannot do stops with what to do instead.

set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ODOO_COMMIT="f1e68e16fbba124fd0b7fab4721b4ce8e61acb7b"
ODOO_SERIES="19.0"
VENV="${MSP_VENV:-$REPO_ROOT/.venv}"
PY="$VENV/bin/python"
MSP_ADDONS="msp_sla,msp_it_audit,msp_service_contract"
# The modules our addons stand on: the template database holds exactly these.
MSP_BASE_MODULES="crm,sale_management,account,hr_timesheet,resource,helpdesk_mgmt,contract"

say() { printf '\033[1m[msp]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[msp] error:\033[0m %s\n' "$*" >&2; exit 1; }

as_root() {
    # Run a system command as root: directly when we are root, through sudo otherwise.
    if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
        die "'$*' needs root. Run it as root, then run this command again."
    fi
}

apt_install() {
    # Install missing Debian packages (only those missing), once per call.
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    command -v apt-get >/dev/null || die "missing system packages: ${missing[*]}. Install them with your package manager."
    say "installing system packages: ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

odoo_cache_dir() { echo "${XDG_CACHE_HOME:-$HOME/.cache}/odoo/$ODOO_SERIES"; }

is_odoo_tree() { [ -f "$1/odoo-bin" ] && grep -q "^version_info = (19, 0," "$1/odoo/release.py" 2>/dev/null; }

find_odoo() {
    # The Odoo 19.0 source tree: $ODOO_SRC, then the user's cache, then a download into the cache.
    if [ -n "${ODOO_SRC:-}" ]; then
        is_odoo_tree "$ODOO_SRC" || die "ODOO_SRC=$ODOO_SRC is not an Odoo 19.0 source tree (no odoo-bin or wrong version)."
        echo "$ODOO_SRC"; return
    fi
    local cache; cache="$(odoo_cache_dir)"
    if is_odoo_tree "$cache"; then echo "$cache"; return; fi
    local url="https://github.com/odoo/odoo/archive/$ODOO_COMMIT.tar.gz"
    say "no Odoo 19.0 tree in $cache; downloading $url"
    local tmp="$cache.partial"
    rm -rf "$tmp" && mkdir -p "$tmp"
    if command -v curl >/dev/null && curl -fsSL --retry 2 "$url" | tar -xz --strip-components=1 -C "$tmp" 2>/dev/null \
        && is_odoo_tree "$tmp"; then
        rm -rf "$cache" && mv "$tmp" "$cache" && echo "$ODOO_COMMIT" > "$cache/.msp-odoo-commit"
        echo "$cache"; return
    fi
    rm -rf "$tmp"
    die "Odoo 19.0 source not found and the download failed. Do one of:
  - export ODOO_SRC=/path/to/odoo (a checkout of odoo/odoo at $ODOO_COMMIT), or
  - put that tree in $cache, e.g.
      mkdir -p $cache && curl -L $url | tar -xz --strip-components=1 -C $cache
    or, from a git copy of odoo/odoo (or its mirror zwgshr/odoo-19-zhcn-slim, branch 19.0):
      git --git-dir=/path/to/copy.git archive 19.0 | tar -x -C $cache"
}

hash_inputs() { cat "$REPO_ROOT"/requirements*.txt "$REPO_ROOT"/tools/build-constraints.txt; echo "$1"; }

pip_quiet() {
    # pip, without the machine-wide index's "Location ... is ignored" lines (noise, not errors).
    "$PY" -m pip "$@" --disable-pip-version-check 2> >(sed '/is ignored: it is neither a file nor a directory/d' >&2)
}

ensure_venv() {
    # Create the virtualenv and install Odoo, the OCA addons and the test tools, unless the
    # installed set already matches the requirement files (then it costs nothing).
    local odoo="$1" stamp="$VENV/.msp-installed" want
    want="$(hash_inputs "$odoo" | sha256sum | cut -d' ' -f1)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$PY" ]; then return 0; fi
    command -v python3.11 >/dev/null || command -v python3 >/dev/null || die "Python 3.11 is required."
    local python; python="$(command -v python3.11 || command -v python3)"
    "$python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
        || die "Python 3.11 is required; $python is $("$python" --version). Set MSP_PYTHON? Install python3.11."
    # Headers python-ldap and psycopg2 build against (Odoo pins versions that have no wheel).
    apt_install libldap2-dev libsasl2-dev libpq-dev
    [ -x "$PY" ] || { say "creating virtualenv $VENV"; "$python" -m venv "$VENV"; }
    say "installing Python packages (Odoo $ODOO_SERIES from $odoo, OCA addons, test tools)"
    pip_quiet install -q "pip==26.0.1"
    # One resolve for Odoo's requirements, Odoo itself and ours, so lxml stays at Odoo's pin.
    pip_quiet install -q \
        --build-constraint "$REPO_ROOT/tools/build-constraints.txt" \
        --config-settings editable_mode=compat \
        -r "$odoo/requirements.txt" -e "$odoo" \
        -r "$REPO_ROOT/requirements.txt" -r "$REPO_ROOT/requirements-test.txt"
    echo "$want" > "$stamp"
    say "Python packages installed in $VENV"
}

ensure_postgres() {
    # Make sure a PostgreSQL server answers and the current user has a role on it.
    command -v psql >/dev/null || { say "PostgreSQL client/server not found"; apt_install postgresql; }
    if ! pg_isready -q 2>/dev/null; then
        if command -v pg_lsclusters >/dev/null && [ -n "$(pg_lsclusters -h 2>/dev/null)" ]; then
            pg_lsclusters -h | while read -r ver name _port status _rest; do
                if [ "$status" != "online" ]; then
                    say "starting stopped PostgreSQL cluster $ver/$name"
                    as_root pg_ctlcluster "$ver" "$name" start
                fi
            done
        else
            die "no PostgreSQL server answers and none is installed here. Install PostgreSQL 15 (apt-get install postgresql) or set PGHOST/PGPORT to a server you may use."
        fi
        for _ in $(seq 1 20); do pg_isready -q && break; sleep 0.5; done
        pg_isready -q || die "PostgreSQL was started but does not answer; see its log under /var/log/postgresql."
    fi
    local me; me="${PGUSER:-$(id -un)}"
    if ! psql -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
        [ "$me" = "postgres" ] && die "Odoo refuses to run as the role 'postgres'. Run as another user."
        say "creating PostgreSQL role '$me' (superuser, so Odoo can create databases)"
        if [ "$(id -u)" -eq 0 ]; then su postgres -c "createuser -s '$me'"; else as_root -u postgres createuser -s "$me"; fi
        psql -d postgres -Atqc 'select 1' >/dev/null || die "role '$me' still cannot connect to PostgreSQL."
    fi
}

ensure_report_tools() {
    # wkhtmltopdf prints Odoo's PDF reports (the monthly SLA report, the audit report).
    command -v wkhtmltopdf >/dev/null || apt_install wkhtmltopdf
    command -v wkhtmltopdf >/dev/null || die "wkhtmltopdf is needed for PDF reports. Install it (apt-get install wkhtmltopdf)."
}

ensure_chromium() {
    # Browser tours need Chromium on PATH; the test run fails rather than skip them.
    command -v chromium >/dev/null || command -v chromium-browser >/dev/null || command -v google-chrome >/dev/null \
        || apt_install chromium
    command -v chromium >/dev/null || command -v chromium-browser >/dev/null || command -v google-chrome >/dev/null \
        || die "Chromium is needed for the browser tours. Install it (apt-get install chromium)."
}

ensure_alertmanager() {
    # The alert intake's test starts a real Prometheus Alertmanager (the test fails rather than skip).
    command -v prometheus-alertmanager >/dev/null || command -v alertmanager >/dev/null \
        || apt_install prometheus-alertmanager
    command -v prometheus-alertmanager >/dev/null || command -v alertmanager >/dev/null \
        || die "Prometheus Alertmanager is needed for the alert intake's test. Install it (apt-get install prometheus-alertmanager)."
}

write_odoo_config() {
    # An Odoo config for this checkout: $1 = file, $2 = database (filter), $3 = http port.
    local odoo="$1" file="$2" db="$3" port="$4"
    mkdir -p "$(dirname "$file")"
    cat > "$file" <<CFG
[options]
addons_path = $odoo/addons,$REPO_ROOT
data_dir = $REPO_ROOT/.odoo-data
db_name = $db
dbfilter = ^$db\$
list_db = False
http_interface = 127.0.0.1
http_port = $port
proxy_mode = False
CFG
}

db_exists() { [ "$(psql -d postgres -Atqc "select 1 from pg_database where datname = '$1'")" = "1" ]; }

create_db_from_template() {
    # A new database $1 holding MSP_BASE_MODULES with demo data. The first call builds a template
    # (about 2 minutes); click-odoo-initdb keys it on a hash of those modules' code, so later calls
    # copy it in seconds until a pinned version changes.
    local cfg="$1" db="$2"
    say "creating database '$db' (dependencies from the cached template when there is one)"
    "$VENV/bin/click-odoo-initdb" -c "$cfg" -n "$db" -m "$MSP_BASE_MODULES" --demo \
        --cache-prefix msp --cache-max-age 30 --cache-max-size 3 --log-level warn
}

odoo_bin() { "$PY" "$1/odoo-bin" "${@:2}"; }

free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

drop_db() {
    # Drop database $1 and its filestore.
    dropdb --if-exists "$1" && rm -rf "$REPO_ROOT/.odoo-data/filestore/$1"
}

bench_contract_db() {
    # A benchmark's own database "msp_bench_<name>_..." with msp_service_contract (no demo
    # data; click-odoo's cached template after the first run), dropped when the script exits
    # unless MSP_BENCH_KEEP is set. Sets DB and CFG (a config without a database name).
    local name="$1"
    DB="msp_bench_${name}_$(date +%Y%m%d_%H%M%S)_$$"
    CFG="$REPO_ROOT/.odoo/bench-$name.conf"
    write_odoo_config "$ODOO" "$CFG" "" "$(free_port)"
    sed -i '/^db_name\|^dbfilter/d' "$CFG"
    trap '[ -n "${MSP_BENCH_KEEP:-}" ] || drop_db "$DB" 2>/dev/null || true' EXIT
    say "creating $DB with msp_service_contract (no demo data; cached template after the first run)"
    "$VENV/bin/click-odoo-initdb" -c "$CFG" -n "$DB" -m msp_service_contract --no-demo \
        --cache-prefix mspbench --cache-max-age 30 --cache-max-size 6 --log-level warn
}
