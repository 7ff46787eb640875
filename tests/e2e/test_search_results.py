"""Search results as a beginner sees them, typed in the real search box (headless Chromium).

Online (the site built without PDFs, on localhost) and offline (the mirror ZIP opened from
file://): each fiche result shows its level and duration, words never appear as stems, and
a query that finds nothing offers the catalogue and « Où en suis-je ? ».
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from e2e.waits import wait_search_still

ROOT = Path(__file__).resolve().parents[2]
DAY = "2026-11-22"
RESULT_LINKS = "li.md-search-result__item > a.md-search-result__link"


def _env() -> dict:
    return dict(os.environ, NO_MKDOCS_2_WARNING="1", FICHOTHEQUE_PDF="0")


@pytest.fixture(scope="module")
def online_site(tmp_path_factory) -> Path:
    site_dir = tmp_path_factory.mktemp("recherche-en-ligne") / "site"
    command = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(ROOT / "mkdocs.yml"),
               "-d", str(site_dir)]
    result = subprocess.run(command, capture_output=True, text=True, env=_env(), cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    return site_dir


@pytest.fixture(scope="module")
def offline_site(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("recherche-zip")
    command = [sys.executable, "-m", "fichotheque", "--root", str(ROOT), "mirror", "--no-pdf",
               "-q", "--output", str(output), "--date", DAY]
    result = subprocess.run(command, capture_output=True, text=True, env=_env())
    assert result.returncode == 0, result.stdout + result.stderr
    folder = tmp_path_factory.mktemp("recherche-cle-usb")
    with zipfile.ZipFile(output / f"fichotheque-{DAY}.zip") as archive:
        archive.extractall(folder)
    return folder


def type_query(page, query: str) -> None:
    box = page.locator("input.md-search__input")
    box.click()
    box.fill("")
    page.keyboard.type(query, delay=15)


def settled_results(page) -> list:
    """The result links once they stop changing (results follow each keystroke)."""
    page.wait_for_selector(RESULT_LINKS, timeout=15000)
    previous, stable = None, 0
    for _ in range(60):
        hrefs = page.locator(RESULT_LINKS).evaluate_all(
            "links => links.map(a => a.getAttribute('href'))")
        stable = stable + 1 if hrefs == previous else 0
        if stable >= 3:
            break
        previous = hrefs
        page.wait_for_timeout(100)
    return page.locator(RESULT_LINKS).all()


def check_fiche_results(page, query: str, fiche: str) -> None:
    type_query(page, query)
    links = settled_results(page)
    first = links[0]
    assert fiche in first.get_attribute("href"), [a.get_attribute("href") for a in links[:5]]
    text = first.inner_text()
    assert re.search(r"Niveau : (Débutant|Intermédiaire|Avancé)", text), text
    assert re.search(r"Durée : \d+ (min|h)", text), text
    # Words are never shown as stems (« arnaqu », « declar », « telephon »).
    shown = page.locator(".md-search-result").inner_text()
    assert not re.search(r"\b(arnaqu|declar|telephon|impot)\b", shown), shown


def test_online_results_show_level_duration_and_no_stems(online_site, serve, new_page):
    url = serve(online_site)
    page = new_page(allowed=(url,))
    page.goto(url)
    check_fiche_results(page, "arnaques par téléphone", "securite/reconnaitre-hameconnage")
    check_fiche_results(page, "déclarer ses impôts en ligne", "services-publics/impots-declaration")
    # how to reach the results is said, and tied to the field; the count is announced
    field = page.locator("input.md-search__input")
    assert "recherche-consigne" in field.get_attribute("aria-describedby").split()
    guide = page.locator("#recherche-consigne")
    assert guide.is_visible() and "Flèches haut et bas" in guide.inner_text()
    assert page.locator(".md-search-result__meta").get_attribute("role") == "status"
    wait_search_still(page)
    field.press("ArrowDown")  # the arrow reaches the first result, Enter opens it
    field.press("Enter")
    page.wait_for_url("**/impots-declaration/**")
    assert page.foreign_requests == []


def test_no_result_offers_the_catalogue_and_the_quiz(online_site, serve, new_page):
    url = serve(online_site)
    page = new_page(allowed=(url,))
    page.goto(url + "fiches/securite/mots-de-passe/")
    type_query(page, "zorglub blabla")
    help_block = page.locator(".md-search-result .recherche-aide")
    help_block.wait_for(timeout=15000)
    assert "zorglub blabla" in help_block.inner_text()
    hrefs = help_block.locator("a").evaluate_all("links => links.map(a => a.href)")
    assert any(h.endswith("/catalogue/") for h in hrefs), hrefs
    assert any(h.endswith("/positionnement/") for h in hrefs), hrefs
    for href in hrefs:  # both pages exist
        assert page.request.get(href).ok, href
    # The arrow keys reach the help's links, as they reach results.
    wait_search_still(page)
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("document.activeElement.href || ''")
    assert focused in hrefs
    # A query that finds something removes the help.
    type_query(page, "impots")
    settled_results(page)
    assert help_block.count() == 0


def test_offline_search_from_file_finds_the_fiche_with_details(offline_site, new_page):
    page = new_page(allowed=("file://",))
    page.goto((offline_site / "index.html").as_uri())
    check_fiche_results(page, "impots", "services-publics/impots-declaration")
    check_fiche_results(page, "email", "messagerie/")
    type_query(page, "zorglub")
    help_block = page.locator(".md-search-result .recherche-aide")
    help_block.wait_for(timeout=15000)
    hrefs = help_block.locator("a").evaluate_all("links => links.map(a => a.href)")
    assert any(h.endswith("/catalogue/index.html") for h in hrefs), hrefs
    assert page.foreign_requests == []
