"""Atom feed of new and updated fiches: order, content, determinism, round trip."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from conftest import fiche_text, make_project, small_corpus

from fichotheque.content.loading import load_corpus
from fichotheque.web import feed, settings

ATOM = "{http://www.w3.org/2005/Atom}"


def load(tmp_path):
    files = small_corpus()
    files["fiches/messagerie/pieces-jointes.md"] = fiche_text(
        title="Envoyer une pièce jointe", description="Joindre un document.",
        module="messagerie", updated="2026-11-20")
    project = make_project(tmp_path / "p", files)
    return load_corpus(project), settings.load(project)


def test_newest_first_then_corpus_order(tmp_path):
    corpus, _ = load(tmp_path)
    assert [f.slug for f in feed.entries(corpus)] == ["pieces-jointes", "hameconnage",
                                                      "mots-de-passe"]


def test_written_feed_reads_back(tmp_path):
    corpus, site = load(tmp_path)
    path = feed.write(tmp_path / "site", corpus, site)
    entries = feed.read(path)
    assert [e["title"] for e in entries] == ["Envoyer une pièce jointe",
                                             "Reconnaître l'hameçonnage",
                                             "Créer un mot de passe solide"]
    first = entries[0]
    assert first["updated"] == "2026-11-20T00:00:00Z"
    assert first["link"] == first["id"] == \
        "https://fichotheque.github.io/fichotheque/fiches/messagerie/pieces-jointes/"
    root = ET.parse(path).getroot()
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}updated") == "2026-11-20T00:00:00Z"
    assert root.find(f"{ATOM}link[@rel='self']").get("href").endswith("/feed.xml")
    enclosure = root.find(f"{ATOM}entry/{ATOM}link[@rel='enclosure']")
    assert enclosure.get("href").endswith("pieces-jointes/pieces-jointes.pdf")


def test_feed_is_deterministic(tmp_path):
    corpus, site = load(tmp_path)
    assert feed.build(corpus, site) == feed.build(corpus, site)


def test_feed_without_site_url_uses_tag_ids(tmp_path):
    import dataclasses

    corpus, site = load(tmp_path)
    text = feed.build(corpus, dataclasses.replace(site, site_url=""))
    assert "<id>tag:fichotheque,2026:fiches/messagerie/pieces-jointes/</id>" in text
