# The two set-up commands of the README: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export DAGSTER_HOME ?= $(CURDIR)/data/dagster_home
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: install demo test test-fast lint ui bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Installs pinned dependencies, then prepares the dbt manifest (never parsed at import).
install: $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	$(BIN)/dagster-dbt project prepare-and-package --file t82_pipeline/defs/dbt/project.py

demo: install
	$(BIN)/t82 demo

test: install lint
	$(BIN)/pytest -n 2 --dist loadscope --no-loadscope-reorder --durations=25

# The inner loop: the unit and integration tiers without PostgreSQL (about a minute; docs/testing.md).
test-fast: install
	$(BIN)/pytest -n 2 --dist loadscope --no-loadscope-reorder tests/unit tests/integration -m "not postgres"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	cd dbt_project && ../$(BIN)/python -m t82_pipeline.lib.settings ../$(BIN)/sqlfluff lint --processes 2 .

ui: install
	$(BIN)/t82 ui

# Not a test: about an hour on 2 cores for both scales (results in benchmarks/results/).
bench: install
	$(BIN)/python benchmarks/run.py --scales 1 13

clean:
	rm -rf data/landing data/warehouse data/generated data/drop dbt_project/target
