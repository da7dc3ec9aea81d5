# The two commands of README.md: `make demo` and `make test`. Only Python 3.11 is needed.
# `make demo` installs requirements.txt (what the site and worker run); `make test` adds
# requirements-dev.txt (tests and tooling). scripts/install.sh uses uv, falling back to pip.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: demo test lint install install-dev clean-demo

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	bash scripts/install.sh requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	bash scripts/install.sh requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

# DEMO_START: when `make demo` began, so scripts/demo.sh can print the time to the first page.
demo:
	@DEMO_START=$$(date +%s%N); \
	$(MAKE) --no-print-directory install && \
	DEMO_START=$$DEMO_START PORT=$(PORT) bash scripts/demo.sh

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run

# Every test that needs only Python: SQLite, the filesystem broker, in-process or local worker.
test: lint
	$(BIN)/python -m pytest -m "not browser and not services" $(PYTEST_ARGS)

clean-demo:
	rm -rf var/db.sqlite3* var/celery var/private
