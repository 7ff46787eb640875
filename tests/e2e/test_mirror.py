"""The offline mirror, unzipped and opened from file:// in headless Chromium with no network.

The real ZIP of the repository is built once (`fichotheque mirror`, PDFs included); every
request that is not file:// is aborted and recorded, and must never happen.
"""

from __future__ import annotations

import hashlib
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from fichotheque.mirror import offline as mirror
from tests.e2e.conftest import _build

FICHE = "fiches/securite/reconnaitre-hameconnage.html"


def _offline_page(new_page, unzipped: Path, path: str = "index.html"):
    page = new_page(allowed=("file://",))
    page.goto((unzipped / path).as_uri())
    return page


def test_navigation_from_file_makes_no_request_to_any_host(new_page, unzipped):
    page = _offline_page(new_page, unzipped)
    assert page.get_by_role("heading", level=1).first.inner_text().startswith("Des fiches libres")
    page.get_by_role("link", name="Voir les fiches du module « Sécurité numérique »").click()
    page.wait_for_url("**/fiches/securite/index.html")
    page.locator("article a[href='reconnaitre-hameconnage.html']").first.click()
    page.wait_for_url(f"**/{FICHE}")
    assert "Niveau" in page.locator(".fiche-meta").text_content()
    page.get_by_role("link", name="Catalogue").first.click()
    page.wait_for_url("**/catalogue/index.html")
    page.wait_for_load_state("networkidle")
    assert page.foreign_requests == []


def test_no_page_of_the_mirror_requests_any_host(new_page, unzipped):
    page = _offline_page(new_page, unzipped)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    pages = sorted(unzipped.rglob("*.html"))
    assert len(pages) > 40
    for path in pages:
        page.goto(path.as_uri(), wait_until="load")
    page.wait_for_load_state("networkidle")
    assert page.foreign_requests == []
    assert errors == []


def test_search_finds_hameconnage_from_file(new_page, unzipped, tmp_path):
    page = _offline_page(new_page, unzipped)
    page.wait_for_load_state("networkidle")
    search = page.locator("input.md-search__input")
    search.click()  # no single-key shortcut any more (WCAG 2.1.4)
    assert search.evaluate("node => node === document.activeElement")
    search.press_sequentially("hameçonnage")
    result = page.locator(f".md-search-result__link[href*='{FICHE}']").first
    result.wait_for()
    page.screenshot(path=str(tmp_path / "recherche-hors-ligne.png"))
    assert "hameçonnage" in result.inner_text().lower()
    result.click()
    page.wait_for_url(f"**/{FICHE}*")
    assert page.foreign_requests == []


def test_fiche_pdf_link_opens_an_existing_pdf(new_page, unzipped):
    page = _offline_page(new_page, unzipped, FICHE)
    links = page.locator("article a[href$='.pdf']")
    assert links.count() >= 1, "la fiche n'a pas de lien vers son PDF"
    for href in links.evaluate_all("nodes => nodes.map(a => a.href)"):
        assert href.startswith("file://")
        target = Path(unquote(urlsplit(href).path))
        assert target.is_file(), href
        assert target.read_bytes()[:5] == b"%PDF-"
    assert (unzipped / "fiches/securite/securite.pdf").read_bytes()[:5] == b"%PDF-"
    assert page.foreign_requests == []


def test_badge_pages_explain_they_need_the_online_site(new_page, unzipped):
    for path in ("badges/obtenir.html", "badges/verifier.html"):
        page = _offline_page(new_page, unzipped, path)
        text = page.locator("article").inner_text()
        assert "Cette page a besoin d'une connexion à internet" in text
        online = page.locator("article .admonition a[href^='https://']").first.get_attribute("href")
        assert online.endswith(path.replace(".html", "/"))
        page.wait_for_load_state("networkidle")
        assert page.foreign_requests == []


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and (name in ("src", "href") or (tag == "object" and name == "data")):
                self.urls.append(value)


def test_every_local_link_and_image_exists(unzipped):
    missing = []
    for page in sorted(unzipped.rglob("*.html")):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        base = page.as_uri()
        for url in parser.urls:
            target = urlsplit(urljoin(base, url))
            if target.scheme != "file":
                continue
            if not Path(unquote(target.path)).exists():
                missing.append(f"{page.relative_to(unzipped)} -> {url}")
    assert missing == []


def test_zip_has_lisezmoi_no_signing_key_and_a_matching_checksum(mirror_zip):
    with zipfile.ZipFile(mirror_zip) as archive:
        names = archive.namelist()
        readme = archive.read("LISEZMOI.txt").decode("utf-8")
        assert names == sorted(names)
        assert not any(n.endswith((".pem", ".key")) for n in names)
    assert "22 novembre 2026" in readme and "index.html" in readme
    sums = (mirror_zip.parent / mirror.SUMS_NAME).read_text(encoding="utf-8")
    digest = hashlib.sha256(mirror_zip.read_bytes()).hexdigest()
    assert f"{digest}  {mirror_zip.name}\n" in sums


def test_two_builds_give_the_same_zip(mirror_zip, tmp_path):
    result = _build(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    second = tmp_path / mirror_zip.name
    with zipfile.ZipFile(mirror_zip) as one, zipfile.ZipFile(second) as two:
        assert one.namelist() == two.namelist()
        assert [n for n in one.namelist() if one.read(n) != two.read(n)] == []
    assert hashlib.sha256(second.read_bytes()).hexdigest() == \
        hashlib.sha256(mirror_zip.read_bytes()).hexdigest()


def test_zim_opens_and_its_search_finds_the_fiche(mirror_zip):
    from libzim.reader import Archive
    from libzim.search import Query, Searcher

    archive = Archive(mirror_zip.with_suffix(".zim"))
    assert archive.main_entry.get_item().path == "index.html"
    assert archive.has_fulltext_index
    results = Searcher(archive).search(Query().set_query("hameçonnage"))
    assert FICHE in list(results.getResults(0, 5))
    pdf = archive.get_entry_by_path(FICHE.replace(".html", "/reconnaitre-hameconnage.pdf"))
    assert bytes(pdf.get_item().content)[:5] == b"%PDF-"
    sums = (mirror_zip.parent / mirror.SUMS_NAME).read_text(encoding="utf-8")
    assert mirror_zip.with_suffix(".zim").name in sums
