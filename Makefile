# The two commands a fresh machine needs: `make run` and `make test`.
# Each makes .venv on first use and reinstalls when pyproject.toml changes.
PYTHON ?= python3
# the suite runs in two processes (pytest-xdist): each test has its own database
TEST_PROCESSES ?= 2
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/floor demo --if-missing
	$(VENV)/bin/floor

test: $(STAMP)
	bash scripts/test-deps.sh
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/pytest -q -n $(TEST_PROCESSES) $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

bench: $(STAMP)
	$(VENV)/bin/python -m bench.ledger
	$(VENV)/bin/python -m bench.scan
	$(VENV)/bin/python -m bench.routing
	$(VENV)/bin/python -m bench.labels
	$(VENV)/bin/python -m bench.packing_cartonization
	$(VENV)/bin/python -m bench.imports
	$(VENV)/bin/python -m bench.packing
	$(VENV)/bin/python -m bench.kitting
	$(VENV)/bin/python -m bench.claims --quick
	$(VENV)/bin/python -m bench.api

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
