# Two commands set everything up on a fresh machine with Python 3.11:
#   make run   start the panel on http://127.0.0.1:8000 (SQLite under var/)
#   make test  run the whole test suite (SQLite, no services needed)

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test e2e lint format bench bench-quick clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Links the panel prints or mails (setup, invitations, the JWT issuer) name the address it serves.
RUN_ENV = DJANGO_DEBUG=$${DJANGO_DEBUG:-1} PANEL_BASE_URL=$${PANEL_BASE_URL:-http://$(HOST):$(PORT)}

run: $(STAMP)
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py setup_link
	$(RUN_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Two worker processes (pytest-xdist); PYTEST_ARGS="-n 0" runs the suite in this process.
# The browser journeys run in `make e2e`.
test: $(STAMP)
	$(BIN)/pytest -n 2 -m "not browser" $(PYTEST_ARGS)

# The journeys in Debian's Chromium, with axe-core (from npm, pinned in package-lock.json) on every
# page; screenshots and the accessibility report go to var/test-output/e2e/.
e2e: $(STAMP) node_modules/axe-core/axe.min.js
	$(BIN)/pytest -n 0 -m browser $(PYTEST_ARGS)

node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# One table of every benchmark (README, "Benchmarks"), also written to var/bench/bench-<time>.json.
# PostgreSQL and Redis from DATABASE_URL / REDIS_URL (the local services by default). The seeded
# databases (bench_activity_1k, bench_activity_10m, bench_activity_1m) are kept between runs.
bench: $(STAMP)
	$(BIN)/python bench/run.py --size 10000000

bench-quick: $(STAMP)
	$(BIN)/python bench/run.py --size 1000000

clean:
	rm -rf $(VENV) var/static .pytest_cache
