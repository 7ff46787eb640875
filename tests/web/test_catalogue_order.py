"""The catalogue's default order is the pedagogical one: modules by their `order`, then each
module's fiches in the order of its `fiches:` list — in the HTML, in the open data, and after
the visitor sorted by another key and came back to the default (client-side sorting)."""

from __future__ import annotations

import re

import pytest
from conftest import fiche_text, make_project, module_yml

from fichotheque.content.loading import load_corpus
from fichotheque.web import catalogue, pages, settings

# Module « zzz » comes first (order 1) although its name sorts last; inside each module, the
# `fiches:` order is neither alphabetical by slug nor by title.
FILES = {
    "fiches/zzz/_module.yml": module_yml("zzz", "Premiers pas", 1)
    + "fiches: [z-trois, z-un, z-deux]\n",
    "fiches/zzz/z-un.md": fiche_text(title="Allumer l'ordinateur", module="zzz", duration=60,
                                     description="Un."),
    "fiches/zzz/z-deux.md": fiche_text(title="Brancher la souris", module="zzz", duration=30,
                                       description="Deux."),
    "fiches/zzz/z-trois.md": fiche_text(title="Choisir un appareil", module="zzz",
                                        duration=90, description="Trois."),
    "fiches/aaa/_module.yml": module_yml("aaa", "Aller plus loin", 2)
    + "fiches: [a-deux, a-un]\n",
    "fiches/aaa/a-un.md": fiche_text(title="Découvrir un tableur", module="aaa",
                                     description="A un."),
    "fiches/aaa/a-deux.md": fiche_text(title="Écrire une lettre", module="aaa",
                                       description="A deux."),
}
EXPECTED = ["zzz/z-trois", "zzz/z-un", "zzz/z-deux", "aaa/a-deux", "aaa/a-un"]


@pytest.fixture
def corpus(tmp_path):
    project = make_project(tmp_path / "projet", FILES, with_site_files=False)
    loaded = load_corpus(project)
    assert not loaded.errors, loaded.errors
    return loaded


def test_rows_and_open_data_follow_module_then_fiche_order(corpus):
    assert [f"{r['fiche'].module}/{r['fiche'].slug}" for r in catalogue.rows(corpus, True)] \
        == EXPECTED
    data = catalogue.document(corpus, settings.from_mapping({}, corpus.root))
    assert [f["id"] for f in data["fiches"]] == EXPECTED
    assert [m["slug"] for m in data["modules"]] == ["zzz", "aaa"]


def test_table_rows_carry_the_default_rank(corpus):
    html = catalogue.table_html(corpus, settings.from_mapping({}, corpus.root))
    ranks = re.findall(r'<tr data-module="([^"]+)".*? data-ordre="(\d+)"', html)
    assert [m for m, _ in ranks] == ["zzz", "zzz", "zzz", "aaa", "aaa"]
    assert [int(r) for _, r in ranks] == [1, 2, 3, 4, 5]
    first = [html.index(title) for title in ("Choisir un appareil", "Allumer l&#39;ordinateur",
                                             "Brancher la souris", "Écrire une lettre",
                                             "Découvrir un tableur")]
    assert first == sorted(first)
    # The default choice of the sort menu says what it does.
    assert '<option value="">Ordre des modules, puis des fiches</option>' in html


def test_default_sort_in_the_browser_is_the_pedagogical_order(corpus, tmp_path, browser):
    script = pages.theme_dir() / catalogue.SCRIPT
    table = catalogue.table_html(corpus, settings.from_mapping({}, corpus.root))
    page_file = tmp_path / "catalogue.html"
    page_file.write_text(f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
                         f'<title>Catalogue</title></head><body>{table}'
                         f'<script src="{script.as_uri()}"></script></body></html>',
                         encoding="utf-8")
    titles = ("rows => rows.filter(r => !r.hidden)"
              ".map(r => r.dataset.module + '/' + r.querySelector('a').getAttribute('href')"
              ".split('/').filter(Boolean).pop())")
    page = browser.new_page()
    try:
        page.goto(page_file.as_uri())
        page.wait_for_selector("#catalogue-filtres:not([hidden])")
        rows = page.locator("#catalogue-table tbody tr")
        assert rows.evaluate_all(titles) == EXPECTED
        sort = page.get_by_label("Trier par")
        assert sort.input_value() == ""
        sort.select_option("titre")
        assert rows.evaluate_all(titles) != EXPECTED
        sort.select_option("")
        assert rows.evaluate_all(titles) == EXPECTED
        page.get_by_label("Module").select_option("aaa")
        assert rows.evaluate_all(titles) == ["aaa/a-deux", "aaa/a-un"]
    finally:
        page.close()
