"""Accessibility (RGAA / WCAG 2.1 AA) checked with axe-core in headless Chromium, plus the
things axe cannot see: keyboard use, visible focus, skip link, page weight.

axe-core comes bundled in `axe-playwright-python` and is injected with `page.evaluate`: the
check itself makes no network request (the page guard would record it).
"""

from __future__ import annotations

import gzip
import itertools

import pytest
from axe_playwright_python.sync_playwright import Axe

from e2e.waits import wait_address_has, wait_animations_done

PAGES = [
    "",
    "catalogue/",
    "fiches/securite/mots-de-passe/",
    "fiches/services-publics/impots-declaration/",
    "fiches/securite/",
    "fiches/",
    "tags/",
    "donnees-ouvertes/",
    "accessibilite/",
    "a-propos/",
    "badges/obtenir/",
    "badges/verifier/",
    "parcours/",
    "parcours/premiers-pas-smartphone/",
    "positionnement/",
]
BLOCKING = {"serious", "critical"}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
MAX_FICHE_BYTES = 500 * 1024


def axe_violations(page) -> list[dict]:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS},
                                       "resultTypes": ["violations"]})
    return results.response["violations"]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        targets = [", ".join(n["target"]) for n in v["nodes"][:4]]
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} → {targets}")
    return "\n".join(lines)


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_or_critical_axe_violation(site_server, built_site, new_page, path, scheme):
    if not (built_site / path / "index.html").is_file():
        pytest.fail(f"page absente du site construit : {path}")
    page = new_page(allowed=(site_server.url,), color_scheme=scheme)
    page.goto(site_server.url + path)
    page.wait_for_load_state("networkidle")
    wait_animations_done(page)
    blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING]
    assert not blocking, describe(blocking)
    assert page.foreign_requests == []


def test_pages_are_in_french_with_one_h1_and_ordered_headings(site_server, new_page):
    page = new_page(allowed=(site_server.url,))
    for path in ("", "catalogue/", "fiches/securite/mots-de-passe/", "accessibilite/"):
        page.goto(site_server.url + path)
        assert page.locator("html").get_attribute("lang") == "fr"
        levels = page.locator("article h1, article h2, article h3, article h4").evaluate_all(
            "hs => hs.map(h => Number(h.tagName[1]))")
        assert levels.count(1) == 1 and levels[0] == 1, (path, levels)
        for before, after in itertools.pairwise(levels):
            assert after <= before + 1, (path, levels)  # no skipped level


def test_skip_link_is_first_and_visible_on_focus(site_server, new_page):
    page = new_page(allowed=(site_server.url,))
    page.goto(site_server.url + "fiches/securite/mots-de-passe/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Aller au contenu"
    box = page.locator(".md-skip").bounding_box()
    assert box and box["width"] > 0 and box["y"] >= 0
    page.keyboard.press("Enter")
    assert wait_address_has(page, "#objectif").endswith("#objectif")


def test_focus_is_visible_on_keyboard_navigation(site_server, new_page):
    page = new_page(allowed=(site_server.url,))
    page.goto(site_server.url + "catalogue/")
    page.locator("#filtre-module").focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    outline = page.evaluate("""() => {
        const s = getComputedStyle(document.activeElement);
        return [document.activeElement.id, s.outlineStyle, parseFloat(s.outlineWidth)];
    }""")
    assert outline[0] == "filtre-module"
    assert outline[1] != "none" and outline[2] >= 2, outline


def test_fiche_page_can_be_used_with_the_keyboard_only(site_server, new_page):
    """Tab reaches the PDF download and the copy button, in document order."""
    page = new_page(allowed=(site_server.url,))
    page.goto(site_server.url + "fiches/securite/mots-de-passe/")
    reached = []
    for _ in range(60):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.textContent.trim()"))
        if reached[-1] == "Copier la mention":
            break
    assert "Télécharger la fiche (PDF)" in reached
    assert reached[-1] == "Copier la mention"


def test_images_have_text_alternatives(site_server, new_page):
    page = new_page(allowed=(site_server.url,))
    for path in ("", "fiches/securite/mots-de-passe/", "fiches/bureautique/"):
        page.goto(site_server.url + path)
        missing = page.locator("img:not([alt])").count()
        assert missing == 0, path


def test_a_fiche_page_is_light_on_a_cold_load(site_server, new_page, capsys):
    """Sum of response bodies (our test server does not compress; a host that gzips sends
    about a third of it, printed too). The search index is only fetched once search opens."""
    page = new_page(allowed=(site_server.url,))
    sizes: dict[str, int] = {}
    gzipped: dict[str, int] = {}

    def record(response):
        try:
            body = response.body()
        except Exception:  # redirects and aborted requests have no body
            body = b""
        sizes[response.url] = len(body)
        gzipped[response.url] = len(gzip.compress(body)) if body else 0

    page.on("response", record)
    page.goto(site_server.url + "fiches/securite/mots-de-passe/")
    page.wait_for_load_state("networkidle")
    total = sum(sizes.values())
    with capsys.disabled():
        print(f"\nPage de fiche, chargement à froid : {total / 1024:.0f} Kio "
              f"({sum(gzipped.values()) / 1024:.0f} Kio compressés en gzip) "
              f"en {len(sizes)} fichiers")
    assert total < MAX_FICHE_BYTES, sorted(sizes.items(), key=lambda kv: -kv[1])[:5]
    assert not any("search_index" in url for url in sizes)
    assert page.foreign_requests == []
