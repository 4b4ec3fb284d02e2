# The two set-up commands of the README: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export DAGSTER_HOME ?= $(CURDIR)/data/dagster_home
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: install demo test ui bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Installs pinned dependencies, then prepares the dbt manifest (never parsed at import).
install: $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	$(BIN)/dagster-dbt project prepare-and-package --file t82_pipeline/defs/dbt/project.py

demo: install
	$(BIN)/t82 demo

test: install
	$(BIN)/pytest

ui: install
	$(BIN)/t82 ui

# Not a test: about an hour on 2 cores for both scales (results in benchmarks/results/).
bench: install
	$(BIN)/python benchmarks/run.py --scales 1 13

clean:
	rm -rf data/landing data/warehouse data/generated data/drop dbt_project/target
