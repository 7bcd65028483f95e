# make install · make run · make test · make lint · make bench
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# Python 3.12 or newer: on PATH, or one of pyenv's versions.
PYTHON ?= $(shell for p in python3.13 python3.12 $$HOME/.pyenv/versions/3.13*/bin/python3.13 $$HOME/.pyenv/versions/3.12*/bin/python3.12 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$p; break; }; done)

.PHONY: install test-deps run test smoke lint bench clean

$(VENV)/.python:
	@if [ -z "$(PYTHON)" ]; then \
		echo "Python 3.12 or newer is needed (Django 6). Install python3.13 or python3.12 (for example 'apt-get install python3.13-venv' or 'pyenv install 3.13'), then run make again."; \
		exit 1; fi
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	@touch $@

$(VENV)/.installed: $(VENV)/.python requirements.txt
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.test-installed: $(VENV)/.installed requirements-test.txt
	$(PY) -m pip install --quiet -r requirements-test.txt
	@touch $@

install: $(VENV)/.installed

test-deps: $(VENV)/.test-installed

# The embedded default: SQLite in the project, Celery eager, demo data.
run: install
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py seed_demo
	@echo "Portal on http://127.0.0.1:8000/ (API docs at /api/docs/)"
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

# Everything: lint, Django's checks, the whole suite. Against PostgreSQL and Redis when
# DATABASE_URL and REDIS_URL are set (as .ci/run does), else the embedded default.
test: test-deps
	$(VENV)/bin/ruff check .
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	DEBUG=1 $(PY) manage.py check
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# The smoke part on the embedded default, whatever the environment says.
smoke: test-deps
	env -u DATABASE_URL -u REDIS_URL $(VENV)/bin/pytest -m smoke $(PYTEST_ARGS)

lint: test-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: test-deps
	@for b in bench/*.py; do [ -e "$$b" ] || continue; echo "== $$b"; DEBUG=1 $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
