"""The real MkDocs build: fiches at their stable URLs, metadata shown, errors stop the build."""

from __future__ import annotations

import re

from conftest import ROOT, fiche_text, run_build

from fichotheque.content.lint import SKIP_ENV
from fichotheque.content.loading import load_corpus


def read(path):
    return path.read_text(encoding="utf-8")


def test_fiches_are_built_at_stable_urls_with_metadata(project):
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    site = project / "site"
    page = read(site / "fiches/securite/mots-de-passe/index.html")
    assert "<h1" in page and "Créer un mot de passe solide</h1>" in page
    for shown in ("Débutant", "45 min", "Grand public", "1er novembre 2026", "CC BY-SA 4.0",
                  "Pix 4.1 — Sécuriser l&#39;environnement numérique",
                  "https://creativecommons.org/licenses/by-sa/4.0/deed.fr"):
        assert shown in page, shown
    assert "Pour citer cette fiche" in page
    other = read(site / "fiches/securite/hameconnage/index.html")
    assert "Intermédiaire" in other and "Grand public, Aidants" in other
    assert (site / "fiches/messagerie/pieces-jointes/index.html").is_file()


def test_module_pages_list_their_fiches_in_the_navigation(project):
    assert run_build(project).returncode == 0
    site = project / "site"
    module_page = read(site / "fiches/securite/index.html")
    assert 'href="mots-de-passe/"' in module_page
    assert 'href="hameconnage/"' in module_page
    home = read(site / "index.html")
    nav = re.search(r'<nav class="md-nav md-nav--primary.*?<div class="md-content"', home,
                    re.S).group(0)
    assert "Sécurité numérique" in nav and "Messagerie" in nav
    # Individual fiches stay out of the navigation (it would grow as N²).
    assert "Créer un mot de passe solide" not in nav
    assert 'href="fiches/securite/"' in home  # module card on the home page
    assert (site / "catalogue/index.html").is_file()
    assert "Envoyer une pièce jointe" in read(site / "catalogue/index.html")


def test_edit_link_points_at_the_fiche_source(project):
    assert run_build(project).returncode == 0
    page = read(project / "site/fiches/securite/mots-de-passe/index.html")
    assert ("https://github.com/fichotheque/fichotheque/edit/main/fiches/securite/"
            "mots-de-passe.md") in page


def test_broken_fiche_stops_the_build_naming_the_file(project):
    (project / "fiches/securite/mots-de-passe.md").write_text(
        fiche_text(licence="CC-BY-NC-4.0"), encoding="utf-8")
    result = run_build(project)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "fiches/securite/mots-de-passe.md:8: licence « CC-BY-NC-4.0 » non libre" in output
    assert "Traceback" not in output
    assert not (project / "site/fiches/securite/mots-de-passe/index.html").exists()


def test_macros_never_render_in_fiches(project):
    body = fiche_text().replace("Savoir créer", "Calcul {{ 7 * 7 }} et {{ config.site_name }}")
    (project / "fiches/securite/mots-de-passe.md").write_text(body, encoding="utf-8")
    assert run_build(project).returncode != 0  # `check` refuses Jinja syntax in a fiche…
    assert run_build(project, env={SKIP_ENV: "1"}).returncode == 0  # …forced, it stays text
    page = read(project / "site/fiches/securite/mots-de-passe/index.html")
    assert "{{ 7 * 7 }}" in page and "49" not in page.split("Calcul")[1][:20]


def test_home_page_macros_render(project):
    assert run_build(project).returncode == 0
    home = read(project / "site/index.html")
    assert "3 fiches" in home and "2 modules" in home
    assert "{{" not in home


def test_structure_identity_is_shown(project):
    config = project / "mkdocs.yml"
    config.write_text(read(config).replace("name: Collectif Fichothèque",
                                           "name: Réseau des EPN de Testville"), encoding="utf-8")
    assert run_build(project).returncode == 0
    assert "Réseau des EPN de Testville" in read(project / "site/a-propos/index.html")
    assert "Réseau des EPN de Testville" in read(
        project / "site/fiches/securite/mots-de-passe/index.html")


def test_untrusted_titles_are_escaped_in_generated_pages(project):
    (project / "fiches/securite/mots-de-passe.md").write_text(
        fiche_text(title='"<img src=x onerror=alert(1)> [lien](javascript:alert(1))"'),
        encoding="utf-8")
    assert run_build(project, env={SKIP_ENV: "1"}).returncode == 0  # `check` would refuse it
    for page in ("fiches/securite/index.html", "catalogue/index.html",
                 "fiches/securite/mots-de-passe/index.html"):
        html = read(project / "site" / page)
        assert "<img src=x" not in html, page
        assert 'href="javascript:' not in html, page


def test_repository_site_has_every_fiche(built_site):
    corpus = load_corpus(ROOT)
    for fiche in corpus.fiches:
        assert (built_site / fiche.url / "index.html").is_file(), fiche.url
    for module in corpus.modules:
        assert (built_site / module.url / "index.html").is_file(), module.url


def test_repeated_header_blocks_are_published_but_not_indexed(project):
    """The header's metadata, downloads, reuse and contribution blocks are kept away from search
    (pages.split_late) and put back in the page: the HTML has them, the index does not."""
    import json

    assert run_build(project).returncode == 0
    site = project / "site"
    page = read(site / "fiches/securite/mots-de-passe/index.html")
    for shown in ('<dl class="fiche-meta"', "Télécharger la fiche (PDF)", "Pour citer cette fiche",
                  "Proposer une modification", "Débutant", "Compétences travaillées"):
        assert shown in page, shown
    assert page.index('<dl class="fiche-meta"') < page.index('id="objectif"') \
        < page.index('<aside class="fiche-contribuer"')
    for html_file in site.rglob("*.html"):
        assert "fichotheque:apres-recherche" not in read(html_file), html_file
    docs = json.loads(read(site / "search/search_index.json"))["docs"]
    first = next(d for d in docs
                 if d["location"] == "fiches/securite/mots-de-passe/#mots-de-passe")
    assert first["title"] == "Créer un mot de passe solide"
    assert "Choisir et retenir un mot de passe robuste." in first["text"]
    assert "Sécuriser l'environnement numérique" in first["text"]  # competences stay findable
    fiche_text_indexed = " ".join(d["text"] for d in docs
                                  if d["location"].startswith("fiches/securite/mots-de-passe/"))
    for hidden in ("Télécharger la fiche", "Mise à jour", "Pour citer cette fiche",
                   "Proposer une modification", "Tout le monde peut contribuer"):
        assert hidden not in fiche_text_indexed, hidden


def test_late_parts_round_trip_to_the_full_header_and_footer():
    from fichotheque.web import pages, settings

    corpus = load_corpus(ROOT)
    site = settings.load(ROOT)
    for fiche in corpus.fiches:
        module = corpus.module(fiche.module)
        for urls in (True, False):
            header, above = pages.split_late(pages.fiche_header(fiche, site, module, urls, True))
            assert len(above) == 2 and "<dl" not in header and "<h1" in header
            footer, below = pages.split_late(pages.fiche_contribuer(fiche, site, late=True),
                                             first=len(above))
            assert pages.fill_late(header + "contenu" + footer, above + below) == (
                pages.fiche_header(fiche, site, module, urls) + "contenu"
                + pages.fiche_contribuer(fiche, site))


def test_a_lost_slot_is_an_error_not_a_silently_missing_block():
    import pytest

    from fichotheque.web import pages

    text, parts = pages.split_late(f"a{pages.LATE_START}b{pages.LATE_END}c")
    assert (text, parts) == (f"a{pages.LATE_SLOT.format(0)}c", ("b",))
    assert pages.fill_late(text, parts) == "abc"
    assert pages.fill_late(text, lambda: parts) == "abc"
    with pytest.raises(ValueError):
        pages.fill_late("ac", parts)
