"""What the build adds to the search index: synonyms, fiche level and duration (no browser)."""

from __future__ import annotations

import json

import pytest

from fichotheque.web import search


def test_shipped_synonyms_are_valid_and_cover_the_words_beginners_type():
    synonyms = search.load_synonyms()
    words = {w for group in synonyms.groups for w in group}
    for word in ("mail", "e-mail", "courriel", "arnaque", "escroquerie", "fraude", "appli",
                 "application", "téléphone", "smartphone", "portable", "impôts", "impots",
                 "ordi", "ordinateur", "mdp", "mot de passe", "wifi", "wi-fi"):
        assert word in words, word
    assert "gmail" in synonyms.related
    assert "mettre" in synonyms.common


@pytest.mark.parametrize(("text", "message"), [
    ("- [mail, courriel]\n", "« groupes » et « voir_aussi »"),
    ("groupes: [[mail]]\n", "n'a qu'un mot"),
    ("groupes: mail\n", "liste de listes"),
    ("groupes: [[mail, '']]\n", "n'est pas un mot"),
    ("voir_aussi: [gmail]\n", "associe un mot"),
    ("voir_aussi: {gmail: mail}\n", "une liste de mots est attendue"),
    ("synonymes: []\n", "clé inconnue « synonymes »"),
    ("groupes: [[mail, courriel]\n", "synonymes.yml:"),
])
def test_malformed_synonyms_are_explained_in_french(text, message):
    with pytest.raises(search.SynonymsError) as error:
        search.load_synonyms(text)
    assert message in str(error.value)


def test_fiche_details_need_a_fiche_front_matter():
    assert search.fiche_details({"module": "securite", "level": "debutant", "duration": 75}) == {
        "niveau": "Débutant", "duree": "1 h 15"}
    assert search.fiche_details({"level": "debutant", "duration": 45}) is None  # not a fiche
    assert search.fiche_details({"title": "Accueil"}) is None


def _index():
    return {
        "config": {"lang": ["fr"], "fields": {"title": {"boost": 1000}}},
        "docs": [
            {"location": "fiches/securite/mots-de-passe/", "title": "Mot de passe", "text": ""},
            {"location": "fiches/securite/mots-de-passe/#objectif", "title": "Objectif",
             "text": "<p>Créer un mot de passe.</p>"},
            {"location": "tags/", "title": "Mots-clés", "text": "arnaque impôts mail"},
            {"location": "tags/#arnaque", "title": "arnaque", "text": ""},
            {"location": "a-propos/", "title": "À propos", "text": "Un commun."},
        ],
    }


def test_enrich_adds_synonyms_details_and_drops_the_tags_page():
    synonyms = search.load_synonyms("groupes: [[mail, courriel]]\nvoir_aussi: {gmail: [mail]}\n")
    details = {"fiches/securite/mots-de-passe/": {"niveau": "Débutant", "duree": "45 min"}}
    index = search.enrich(_index(), details, synonyms)
    assert index["config"]["synonymes"] == {"groupes": [["mail", "courriel"]],
                                            "voir_aussi": {"gmail": ["mail"]},
                                            "mots_courants": []}
    assert index["config"]["fields"] == {"title": {"boost": 1000}}
    locations = [d["location"] for d in index["docs"]]
    assert locations == ["fiches/securite/mots-de-passe/",
                         "fiches/securite/mots-de-passe/#objectif", "a-propos/"]
    assert index["docs"][0]["fiche"] == {"niveau": "Débutant", "duree": "45 min"}
    assert "fiche" not in index["docs"][1]  # sections keep their size


def test_rewrite_index_in_place_and_offline_urls(tmp_path):
    (tmp_path / "search").mkdir()
    original = _index()
    for doc in original["docs"]:
        doc["location"] = doc["location"].replace("/", ".html", 1) if doc["location"].startswith(
            "tags") else doc["location"].replace("mots-de-passe/", "mots-de-passe.html")
    (tmp_path / "search" / "search_index.json").write_text(json.dumps(original), "utf-8")
    details = {"fiches/securite/mots-de-passe.html": {"niveau": "Avancé", "duree": "1 h"}}
    assert search.rewrite_index(tmp_path, details, search.load_synonyms())
    index = json.loads((tmp_path / "search" / "search_index.json").read_text("utf-8"))
    assert [d["location"] for d in index["docs"]][:2] == [
        "fiches/securite/mots-de-passe.html", "fiches/securite/mots-de-passe.html#objectif"]
    assert all(not d["location"].startswith("tags") for d in index["docs"])
    assert index["docs"][0]["fiche"]["niveau"] == "Avancé"
    assert "mail" in index["config"]["synonymes"]["groupes"][0]


def test_rewrite_index_without_search_plugin_does_nothing(tmp_path):
    assert search.rewrite_index(tmp_path, {}, search.load_synonyms()) is False


def test_split_index_files_hold_keys_by_prefix_and_pages_by_block():
    from fichotheque.web import search_split

    synonyms = search.load_synonyms("groupes: [[mdp, mot de passe]]\n").as_config()
    docs = [{"location": f"fiches/m/f{i}/", "title": f"Fiche {i} mot de passe",
             "text": "", "tags": ["sécurité"], "fiche": {"niveau": "Débutant", "duree": "1 h"}}
            for i in range(25)]
    docs.append({"location": "a-propos/", "title": "À propos", "text": "<p>Impôts</p>"})
    small, shards, blocks = search_split.split({"config": {"synonymes": synonyms}, "docs": docs})
    manifest = small["config"]["decoupage"]
    assert small["docs"] == [] and manifest["pages"] == 26 and manifest["autres_pages"] == [25]
    mot = shards[manifest["mots"]["mot"]]
    # « mot » and the expression « mot de passe » (one key) live in the « mot » file;
    # page numbers are stored as differences, each followed by the weight.
    assert mot["mot"][:4] == [0, 10, 1, 10] and " mot pass" in mot
    assert shards[manifest["mots"]["imp"]]["impot"] == [25, 3]  # the page's summary
    assert len(blocks) == 3 and blocks[0][0][:2] == ["fiches/m/f0/", "Fiche 0 mot de passe"]
    assert blocks[2][-1][3] == 0  # not a fiche: no level nor duration
