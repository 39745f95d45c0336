#!/usr/bin/env bash
# make lint: ruff (style, errors, import order, formatting) and pylint-odoo's mandatory checks.
source "$(dirname "$0")/lib.sh"

ensure_venv "$(find_odoo)"
cd "$REPO_ROOT"
addons=(msp_sla msp_it_audit msp_service_contract)
say "ruff check"
"$VENV/bin/ruff" check .
say "ruff format --check"
"$VENV/bin/ruff" format --check .
say "pylint-odoo (mandatory checks)"
"$VENV/bin/pylint" --rcfile=.pylintrc-mandatory "${addons[@]}"
say "lint passed"
