# Two commands for a newcomer: `make demo` and `make test`. Both set themselves up.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
UV_VERSION := 0.13.8
UV := .uv/bin/uv
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.rcm-synced

DEMO_DATA := $(CURDIR)/data
DEMO_CLAIMS ?= 3000
DEMO_START ?= 2026-03-01
DEMO_DAYS ?= 180
DEMO_AS_OF ?= 2026-10-15
DEMO_SEED ?= 7

export GX_ANALYTICS_ENABLED := False
export PYTHONDONTWRITEBYTECODE := 1
# Every Airflow command runs in the environment of scripts/airflow-env (PATH with .venv/bin,
# AIRFLOW_HOME=.airflow, DAG folder, 127.0.0.1, workers sized for 2 cores, DAGs unpaused); the
# standalone test (tests/dags/test_airflow_standalone.py) starts Airflow through the same script.
AIRFLOW_ENV := RCM_DATA_DIR=$(DEMO_DATA) scripts/airflow-env

.PHONY: help setup native java browser test test-reliability demo lint airflow-init airflow-standalone docs clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | column -t -s $$'\t'

$(UV):
	@$(PYTHON) -m venv .uv
	@.uv/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

# --compile-bytecode: every task, gate and test imports Airflow, GX, pandas and dbt; with
# PYTHONDONTWRITEBYTECODE set (here and on many CI machines) nothing would ever cache their
# bytecode, and each process would compile them again (`time .venv/bin/python -c 'import
# great_expectations'` shows the difference).
# --extra spark: dbt-spark + pyspark, the second dbt target (`rcm build --engine spark`, `rcm parity`).
$(STAMP): pyproject.toml uv.lock Makefile | $(UV)
	@UV_PYTHON=$(PYTHON) $(UV) sync --frozen --quiet --compile-bytecode --extra spark
	@touch $(STAMP)

setup: $(STAMP) native java ## create .venv from uv.lock (idempotent; fast when nothing changed)

# The native 835 reader (transforms/x12/_native.c, a CPython extension; transforms/x12/native.py
# falls back to the Python reader without it, and tests/transforms/x12/test_native.py fails when
# it is missing). Built for .venv's interpreter: its headers and extension suffix come from
# sysconfig; rebuilt when the source or the environment changes.
native: $(STAMP) ## compile the native 835 reader for .venv's Python (gcc -O3)
	@out=transforms/x12/_native$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))'); \
	if [ ! -e "$$out" ] || [ transforms/x12/_native.c -nt "$$out" ] || [ $(STAMP) -nt "$$out" ]; then \
		inc=$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["include"])'); \
		echo "==> compiling $$out"; \
		$(CC) -O3 -Wall -fPIC -shared -I"$$inc" transforms/x12/_native.c -o "$$out.tmp" && mv "$$out.tmp" "$$out"; \
	fi

# pyspark 4 needs Java 17+; it comes from the OS packages (Debian's openjdk-17-jre-headless).
java: ## Java 17+ for the Spark target (installs Debian's openjdk-17-jre-headless when missing; needs root)
	@if ! java -version 2>&1 | grep -qE 'version "(1[7-9]|[2-9][0-9])'; then \
		echo "==> installing Debian's openjdk-17-jre-headless (Spark target)"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq >/dev/null && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq openjdk-17-jre-headless >/dev/null; \
	fi

browser: ## Debian's chromium for the report's browser test (installs it when missing; needs root)
	@command -v chromium >/dev/null 2>&1 || { \
		echo "==> installing Debian's chromium (report browser test)"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq >/dev/null && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

test: setup browser ## run the whole test suite (long reliability runs excluded: make test-reliability)
	@$(BIN)/pytest -q -m "not slow"

test-reliability: setup ## long reliability runs (crash trials, fuzzing with more examples)
	@RCM_RELIABILITY=1 $(BIN)/pytest -q -m slow

lint: setup ## ruff (lint and format check) on Python, sqlfluff (dbt templater) on the models
	@$(BIN)/ruff check transforms dags tests
	@$(BIN)/ruff format --check transforms dags tests
	@tmp=$$(mktemp -d); RCM_BUILD_DB=$$tmp/lint.duckdb DBT_TARGET_PATH=$$tmp/target \
		$(BIN)/sqlfluff lint models 2>&1 | grep -v '^WARNING'; status=$${PIPESTATUS[0]}; \
		rm -rf $$tmp; exit $$status

airflow-init: setup ## migrate the project-local Airflow metadata DB (SQLite) and create the writer pool
	@mkdir -p .airflow
	@$(AIRFLOW_ENV) airflow db migrate > .airflow/db-migrate.log 2>&1 || (cat .airflow/db-migrate.log; exit 1)
	@$(AIRFLOW_ENV) airflow pools set rcm_warehouse_writer 1 "one writer for build.duckdb" > /dev/null

demo: setup airflow-init ## generate demo data and run the nightly DAG end to end with `airflow dags test`
	@echo "==> generating $(DEMO_CLAIMS) synthetic claims under $(DEMO_DATA)/landing"
	@$(BIN)/rcm generate --out $(DEMO_DATA) --claims $(DEMO_CLAIMS) --start $(DEMO_START) \
		--days $(DEMO_DAYS) --seed $(DEMO_SEED) > /dev/null
	@echo "==> running DAG billing_nightly for $(DEMO_AS_OF) (airflow dags test)"
	@$(AIRFLOW_ENV) airflow dags test billing_nightly $(DEMO_AS_OF) > .airflow/demo-run.log 2>&1 \
		|| (tail -n 60 .airflow/demo-run.log; echo "demo run FAILED; full log: .airflow/demo-run.log"; exit 1)
	@$(BIN)/python -m transforms.harness.demo_summary --data-dir $(DEMO_DATA) --as-of $(DEMO_AS_OF) \
		--airflow-log .airflow/demo-run.log

airflow-standalone: airflow-init ## scheduler + UI on http://127.0.0.1:8080, DAGs unpaused (password in .airflow/)
	@echo "==> Airflow on http://127.0.0.1:$${RCM_AIRFLOW_PORT:-8080}; user admin, password in $${RCM_AIRFLOW_HOME:-.airflow}/simple_auth_manager_passwords.json.generated; Ctrl+C stops it once a running task ends"
	@$(AIRFLOW_ENV) airflow standalone

docs: setup ## dbt docs for analysts (offline), written to data/dbt/target
	@$(BIN)/python -c "from transforms.warehouse import docs; from transforms.settings import data_dir; print(docs(data_dir()))"

clean: ## remove runtime data and the local Airflow home (keeps .venv)
	rm -rf data/landing data/raw data/quarantine data/warehouse data/reports data/ref data/dbt .airflow
