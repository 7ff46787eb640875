"""The split search index (large sites online) gives the same results as the whole one.

`search_split.py` computes, at build time, the index the worker computes in the browser from
the documents. These tests run the worker's own code in headless Chromium and compare: the
stemmer and stop words, the weights of every key of real fiches, and the first results of
the 40+ real queries of `test_search_relevance.py` on the repository's site built both ways.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fichotheque.web import search, search_split
from web.test_search_relevance import QUERIES, RUN_QUERIES, score, serve  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
WORKER = ROOT / "src/fichotheque/theme/assets/javascripts/workers/fichotheque-search.js"
WORDS = ["arnaques", "Impôts", "déclarer", "déclaration", "journaux", "infox", "prix",
         "wi-fi", "e-mail", "impots.gouv.fr", "rendez-vous", "œuvre", "passe", "connectée",
         "téléchargement", "paiement", "cv", "CAF", "l'arnaque", "2FA", "Pôle", "ß"]


def _build(tmp_path_factory, name: str, split: str) -> Path:
    site_dir = tmp_path_factory.mktemp(name) / "site"
    command = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(ROOT / "mkdocs.yml"),
               "-d", str(site_dir)]
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", FICHOTHEQUE_PDF="0",
               FICHOTHEQUE_RECHERCHE_DECOUPEE=split)
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    return site_dir


@pytest.fixture(scope="module")
def whole_site(tmp_path_factory) -> Path:
    return _build(tmp_path_factory, "recherche-entiere", "0")


@pytest.fixture(scope="module")
def split_site(tmp_path_factory) -> Path:
    return _build(tmp_path_factory, "recherche-decoupee", "1")


@pytest.fixture(scope="module")
def worker_page(browser):
    """A blank page running the worker's code (its functions on `fichothequeSearch`)."""
    page = browser.new_page()
    page.set_content("<!doctype html><title>worker</title>")
    page.add_script_tag(content=WORKER.read_text("utf-8"))
    yield page
    page.close()


def test_stemmer_and_stop_words_are_the_same_in_python_and_in_the_worker(worker_page):
    js = worker_page.evaluate("""words => words.map(w => {
        const folded = fichothequeSearch.fold(w);
        return [folded, fichothequeSearch.stem(folded)];
    })""", WORDS)
    python = [[search_split.fold(w), search_split.stem(search_split.fold(w))] for w in WORDS]
    assert js == python
    assert set(worker_page.evaluate("fichothequeSearch.stop")) == set(search_split.STOP)


def test_split_weights_are_the_worker_weights(worker_page, whole_site):
    index = json.loads((whole_site / "search/search_index.json").read_text("utf-8"))
    worker_page.evaluate("""index => fichothequeSearch.handle({ type: 0, data: {
        config: index.config, docs: index.docs, options: {} } })""", index)
    pages = search_split.build_pages(index["docs"], index["config"]["synonymes"])
    checked = 0
    for page in pages:
        location = page.doc["location"]
        if not location.startswith(("fiches/securite/", "fiches/messagerie/", "a-propos/")):
            continue
        js = worker_page.evaluate("loc => fichothequeSearch.weights(loc)", location)
        python = {k: round(v, 6) for k, v in page.weights.items()}
        assert {k: round(v, 6) for k, v in js.items()} == python, location
        checked += 1
    assert checked > 20


def test_split_site_files_are_small(split_site):
    folder = split_site / "search"
    index = json.loads((folder / "search_index.json").read_text("utf-8"))
    assert index["docs"] == []
    manifest = index["config"]["decoupage"]
    assert manifest["pages"] > 119
    words = list((folder / "mots").glob("*.json"))
    assert len(words) == len(manifest["mots"])
    assert max(p.stat().st_size for p in words) < 64 * 1024
    assert len(list((folder / "pages").glob("*.json"))) * manifest["bloc"] >= manifest["pages"]


def test_split_and_whole_index_give_the_same_first_results(browser, whole_site, split_site,
                                                          serve):  # noqa: F811
    queries = [q for q, _ in QUERIES]
    answers = []
    for site in (whole_site, split_site):
        page = browser.new_page()
        page.goto(serve(site) + "fiches/securite/mots-de-passe/")
        answers.append(page.evaluate(RUN_QUERIES, [queries, False])["results"])
        page.close()
    whole, split = answers
    differences = [(q, w[:3], s[:3]) for q, w, s in zip(queries, whole, split, strict=True)
                   if w[:3] != s[:3]]
    assert differences == []
    share, failures = score(split)
    assert share >= 0.9, failures


def test_offline_builds_never_split(monkeypatch):
    build = search.SearchBuild(search.load_synonyms())
    build.offline = True
    monkeypatch.setenv(search.SPLIT_ENV, "1")
    assert build.split_wanted() is False
    build.offline = False
    assert build.split_wanted() is True
    monkeypatch.delenv(search.SPLIT_ENV)
    assert build.split_wanted() is False
    build.fiches = {f"fiches/m/f{i}/": {} for i in range(search_split.SPLIT_FROM)}
    assert build.split_wanted() is True
