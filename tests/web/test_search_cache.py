"""The split search index is written from `.cache/recherche/` when nothing it depends on changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fichotheque.web import search, search_cache, search_split

DOCS = [
    {"location": "", "title": "Accueil", "text": "Des fiches libres pour la médiation numérique."},
    {"location": "fiches/securite/mots-de-passe/", "title": "Créer un mot de passe solide",
     "text": "Un mot de passe long protège vos comptes. Une phrase de passe se retient."},
    {"location": "fiches/securite/mots-de-passe/#exercice", "title": "Exercice",
     "text": "Inventez une phrase de passe de quatre mots."},
    {"location": "fiches/argent/virement/", "title": "Faire un virement",
     "text": "Le virement bancaire en ligne, pas à pas, avec l'application de la banque."},
]
INDEX = {"config": {"lang": ["fr"], "separator": "[\\s\\-'’]+", "pipeline": ["stemmer"]},
         "docs": DOCS}
FICHES = {"fiches/securite/mots-de-passe/": {"niveau": "Débutant", "duree": "45 min"}}


def site_with_index(base: Path, index: dict = INDEX) -> Path:
    site = base / "site"
    (site / "search").mkdir(parents=True)
    (site / search.INDEX_PATH).write_text(json.dumps(index, ensure_ascii=False), "utf-8")
    return site


def files_of(site: Path) -> dict[str, bytes]:
    folder = site / "search"
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_an_unchanged_index_is_copied_byte_for_byte(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    first = site_with_index(tmp_path / "a")
    assert search.rewrite_index(first, FICHES, search.Synonyms(), split=True, cache_dir=cache)
    computed = files_of(first)
    assert len([n for n in computed if n.startswith(search_split.WORDS_DIR + "/")]) > 3
    (entry,) = list(cache.rglob("*"))  # one file for the whole split, not one per word file
    assert entry.suffix == search_cache.SUFFIX
    kept = search_cache.cached_files(cache, entry.stem)
    assert {n: t.encode() for n, t in kept.items()} == computed

    def no_split(*args, **kwargs):
        raise AssertionError("the split should come from the cache")

    monkeypatch.setattr(search_split, "split_files", no_split)
    second = site_with_index(tmp_path / "b")
    assert search.rewrite_index(second, FICHES, search.Synonyms(), split=True, cache_dir=cache)
    assert files_of(second) == computed


@pytest.mark.parametrize("change", ["index", "fiches", "synonyms"])
def test_any_change_of_what_the_split_reads_computes_it_again(tmp_path, change):
    cache = tmp_path / "cache"
    search.rewrite_index(site_with_index(tmp_path / "a"), FICHES, search.Synonyms(),
                         split=True, cache_dir=cache)
    (old,) = list(cache.iterdir())
    index, fiches, synonyms = INDEX, FICHES, search.Synonyms()
    if change == "index":
        index = {**INDEX, "docs": [*DOCS[:-1], {**DOCS[-1], "text": "Le virement instantané."}]}
    elif change == "fiches":
        fiches = {"fiches/securite/mots-de-passe/": {"niveau": "Avancé", "duree": "1 h"}}
    else:
        synonyms = search.Synonyms(groups=(("virement", "paiement"),))
    site = site_with_index(tmp_path / "b", index)
    search.rewrite_index(site, fiches, synonyms, split=True, cache_dir=cache)
    fresh = site_with_index(tmp_path / "c", index)
    search.rewrite_index(fresh, fiches, synonyms, split=True)  # no cache at all
    assert files_of(site) == files_of(fresh)
    (new,) = list(cache.iterdir())  # only the newest entry is kept
    assert new.name != old.name


def entry_of(site: Path) -> str:
    return search_cache.key((site / search.INDEX_PATH).read_bytes(), FICHES,
                            search.Synonyms().as_config())


@pytest.mark.parametrize("damage", ["truncated", "other key", "not json", "escaping path",
                                    "no index"])
def test_a_damaged_entry_is_not_used(tmp_path, damage):
    cache = tmp_path / "cache"
    site = site_with_index(tmp_path / "a")
    entry = entry_of(site)
    good = {"search_index.json": "{}", "mots/vir.json": "{}"}
    text = {
        "truncated": json.dumps({"cle": entry, "fichiers": good})[:30],
        "other key": json.dumps({"cle": "0" * 64, "fichiers": good}),
        "not json": "\x00\x01",
        "escaping path": json.dumps({"cle": entry, "fichiers": {
            **good, "mots/../../../evil.json": "{}", "../evil.json": "{}"}}),
        "no index": json.dumps({"cle": entry, "fichiers": {"mots/vir.json": "{}"}}),
    }[damage]
    cache.mkdir()
    (cache / f"{entry}{search_cache.SUFFIX}").write_text(text, "utf-8")
    search.rewrite_index(site, FICHES, search.Synonyms(), split=True, cache_dir=cache)
    fresh = site_with_index(tmp_path / "b")
    search.rewrite_index(fresh, FICHES, search.Synonyms(), split=True)
    assert files_of(site) == files_of(fresh)
    assert not list(tmp_path.rglob("evil.json"))
    assert search_cache.cached_files(cache, entry) is not None  # replaced by a good one


def test_entries_of_the_folder_layout_are_removed(tmp_path):
    """Before 2026-12, an entry was a folder of files with a « complet » marker."""
    cache = tmp_path / "cache"
    old = cache / ("a" * 64)
    (old / "mots").mkdir(parents=True)
    (old / "mots" / "vir.json").write_text("{}", "utf-8")
    (old / "complet").write_text("a" * 64, "utf-8")
    site = site_with_index(tmp_path / "a")
    entry = entry_of(site)
    search.rewrite_index(site, FICHES, search.Synonyms(), split=True, cache_dir=cache)
    assert [p.name for p in cache.iterdir()] == [f"{entry}{search_cache.SUFFIX}"]


def test_a_cache_that_cannot_be_written_leaves_a_complete_site(tmp_path):
    blocked = tmp_path / "fichier"
    blocked.write_text("pas un dossier", "utf-8")  # the cache folder cannot be made here
    site = site_with_index(tmp_path / "a")
    assert search.rewrite_index(site, FICHES, search.Synonyms(), split=True,
                                cache_dir=blocked / "cache")
    fresh = site_with_index(tmp_path / "b")
    search.rewrite_index(fresh, FICHES, search.Synonyms(), split=True)
    assert files_of(site) == files_of(fresh)
