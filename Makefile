# regwire: `make run` runs the whole pipeline locally, `make test` passes the tests.
# Every target installs what it needs first (Python deps with uv, the Kafka jars with
# Maven, PostgreSQL and promtool from Debian's packages).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

UV_VERSION := 0.13.9
UV ?= $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
RUN := $(UV) run --frozen
APT_GET := $(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive apt-get
KAFKA_DATA ?= var/kafka
PYTEST_ARGS ?=

.PHONY: help
help: ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

.PHONY: uv
uv:
	@command -v $(UV) >/dev/null 2>&1 || python3 -m pip install --user --quiet "uv==$(UV_VERSION)"

.PHONY: install
install: uv ## Python dependencies (locked) into .venv
	$(UV) sync --frozen

.PHONY: system-deps
system-deps: ## Java + Maven check, PostgreSQL and promtool from Debian if absent
	@command -v java >/dev/null || { echo "Java 17+ is needed for the local Kafka broker: apt-get install openjdk-17-jre-headless (or set KAFKA_BOOTSTRAP_SERVERS)"; exit 1; }
	@command -v mvn >/dev/null || { echo "Maven is needed once to fetch the Kafka jars: apt-get install maven"; exit 1; }
	@if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 && [ -z "$${REGWIRE_TEST_POSTGRES_DSN:-}" ]; then \
		echo "installing PostgreSQL (Debian package)"; \
		$(APT_GET) update -qq && $(APT_GET) install -y -qq --no-install-recommends postgresql >/dev/null; fi
	@command -v promtool >/dev/null || { echo "installing promtool (Debian package prometheus)"; \
		$(APT_GET) update -qq && $(APT_GET) install -y -qq --no-install-recommends prometheus >/dev/null; }

.PHONY: kafka-jars
kafka-jars: install ## resolve the Kafka broker jars from Maven Central into the cache
	@[ -n "$${KAFKA_BOOTSTRAP_SERVERS:-}" ] || $(RUN) python deploy/local/local_kafka.py fetch >/dev/null

.PHONY: test
test: install system-deps kafka-jars ## unit, integration and end-to-end tests on real Kafka and PostgreSQL
	$(RUN) pytest $(PYTEST_ARGS)

.PHONY: lint
lint: install ## ruff (lint + format check) and mypy --strict
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) mypy

.PHONY: format
format: install
	$(RUN) ruff format .
	$(RUN) ruff check --fix .

.PHONY: schemas
schemas: install ## regenerate schemas/json and the other generated contracts
	$(RUN) python -m schemas.generate

.PHONY: run
run: install kafka-jars ## the whole pipeline on embedded defaults, with the bundled sample replayed
	@mkdir -p var
	$(RUN) python deploy/local/local_kafka.py exec --data-dir $(KAFKA_DATA) -- \
		$(RUN) regwire run --replay samples/sample-articles.jsonl $(RUN_ARGS)

.PHONY: eval
eval: install ## extraction and event quality against the dev sets, beside trafilatura/htmldate
	$(RUN) python -m evaluation.extraction
	$(RUN) python -m evaluation.events

.PHONY: bench
bench: install kafka-jars system-deps ## benchmarks with reference tools in the same run (reports/)
	$(RUN) python -m bench

SOAK_MINUTES ?= 30
SOAK_RATE ?= 4

.PHONY: chaos
chaos: install system-deps kafka-jars ## faults on real processes (N=2,000, 20 faults each) and fuzzing
	$(RUN) python -m chaos run $(CHAOS_ARGS)

.PHONY: soak
soak: install system-deps kafka-jars ## the pipeline at a steady rate for SOAK_MINUTES: RSS, fds, lag
	$(RUN) python -m chaos soak --minutes $(SOAK_MINUTES) --rate $(SOAK_RATE)

.PHONY: clean
clean:
	rm -rf var reports .pytest_cache .mypy_cache .ruff_cache
