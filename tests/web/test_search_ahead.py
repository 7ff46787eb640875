"""The split search index weighed in a forked process during a first build (`search_ahead`)."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import threading
import time

import pytest
from conftest import make_project, small_corpus

from fichotheque.web import search, search_ahead, search_split
from fichotheque.web.search_ahead import SplitAhead

SYNONYMS = search.load_synonyms().as_config()
DOCS = [
    {"location": "", "title": "Accueil", "text": "<p>Des fiches libres pour la médiation.</p>"},
    {"location": "fiches/securite/mots-de-passe/", "title": "Créer un mot de passe solide",
     "text": "", "tags": ["sécurité"], "fiche": {"niveau": "Débutant", "duree": "45 min"}},
    {"location": "fiches/securite/mots-de-passe/#objectif", "title": "Créer un mot de passe",
     "text": "<p>Un mot de passe long protège vos comptes.</p><p>Une phrase se retient.</p>"},
    {"location": "fiches/securite/mots-de-passe/#exercice", "title": "Exercice",
     "text": "<p>Inventez une phrase de passe de quatre mots, pas un mail.</p>"},
    {"location": "fiches/argent/virement/", "title": "Faire un virement", "text": "",
     "tags": ["argent"]},
    {"location": "fiches/argent/virement/#deroule", "title": "Déroulé",
     "text": "<p>Le virement bancaire en ligne, avec l'application de la banque.</p>"},
]
INDEX = {"config": {"lang": ["fr"], search.CONFIG_KEY: SYNONYMS}, "docs": DOCS}


@pytest.fixture
def forkable(monkeypatch):
    """Other tests of the session may leave a server thread running; the process started
    here runs only this module's code, so forking is safe for these tests."""
    monkeypatch.setattr(search_ahead, "can_fork", lambda: True)


def fed(docs=DOCS, synonyms=SYNONYMS) -> SplitAhead:
    ahead = SplitAhead.start(synonyms)
    assert ahead is not None
    ahead.feed(docs[:1])
    ahead.feed(docs[1:4])  # a page's entries come together
    ahead.feed(docs[4:])
    return ahead


def test_the_pages_weighed_ahead_give_the_same_files(forkable):
    ahead = fed()
    pages = ahead.pages(json.loads(json.dumps(DOCS)), SYNONYMS)  # as read back from the file
    assert pages is not None
    assert search_split.split_files(INDEX, pages) == search_split.split_files(INDEX)
    assert not ahead._process.is_alive()


@pytest.mark.parametrize("change", ["a document less", "a document changed", "other synonyms"])
def test_other_documents_are_not_used(forkable, change):
    ahead = fed()
    docs, synonyms = list(DOCS), SYNONYMS
    if change == "a document less":
        docs = docs[:-1]
    elif change == "a document changed":
        docs[2] = {**docs[2], "text": "<p>Un autre texte.</p>"}
    else:
        synonyms = {**SYNONYMS, "groupes": [["virement", "paiement"]]}
    assert ahead.pages(docs, synonyms) is None
    assert not ahead._process.is_alive()


def test_a_process_that_died_is_not_waited_for(forkable):
    ahead = SplitAhead.start(SYNONYMS)
    ahead._process.kill()
    ahead._process.join()
    for start in range(0, len(DOCS), 2):
        ahead.feed(DOCS[start:start + 2])  # no error: the split is computed at the end
    assert ahead.pages(DOCS, SYNONYMS) is None


def test_a_process_forked_meanwhile_does_not_keep_it_waiting(forkable):
    ahead = fed()
    # Inherits a copy of every end of the pipes, as the PDF workers do.
    holder = multiprocessing.get_context("fork").Process(target=time.sleep, args=(60,),
                                                          daemon=True)
    holder.start()
    try:
        assert ahead.pages(DOCS[:-1], SYNONYMS) is None
        assert ahead._process.exitcode == 0  # it stopped when told: it was not killed
    finally:
        holder.kill()
        holder.join()


def test_no_process_while_a_thread_runs():
    """A process forked from a threaded program can freeze (`mkdocs serve`, the desk)."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert SplitAhead.start(SYNONYMS) is None
    finally:
        stop.set()
        thread.join()


# The probe records, in the build's own process, whether pages were weighed ahead.
PROBE = """
import json, sys
from fichotheque.web import search_ahead
report, calls = sys.argv[1], {"started": 0, "used": []}
start, pages = search_ahead.SplitAhead.start.__func__, search_ahead.SplitAhead.pages
def counted_start(cls, synonyms):
    calls["started"] += 1
    return start(cls, synonyms)
def recorded_pages(self, docs, synonyms):
    result = pages(self, docs, synonyms)
    calls["used"].append(result is not None)
    return result
if sys.argv[2] == "ahead":
    search_ahead.SplitAhead.start = classmethod(counted_start)
    search_ahead.SplitAhead.pages = recorded_pages
else:
    search_ahead.SplitAhead.start = classmethod(lambda cls, synonyms: None)
from mkdocs.__main__ import cli
sys.argv = ["mkdocs", "build", "-q", "-f", sys.argv[3], "-d", sys.argv[4]]
try:
    cli()
finally:
    with open(report, "w", encoding="utf-8") as out:
        json.dump(calls, out)
"""


def build(project, site, mode: str, tmp_path) -> dict:
    report = tmp_path / f"{site.name}.json"
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(report), mode, str(project / "mkdocs.yml"), str(site)],
        capture_output=True, text=True, cwd=project,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "FICHOTHEQUE_PDF": "0",
             search.SPLIT_ENV: "1"})
    assert result.returncode == 0, result.stderr
    return json.loads(report.read_text(encoding="utf-8"))


def search_files(site) -> dict[str, bytes]:
    folder = site / "search"
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_first_build_weighs_its_pages_ahead_and_writes_the_same_index(tmp_path):
    project = make_project(tmp_path / "projet", small_corpus())
    first = build(project, tmp_path / "ahead", "ahead", tmp_path)
    assert first == {"started": 1, "used": [True]}
    cache = project / ".cache"
    plain = make_project(tmp_path / "sans", small_corpus())
    assert build(plain, tmp_path / "plain", "plain", tmp_path)["started"] == 0
    ahead_files = search_files(tmp_path / "ahead")
    assert len([n for n in ahead_files if n.startswith(search_split.WORDS_DIR + "/")]) > 3
    assert ahead_files == search_files(tmp_path / "plain")
    # The next build finds the split in the cache: no process.
    assert (cache / "recherche").is_dir()
    assert build(project, tmp_path / "again", "ahead", tmp_path) == {"started": 0, "used": []}
    assert search_files(tmp_path / "again") == ahead_files
