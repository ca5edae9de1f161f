# backoffice: the two commands a new machine needs (Python 3.11+ and make).
#   make demo   set up .venv and run the main job on a demo organisation
#   make test   set up .venv and run the whole suite: lint, type check, tests

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest workbooks bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/backoffice demo --out demo-output

test: lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check addin tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest

# Rebuild the committed templates in workbooks/ (a test fails when they are stale).
workbooks: $(STAMP)
	$(BIN)/python -m addin.vba.workbooks

# The consolidation against a naive pandas/openpyxl script and the parse floors (~12 min).
bench: $(STAMP)
	$(BIN)/python -m benchmarks.consolidate_bench --departments 50 --rows 5000 \
		--sizes 1000,2500,5000 --repeat 3 --workdir /tmp/backoffice-bench

clean:
	rm -rf $(VENV) demo-output .pytest_cache .mypy_cache .ruff_cache
