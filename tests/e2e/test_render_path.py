"""The render path on a phone: no script or print stylesheet holds the first paint, and the
catalogue does not jump when its script runs (Lighthouse itself is in benchmarks/lighthouse.py).
"""

from __future__ import annotations

import pytest

PAGES = ("", "catalogue/", "fiches/securite/mots-de-passe/")
PHONE = {"width": 390, "height": 844}

# Sum of the layout shifts not caused by the visitor (what CLS adds up), from the page's start.
WATCH_SHIFTS = """
window.__shifts = [];
new PerformanceObserver(list => {
  for (const entry of list.getEntries()) {
    if (!entry.hadRecentInput) window.__shifts.push(entry.value);
  }
}).observe({type: "layout-shift", buffered: true});
"""


@pytest.mark.parametrize("path", PAGES)
def test_every_script_is_deferred(site_server, new_page, path):
    page = new_page(allowed=(site_server.url,), viewport=PHONE)
    page.goto(site_server.url + path)
    scripts = page.evaluate("""() => Array.from(document.querySelectorAll("script[src]"),
        s => ({src: s.getAttribute("src"), head: !!s.closest("head"),
               waits: s.defer || s.async || s.type === "module"}))""")
    ours = [s["src"] for s in scripts]
    assert any("bundle." in src for src in ours), ours  # Material's, deferred too
    assert any("fichotheque-site.js" in src for src in ours), ours
    assert any("fichotheque-clavier.js" in src for src in ours), ours
    blocking = [s["src"] for s in scripts if not s["waits"]]
    assert blocking == [], f"scripts qui bloquent l'affichage : {blocking}"


@pytest.mark.parametrize("path", PAGES)
def test_print_stylesheet_does_not_block_the_screen(site_server, new_page, path):
    page = new_page(allowed=(site_server.url,), viewport=PHONE)
    page.goto(site_server.url + path)
    links = page.evaluate("""() => Array.from(document.querySelectorAll("link[rel=stylesheet]"),
        l => ({href: l.getAttribute("href"), media: l.media}))""")
    printing = [link for link in links if "fichotheque-print.css" in link["href"]]
    assert printing and all(link["media"] == "print" for link in printing), links
    # Our screen stylesheets are there, for every media.
    screen = {link["href"].rsplit("/", 1)[-1] for link in links if link["media"] in ("", "all")}
    assert {"fichotheque.css", "fichotheque-site.css"} <= screen, links


def test_download_buttons_keep_their_layout(site_server, new_page):
    """Their screen rules moved out of the print stylesheet (now print only)."""
    page = new_page(allowed=(site_server.url,), viewport=PHONE)
    page.goto(site_server.url + "fiches/securite/mots-de-passe/")
    downloads = page.locator(".fiche-telechargements")
    assert downloads.evaluate("e => getComputedStyle(e).display") == "flex"
    page.emulate_media(media="print")
    assert downloads.evaluate("e => getComputedStyle(e).display") == "none"


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 900}],
                         ids=["telephone", "ordinateur"])
def test_catalogue_does_not_shift_while_loading(site_server, new_page, viewport):
    page = new_page(allowed=(site_server.url,), viewport=viewport)
    page.add_init_script(WATCH_SHIFTS)
    page.goto(site_server.url + "catalogue/", wait_until="load")
    page.locator("#catalogue-filtres").wait_for(state="visible")
    page.wait_for_load_state("networkidle")
    # Two frames after the scripts have run, so that any late shift is reported.
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    page.wait_for_timeout(300)
    shifts = page.evaluate("window.__shifts")
    assert sum(shifts) < 0.02, shifts
    assert "premières sont affichées" in page.locator("#catalogue-compte").inner_text()
    assert page.locator("#catalogue-tout").is_visible()


def test_catalogue_filters_are_painted_with_the_page(site_server, new_page):
    """The filter form is in its final place from the first paint, not shown by the script."""
    page = new_page(allowed=(site_server.url,), viewport=PHONE)
    page.route("**/fichotheque-site.js", lambda route: route.abort())  # the script never runs
    page.goto(site_server.url + "catalogue/")
    assert page.locator("#catalogue-filtres").is_visible()
    # the count and the « show the others » button are already what the script will write
    before = page.locator("#catalogue-compte").inner_text()
    assert page.locator("#catalogue-tout").is_visible()
    after = new_page(allowed=(site_server.url,), viewport=PHONE)
    after.goto(site_server.url + "catalogue/")
    after.wait_for_load_state("networkidle")
    assert after.locator("#catalogue-compte").inner_text() == before, before
