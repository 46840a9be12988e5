# Defence Blog CMS. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements.lock
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_WORKERS ?= 2

.DEFAULT_GOAL := help

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'
	@echo "System programs each target needs (installed as root with apt-get): bin/require --list"

# The virtual environment holds exactly the lock's versions (checked by hash), then the
# project itself without dependencies; packages the lock no longer lists are removed.
# Rebuilt whenever the lock or pyproject.toml changes.
$(STAMP): $(LOCK) pyproject.toml
	@test -x $(BIN)/python || { bin/require venv && $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@extra=$$(comm -23 \
		<($(BIN)/python -m pip freeze --exclude-editable | sed 's/==.*//' | tr 'A-Z_.' 'a-z--' | sort) \
		<(sed -n 's/^\([A-Za-z0-9._-]*\)==.*/\1/p' $(LOCK) | tr 'A-Z_.' 'a-z--' | sort)); \
	if [ -n "$$extra" ]; then $(BIN)/python -m pip uninstall --quiet --yes $$extra; fi
	@touch $(STAMP)

# Tools from npm (package-lock.json): the W3C HTML checker the tests run (vnu-jar, with Java).
NODE_STAMP := node_modules/.installed
$(NODE_STAMP): package.json package-lock.json
	@bin/require install
	npm ci --no-audit --no-fund --loglevel=error
	@touch $(NODE_STAMP)

install: $(STAMP) $(NODE_STAMP) ## Create the virtual environment and install the lock's exact versions (and npm's)

lock: $(STAMP) ## Refresh requirements.lock from pyproject.toml (LOCK_FLAGS=--upgrade for newest)
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes \
		--python-version 3.11 --python-platform linux --quiet $(LOCK_FLAGS) -o $(LOCK)

run: export DEBUG ?= 1
run: $(STAMP) ## Set up the database, load demo content, serve http://127.0.0.1:8000 with a task worker
	$(BIN)/python manage.py tips_demo_key
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py ensure_admin
	bin/run-with-worker $(BIN)/python manage.py runserver --noreload $(HOST):$(PORT)

# Two worker processes (pytest-xdist), each with its own test database and live server:
# measured 14.5 min against 18 min serial on two cores (docs/decisions.md). TEST_WORKERS=0:
# one process.
test: $(STAMP) $(NODE_STAMP) ## Run every test (end-to-end in Chromium included) on TEST_WORKERS processes
	@bin/require test
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

lint: $(STAMP) ## Lint with ruff, and check the import contracts (docs/architecture.md)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-logo

fmt: $(STAMP) ## Format and fix with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: $(STAMP) ## Django's deployment checks with production settings, and missing migrations
	DEBUG=0 SECRET_KEY=$$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=news.example.org \
		PUBLISHER_ADDRESS="1 Example Street, Example Town" \
		$(BIN)/python manage.py check --deploy --fail-level WARNING
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

backup: $(STAMP) ## Back up the database and media into var/backups/<date>/ (or BACKUP_DIR)
	$(BIN)/python manage.py backup

restore: $(STAMP) ## Restore a backup into an empty database and media folder: make restore FILE=var/backups/<date> [FORCE=1]
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=var/backups/<date> [FORCE=1]"; exit 2; }
	$(BIN)/python manage.py restore "$(FILE)" $(if $(FORCE),--force)

bench: $(STAMP) ## Search benchmark: 100,000 articles in PostgreSQL database bench_search (not part of test)
	$(BIN)/python bench/search_bench.py

bench-import: $(STAMP) ## WordPress import benchmark: 10,000 posts with 100 pictures (then the worker making their renditions) into PostgreSQL database bench_import
	$(BIN)/python bench/import_bench.py --attachments 100

bench-newsletter: $(STAMP) ## Newsletter benchmark: one edition to 100,000 subscribers into a local SMTP sink (database bench_newsletter)
	$(BIN)/python bench/newsletter_bench.py

bench-pages: $(STAMP) ## Page benchmark: every reader page at 1k and 100k articles, cache off/on, with wrk
	@bin/require bench-pages
	$(BIN)/python bench/pages_bench.py

bench-cold: $(STAMP) ## Reader listings and feeds rendered with nothing cached (100k articles) against the floor, with wrk
	@bin/require bench-cold
	$(BIN)/python bench/cold_bench.py

cluster: $(STAMP) ## Start nginx on :8080, Varnish, two app servers, PostgreSQL primary + replica, Redis, S3 (var/cluster/)
	@bin/require cluster
	$(BIN)/python bin/cluster up

cluster-stop: ## Stop everything `make cluster` started (by its recorded pids)
	$(BIN)/python bin/cluster down

test-cluster: $(STAMP) ## Tests against the running cluster (tests/cluster/; start it with `make cluster`)
	@test -f var/cluster/env || { echo "No cluster is running: make cluster first."; exit 2; }
	CLUSTER_URL=$$(sed -n 's/^CLUSTER_URL=//p' var/cluster/env) $(BIN)/python -m pytest -p no:randomly -s tests/cluster

bench-cluster: $(STAMP) ## Requests/s through nginx, cache on/off, one and two app servers, against the floor
	@bin/require bench-cluster
	$(BIN)/python bench/cluster_bench.py

bench-stats: $(STAMP) ## Audience: beacon req/s and p99 against the floor, a 10M-hit month made in PostgreSQL, ingest + daily rollup, the Audience screens
	$(BIN)/python bench/stats_bench.py

bench-liveblog: $(STAMP) ## Live blog poll endpoint: capacity and CPU at 1,000 readers polling every 15 s, with wrk
	@bin/require bench-liveblog
	$(BIN)/python bench/liveblog_bench.py

bench-newsday: $(STAMP) ## Readers' mix while the newsroom posts (100k archive): quiet, news day via gunicorn and via the cluster, vs the floor
	@bin/require bench-newsday
	$(BIN)/python bench/newsday_bench.py

.PHONY: help install lock run test lint fmt check backup restore bench bench-import bench-newsletter \
	bench-pages bench-cold bench-liveblog bench-stats cluster cluster-stop test-cluster bench-cluster bench-newsday
