# Two commands do everything on a fresh machine with Python 3.11+:
#   make build   create .venv, install the locked versions, validate the claims, build output/claims-matrix.xlsx
#   make test    create .venv with the locked test extras, run pytest, ruff and mypy
# Re-running either does nothing when nothing changed (stamp files under .venv/); a changed lock
# file recreates .venv, so it holds exactly what the lock says.
#   make lock          refresh both lock files to the newest versions pyproject.toml allows
#   make test-latest   the whole suite in a throwaway .venv-latest/ with the newest versions (not CI)

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
OUT    := output/claims-matrix.xlsx

# requirements.lock: the runtime; requirements-test.lock: the runtime and the test extra (the same
# versions); both with the pip and setuptools that install the project (pyproject.toml's `build` group).
LOCK      := requirements.lock
TEST_LOCK := requirements-test.lock

SOURCES := $(wildcard matrix/*.py matrix/*/*.py matrix/*/*/*.py matrix/brief/templates/*) pyproject.toml
INPUTS  := $(wildcard claims/*.yaml) $(wildcard seeds/*.txt)
TESTS   := $(wildcard tests/*.py tests/*/* bench/*.py fuzz/*.py docs/*.py)

.PHONY: build test retest validate bench fuzz clean lock test-latest screenshots

build: $(OUT)

$(VENV)/.python: $(LOCK) $(TEST_LOCK)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "claims-matrix needs Python 3.11 or newer")'
	$(PYTHON) -m venv --clear $(VENV)
	@touch $@

# Every package from the lock, checked against its hashes; then the project itself, built by the
# locked setuptools, offline (--no-index, no build isolation): nothing unpinned is downloaded, and
# a requirement of pyproject.toml that the lock does not meet fails here.
define install_locked
	$(PY) -m pip install --quiet --require-hashes -r $(1)
	$(PY) -m pip install -qq --no-index --no-build-isolation -e '$(2)' \
	  || { echo "make: cannot install $(2) from $(1) alone; if pyproject.toml asks for more, run make lock" >&2; exit 1; }
	$(PY) -m pip check --quiet
endef

$(VENV)/.installed: $(VENV)/.python $(LOCK) pyproject.toml
	$(call install_locked,$(LOCK),.)
	@touch $@

$(VENV)/.installed-test: $(VENV)/.python $(TEST_LOCK) pyproject.toml
	$(call install_locked,$(TEST_LOCK),.[test])
	@touch $@
	@# the runtime is in (same versions); an existing stamp stays, so the workbook is not rebuilt
	@[ -e $(VENV)/.installed ] || touch $(VENV)/.installed

$(OUT): $(VENV)/.installed $(SOURCES) $(INPUTS)
	$(PY) -m matrix build --out $(OUT)

validate: $(VENV)/.installed
	$(PY) -m matrix validate --strict

test: $(VENV)/.tested

$(VENV)/.tested: $(VENV)/.installed-test $(SOURCES) $(INPUTS) $(TESTS)
	$(PY) -m pytest
	$(PY) -m ruff check matrix tests bench fuzz docs
	$(PY) -m ruff format --check matrix tests bench fuzz docs
	$(PY) -m mypy
	@touch $@

retest:
	@rm -f $(VENV)/.tested
	@$(MAKE) --no-print-directory test

clean:
	rm -rf $(VENV) $(LOCK_VENV) $(LATEST_VENV) .cache output/*.xlsx output/*.html .pytest_cache .mypy_cache .ruff_cache

# The README's pictures (docs/*.png) from the shipped project: the Stance sheet as LibreOffice
# prints it, the brief and Datasette browsing the published evidence as Chromium shows them
# (needs libreoffice-calc-nogui, poppler-utils, chromium; datasette comes with the test extra).
screenshots: $(VENV)/.installed-test
	$(PY) -m matrix build -q --out output/claims-matrix.xlsx
	$(PY) -m matrix report --out output/claims-matrix.html
	$(PY) -m matrix publish --sqlite output/evidence.db
	$(PY) docs/screenshots.py

bench: $(VENV)/.installed
	$(PY) bench/run.py
	$(PY) bench/diff.py
	$(PY) bench/agree.py
	$(PY) bench/network.py

FUZZ_SECONDS ?= 60
fuzz: $(VENV)/.installed-test
	$(PY) -m pip install --quiet -e '.[fuzz]'
	@mkdir -p fuzz/corpus fuzz/crashes
	$(PY) fuzz/fuzz_loader.py fuzz/corpus fuzz/seeds -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=4096 -artifact_prefix=fuzz/crashes/

# The locking tool, pinned; in its own environment so that recreating .venv keeps it.
UV_VERSION   := 0.13.9
LOCK_VENV    := .venv-lock
UV           := $(LOCK_VENV)/bin/uv
LOCK_UPGRADE ?= --upgrade
UV_COMPILE    = $(UV) pip compile pyproject.toml --group build --universal --python-version 3.11 \
                --generate-hashes --custom-compile-command 'make lock' --quiet $(LOCK_UPGRADE)

$(LOCK_VENV)/.uv-$(UV_VERSION):
	$(PYTHON) -m venv --clear $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet uv==$(UV_VERSION)
	@touch $@

# uv rewrites its output even when nothing changed; a lock file replaced only when its content
# changes keeps .venv (which a newer lock recreates). The copy gives uv the current pins.
define compile_lock
	@cp $(1) $(1).new 2>/dev/null || true
	$(UV_COMPILE) $(2) -o $(1).new || { rm -f $(1).new; exit 1; }
	@if cmp -s $(1).new $(1); then rm $(1).new; echo "$(1): unchanged"; else mv $(1).new $(1); echo "$(1): updated"; fi
endef

# `make lock LOCK_UPGRADE=` only adds what pyproject.toml newly asks for, keeping every other pin.
# The runtime lock is resolved within the test lock, so both hold the same versions.
lock: $(LOCK_VENV)/.uv-$(UV_VERSION)
	$(call compile_lock,$(TEST_LOCK),--extra test)
	$(call compile_lock,$(LOCK),-c $(TEST_LOCK))

LATEST_VENV := .venv-latest
test-latest:
	@PYTHON=$(PYTHON) VENV=$(LATEST_VENV) TEST_LOCK=$(TEST_LOCK) .ci/test-latest
