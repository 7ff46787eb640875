"""schema.org JSON-LD of a fiche: the fields, and why no metadata can close the script."""

from __future__ import annotations

import dataclasses
import json

from conftest import make_project, small_corpus

from fichotheque.content.loading import load_corpus
from fichotheque.web import linked_data, settings


def corpus_and_site(tmp_path):
    project = make_project(tmp_path / "p", small_corpus())
    return load_corpus(project), settings.load(project)


def test_learning_resource_fields(tmp_path):
    corpus, site = corpus_and_site(tmp_path)
    fiche = corpus.fiche("securite", "mots-de-passe")
    data = linked_data.learning_resource(fiche, corpus.module("securite"), site)
    assert data["@context"] == "https://schema.org" and data["@type"] == "LearningResource"
    assert data["name"] == "Créer un mot de passe solide"
    assert data["timeRequired"] == "PT45M" and data["inLanguage"] == "fr"
    assert data["educationalLevel"] == "Débutant"
    assert data["license"] == "https://creativecommons.org/licenses/by-sa/4.0/"
    assert data["datePublished"] == data["dateModified"] == "2026-11-01"
    assert data["publisher"] == {"@type": "Organization", "name": "Collectif Fichothèque",
                                 "url": "https://fichotheque.github.io/fichotheque/",
                                 "email": "contact@fichotheque.example.org"}
    assert data["author"] == [{"@type": "Organization", "name": "Collectif Fichothèque"}]
    assert data["teaches"][0].startswith("Pix 4.1")
    assert [a["targetName"].split(" —")[0] for a in data["educationalAlignment"]] == ["4.1", "4"]
    assert data["isPartOf"]["name"] == "Sécurité numérique"
    assert data["url"].endswith("/fiches/securite/mots-de-passe/")


def test_script_text_cannot_contain_a_closing_script_tag(tmp_path):
    corpus, site = corpus_and_site(tmp_path)
    fiche = dataclasses.replace(corpus.fiche("securite", "mots-de-passe"),
                                title="</script><script>alert(1)</script>",
                                description="a & b <!-- c --> \u2028")
    text = linked_data.script_text(linked_data.learning_resource(fiche, None, site))
    for forbidden in ("<", ">", "&", "\u2028"):
        assert forbidden not in text
    back = json.loads(text)
    assert back["name"] == "</script><script>alert(1)</script>"
    assert back["description"] == "a & b <!-- c --> \u2028"


def test_person_or_organisation():
    assert linked_data.agent("Camille Martin")["@type"] == "Person"
    assert linked_data.agent("Association Les Clics")["@type"] == "Organization"
    assert linked_data.agent("EPN Lille", "EPN Lille")["@type"] == "Organization"
