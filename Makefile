# The commands a newcomer needs: `make run` and `make test`. Everything else is a step they use.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
# How many processes pytest runs the suite in (pytest-xdist): one per core by default, 0 for none (a single process).
TEST_PROCESSES ?= auto

.DEFAULT_GOAL := help
.PHONY: help install run test lint format migrate demo messages clean

help:
	@echo "make run    set up .venv, migrate, load demo data, serve on http://$(HOST):$(PORT) with a Celery worker and beat"
	@echo "make test   set up .venv, then ruff, makemigrations --check and pytest"
	@echo "make format apply ruff's formatting and safe fixes"
	@echo "make messages  update and compile the translation catalogues"

$(VENV)/bin/python:
	@test -n "$(PYTHON)" || { echo "Python 3.11 is needed: install it, or run make PYTHON=/path/to/python3.11"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] >= (3, 11) else "Python 3.11 or newer is needed; run make PYTHON=/path/to/python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(VENV)/bin/python requirements.txt requirements-dev.txt
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed

migrate: install
	DEBUG=1 $(BIN)/python manage.py migrate --noinput

demo: migrate
	DEBUG=1 $(BIN)/python manage.py seed_demo

run: demo
	@echo
	@echo "  Mentoring is starting on  http://$(HOST):$(PORT)/"
	@echo "  Sign in with the demo logins above. Emails are printed here. Press Ctrl-C to stop everything."
	@echo
	DEBUG=1 HOST=$(HOST) PATH="$(BIN):$$PATH" $(BIN)/honcho --no-prefix -f Procfile.dev start --port $(PORT) || test $$? -eq 130

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=mentoring.test_settings $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest -n $(TEST_PROCESSES) --dist loadfile

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: install
	DEBUG=1 $(BIN)/python manage.py makemessages --all --ignore=.venv --ignore=var --no-obsolete
	DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var/staticfiles var/cache var/celery
