# Taai — developer commands. `make run` and `make test` are all a newcomer needs:
# both install what is missing (virtual environment, dependencies, trained model).
#
#   make run       start the action server and Rasa on embedded defaults
#   make test      install what is missing, then run every test (the three tiers below)
#   make train     train the Rasa model (only when training data changed)
#   make validate  rasa data validate + knowledge-base check
#   make lint      ruff (rules, format check) and mypy, settings in pyproject.toml
#   make shell     talk to the bot in the terminal
#   make cluster   the production profile on this machine (PostgreSQL, Redis, 2 replicas, nginx)
#   make test-fast    tier 1: no trained model, no servers, no services (under a minute)
#   make test-e2e     tier 2: the trained model, the real servers, the widget in Chromium
#   make test-cluster tier 3: PostgreSQL, Redis, nginx, two replicas; deploy/ checked offline
#   make eval      5-fold NLU cross-validation (not part of make test)
#   make eval-understanding  how well Taai reads text it was not tuned on (tests/understanding/)
#   make bench     performance under load, next to Rasa's example bot (not part of make test)
#   make transcript ID=<conversation id>   export a conversation as Markdown
#   make clean     remove the venv, models and local state

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV        := .venv
VENV_PY     := $(VENV)/bin/python
VENV_STAMP  := $(VENV)/.installed
RASA        := $(VENV)/bin/rasa
MODEL       := models/taai.tar.gz
CONSTRAINTS := requirements/constraints.txt

# The web widget (web/): npm packages, then an esbuild bundle in web/dist/.
WEB_JS      := web/dist/taai-widget.js
WEB_DEPS    := web/node_modules/.package-lock.json

# Everything a trained model depends on: a change to any of these retrains.
TRAINING_INPUTS := config.yml domain.yml $(shell find data -type f -name '*.yml' 2>/dev/null | sort)

export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help install run test test-fast test-e2e test-cluster lint train validate shell eval eval-understanding transcript widget clean cluster bench

help:
	@echo "Taai — make targets:"
	@echo "  make run       install, train when needed, start everything (Ctrl-C stops)"
	@echo "  make test      install, train when needed, run every test"
	@echo "  make test-fast    tier 1: no model, no servers, no services (under a minute)"
	@echo "  make test-e2e     tier 2: trained model, real servers, widget in headless Chromium"
	@echo "  make test-cluster tier 3: PostgreSQL, Redis, nginx, 2 replicas; deploy/ files"
	@echo "  make train     train the Rasa model when training data changed"
	@echo "  make validate  check training data and the knowledge base"
	@echo "  make lint      ruff (rules and format) and mypy; part of make test"
	@echo "  make shell     chat with Taai in the terminal"
	@echo "  make cluster   production profile on this machine: PostgreSQL, Redis, 2+2 replicas, nginx"
	@echo "  make eval      5-fold NLU cross-validation, intent and entity F1"
	@echo "  make eval-understanding  understanding of free Dutch text on the corpus (dev and held-out)"
	@echo "  make bench     load test (1, 10, 50 users) against Rasa's example bot, ~10-15 min"
	@echo "  make transcript ID=<id>  export a conversation as Markdown (Taai must be running)"
	@echo "  make clean     remove .venv, models/ and var/"

install: $(VENV_STAMP)

# The venv is (re)built when a requirements file changes. find-python.sh fails with
# a clear message when no Python 3.10 is available. wheel is pinned: 0.46 and later
# need packaging >= 24, Rasa 3.6 needs packaging 20.9, and `pip check` would fail.
$(VENV_STAMP): requirements/base.txt requirements/dev.txt $(CONSTRAINTS)
	@PY="$$(scripts/find-python.sh)" || exit 1; \
	  if [ ! -x "$(VENV_PY)" ] || ! "$(VENV_PY)" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))'; then \
	    echo "Creating virtual environment with $$PY"; rm -rf "$(VENV)"; "$$PY" -m venv "$(VENV)"; \
	  fi
	$(VENV_PY) -m pip install --quiet --upgrade 'pip<25' 'wheel==0.45.1'
	$(VENV_PY) -m pip install --quiet -c $(CONSTRAINTS) -r requirements/dev.txt
	$(VENV_PY) -m pip check
	@touch $@

train: $(MODEL)

$(MODEL): $(VENV_STAMP) $(TRAINING_INPUTS)
	$(RASA) train --fixed-model-name taai --out models
	@touch $@

$(WEB_DEPS): web/package-lock.json
	@command -v npm >/dev/null || { echo "error: Node.js 18+ with npm is needed for the web widget" >&2; exit 1; }
	cd web && npm ci --no-audit --no-fund
	@touch $@

$(WEB_JS): $(WEB_DEPS) web/package.json web/build.mjs $(shell find web/src -type f 2>/dev/null)
	cd web && npm run build

widget: $(WEB_JS)

# The last line checks the message catalogue against the code: every key used exists
# and each message's placeholders are the ones the code fills.
validate: $(VENV_STAMP)
	$(RASA) data validate --fail-on-warnings
	$(VENV_PY) -m bot.core.check_knowledge
	$(VENV_PY) -m pytest -q -p no:cacheprovider tests/unit/test_messages.py

# Settings in pyproject.toml. `ruff format .` (in the venv) fixes what the check finds.
lint: $(VENV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# deduce's lookup lists are built once per machine into ~/.cache/taai (minutes the
# first time, seconds after); doing it here keeps that out of every server start.
REDACTION_WARM := $(VENV_PY) -c "from bot.privacy import get_redactor; get_redactor().warm_up()"

run: $(MODEL) $(WEB_JS)
	@$(REDACTION_WARM)
	@$(VENV_PY) -m bot.runtime.launcher

# The same server as `make run` (all hooks), chatted with over REST in this terminal.
shell: $(MODEL)
	@$(REDACTION_WARM)
	@$(VENV_PY) -m bot.runtime.launcher --shell

# The production profile on one machine (docs/operations.md); installs Debian's
# PostgreSQL, Redis and nginx when missing. Data stays in var/cluster.
cluster: $(MODEL) $(WEB_JS)
	scripts/install-services.sh
	@$(REDACTION_WARM)
	@$(VENV_PY) -m ops.cluster

# Data validation first (seconds), then every test of the three tiers below in one
# session: unit, test stories, end-to-end, messaging channels, the widget in a real
# headless Chromium (installed here), the cluster and deploy/. `.ci/run` runs this.
test: $(MODEL) $(WEB_JS) validate lint
	scripts/install-browser.sh >/dev/null
	scripts/install-services.sh
	$(REDACTION_WARM)
	$(VENV_PY) -m pytest

# The test tiers: tests/conftest.py gives every test exactly one (pytest marker), by
# its folder; a fast test checks that these lists match it. Each target installs only
# what its tier needs.
FAST_TESTS    := tests/unit tests/channels tests/understanding
E2E_TESTS     := tests/e2e tests/browser tests/dialogue tests/understanding
CLUSTER_TESTS := tests/cluster tests/deploy
REDACTION_CACHED := $(VENV_PY) -c "import sys; from bot.privacy import engine; sys.exit(not engine.cache_file().exists())"

# Tier 1, the inner loop: no trained model, no servers, no services. The redaction
# tests need deduce's lookup cache: built here only when it is missing.
test-fast: $(VENV_STAMP)
	$(VENV_PY) -m bot.core.check_knowledge
	@$(REDACTION_CACHED) 2>/dev/null || $(REDACTION_WARM)
	$(VENV_PY) -m pytest -m fast -q $(FAST_TESTS)

# Tier 2: the trained model, the real servers on free ports, the widget in Chromium.
test-e2e: $(MODEL) $(WEB_JS)
	scripts/install-browser.sh >/dev/null
	$(REDACTION_WARM)
	$(VENV_PY) -m pytest -m e2e $(E2E_TESTS)

# Tier 3: the production profile (PostgreSQL, Redis, nginx, two replicas) and deploy/
# (whose validators tests/deploy installs into .venv-tools/ when missing).
test-cluster: $(MODEL)
	scripts/install-services.sh
	$(REDACTION_WARM)
	$(VENV_PY) -m pytest -m cluster $(CLUSTER_TESTS)

# Understanding of free text on tests/understanding/corpus/ (README: how it was written).
# Prints accuracy per part and phenomenon, writes results/understanding/report.json.
# make test runs the same evaluation as a test with the thresholds (tests/understanding/).
eval-understanding: $(MODEL)
	$(VENV_PY) -m tests.understanding.evaluate

# Not part of `make test`: five NLU trainings take several minutes.
eval: $(VENV_STAMP)
	rm -rf results/eval
	$(RASA) test nlu --nlu data/nlu --config config.yml --cross-validation --folds 5 --out results/eval
	$(VENV_PY) scripts/eval_summary.py results/eval

# Not part of `make test`: about 10-15 minutes on an idle two-core machine (docs/bench.md).
# Extra flags through BENCH_ARGS, e.g. make bench BENCH_ARGS="--users 1,2 --duration 10".
bench: $(VENV_STAMP) $(MODEL)
	scripts/install-services.sh
	$(REDACTION_WARM)
	$(VENV_PY) -m bench --production $(BENCH_ARGS)

transcript: $(VENV_STAMP)
	@test -n "$(ID)" || { echo "usage: make transcript ID=<conversation id>"; exit 2; }
	@$(VENV_PY) -m bot.export.transcript "$(ID)"

clean:
	rm -rf $(VENV) .venv-tools models .rasa var .pytest_cache web/node_modules web/dist
