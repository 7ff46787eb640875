"""« Proposer une modification » and « Signaler une erreur » below every fiche (pages.py)."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

from conftest import ROOT

from fichotheque.content.loading import load_corpus
from fichotheque.web import pages, settings


class Links(HTMLParser):
    """Links inside `<aside class="fiche-contribuer">`, with their visible text."""

    def __init__(self):
        super().__init__()
        self.inside = 0
        self.links: list[list] = []
        self.order: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "aside" and "fiche-contribuer" in (a.get("class") or ""):
            self.inside = 1
            self.order.append("contribuer")
        elif self.inside:
            self.inside += tag not in ("path",)
            if tag == "a":
                self.links.append([a.get("href"), ""])
        if tag == "header" and "fiche-entete" in (a.get("class") or ""):
            self.order.append("entete")

    def handle_endtag(self, tag):
        if self.inside and tag != "path":
            self.inside -= 1

    def handle_data(self, data):
        if self.inside and self.links:
            self.links[-1][1] += data


def test_links_name_the_fiche_and_its_source():
    site = settings.load(ROOT)
    fiche = load_corpus(ROOT).fiche("securite", "mots-de-passe")
    links = pages.contribution_links(fiche, site)
    assert links["edit"] == ("https://github.com/fichotheque/fichotheque/edit/main/"
                             "fiches/securite/mots-de-passe.md")
    issue = urlsplit(links["issue"])
    assert f"{issue.scheme}://{issue.netloc}{issue.path}" == (
        "https://github.com/fichotheque/fichotheque/issues/new")
    query = parse_qs(issue.query)
    assert query["title"] == [f"Erreur dans la fiche « {fiche.title} »"]
    assert "fiches/securite/mots-de-passe.md" in query["body"][0]
    assert site.absolute_url(fiche.url) in query["body"][0]


def test_no_links_without_a_repository():
    site = settings.from_mapping({"site_name": "Local"}, ROOT)
    fiche = load_corpus(ROOT).fiche("securite", "mots-de-passe")
    assert pages.contribution_links(fiche, site) == {"edit": "", "issue": ""}
    assert pages.fiche_contribuer(fiche, site).strip() == ""


def test_every_fiche_page_ends_with_both_links(built_site):
    corpus = load_corpus(ROOT)
    site = settings.load(ROOT)
    for fiche in corpus.fiches:
        parser = Links()
        parser.feed((built_site / fiche.url / "index.html").read_text(encoding="utf-8"))
        texts = {text.strip(): href for href, text in parser.links}
        assert set(texts) == {"Proposer une modification", "Signaler une erreur"}, fiche.url
        expected = pages.contribution_links(fiche, site)
        assert texts["Proposer une modification"] == expected["edit"]
        assert texts["Signaler une erreur"] == expected["issue"]
        assert parser.order.index("entete") < parser.order.index("contribuer")
