# Two commands: `make run` (the app with demo data on http://127.0.0.1:8000) and
# `make test` (ruff and the whole suite). Both start from a fresh clone.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# `make run` posts simulated X and Facebook webhook events to itself, and serves Mastodon and
# Bluesky messages from local stand-ins that it polls (SIMULATE=0 turns it off).
SIMULATE ?= 1
SIMULATE_RATE ?= 2
SIMULATE_DURATION ?= 120

.PHONY: run simulate test lint install install-dev clean

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# With CELERY_BROKER_URL set, real Celery workers and beat run beside the web server: one
# worker for intake and everything that answers people (the default queue, `celery`), one
# for issue 12's judgement (queue `judgement`: suggestions, similarity indexing), niced, so
# intake never waits behind it (servicedesk/settings.py, CELERY_TASK_ROUTES);
# without it, tasks run in-process and the periodic ones in a small loop of our own.
run: $(VENV)/.installed
	@export DEBUG=$${DEBUG:-true}; \
	$(BIN)/python manage.py migrate --no-input && \
	$(BIN)/python manage.py demo_data && \
	$(BIN)/python manage.py demo_dashboards && \
	trap 'kill $$(jobs -p) 2>/dev/null' EXIT INT TERM; \
	if [ -n "$$CELERY_BROKER_URL" ]; then \
		$(BIN)/celery -A servicedesk worker --loglevel=info --concurrency=2 --queues=celery --hostname=celery@%h & \
		nice -n 10 $(BIN)/celery -A servicedesk worker --loglevel=info --concurrency=1 --queues=judgement \
			--hostname=judgement@%h & \
		$(BIN)/celery -A servicedesk beat --loglevel=info --schedule=$(VENV)/celerybeat-schedule & \
	else \
		$(BIN)/python manage.py run_periodic_tasks > $(VENV)/periodic.log 2>&1 & \
	fi; \
	if [ "$(SIMULATE)" = "1" ]; then \
		$(BIN)/python manage.py simulate_social --url http://$(HOST):$(PORT) \
			--rate $(SIMULATE_RATE) --duration $(SIMULATE_DURATION) > $(VENV)/simulator.log 2>&1 & \
	fi; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Signed deliveries to a server already running from this checkout (`make run` in another
# terminal, or SIMULATE=0 make run). The simulator reads the demo accounts' secrets from the same
# database as the server, so it runs with the same settings: DEBUG on unless exported otherwise.
simulate: $(VENV)/.installed
	@export DEBUG=$${DEBUG:-true}; \
	$(BIN)/python manage.py simulate_social --url http://$(HOST):$(PORT) \
		--rate $(SIMULATE_RATE) --duration $(SIMULATE_DURATION)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# The slowest tests are named at the end, so that a suite growing slow says where.
test: lint
	$(BIN)/pytest -n 2 --durations=15

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* .dev-secret-key test-artifacts .pytest_cache .ruff_cache
