# The one entry point. `make help` lists the targets.
# The Makefile makes its own virtual environment in .venv on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    := _build
# Each format is `sphinx-build -b FORMAT`, staged so that a failed build keeps the
# last good output (guidebook/tools/build.py says how).
BUILD  := $(BIN)/python guidebook/tools/build.py --out $(OUT)
SPHINXOPTS ?=
PYTEST_ARGS ?=
# make's process: a build stopped by Ctrl+C or a closed terminal stops make with it,
# saying so in one line of its own (guidebook/tools/build.py, stoppable).
export GUIDE_MAKE_PID := $(shell echo $$PPID)

.DEFAULT_GOAL := all
.PHONY: help all html epub pdf print linkcheck test clean clean-all venv test-needs

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

venv: $(VENV)/.installed ## Make the virtual environment from requirements.txt

$(VENV)/.installed: requirements.txt
	@$(SYSTEM_CHECK) build
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Python 3.11 or newer is needed (found: $$($(PYTHON) --version))."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $@

# Before making the virtual environment and before testing: one message naming what the
# system lacks and the command that installs it (guidebook/tools/system.py; it needs no .venv,
# but runs in its Python once there is one: `python3` may be a version manager's slower shim).
# Every build checks again in its own process (guidebook/tools/build.py, system_ready).
SYSTEM_CHECK := $(if $(wildcard $(BIN)/python),$(BIN)/python,$(PYTHON)) guidebook/tools/system.py check

test-needs:
	@$(SYSTEM_CHECK) build test

all: venv ## Build the website, the PDF and the EPUB (the default)
	@$(BUILD) all

html: venv ## Build the website into _build/html
	@$(BUILD) html

epub: venv ## Build the EPUB into _build/epub
	@$(BUILD) epub

pdf: venv ## Build the PDF into _build/pdf
	@$(BUILD) pdf

print: venv ## Build the paperback (interior and cover, PDF/X-1a:2001 in CMYK) into _build/print
	@$(BUILD) print

linkcheck: venv ## Check every external link live (needs internet); report in _build/linkcheck
	@$(BUILD) linkcheck

# DAISY Ace checks the EPUB's accessibility in the tests. npm installs it from
# package-lock.json; it runs the machine's Chromium, so no browser is downloaded.
node_modules/.installed: package.json package-lock.json
	PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error && touch $@

# One worker per core (pytest-xdist), each test file whole on one worker; the book is built
# once for all of them (tests/conftest.py, built_once).
test: test-needs venv node_modules/.installed lint ## Run every test (builds each format once, in a temporary folder)
	$(BIN)/python -m pytest -n auto --dist loadfile $(PYTEST_ARGS)

.PHONY: lint
lint: venv ## Lint and check the formatting of every Python file (ruff, configured in pyproject.toml)
	@$(BIN)/ruff check --quiet . && $(BIN)/ruff format --check --quiet . && echo "Lint: clean." || \
	  { echo "Run $(BIN)/ruff check --fix . then $(BIN)/ruff format . (in that order), and fix what ruff check still names."; exit 1; }

# Writing the guide (EDITING.md). The live preview (sphinx-autobuild, see
# guidebook/tools/live.py) builds only the website, into _build/live: the ebooks
# are not rebuilt live, and _build/html stays as it was.
.PHONY: live chapter import rename spell
LIVE_PORT ?= 8000

live: venv ## Preview the website as you edit, at http://127.0.0.1:8000 (Ctrl+C stops)
	@$(BIN)/python guidebook/tools/live.py --port $(LIVE_PORT) --out $(OUT)

chapter: venv ## Start a chapter: make chapter TITLE="Step 7: Keep Going" [AFTER=08-conclusion]
	@$(BIN)/python -m guidebook.tools.new_chapter "$$TITLE" $(if $(AFTER),--after "$(AFTER)")

import: venv ## Make a chapter draft of a blog export: make import POST=path/to/export.txt
	@$(BIN)/python -m guidebook.tools.importer "$$POST" $(if $(AFTER),--after "$(AFTER)") $(if $(filter no,$(STEPS)),--no-steps)

rename: venv ## Rename a chapter; its old address still works: make rename FROM=04-offer-alternatives TO=05-offer-alternatives
	@$(BIN)/python -m guidebook.tools.rename "$(FROM)" "$(TO)"

spell: venv ## Check the spelling of the chapters and every other file (codespell)
	@$(BIN)/codespell && $(BIN)/codespell --builtin en-GB_to_en-US docs/*.md && echo "Spelling: no mistakes found." || \
	  { echo "Fix the words above. A word the guide uses on purpose goes into .codespell-words.txt (one a line, sorted)."; exit 1; }

.PHONY: dist readthedocs system-packages

dist: venv ## Build, then write the release (site zip, PDF, EPUB, paperback, SHA-256 sums) into _build/dist
	@$(BIN)/python guidebook/tools/dist.py --out $(OUT)

readthedocs: venv ## Build, then copy the outputs where Read the Docs publishes them
	@test -n "$$READTHEDOCS_OUTPUT" || { echo "READTHEDOCS_OUTPUT is not set: Read the Docs sets it in its build."; exit 1; }
	@$(BIN)/python guidebook/tools/dist.py --out $(OUT) --readthedocs "$$READTHEDOCS_OUTPUT"

system-packages: ## Install the system packages for the build and the tests (apt-get, dnf or Homebrew)
	@bash .ci/run --install-only

.PHONY: bench
BENCH_ARGS ?=

bench: venv ## Time the build at 1x, 10x, 100x the guide beside stock Sphinx (about 15 min)
	$(BIN)/python benchmarks/bench.py --json $(OUT)/bench.json $(BENCH_ARGS)

# Sphinx's other builders, run as any Sphinx project runs them (`make singlehtml`,
# `make text`…): straight into _build/<builder>, with no staging.
SPHINX_BUILDERS := dirhtml singlehtml text xml pseudoxml dummy
.PHONY: $(SPHINX_BUILDERS)
$(SPHINX_BUILDERS): venv
	$(BIN)/sphinx-build -M $@ docs $(OUT) -c . -W --keep-going -n $(SPHINXOPTS)

clean: ## Remove the built outputs
	rm -rf $(OUT)

clean-all: clean ## Remove the outputs and the virtual environment
	rm -rf $(VENV)
