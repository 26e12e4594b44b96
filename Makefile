# Two commands do everything on a fresh machine with Python 3.11+:
#   make build   create .venv, install, validate the claims, build output/claims-matrix.xlsx
#   make test    create .venv with the test extras, run pytest, ruff and mypy
# Re-running either does nothing when nothing changed (stamp files under .venv/).

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
OUT    := output/claims-matrix.xlsx

SOURCES := $(wildcard matrix/*.py matrix/*/*.py) pyproject.toml
INPUTS  := $(wildcard claims/*.yaml) $(wildcard seeds/*.txt)
TESTS   := $(wildcard tests/*.py tests/*/* bench/*.py fuzz/*.py)

.PHONY: build test retest validate bench fuzz clean

build: $(OUT)

$(VENV)/.python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "claims-matrix needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	@touch $@

$(VENV)/.installed: $(VENV)/.python pyproject.toml
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.python pyproject.toml
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed

$(OUT): $(VENV)/.installed $(SOURCES) $(INPUTS)
	$(PY) -m matrix build --out $(OUT)

validate: $(VENV)/.installed
	$(PY) -m matrix validate --strict

test: $(VENV)/.tested

$(VENV)/.tested: $(VENV)/.installed-test $(SOURCES) $(INPUTS) $(TESTS)
	$(PY) -m pytest
	$(PY) -m ruff check matrix tests bench fuzz
	$(PY) -m ruff format --check matrix tests bench fuzz
	$(PY) -m mypy
	@touch $@

retest:
	@rm -f $(VENV)/.tested
	@$(MAKE) --no-print-directory test

clean:
	rm -rf $(VENV) .cache output/*.xlsx .pytest_cache .mypy_cache .ruff_cache

bench: $(VENV)/.installed
	$(PY) bench/run.py

FUZZ_SECONDS ?= 60
fuzz: $(VENV)/.installed-test
	$(PY) -m pip install --quiet -e '.[fuzz]'
	@mkdir -p fuzz/corpus fuzz/crashes
	$(PY) fuzz/fuzz_loader.py fuzz/corpus fuzz/seeds -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=4096 -artifact_prefix=fuzz/crashes/
