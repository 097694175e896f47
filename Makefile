# The two commands a newcomer needs: `make run` and `make test`. Everything else is a step they use.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ADMIN_PASSWORD ?= factoryai-demo
HOST ?= 127.0.0.1
PORT ?= 8000

# What `make run` sets; `make config` shows the effective settings with them.
RUN_ENV := FACTORYAI_AUTH__BOOTSTRAP_ADMIN_PASSWORD="$${FACTORYAI_AUTH__BOOTSTRAP_ADMIN_PASSWORD:-$(ADMIN_PASSWORD)}" \
	FACTORYAI_SERVER__HOST="$${FACTORYAI_SERVER__HOST:-$(HOST)}" FACTORYAI_SERVER__PORT="$${FACTORYAI_SERVER__PORT:-$(PORT)}"

.PHONY: install run config test test-fast lint format services bench lock clean help web web-test

# The web dashboard (web/, Angular 21) needs Node.js >= 20.19.
NODE_OK = command -v node >/dev/null && node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'
WEB_DEPS := web/node_modules/.installed
WEB_BUILD := web/dist/factoryai/browser/index.html
WEB_SOURCES := $(shell find web/src web/public -type f -not -path 'web/src/app/api/*' 2>/dev/null) web/angular.json web/package.json web/tsconfig.json web/tsconfig.app.json web/ng-openapi-gen.json
API_SOURCES := $(shell find src/factoryai -name '*.py' -not -path '*/migrations/*' 2>/dev/null)

help:
	@echo "make run        install what is missing, build the dashboard, migrate, seed demo data, serve http://$(HOST):$(PORT)"
	@echo "make test       install test needs, start PostgreSQL and Mosquitto if needed, lint, run the whole suite"
	@echo "make test-fast  SQLite only, stop at the first failure (developer loop)"
	@echo "make web        build the web dashboard (npm ci, typed client from the OpenAPI, ng build); needs Node >= 20.19"
	@echo "make web-test   the web dashboard's unit tests (Vitest, headless)"
	@echo "make config     the effective settings make run uses (secrets masked)"
	@echo "make lint       ruff check, ruff format --check, import contracts"
	@echo "make format     ruff fix and format"
	@echo "make bench      benchmarks with their naive baselines (docs/benchmarks.md)"
	@echo "make services   start the test services (PostgreSQL, Mosquitto) if they are not running"
	@echo "make install    the virtual environment from requirements.lock"
	@echo "make lock       re-pin dependencies after editing pyproject.toml"
	@echo "make clean      remove the virtual environment and caches (your data in ~/.local/share/factoryai stays)"

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "ERROR: $(PYTHON) is required (Python 3.11)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

run: install
	@if ! ( $(NODE_OK) ); then \
		echo "NOTE: Node.js >= 20.19 not found: serving the API without the web dashboard (install Node, then make web)"; \
	elif ! $(MAKE) --no-print-directory web; then \
		echo "WARNING: the web dashboard did not build (see above): serving the API alone; fix it, then make web"; fi
	$(BIN)/factoryai db upgrade
	$(BIN)/factoryai seed-demo
	@echo "Serving on http://$(HOST):$(PORT)  (API docs: /docs; first start creates user 'admin', password '$(ADMIN_PASSWORD)')"
	$(RUN_ENV) $(BIN)/factoryai serve --no-migrate

web: $(WEB_BUILD)

$(WEB_DEPS): web/package-lock.json
	@$(NODE_OK) || { echo "ERROR: the web dashboard needs Node.js >= 20.19 (found: $$(node --version 2>/dev/null || echo none))"; exit 1; }
	cd web && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The typed client is generated from the API's own OpenAPI document: a changed route breaks the build, not the page.
web/openapi.json: $(STAMP) $(API_SOURCES)
	$(BIN)/factoryai openapi --out $@

$(WEB_BUILD): $(WEB_DEPS) web/openapi.json $(WEB_SOURCES)
	cd web && npm run --silent gen:api && npm run --silent build
	touch $@

web-test: $(WEB_DEPS) web/openapi.json
	cd web && npm run --silent gen:api && npm test

config: install
	@$(RUN_ENV) $(BIN)/factoryai config show

services:
	bash scripts/ensure-test-services.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports  # the architecture contracts in pyproject.toml

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: install services lint web web-test
	FACTORYAI_REQUIRE_WEB=1 $(BIN)/pytest -n 2 --dist loadgroup

# Developer loop: SQLite only, stop at the first failure.
test-fast: install
	FACTORYAI_TEST_BACKENDS=sqlite $(BIN)/pytest -x -q

# Benchmarks (not tests): each prints our figure beside a naive baseline from the same run. See docs/benchmarks.md.
bench: install services
	$(BIN)/python bench/checkin_throughput.py
	$(BIN)/python bench/body_flood.py
	$(BIN)/python bench/face_speed.py
	$(BIN)/python bench/face_accuracy.py
	$(BIN)/python bench/plate_ocr.py
	$(BIN)/python bench/large_image.py
	$(BIN)/python bench/counting_speed.py
	$(BIN)/python bench/counting_footage.py
	$(BIN)/python bench/occupancy_rollup.py
	$(BIN)/python bench/live_video.py
	$(BIN)/python bench/pipeline.py

# Re-pin every dependency after editing pyproject.toml (needs network; commit the result).
lock:
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache web/node_modules web/dist web/.angular
