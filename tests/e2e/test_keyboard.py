"""Keyboard journeys in headless Chromium (issue 21, items 1, 3, 4 and 6).

A small site (three fiches, with their PDFs) is built once for this module and used at four
sizes:

- 1280 px (a laptop: Material's full layout, navigation in tabs and sidebar);
- 1024 px (a tablet in landscape: the navigation is in the menu, the « drawer »);
- 390 px (a phone);
- « 200 % »: a 1280 × 800 screen with the browser zoomed to 200 %. Zooming divides the CSS
  viewport by two and doubles the size of each CSS pixel, so it is emulated with a 640 × 400
  viewport and `device_scale_factor=2`. Material's breakpoints are in `em`, which zoom scales
  the same way, so this gives the phone-like layout a zoomed reader really gets.

Only the keyboard is used: Tab, Shift+Tab, Enter, Space, Escape, arrows.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from conftest import fiche_text, make_project, run_build, small_corpus

from e2e.waits import address, search_state, wait_address_has, wait_search_still

SIZES = {
    "1280": {"viewport": {"width": 1280, "height": 800}},
    "1024": {"viewport": {"width": 1024, "height": 768}},
    "390": {"viewport": {"width": 390, "height": 844}},
    "200%": {"viewport": {"width": 640, "height": 400}, "device_scale_factor": 2},
}
WITH_MENU = ["1024", "390", "200%"]  # below 1220 CSS px the navigation is in the menu
FICHE = "fiches/securite/mots-de-passe/"
LONG_LINE = "https://www.service-public.fr/particuliers/vosdroits/" + "une-adresse-tres-longue-" * 4

ACTIVE = """() => {
  const e = document.activeElement;
  const r = e.getBoundingClientRect();
  return {
    tag: e.tagName.toLowerCase(),
    name: (e.getAttribute('aria-label') || e.textContent || '').trim().replace(/\\s+/g, ' '),
    href: e.getAttribute('href') || '',
    id: e.id,
    inMenu: !!e.closest('.md-sidebar--primary'),
    scrollwrap: !!e.closest('.md-search__scrollwrap'),
    headerlink: e.classList.contains('headerlink'),
    // Material's colour-scheme switch is a 0 × 0 radio button drawn by its label
    visible: e.classList.contains('md-option')
      ? getComputedStyle(e.nextElementSibling).visibility === 'visible'
      : getComputedStyle(e).visibility === 'visible' && r.width > 0 && r.height > 0,
    inView: r.right > 0 && r.left < innerWidth,
  };
}"""


@pytest.fixture(scope="module")
def keyboard_site(tmp_path_factory):
    base = tmp_path_factory.mktemp("clavier")
    files = small_corpus()
    files["fiches/securite/verrouiller.md"] = fiche_text(
        title="Verrouiller son téléphone", description="Un code pour protéger son téléphone.",
        body=fiche_text().split("---\n", 2)[2].replace(
            "## Exercice\n", f"## Exercice\n\nRecopier cette adresse :\n\n```\n{LONG_LINE}\n```\n"))
    project = make_project(base / "projet", files)
    result = run_build(project, base / "site", env={"FICHOTHEQUE_PDF": "1"})
    assert result.returncode == 0, result.stdout + result.stderr
    return base / "site"


@pytest.fixture
def open_page(keyboard_site, serve, new_page):
    """`page = open_page(size, path)`: the page loaded at one of SIZES, nothing focused."""
    url = serve(keyboard_site)

    def make(size: str, path: str = FICHE, **context):
        page = new_page(allowed=(url,), **SIZES[size], **context)
        page.site_url = url
        page.goto(url + path)
        page.wait_for_load_state("networkidle")
        return page

    return make


def active(page) -> dict:
    return page.evaluate(ACTIVE)


def tab_until(page, found, limit: int = 40, key: str = "Tab") -> list[dict]:
    """Press Tab until `found(active)` holds; every stop on the way, the last one included."""
    stops = []
    for _ in range(limit):
        page.keyboard.press(key)
        stops.append(active(page))
        if found(stops[-1]):
            return stops
    raise AssertionError(f"non atteint en {limit} appuis sur {key} : "
                         + " | ".join(s["name"][:30] for s in stops))


def drawer_open(page) -> bool:
    return page.evaluate("document.getElementById('__drawer').checked")


def search_open(page) -> bool:
    return page.evaluate("document.getElementById('__search').checked")


# -- 1. the menu ---------------------------------------------------------------------------------
@pytest.mark.parametrize("size", WITH_MENU)
def test_menu_opens_and_closes_with_the_keyboard(open_page, size):
    page = open_page(size)
    stops = tab_until(page, lambda a: a["name"] == "Menu", limit=5)
    assert stops[-1]["tag"] == "button" and stops[-1]["visible"]
    button = page.locator("button[aria-label='Menu']")
    assert button.get_attribute("aria-expanded") == "false"

    page.keyboard.press("Enter")
    assert drawer_open(page)
    assert button.get_attribute("aria-expanded") == "true"
    page.wait_for_function("document.activeElement.closest('.md-sidebar--primary')")
    first = active(page)
    assert first["name"] == "Fermer le menu" and first["visible"]
    # the drawer slides in (a quarter of a second): wait until it has arrived
    page.wait_for_function(
        "document.querySelector('.md-sidebar--primary').getBoundingClientRect().left >= -1")
    # focus stays in the open menu, on links one can see
    for stop in tab_until(page, lambda a: a["name"] == "Accueil", limit=6):
        assert stop["inMenu"] and stop["visible"] and stop["inView"], stop
    for _ in range(30):
        page.keyboard.press("Tab")
        assert active(page)["inMenu"], active(page)

    page.keyboard.press("Escape")
    assert not drawer_open(page)
    assert active(page)["name"] == "Menu"
    assert button.get_attribute("aria-expanded") == "false"

    page.keyboard.press(" ")  # Space opens it too, and « Fermer le menu » closes it
    assert drawer_open(page)
    page.wait_for_function("document.activeElement.textContent.trim() === 'Fermer le menu'")
    page.keyboard.press("Enter")
    assert not drawer_open(page) and active(page)["name"] == "Menu"


def test_wide_screen_shows_the_navigation_without_a_menu_button(open_page):
    page = open_page("1280")
    assert not page.locator("button[aria-label='Menu']").is_visible()
    stops = tab_until(page, lambda a: a["name"] == "Catalogue", limit=12)
    assert all(s["visible"] for s in stops[1:]), stops  # after the skip link, all visible


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("path", ["", FICHE, "catalogue/"])
def test_no_tab_stop_is_hidden(open_page, size, path):
    """The closed menu, the closed search's results and « ¶ » links take no Tab stop."""
    page = open_page(size, path)
    seen = []
    for _ in range(120):
        page.keyboard.press("Tab")
        stop = active(page)
        if stop["tag"] == "body" or (seen and stop["name"] == "Aller au contenu"):
            break
        seen.append(stop)
        assert not stop["scrollwrap"], stop
        assert not stop["headerlink"], stop
        if size in WITH_MENU:
            assert not stop["inMenu"], f"lien du menu fermé atteint : {stop}"
    assert len(seen) > 5
    assert not drawer_open(page)


def test_menu_panels_open_and_close_with_the_keyboard(open_page):
    page = open_page("390")
    tab_until(page, lambda a: a["name"] == "Menu", limit=5)
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.closest('.md-sidebar--primary')")
    opener = tab_until(page, lambda a: a["name"] == "Ouvrir la rubrique « Fiches »", limit=8)[-1]
    assert opener["tag"] == "label"
    label = page.locator("label[aria-label='Ouvrir la rubrique « Fiches »']")
    assert label.get_attribute("aria-expanded") == "false"
    page.keyboard.press("Enter")
    assert label.get_attribute("aria-expanded") == "true"
    page.wait_for_function("document.activeElement.getAttribute('aria-label')"
                           " && document.activeElement.getAttribute('aria-label')"
                           ".startsWith('Revenir au menu précédent')")
    stops = tab_until(page, lambda a: a["name"] == "Messagerie", limit=4)
    assert [s["name"] for s in stops] == ["Sécurité numérique", "Messagerie"]
    page.keyboard.press("Tab")  # the items the panel covers are skipped: back to the top
    assert active(page)["name"] == "Fermer le menu"
    page.keyboard.press("Tab")
    page.keyboard.press(" ")  # « Revenir au menu précédent »
    assert label.get_attribute("aria-expanded") == "false"
    assert active(page)["name"] == "Ouvrir la rubrique « Fiches »"


# -- 3. single-key shortcuts ------------------------------------------------------------------
@pytest.mark.parametrize("size", ["1280", "390"])
def test_single_keys_do_nothing(open_page, size):
    page = open_page(size, "catalogue/")
    assert page.locator("link[rel=next]").count() == 1  # « n » would follow it
    assert page.locator("link[rel=prev]").count() == 1  # « p » would follow it
    before = address(page)
    page.locator("h1").first.click()  # focus on the page, not in a field
    for key in ("f", "s", "/", "n", "p", ".", ","):
        page.keyboard.press(key)
        page.wait_for_timeout(150)
        assert address(page) == before, key
        assert not search_open(page), key
        assert "md-search__input" not in (page.evaluate("document.activeElement.className") or "")


def test_keys_still_type_in_fields_and_drive_the_open_search(open_page):
    page = open_page("1280", "")
    field = page.locator("#accueil-recherche-champ")
    field.focus()
    page.keyboard.type("fps/n.")
    assert field.input_value() == "fps/n."
    page.locator("input.md-search__input").focus()
    # Material opens the dialog from its focus stream, debounced: not before the next tick
    page.wait_for_function("document.getElementById('__search').checked", timeout=10000)
    page.keyboard.type("passe")
    page.locator(".md-search-result__link").first.wait_for(timeout=10000)
    wait_search_still(page)
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.classList.contains('md-search-result__link')"), \
        search_state(page)
    page.keyboard.press("Escape")
    assert not search_open(page)


# -- journeys -------------------------------------------------------------------------------------
# Results may be shown for the words typed so far, then refined once the word files of the
# whole query arrive (web/search_split.py), and the dialog fades in: a key pressed while the
# list is being replaced lands on an element that is gone. A person looks at the list before
# pressing an arrow; the tests wait for the open dialog, its results and the end of the fade.
@pytest.mark.parametrize("size", list(SIZES))
def test_from_home_to_a_fiche_through_search(open_page, size):
    page = open_page(size, "")
    tab_until(page, lambda a: a["id"] == "accueil-recherche-champ", limit=20)
    page.keyboard.type("hameçonnage")
    page.keyboard.press("Enter")  # the home form hands the words to the site's search
    page.wait_for_function("document.querySelector('.md-search-result a[href*=\"hameconnage\"]')",
                           timeout=10000)
    wait_search_still(page)
    for _ in range(6):
        page.keyboard.press("ArrowDown")
        if "hameconnage" in active(page)["href"]:
            break
    assert "hameconnage" in active(page)["href"], search_state(page)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlparse(page.url).path.rstrip("/").endswith("fiches/securite/hameconnage")
    assert page.locator("h1").first.inner_text() == "Reconnaître l'hameçonnage"


@pytest.mark.parametrize("size", list(SIZES))
def test_the_fiche_pdf_downloads_with_the_keyboard(open_page, size):
    page = open_page(size)
    # at 1280 px the fiche's table of contents comes first
    tab_until(page, lambda a: a["name"] == "Télécharger la fiche (PDF)", limit=50)
    assert active(page)["visible"]
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    download = info.value
    assert download.suggested_filename == "mots-de-passe.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


@pytest.mark.parametrize("size", list(SIZES))
def test_catalogue_filters_with_the_keyboard(open_page, size):
    page = open_page(size, "catalogue/")
    rows = page.locator("#catalogue-table tbody tr:not([hidden])")
    assert rows.count() == 4
    tab_until(page, lambda a: a["id"] == "filtre-module", limit=20)
    page.keyboard.press("ArrowDown")  # first module after « Tous les modules »
    page.wait_for_function("document.querySelectorAll('#catalogue-table tbody tr:not([hidden])')"
                           ".length < 4")
    wait_address_has(page, "module=")
    count = page.locator("#catalogue-compte").inner_text()
    assert "correspond" in count, count
    tab_until(page, lambda a: a["id"] == "filtre-niveau", limit=3)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # « Intermédiaire »
    wait_address_has(page, "niveau=intermediaire")
    stops = tab_until(page, lambda a: a["name"] == "Effacer les filtres", limit=12)
    assert all(s["visible"] for s in stops)
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelectorAll('#catalogue-table tbody tr:not([hidden])')"
                           ".length === 4")
    link = tab_until(page, lambda a: "fiches/" in a["href"], limit=10)[-1]
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.rstrip("/").endswith(link["href"].strip("./").rstrip("/"))


# -- 4 and 6: anchors without « ¶ », code blocks that scroll --------------------------------------
def test_headings_keep_their_anchors_without_permalink_symbols(open_page):
    page = open_page("1280", FICHE + "#deroule")
    assert page.locator("h2#deroule").count() == 1
    assert page.locator(".headerlink").count() == 0
    assert page.evaluate("document.getElementById('deroule').getBoundingClientRect().top") < 200


@pytest.mark.parametrize("size", ["390", "200%"])
def test_a_wide_code_block_scrolls_with_the_keyboard(open_page, size):
    page = open_page(size, "fiches/securite/verrouiller/")
    stop = tab_until(page, lambda a: a["tag"] == "code", limit=40)[-1]
    code = page.locator(".md-typeset pre > code").first
    assert code.get_attribute("role") == "region" and code.get_attribute("aria-label")
    assert stop["visible"]
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("document.querySelector('.md-typeset pre > code').scrollLeft > 0")


def test_the_table_of_contents_in_the_menu_leads_to_the_section(open_page):
    """Below 960 px a page's table of contents sits in the menu (« À propos » has one)."""
    page = open_page("390", "a-propos/")
    tab_until(page, lambda a: a["name"] == "Menu", limit=5)
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.closest('.md-sidebar--primary')")
    tab_until(page, lambda a: a["name"].startswith("Ouvrir la table des matières"), limit=25)
    page.keyboard.press("Enter")
    page.wait_for_function("(document.activeElement.getAttribute('aria-label') || '')"
                           ".startsWith('Revenir au menu précédent')")
    page.keyboard.press("Tab")
    section = active(page)
    assert section["href"].startswith("#") and section["visible"], section
    page.keyboard.press("Enter")
    page.wait_for_function("!document.getElementById('__drawer').checked")
    page.wait_for_function("document.activeElement.id === location.hash.slice(1)")
    assert "#" + active(page)["id"] == section["href"]
