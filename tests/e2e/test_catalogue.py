"""The catalogue page in headless Chromium: filters, sorting, count, and life without JS."""

from __future__ import annotations

from conftest import ROOT

from e2e.waits import wait_address_has
from fichotheque.content.loading import load_corpus
from fichotheque.web.catalogue import FIRST_ROWS

CORPUS = load_corpus(ROOT)
DISPLAYED = "#catalogue-table tbody tr:not([hidden]):not([data-au-dela])"


def visible_rows(page):
    """Rows that match the filters: on screen, or set aside after the first ones."""
    return page.locator("#catalogue-table tbody tr:not([hidden])")


def visible_titles(page) -> list[str]:
    return visible_rows(page).locator("td:first-child a").all_inner_texts()


def open_catalogue(page, base_url: str, query: str = ""):
    page.goto(base_url + "catalogue/" + query)
    page.locator("#catalogue-filtres").wait_for(state="visible")


def test_every_fiche_is_listed_and_counted(site_server, new_page):
    """The first rows are shown, the count says how many there are, the button shows the rest."""
    total = len(CORPUS.fiches)
    assert total > FIRST_ROWS  # the real corpus exercises the folded list
    page = new_page(allowed=(site_server.url,))
    open_catalogue(page, site_server.url)
    assert page.locator(DISPLAYED).count() == FIRST_ROWS
    count = page.locator("#catalogue-compte")
    rest = total - FIRST_ROWS
    assert count.inner_text() == (f"{total} fiches. Les {FIRST_ROWS} premières sont affichées ; "
                                  f"le bouton sous la liste montre les {rest} autres.")
    assert count.get_attribute("aria-live") == "polite"
    button = page.get_by_role("button", name=f"Afficher les {rest} autres fiches")
    button.click()
    assert page.locator(DISPLAYED).count() == total
    assert not button.is_visible()
    assert count.inner_text() == f"Toutes les fiches sont affichées ({total})."
    # the focus goes to the first fiche that appeared, where the button was
    focused = page.evaluate("document.activeElement.closest('tr').dataset.ordre")
    assert focused == str(FIRST_ROWS + 1)
    titles = page.locator(DISPLAYED).locator("td:first-child a").all_inner_texts()
    assert sorted(titles) == sorted(f.title for f in CORPUS.fiches)
    page.wait_for_load_state("networkidle")
    assert page.foreign_requests == []


def test_a_filter_shows_its_first_matches_and_a_button_for_the_others(site_server, new_page):
    page = new_page(allowed=(site_server.url,))
    open_catalogue(page, site_server.url)
    wide = [f for f in CORPUS.fiches if "grand-public" in f.audience]
    assert len(wide) > FIRST_ROWS
    page.get_by_label("Public").select_option("grand-public")
    assert visible_rows(page).count() == len(wide)
    assert page.locator(DISPLAYED).count() == FIRST_ROWS
    rest = len(wide) - FIRST_ROWS
    assert page.get_by_role("button", name=f"Afficher les {rest} autres fiche").is_visible()
    narrow = [f for f in wide if f.module == "securite"]
    assert 0 < len(narrow) <= FIRST_ROWS
    page.get_by_label("Module").select_option("securite")
    assert page.locator(DISPLAYED).count() == len(narrow)
    assert not page.locator("#catalogue-tout").is_visible()


def test_printing_the_catalogue_prints_every_matching_fiche(site_server, new_page):
    page = new_page(allowed=(site_server.url,))
    open_catalogue(page, site_server.url)
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    page.emulate_media(media="print")
    shown = page.locator("#catalogue-table tbody tr").evaluate_all(
        "rows => rows.filter(r => getComputedStyle(r).display !== 'none').length")
    assert shown == len(CORPUS.fiches)
    assert not page.locator("#catalogue-tout").is_visible()


def test_filters_narrow_the_list(site_server, new_page):
    page = new_page(allowed=(site_server.url,))
    open_catalogue(page, site_server.url)
    page.get_by_label("Module").select_option("securite")
    expected = [f.title for f in CORPUS.fiches if f.module == "securite"]
    assert sorted(visible_titles(page)) == sorted(expected)
    count = page.locator("#catalogue-compte").inner_text()
    assert f"{len(expected)} fiches correspondent" in count, count

    page.get_by_label("Niveau").select_option("intermediaire")
    expected = [f.title for f in CORPUS.fiches
                if f.module == "securite" and f.level == "intermediaire"]
    assert expected and sorted(visible_titles(page)) == sorted(expected)

    page.get_by_role("button", name="Effacer les filtres").click()
    page.wait_for_function("document.querySelectorAll('#catalogue-table tbody tr[hidden]')"
                           ".length === 0")
    assert visible_rows(page).count() == len(CORPUS.fiches)


def test_duration_audience_competence_and_tag_filters(site_server, new_page):
    page = new_page(allowed=(site_server.url,))
    open_catalogue(page, site_server.url)
    page.locator("#filtre-duree-min").fill("70")
    page.locator("#filtre-duree-max").fill("80")
    expected = [f.title for f in CORPUS.fiches if 70 <= f.duration <= 80]
    assert expected and sorted(visible_titles(page)) == sorted(expected)
    page.locator("#filtre-duree-min").fill("")
    page.locator("#filtre-duree-max").fill("")

    page.get_by_label("Public").select_option("professionnels")
    expected = [f.title for f in CORPUS.fiches if "professionnels" in f.audience]
    assert expected and sorted(visible_titles(page)) == sorted(expected)
    page.get_by_label("Public").select_option("")

    page.get_by_label("Compétence").select_option("clea:4")
    expected = [f.title for f in CORPUS.fiches if "clea:4" in f.competences]
    assert expected and sorted(visible_titles(page)) == sorted(expected)
    page.get_by_label("Compétence").select_option("")

    page.get_by_label("Mot-clé").select_option(label="arnaque")
    expected = [f.title for f in CORPUS.fiches if "arnaque" in f.tags]
    assert expected and sorted(visible_titles(page)) == sorted(expected)


def test_no_match_says_so(site_server, new_page):
    page = new_page(allowed=(site_server.url,))
    open_catalogue(page, site_server.url)
    page.locator("#filtre-duree-min").fill("500")
    assert visible_rows(page).count() == 0
    assert page.locator("#catalogue-vide").is_visible()
    assert "0 fiche correspond" in page.locator("#catalogue-compte").inner_text()


def test_sorting_by_duration_title_and_date(site_server, new_page):
    page = new_page(allowed=(site_server.url,))
    open_catalogue(page, site_server.url)
    page.get_by_label("Trier par").select_option("duree")
    durations = [int(d) for d in visible_rows(page).evaluate_all(
        "rows => rows.map(r => r.dataset.duree)")]
    assert durations == sorted(durations) and len(durations) == len(CORPUS.fiches)
    page.get_by_label("Trier par").select_option("titre")
    keys = visible_rows(page).evaluate_all("rows => rows.map(r => r.dataset.titre)")
    initials = [k[0] for k in keys]  # localeCompare and Python differ on punctuation only
    assert initials == sorted(initials) and initials[0] != initials[-1]
    page.get_by_label("Trier par").select_option("maj")
    dates = visible_rows(page).evaluate_all("rows => rows.map(r => r.dataset.maj)")
    assert dates == sorted(dates, reverse=True)


def test_filters_are_kept_in_the_address(site_server, new_page):
    page = new_page(allowed=(site_server.url,))
    open_catalogue(page, site_server.url, "?module=bureautique&tri=duree")
    expected = [f.title for f in CORPUS.fiches if f.module == "bureautique"]
    assert sorted(visible_titles(page)) == sorted(expected)
    page.get_by_label("Module").select_option("messagerie")
    wait_address_has(page, "module=messagerie")


def test_without_javascript_the_full_list_is_there(site_server, new_page):
    page = new_page(allowed=(site_server.url,), java_script_enabled=False)
    page.goto(site_server.url + "catalogue/")
    rows = page.locator("table.catalogue-table tbody tr")  # the first rows, then « (suite) »
    assert rows.count() == len(CORPUS.fiches)
    assert all(rows.nth(i).is_visible() for i in (0, FIRST_ROWS, len(CORPUS.fiches) - 1))
    assert not page.locator("#catalogue-filtres").is_visible()  # no filter that cannot work
    assert not page.locator("#catalogue-tout").is_visible()  # no button that cannot work
    first = rows.first.locator("a")
    assert first.get_attribute("href").startswith("../fiches/")
    assert "fiches" in page.locator("#catalogue-compte").inner_text()


def test_reuse_block_copies_the_attribution(site_server, new_page):
    page = new_page(allowed=(site_server.url,), permissions=["clipboard-read", "clipboard-write"])
    page.goto(site_server.url + "fiches/securite/mots-de-passe/")
    mention = page.locator("#mention-mots-de-passe").inner_text()
    assert mention.startswith("« Créer un mot de passe solide")
    page.get_by_role("button", name="Copier la mention").click()
    page.wait_for_function("navigator.clipboard.readText().then(t => t.length > 0)")
    assert page.evaluate("navigator.clipboard.readText()").strip() == mention.strip()


def test_reuse_block_is_plain_text_without_javascript(site_server, new_page):
    page = new_page(allowed=(site_server.url,), java_script_enabled=False)
    page.goto(site_server.url + "fiches/securite/mots-de-passe/")
    assert "sous licence CC BY-SA 4.0" in page.locator("#mention-mots-de-passe").inner_text()
    assert page.get_by_role("button", name="Copier la mention").count() == 0
