"""The split search index is copied from `.cache/recherche/` when nothing it depends on changed."""

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
    (entry,) = list(cache.iterdir())
    assert (entry / search_cache.MARKER).is_file()

    def no_split(*args, **kwargs):
        raise AssertionError("the split should come from the cache")

    monkeypatch.setattr(search_split, "write_split", no_split)
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


def test_an_incomplete_entry_is_not_used(tmp_path):
    cache = tmp_path / "cache"
    site = site_with_index(tmp_path / "a")
    raw = (site / search.INDEX_PATH).read_bytes()
    entry = search_cache.key(raw, FICHES, search.Synonyms().as_config())
    (cache / entry / "search_index.json").parent.mkdir(parents=True)
    (cache / entry / "search_index.json").write_text("{}", "utf-8")  # interrupted: no marker
    search.rewrite_index(site, FICHES, search.Synonyms(), split=True, cache_dir=cache)
    fresh = site_with_index(tmp_path / "b")
    search.rewrite_index(fresh, FICHES, search.Synonyms(), split=True)
    assert files_of(site) == files_of(fresh)
    assert (cache / entry / search_cache.MARKER).is_file()


def test_a_cache_that_cannot_be_written_leaves_a_complete_site(tmp_path):
    blocked = tmp_path / "fichier"
    blocked.write_text("pas un dossier", "utf-8")  # the cache folder cannot be made here
    site = site_with_index(tmp_path / "a")
    assert search.rewrite_index(site, FICHES, search.Synonyms(), split=True,
                                cache_dir=blocked / "cache")
    fresh = site_with_index(tmp_path / "b")
    search.rewrite_index(fresh, FICHES, search.Synonyms(), split=True)
    assert files_of(site) == files_of(fresh)
