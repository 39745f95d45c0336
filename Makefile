# The MSP suite's entry points, for people and CI. Each target sets up what it needs itself
# (virtualenv, Python packages, PostgreSQL, Chromium, databases); see docs/installation.md.
#
#   make run                 Odoo 19 with the three addons on demo data at http://127.0.0.1:8069
#   make run-prod            the same as production runs it: workers, cron workers, limits (docs/deployment.md);
#                            ARGS="--workers 4 --replica", ARGS=--stop
#   make test                a fresh database, then every test (browser tours included)
#   make test T=msp_sla      only one addon's tests (any pytest path or arguments in T)
#   make test COV=1          the same with a coverage report
#   make lint                ruff and pylint-odoo's mandatory checks
#   make clean-db            drop leftover test databases and the cached templates
#   make screenshots         the browser tours, keeping the pictures they take in docs/img/
#   make bench-sla           msp_sla against helpdesk_mgmt and OCA helpdesk_mgmt_sla (figures)
#   make bench-audit         time msp_it_audit's Nmap import (1,000 and 5,000 generated hosts)
#   make bench-contract      contract invoicing: OCA contract's cron against msp_service_contract
#   make bench-emergency     an alert storm into tickets (--workers 2), then the paging figures
#   make bench-paging        the paging scan (100,000 closed incidents) and a P1's time to its first page
#   make bench-vendors       the expiry watch: daily action over 10,000 items, 1,000 TLS lookups
#   make bench-capacity      the capacity check's backtest on three histories (SLA engine), its speed
#   make bench-load          a working day under load with locust, at 1, 2 and 4 workers
#   make bench-invoicing     invoicing at scale: the ratio to OCA at 2,000, 20,000 on two workers

SHELL := /bin/bash
.DEFAULT_GOAL := help
T ?=
COV ?=

.PHONY: help run test lint clean-db screenshots bench-sla bench-audit bench-contract bench-emergency bench-paging bench-vendors bench-capacity run-prod bench-load bench-invoicing

help:
	@sed -n '3,/^$$/s/^# \{0,1\}//p' Makefile

run:
	@tools/run.sh

run-prod:
	@tools/run-prod.sh $(ARGS)

test:
	@tools/test.sh $(if $(COV),--cov --cov-report=term) $(T)

lint:
	@tools/lint.sh

clean-db:
	@for db in $$(psql -d postgres -Atqc "select datname from pg_database where datname like 'msp_test_%' or datname like 'msp_runcheck_%' or datname like 'msp_restore_%' or datname like 'msp-%'"); do \
		echo "dropping $$db"; dropdb "$$db"; done

screenshots:
	@MSP_SCREENSHOT_DIR="$(CURDIR)/docs/img" tools/test.sh msp_service_contract/tests/test_tours.py

bench-audit:
	@bench/bench-audit.sh

bench-sla:
	@bench/bench-sla.sh

bench-contract:
	@bench/bench-contract.sh

bench-emergency:
	@bench/bench-emergency.sh

bench-paging:
	@bench/bench-paging.sh

bench-vendors:
	@bench/bench-vendors.sh

bench-capacity:
	@bench/bench-capacity.sh

bench-load:
	@bench/bench-load.sh

bench-invoicing:
	@bench/bench-invoicing.sh
