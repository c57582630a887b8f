# Two commands on a fresh machine: `make run` (serve on the embedded default) and `make test`.
# Only Python 3.11 is needed; everything else goes into .venv.

# python3.11 by name, else a python3 that is 3.11 (checked below before the venv is made).
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null || echo python3.11)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PIP := $(BIN)/python -m pip --disable-pip-version-check
# Extra arguments for pytest, e.g. `make test PYTEST_ARGS="-x tests/config"`.
PYTEST_ARGS ?=
# Without DJANGO_SETTINGS_MODULE, manage.py and celery use the production settings (safe on a
# server that forgot it; config/__init__.py). These targets run the embedded default instead;
# `make test` uses pytest's config.settings.test.
migrate run demo migrations-check worker beat: export DJANGO_SETTINGS_MODULE ?= config.settings.development

.DEFAULT_GOAL := help
.PHONY: help install install-runtime run demo test lint security format migrate migrations-check worker beat clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-17s %s\n", $$1, $$2}'

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null || \
		{ echo "Python 3.11 is needed: '$(PYTHON)' is missing or another version (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# Stamps make a second `make test` skip the install when pyproject.toml has not changed.
$(VENV)/.runtime-installed: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e .
	@touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.runtime-installed

install-runtime: $(VENV)/.runtime-installed

install: $(VENV)/.dev-installed  ## virtualenv with the dev extra

migrate: install-runtime  ## apply migrations
	$(BIN)/python manage.py migrate --noinput

run: migrate  ## install, migrate and serve http://127.0.0.1:8000 on the embedded default
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

FAKE_GITHUB_PORT ?= 8765
# The whole product offline: a fake GitHub on loopback (generated users, orgs and repositories;
# alice and acme-org come with a year of demo history; mallory has hostile texts; any login
# starting "nobody" does not exist; any other is generated) behind the embedded default, with
# no request leaving the machine.
DEMO_DB ?= $(CURDIR)/demo.sqlite3
demo: export DATABASE_URL = sqlite:///$(DEMO_DB)
demo: export GITHUB_API_URL = http://127.0.0.1:$(FAKE_GITHUB_PORT)
# The product as a visitor meets it: the site's own 404 and 500 pages, not Django's debug ones.
demo: export DJANGO_DEBUG = 0
# The fake GitHub has no secondary limits: the backfill below may go faster than GitHub allows.
demo: export GITHUB_REST_POINTS_PER_MINUTE = 0
demo: export GITHUB_GRAPHQL_POINTS_PER_MINUTE = 0
demo: migrate  ## like run, but against a fake GitHub on loopback (no network needed)
	@$(BIN)/python -m tests.fakegithub --port $(FAKE_GITHUB_PORT) --user alice:120 \
	    --org acme-org:300 --hostile mallory --missing nobody --core-limit 50000 & FAKE=$$!; \
	trap 'kill $$FAKE 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python -m tests.fakegithub.wait $(FAKE_GITHUB_PORT) && \
	$(BIN)/python manage.py backfill_accounts alice acme-org mallory \
	    --star-history --star-history-budget 5000 && \
	$(BIN)/python manage.py demo_history alice acme-org && \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Coverage's fail_under (90 %) lives in pyproject.toml, so a bare `pytest --cov` enforces it too.
test: install  ## install the dev extra and run the whole suite with coverage
	$(BIN)/python -m pytest --cov --cov-report=term $(PYTEST_ARGS)

# All four run even when one fails, so one run reports every problem.
lint: install  ## ruff (lint + format check), mypy and the import rules (import-linter)
	@status=0; \
	echo "ruff check ."; $(BIN)/ruff check . || status=1; \
	echo "ruff format --check ."; $(BIN)/ruff format --check . || status=1; \
	echo "mypy config accounts github_stats"; $(BIN)/mypy config accounts github_stats || status=1; \
	echo "lint-imports (pyproject.toml [tool.importlinter])"; $(BIN)/lint-imports || status=1; \
	exit $$status

# bandit: medium severity and up, no finding accepted (docs/operations.md). pip-audit: see
# .ci/pip_audit_check.py for what it can reach from here. Both run even when one fails.
security: install  ## bandit (medium and up) and pip-audit
	@status=0; \
	echo "bandit -ll config accounts github_stats manage.py"; \
	$(BIN)/bandit -q -ll -r config accounts github_stats manage.py -x '*/migrations/*' \
		|| status=1; \
	echo "pip-audit"; $(BIN)/python .ci/pip_audit_check.py || status=1; \
	exit $$status

migrations-check: install-runtime  ## fail when a model change has no migration
	$(BIN)/python manage.py makemigrations --check --dry-run

format: install  ## apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

worker: install-runtime  ## a Celery worker (needs REDIS_URL)
	$(BIN)/celery -A config worker --loglevel=INFO

beat: install-runtime  ## the Celery beat scheduler (needs REDIS_URL)
	$(BIN)/celery -A config beat --loglevel=INFO

clean:  ## remove the virtualenv and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage htmlcov staticfiles
