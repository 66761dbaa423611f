# The command menu. `make run` and `make test` work on a fresh machine (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 5000
LT_PORT ?= 8081
export SCREENING_CACHE_DIR ?= $(CURDIR)/.cache

.PHONY: help install run test lint typecheck pytest services services-stop languagetool \
        languagetool-stop worker migrate bench lock clean

help:
	@echo "make run          serve the app with demo data (SQLite, in-process jobs) on http://$(HOST):$(PORT)"
	@echo "make test         ruff + mypy + pytest against real PostgreSQL, Redis, LanguageTool, Whisper, Chromium"
	@echo "make worker       run an RQ worker (needs SCREENING_REDIS_URL)"
	@echo "make migrate      apply database migrations"
	@echo "make languagetool start the LanguageTool server on 127.0.0.1:$(LT_PORT)"
	@echo "make bench        run the benchmarks, results in docs/benchmarks.md"

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip setuptools wheel
	$(BIN)/python -m pip install -q -c requirements.lock -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: export SCREENING_PUBLIC_BASE_URL ?= http://$(HOST):$(PORT)
run: $(STAMP)
	$(BIN)/screening db upgrade
	$(BIN)/screening seed-demo
	@echo "Serving on http://$(HOST):$(PORT)  (log in at http://$(HOST):$(PORT)/login)"
	$(BIN)/screening run --host $(HOST) --port $(PORT) --no-reload --with-threads

services:
	scripts/services.sh start

services-stop:
	scripts/services.sh stop

languagetool:
	scripts/languagetool.sh fetch
	scripts/languagetool.sh start $(LT_PORT)

languagetool-stop:
	scripts/languagetool.sh stop $(LT_PORT)

test: $(STAMP)
	scripts/test-setup.sh
	$(BIN)/ruff check screening tests benchmarks workers migrations
	$(BIN)/mypy
	set -a && source <(scripts/services.sh env) && set +a && \
	  SCREENING_LANGUAGETOOL_URL=http://127.0.0.1:$(LT_PORT) \
	  $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check screening tests benchmarks workers migrations
	$(BIN)/ruff format --check screening tests benchmarks workers

typecheck: $(STAMP)
	$(BIN)/mypy

worker: $(STAMP)
	$(BIN)/screening worker

migrate: $(STAMP)
	$(BIN)/screening db upgrade

bench: $(STAMP)
	scripts/test-setup.sh
	set -a && source <(scripts/services.sh env) && set +a && \
	  SCREENING_LANGUAGETOOL_URL=http://127.0.0.1:$(LT_PORT) \
	  $(BIN)/python -m benchmarks.run $(BENCH_ARGS)

lock:
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^screening' > requirements.lock

clean:
	rm -rf $(VENV) .services .mypy_cache .pytest_cache .ruff_cache
