"""French search, typed in the real search box of the built site (headless Chromium).

Material's worker never stems queries (it adds a wildcard to each term), and Lunr's French
stemmer keeps accents: `fichotheque-search.js` fixes both. These tests type what people type.
"""

from __future__ import annotations

import re

import pytest

FICHE_URL = re.compile(r"/fiches/[a-z0-9-]+/[a-z0-9-]+/(?:[?#]|$)")


def search(page, base_url: str, query: str) -> list[str]:
    """Type `query` in the header search box; the page paths of the results, best first."""
    page.goto(base_url)
    box = page.locator("input.md-search__input")
    box.click()
    page.keyboard.type(query, delay=20)
    page.wait_for_selector(".md-search-result__item", timeout=15000)
    previous, stable = None, 0
    for _ in range(60):  # results follow each keystroke: wait until they stop changing
        hrefs = page.locator("li.md-search-result__item > a.md-search-result__link").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))")
        stable = stable + 1 if hrefs == previous else 0
        if stable >= 3 and hrefs:
            break
        previous = hrefs
        page.wait_for_timeout(100)
    base = base_url.rstrip("/")
    return [re.sub(r"\?.*$", "", h.replace(base, "")) for h in previous]


@pytest.mark.parametrize(("query", "expected_first"), [
    ("impots", "/fiches/services-publics/impots-declaration/"),
    ("impôts", "/fiches/services-publics/impots-declaration/"),
    ("pieces jointes", "/fiches/messagerie/pieces-jointes/"),
    ("pièce jointe", "/fiches/messagerie/pieces-jointes/"),
    ("mot de passe", "/fiches/securite/mots-de-passe/"),
    ("CV", "/fiches/bureautique/rediger-cv/"),
    ("FranceConnect", "/fiches/services-publics/franceconnect/"),
    ("franceconnect", "/fiches/services-publics/franceconnect/"),
])
def test_search_finds_the_fiche_first(site_server, new_page, query, expected_first):
    page = new_page(allowed=(site_server.url,))
    results = search(page, site_server.url, query)
    assert results, f"aucun résultat pour « {query} »"
    assert results[0] == expected_first, (query, results[:5])
    assert page.foreign_requests == []


@pytest.mark.parametrize("query", ["arnaques", "arnaque", "ARNAQUES"])
def test_plurals_and_case_find_the_scam_fiches(site_server, new_page, query):
    page = new_page(allowed=(site_server.url,))
    results = search(page, site_server.url, query)
    top = results[:5]  # more scam fiches since the 2026-12 corpus: both in the first five
    assert "/fiches/securite/victime-arnaque/" in top, results
    assert "/fiches/securite/reconnaitre-hameconnage/" in top, results


def test_accents_are_optional_both_ways(site_server, new_page):
    page = new_page(allowed=(site_server.url,))
    without = search(page, site_server.url, "hameconnage")
    assert without[0] == "/fiches/securite/reconnaitre-hameconnage/", without
    with_accent = search(page, site_server.url, "hameçonnage")
    assert with_accent[0] == "/fiches/securite/reconnaitre-hameconnage/", with_accent


@pytest.mark.parametrize("query", ["arnaques", "impots", "pieces jointes", "mot de passe"])
def test_fiche_pages_rank_above_module_and_catalogue_pages(site_server, new_page, query):
    page = new_page(allowed=(site_server.url,))
    results = search(page, site_server.url, query)
    first_other = next((i for i, r in enumerate(results) if not FICHE_URL.search(r)), None)
    assert FICHE_URL.search(results[0]), results
    assert first_other is None or first_other >= 2, results
    assert "/catalogue/" not in results[:3], results


def test_home_search_form_opens_the_site_search(site_server, new_page):
    page = new_page(allowed=(site_server.url,))
    page.goto(site_server.url)
    field = page.get_by_label("Chercher une fiche")
    field.click()
    page.keyboard.type("arnaques")
    page.keyboard.press("Enter")
    page.wait_for_selector(".md-search-result__item", timeout=15000)
    assert page.locator("input.md-search__input").input_value() == "arnaques"
    first = page.locator("li.md-search-result__item > a.md-search-result__link").first
    first.wait_for()
    assert "/fiches/securite/" in first.get_attribute("href")
