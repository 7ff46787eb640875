"""The split search index weighed in a forked process during a first build (`search_ahead`)."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

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
report, mode = sys.argv[1], sys.argv[2]
calls = {"started": 0, "used": [], "indexed": [], "split": []}
start, pages = search_ahead.SplitAhead.start.__func__, search_ahead.SplitAhead.pages
entries, files = search_ahead.SplitAhead.entries, search_ahead.SplitAhead.files
def counted_start(cls, *args):
    calls["started"] += 1
    return start(cls, *args)
def recorded_pages(self, docs, synonyms):
    result = pages(self, docs, synonyms)
    calls["used"].append(result is not None)
    return result
def recorded_entries(self):
    if mode == "killed":  # the process dies before it gives the entries back
        self._process.kill()
        self._process.join()
    result = entries(self)
    calls["indexed"].append(result is not None)
    return result
def recorded_files(self, index):
    result = files(self, index)
    calls["split"].append(result is not None)
    return result
if mode in ("ahead", "killed"):
    search_ahead.SplitAhead.files = recorded_files
    search_ahead.SplitAhead.start = classmethod(counted_start)
    search_ahead.SplitAhead.pages = recorded_pages
    search_ahead.SplitAhead.entries = recorded_entries
else:
    search_ahead.SplitAhead.start = classmethod(lambda cls, *args: None)
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
    # The process indexed the pages and computed the split files itself.
    assert first == {"started": 1, "used": [], "indexed": [True], "split": [True]}
    cache = project / ".cache"
    plain = make_project(tmp_path / "sans", small_corpus())
    assert build(plain, tmp_path / "plain", "plain", tmp_path)["started"] == 0
    ahead_files = search_files(tmp_path / "ahead")
    assert len([n for n in ahead_files if n.startswith(search_split.WORDS_DIR + "/")]) > 3
    assert ahead_files == search_files(tmp_path / "plain")
    # The next build finds the split in the cache: no process.
    assert (cache / "recherche").is_dir()
    assert build(project, tmp_path / "again", "ahead", tmp_path) == {
        "started": 0, "used": [], "indexed": [], "split": []}
    assert search_files(tmp_path / "again") == ahead_files


def test_a_process_that_dies_before_giving_the_entries_back_leaves_the_same_index(tmp_path):
    """The build then indexes every page itself, from each page's HTML of the time."""
    project = make_project(tmp_path / "projet", small_corpus())
    calls = build(project, tmp_path / "killed", "killed", tmp_path)
    assert calls == {"started": 1, "used": [False], "indexed": [False], "split": []}
    plain = make_project(tmp_path / "sans", small_corpus())
    build(plain, tmp_path / "plain", "plain", tmp_path)
    assert search_files(tmp_path / "killed") == search_files(tmp_path / "plain")


def material_index():
    from material.plugins.search.plugin import SearchIndex
    return SearchIndex(lang=["fr"], separator=r"[\s\-]+", pipeline=["stemmer"], fields={})


def pages_to_index():
    from mkdocs.structure.toc import get_toc
    toc = get_toc([{"level": 1, "id": "creer", "name": "Créer", "children": [
        {"level": 2, "id": "etapes", "name": "Étapes", "children": []}]}])
    first = SimpleNamespace(
        content='<h1 id="creer">Créer</h1><p>Un mot de passe long.</p>'
                '<h2 id="etapes">Étapes</h2><p>Ouvrez les <em>réglages</em>.</p>',
        toc=toc, url="fiches/securite/mots-de-passe/", title="Créer",
        meta={"title": "Créer un mot de passe", "tags": ["sécurité"], "search": {"boost": 2},
              "level": "debutant", "duration": 45, "module": "securite"})
    second = SimpleNamespace(content="<p>Sans titre ni table.</p>", toc=get_toc([]),
                             url="a-propos/", title="À propos", meta={})
    return [first, second]


def test_the_process_indexes_pages_as_material_does(forkable):
    pages = pages_to_index()
    expected = material_index()
    for page in pages:
        expected.add_entry_from_context(page)
    ahead = SplitAhead.start(SYNONYMS, material_index(), search.enrich_doc)
    for page in pages:
        assert ahead.index(search_ahead.snapshot(page), search.fiche_details(page.meta))
    entries = ahead.entries()
    assert entries == expected.entries
    assert [e["location"] for e in entries] == [
        "fiches/securite/mots-de-passe/", "fiches/securite/mots-de-passe/#etapes",
        "a-propos/"]
    assert entries[0]["boost"] == 2 and entries[0]["tags"] == ["sécurité"]
    assert entries[2]["title"] == "À propos"  # no heading: the page's own title
    # The documents weighed are the enriched ones: the fiche gets its level and duration.
    enriched = search.enrich(
        {"docs": expected.entries},
        {"fiches/securite/mots-de-passe/": search.fiche_details(pages[0].meta)},
        search.load_synonyms())["docs"]
    assert enriched[0]["fiche"] == {"niveau": "Débutant", "duree": "45 min"}
    assert ahead.pages(enriched, SYNONYMS) is not None


def test_a_page_the_process_cannot_index_makes_the_build_index_them_all(forkable):
    pages = pages_to_index()
    ahead = SplitAhead.start(SYNONYMS, material_index(), search.enrich_doc)
    broken = {**search_ahead.snapshot(pages[0]), "content": None}  # the parser refuses it
    assert ahead.index(broken, None)
    assert ahead.index(search_ahead.snapshot(pages[1]), None)
    assert ahead.entries() is None
    assert not ahead._process.is_alive()


def test_indexed_as_reads_the_html_of_the_time_and_the_rest_from_the_page():
    page = pages_to_index()[0]
    seen = search_ahead.IndexedAs(page, "<p>Avant.</p>")
    page.content = "<p>Après.</p>"
    assert seen.content == "<p>Avant.</p>" and seen.url == page.url and seen.toc is page.toc


@pytest.mark.parametrize("told", ["the same index", "another configuration", "other pages"])
def test_the_process_computes_the_split_files_of_the_index_it_was_told(forkable, told):
    pages = pages_to_index()
    ahead = SplitAhead.start(SYNONYMS, material_index(), search.enrich_doc)
    for page in pages:
        ahead.index(search_ahead.snapshot(page), search.fiche_details(page.meta))
    entries = ahead.entries()
    fiches = {"fiches/securite/mots-de-passe/": search.fiche_details(pages[0].meta)}
    data = search.enrich({"config": {"lang": ["fr"]}, "docs": entries}, fiches,
                         search.load_synonyms())
    ahead.split_early({k: v for k, v in data.items() if k != "docs"})
    if told == "another configuration":
        data = {**data, "config": {**data["config"], "lang": ["en"]}}
    elif told == "other pages":
        data = {**data, "docs": data["docs"][:-1]}
    files = ahead.files(data)
    assert not ahead._process.is_alive()
    if told == "the same index":
        assert files == search_split.split_files(data)
        assert any(name.startswith(search_split.WORDS_DIR + "/") for name in files)
    else:
        assert files is None


def test_the_pipe_takes_a_whole_page(forkable):
    """A page's HTML (tens of KiB) must not make the build wait for the process to read
    (Linux: the pipe is widened up to the system's limit, 1 MiB by default)."""
    import fcntl

    limit = int(Path("/proc/sys/fs/pipe-max-size").read_text(encoding="ascii"))
    ahead = SplitAhead.start(SYNONYMS, material_index(), search.enrich_doc)
    try:
        size = fcntl.fcntl(ahead._send.fileno(), fcntl.F_GETPIPE_SZ)
        assert size >= min(1 << 20, limit) > 64 * 1024
    finally:
        ahead.stop()
