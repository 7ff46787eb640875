# Fichothèque — commandes principales. `make help` les liste.
SHELL := /bin/bash
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.DEFAULT_GOAL := help
.PHONY: help site serve test check deps test-deps system-deps clean mirror bench bench-large

help: ## Afficher cette aide
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.deps: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	@touch $@

$(VENV)/.test-deps: pyproject.toml $(VENV)/.deps
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $@

deps: $(VENV)/.deps ## Installer l'environnement Python (.venv)

test-deps: $(VENV)/.test-deps

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

test: test-deps ob-validator ## Installer les outils de test et lancer tous les tests
	@bash scripts/system-deps.sh pango chromium
	$(BIN)/fichotheque check
	$(BIN)/python -m pytest

.PHONY: ob-validator
ob-validator: ## Installer le validateur Open Badges de référence (.cache/ob-validator-venv)
	@bash scripts/ob-validator-venv.sh

clean: ## Effacer les fichiers produits (site, caches)
	rm -rf site dist .cache .pytest_cache
