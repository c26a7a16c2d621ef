# The single entry point: run, test, lint, messages, check, serve, bench.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Test-only npm packages (axe-core for the accessibility checks), installed from the lock file.
NODE_STAMP := node_modules/.installed

.PHONY: run serve test lint format messages compilemessages check audit bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --silent && touch $(NODE_STAMP); \
	else \
		echo "npm not found: the browser tests' accessibility checks need Node.js and npm" >&2; \
	fi

run: $(STAMP)
	$(PY) -m campaign.launcher run

# A laptop benchmark has no mail server: console mail is allowed unless the caller says otherwise.
serve: export ALLOW_CONSOLE_MAIL ?= 1
serve: $(STAMP)
	$(PY) -m campaign.launcher serve

test: $(STAMP) $(NODE_STAMP)
	$(PY) -m campaign.catalogs
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: $(STAMP)
	$(PY) manage.py makemessages --all --no-obsolete --ignore=.venv --ignore=node_modules

compilemessages: $(STAMP)
	$(PY) -m campaign.catalogs

check: $(STAMP)
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

# Known vulnerabilities in the installed dependencies (PyPI advisory database; needs network).
audit: $(STAMP)
	$(PY) -m campaign.audit

bench: $(STAMP)
	$(PY) -m bench

clean:
	rm -rf $(VENV) staticfiles var
