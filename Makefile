# Fichothèque — commandes principales. `make help` les liste.
SHELL := /bin/bash
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.DEFAULT_GOAL := help
.PHONY: help site serve test check deps test-deps system-deps clean

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

check: deps ## Vérifier les fiches
	$(BIN)/fichotheque check

test: test-deps ## Installer les outils de test et lancer tous les tests
	@bash scripts/system-deps.sh pango chromium
	$(BIN)/fichotheque check
	$(BIN)/python -m pytest

clean: ## Effacer les fichiers produits (site, caches)
	rm -rf site dist .cache .pytest_cache
