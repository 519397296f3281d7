# povsim: the two commands of the README, and a few helpers.
#   make results   set everything up, then run the main job (writes to results/)
#   make test      set everything up, then run the test suite (what CI runs)

PYTHON ?= $(shell command -v python3.12 2>/dev/null || command -v python3 2>/dev/null)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: setup results test test-slow lint clean app

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 12))' || { \
	  echo "povsim needs Python 3.12 or newer; '$(PYTHON)' is $$($(PYTHON) --version 2>&1)."; \
	  echo "Install Python 3.12 (pyenv install 3.12) or run: make PYTHON=/path/to/python3.12 ..."; \
	  exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	rm -f $(VENV)/.installed-* && touch $(STAMP)

setup: $(STAMP)

# The main job: the calibrated baseline against growth alone (no campaign), the same
# budget spent untargeted, and three single interventions each given the whole budget
# (a transfer, a livelihood measure, a place-based move), 10 seeds each at the
# baseline's 20,000 households. Writes results/main/report.md with tables and figures.
MAIN_SCENARIOS := baseline growth-only untargeted only-dibao only-industry only-relocation

results: setup
	$(BIN)/povsim compare $(MAIN_SCENARIOS:%=scenarios/%.toml) --seeds 10 --workers 2 \
	  --out results/main

test: setup
	$(BIN)/python -m pytest

test-slow: setup
	$(BIN)/python -m pytest -m slow

# The browser explorer (README "Exploring in the browser"): http://localhost:8765
app: setup
	$(BIN)/povsim app

lint: setup
	$(BIN)/ruff check src tests benchmarks experiments

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
