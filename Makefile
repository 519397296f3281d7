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

# The main job: two comparisons, each 10 seeds at the baseline's 20,000 households, and
# an index of both (results/main/report.md and report.html: each comparison's summary in
# words, with links to its full report).
# - campaign/ (2013-2020, against the calibrated baseline): growth alone (no campaign);
#   the same budget spent untargeted; four single measures each given the baseline's
#   special funds, returning what they cannot use each year (no-measures.toml): a
#   transfer (dibao), two livelihood measures (industry, employment), a move (relocation).
# - transition/ (to 2030, against the transition as it happened): support of exited
#   households withdrawn at the end of 2020; dynamic monitoring off from 2021.
# About 50 seconds on the project's 2-core machine (each comparison's runs about 14 s: the
# campaign's 70 runs to 2020, the transition's 30 runs to 2030; each one's tables, figures
# and report about 8 s), after the setup.
MAIN := results/main
MAIN_CAMPAIGN := baseline growth-only untargeted only-dibao only-industry only-employment \
  only-relocation
MAIN_TRANSITION := transition transition-withdrawn transition-monitoring-off
MAIN_RUNS := --seeds 10 --workers 2
MAIN_TITLE := The main job (make results)
MAIN_INTRO := Two comparisons, 10 seeds each at 20,000 households: the campaign of \
  2013-2020 against growth alone, untargeted spending and single measures at equal money \
  (campaign/, against the baseline; each single measure gets the special funds of the \
  baseline each year and returns what it cannot use, while the sector funds earmarked \
  for the other measures stay with them); and the transition to 2030 with the support of \
  exited households kept, withdrawn or without monitoring (transition/, against the \
  transition as it happened).

results: setup
	$(BIN)/povsim compare $(MAIN_CAMPAIGN:%=scenarios/%.toml) $(MAIN_RUNS) --out $(MAIN)/campaign \
	  --overwrite
	$(BIN)/povsim compare $(MAIN_TRANSITION:%=scenarios/%.toml) $(MAIN_RUNS) \
	  --out $(MAIN)/transition --overwrite
	@$(BIN)/python -c 'from povsim.study.compare.index import write_index; \
	  write_index("$(MAIN)", ["campaign", "transition"], title="$(MAIN_TITLE)", \
	  intro="$(MAIN_INTRO)")'
	@echo "wrote $(MAIN)/report.md and report.html (the summaries of both comparisons)"

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
