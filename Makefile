# Defence Blog CMS. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP) ## Create the virtual environment and install everything

run: export DEBUG ?= 1
run: $(STAMP) ## Set up the database, load demo content and serve http://127.0.0.1:8000
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py ensure_admin
	$(BIN)/python manage.py runserver --noreload $(HOST):$(PORT)

test: $(STAMP) ## Run every test (end-to-end in Chromium included)
	$(BIN)/python -m pytest

lint: $(STAMP) ## Lint with ruff
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: $(STAMP) ## Format and fix with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: $(STAMP) ## Django's deployment checks with production settings, and missing migrations
	DEBUG=0 SECRET_KEY=$$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=news.example.org \
		$(BIN)/python manage.py check --deploy --fail-level WARNING
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

backup: $(STAMP) ## Back up the database and media into var/backups/<date>/ (or BACKUP_DIR)
	$(BIN)/python manage.py backup

restore: $(STAMP) ## Restore a backup into an empty database and media folder: make restore FILE=var/backups/<date> [FORCE=1]
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=var/backups/<date> [FORCE=1]"; exit 2; }
	$(BIN)/python manage.py restore "$(FILE)" $(if $(FORCE),--force)

bench: $(STAMP) ## Search benchmark: 100,000 articles in PostgreSQL database bench_search (not part of test)
	$(BIN)/python bench/search_bench.py

bench-import: $(STAMP) ## WordPress import benchmark: 10,000 posts into PostgreSQL database bench_import
	$(BIN)/python bench/import_bench.py

.PHONY: help install run test lint fmt check backup restore bench bench-import
