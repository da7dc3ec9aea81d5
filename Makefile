# The two commands of README.md: `make demo` and `make test`. Only Python 3.11 is needed.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: demo test lint install clean-demo

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

demo: install
	PORT=$(PORT) bash scripts/demo.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run

# Every test that needs only Python: SQLite, the filesystem broker, in-process or local worker.
test: lint
	$(BIN)/python -m pytest -m "not browser and not services" $(PYTEST_ARGS)

clean-demo:
	rm -rf var/db.sqlite3* var/celery var/private
