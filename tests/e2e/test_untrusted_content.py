"""Hostile fiches, forced through the build, run nothing in a real browser; every fiche page
offers « Proposer une modification » and « Signaler une erreur »."""

from __future__ import annotations

import pytest
from web.test_sanitize import ATTACKS, build_hostile_site


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    return build_hostile_site(tmp_path_factory.mktemp("hostile-e2e"))


@pytest.fixture
def hostile_url(hostile_site, serve):
    return serve(hostile_site)


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_hostile_fiche_runs_nothing(hostile_url, new_page, name):
    page = new_page(allowed=(hostile_url,))
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{hostile_url}fiches/securite/{name.removesuffix('.md')}/")
    page.wait_for_load_state("networkidle")
    article = page.locator("article")
    for element in article.locator("a, img, abbr, kbd, summary, p").all()[:60]:
        if element.is_visible():
            element.hover()
    for summary in article.locator("summary").all():
        summary.click()
    page.keyboard.press("Tab")
    page.wait_for_timeout(200)
    assert dialogs == []
    assert page.foreign_requests == []
    assert page.evaluate("document.querySelectorAll('article script, article iframe').length") == 0


def test_contribution_links_are_visible_and_reachable(site_server, new_page):
    page = new_page(allowed=(site_server.url,))
    page.goto(f"{site_server.url}fiches/securite/mots-de-passe/")
    edit = page.get_by_role("link", name="Proposer une modification")
    report = page.get_by_role("link", name="Signaler une erreur")
    for link in (edit, report):
        link.scroll_into_view_if_needed()
        assert link.is_visible()
    assert edit.get_attribute("href").endswith("/edit/main/fiches/securite/mots-de-passe.md")
    assert "/issues/new?title=" in report.get_attribute("href")
    edit.focus()
    assert page.evaluate("document.activeElement.textContent").strip() == (
        "Proposer une modification")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Signaler une erreur"
