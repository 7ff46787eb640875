"""Catalogue: the open data document, its schema, writing it, and the catalogue page."""

from __future__ import annotations

import dataclasses
import json

import jsonschema
from conftest import ROOT, make_project, small_corpus

from fichotheque.content.loading import load_corpus
from fichotheque.web import catalogue, settings


def corpus_and_site(tmp_path):
    project = make_project(tmp_path / "p", small_corpus())
    return load_corpus(project), settings.load(project)


def test_iso_durations():
    assert catalogue.iso_duration(45) == "PT45M"
    assert catalogue.iso_duration(60) == "PT1H"
    assert catalogue.iso_duration(90) == "PT1H30M"


def test_document_matches_schema_and_keeps_corpus_order(tmp_path):
    corpus, site = corpus_and_site(tmp_path)
    data = catalogue.document(corpus, site)
    jsonschema.Draft202012Validator(catalogue.schema()).validate(data)
    assert [f["id"] for f in data["fiches"]] == [f"{f.module}/{f.slug}" for f in corpus.fiches]
    assert [m["slug"] for m in data["modules"]] == ["securite", "messagerie"]
    assert data["modules"][0]["fiches"] == 2 and data["modules"][0]["total_duration"] == 105
    assert data["structure"]["name"] == "Collectif Fichothèque"


def test_repository_catalogue_is_valid():
    site = settings.load(ROOT)
    data = catalogue.document(load_corpus(ROOT), site)
    jsonschema.Draft202012Validator(catalogue.schema()).validate(data)
    assert data["count"] == len(data["fiches"]) > 20


def test_relative_urls_without_site_url(tmp_path):
    corpus, site = corpus_and_site(tmp_path)
    site = dataclasses.replace(site, site_url="")
    fiches = catalogue.document(corpus, site)["fiches"]
    fiche = next(f for f in fiches if f["slug"] == "mots-de-passe")
    assert fiche["urls"]["page"] == "fiches/securite/mots-de-passe/"


def test_write_then_read_round_trip(tmp_path):
    corpus, site = corpus_and_site(tmp_path)
    target = catalogue.write(tmp_path / "site", corpus, site)
    assert catalogue.read(target) == json.loads(json.dumps(catalogue.document(corpus, site)))
    published = catalogue.read(tmp_path / "site" / catalogue.SCHEMA_JSON)
    assert published["$id"] == "https://fichotheque.github.io/fichotheque/catalogue.schema.json"
    assert not list((tmp_path / "site").glob(".*"))  # no temporary file left behind


def test_page_lists_every_fiche_with_filter_data(tmp_path):
    corpus, site = corpus_and_site(tmp_path)
    page = catalogue.catalogue_markdown(corpus, site, use_directory_urls=True)
    assert page.count('<tr data-module="') == 3
    assert 'href="../fiches/securite/hameconnage/"' in page
    assert 'data-competences="pix:4.2 digcomp:4.2"' in page
    assert 'data-motcles="mot-de-passe|securite"' in page
    assert '<option value="clea:4">4 — ' in page
    assert 'role="status" aria-live="polite"' in page
    offline = catalogue.catalogue_markdown(corpus, site, use_directory_urls=False)
    assert 'href="../fiches/securite/hameconnage.html"' in offline


def test_page_escapes_untrusted_metadata(tmp_path):
    corpus, site = corpus_and_site(tmp_path)
    module = corpus.modules[0]
    evil = dataclasses.replace(module.fiches[0], title='<img src=x onerror=alert(1)>',
                               tags=('"><script>',))
    corpus = dataclasses.replace(corpus, modules=(
        dataclasses.replace(module, fiches=(evil,)),))
    page = catalogue.catalogue_markdown(corpus, site)
    assert "<img src=x" not in page and "<script>" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_late_table_fills_back_to_the_full_page(tmp_path):
    """The build keeps the table away from Markdown and search, then puts it back unchanged."""
    from fichotheque.web import pages

    corpus, site = corpus_and_site(tmp_path)
    for urls in (True, False):
        short = catalogue.catalogue_markdown(corpus, site, urls, late=True)
        assert "<tr" not in short and pages.LATE_SLOT.format(0) in short
        full = pages.fill_late(short, (catalogue.table_html(corpus, site, urls),))
        assert full == catalogue.catalogue_markdown(corpus, site, urls)


def test_built_catalogue_page_has_the_whole_table(tmp_path):
    from conftest import run_build

    project = make_project(tmp_path / "p", small_corpus())
    assert run_build(project).returncode == 0
    page = (project / "site/catalogue/index.html").read_text(encoding="utf-8")
    assert page.count('<tr data-module="') == 3
    assert 'id="catalogue-filtres"' in page and "fichotheque:apres-recherche" not in page


def test_a_long_catalogue_puts_its_first_rows_in_the_table_and_the_others_in_noscript(tmp_path):
    from html.parser import HTMLParser

    from conftest import fiche_text, module_yml

    files = {"fiches/grand/_module.yml": module_yml("grand", "Un grand module", 1)}
    count = catalogue.FIRST_ROWS + 3
    for i in range(count):
        files[f"fiches/grand/fiche-{i:03d}.md"] = fiche_text(
            title=f"Fiche numéro {i:03d}", description="Une fiche parmi d'autres.", module="grand")
    project = make_project(tmp_path / "p", files)
    corpus = load_corpus(project)
    html = catalogue.table_html(corpus, settings.load(project))

    class Rows(HTMLParser):
        def __init__(self):
            super().__init__()
            self.where, self.rows = "table", {"table": [], "noscript": []}

        def handle_starttag(self, tag, attrs):
            if tag == "noscript":
                self.where = "noscript"
            elif tag == "tr" and dict(attrs).get("data-ordre"):
                self.rows[self.where].append(int(dict(attrs)["data-ordre"]))

    parsed = Rows()
    parsed.feed(html)
    first = catalogue.FIRST_ROWS
    assert parsed.rows["table"] == list(range(1, first + 1))
    assert parsed.rows["noscript"] == list(range(first + 1, count + 1))
    assert f'data-premieres="{first}" data-total="{count}"' in html
    assert "Afficher les 3 autres fiches" in html
    assert (f"{count} fiches. Les {first} premières sont affichées ; le bouton sous la liste "
            "montre les 3 autres.") in html
    assert "Liste des fiches (suite)" in html


def test_a_short_catalogue_is_one_table_without_button(tmp_path):
    corpus, site = corpus_and_site(tmp_path)
    html = catalogue.table_html(corpus, site)
    assert "<noscript>" not in html and "catalogue-tout" not in html
    assert "data-premieres" not in html
    assert "Toutes les fiches sont affichées (3)." in html  # what the script writes, too
