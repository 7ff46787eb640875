"""Home page parts: module cards, latest fiches, search form (links with or without
directory URLs)."""

from __future__ import annotations

from conftest import fiche_text, make_project, small_corpus

from fichotheque.content.loading import load_corpus
from fichotheque.web import home


def project_corpus(tmp_path):
    files = small_corpus()
    files["fiches/messagerie/pieces-jointes.md"] = fiche_text(
        title="Envoyer une pièce jointe", description="Joindre un document.",
        module="messagerie", updated="2026-11-20")
    files["badges/securite.yml"] = "name: Protéger ses comptes\n"
    project = make_project(tmp_path / "p", files)
    return project, load_corpus(project)


def test_latest_fiches_newest_first(tmp_path):
    _, corpus = project_corpus(tmp_path)
    assert [f.slug for f in home.latest(corpus, 2)] == ["pieces-jointes", "hameconnage"]


def test_module_cards_show_counts_duration_and_badge(tmp_path):
    project, corpus = project_corpus(tmp_path)
    (project / "badges/messagerie.yml").unlink(missing_ok=True)
    cards = home.module_cards(corpus, project)
    assert "2 fiches · 1 h 45 au total · badge « Protéger ses comptes »" in cards
    assert "badge « Messagerie »" in cards  # no badge file: the module title
    assert 'href="fiches/securite/"' in cards and "<svg" in cards
    offline = home.module_cards(corpus, project, use_directory_urls=False)
    assert 'href="fiches/securite/index.html"' in offline


def test_latest_and_search_links_work_offline(tmp_path):
    _, corpus = project_corpus(tmp_path)
    assert 'href="fiches/messagerie/pieces-jointes/"' in home.latest_fiches(corpus)
    offline = home.latest_fiches(corpus, use_directory_urls=False)
    assert 'href="fiches/messagerie/pieces-jointes.html"' in offline
    assert 'href="feed.xml"' in offline
    assert 'action="catalogue/index.html"' in home.search_form(use_directory_urls=False)
