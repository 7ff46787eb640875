"""Pedagogical order on the pages: « À faire avant » near the top of a fiche, « Fiche suivante »
at its bottom, and « Voir aussi » on a module page for the fiches of other modules it names."""

from __future__ import annotations

import json
import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import fiche_text, make_project, module_yml, run_build

from fichotheque.content.loading import load_corpus
from fichotheque.web import fiche_links, settings
from fichotheque.web.fiche_site import FicheSite


def corpus_files() -> dict[str, str]:
    """Module « securite » in the order c, a, b (not alphabetical), naming one fiche of
    « messagerie » (see also); b needs a (same module) and m (other module) first."""
    return {
        "fiches/securite/_module.yml": module_yml("securite", "Sécurité numérique", 1)
        + "fiches: [c-fiche, a-fiche, m-fiche, b-fiche]\n",
        "fiches/securite/a-fiche.md": fiche_text(title="Fiche Alpha", description="La a."),
        "fiches/securite/b-fiche.md": fiche_text(title="Fiche Bêta", description="La b.",
                                                 prerequisites="[a-fiche, m-fiche]"),
        "fiches/securite/c-fiche.md": fiche_text(title="Fiche Gamma", description="La c."),
        "fiches/messagerie/_module.yml": module_yml("messagerie", "Messagerie", 2),
        "fiches/messagerie/m-fiche.md": fiche_text(
            title="Fiche Mu & Cie", description="La m.", module="messagerie"),
    }


class Links(HTMLParser):
    """Every link of a page: (href, text, classes of the enclosing elements)."""

    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, str, str]] = []
        self._open: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "href" in attrs:
            self._href, self._text = attrs["href"], []
        self._open.append((tag, attrs.get("class") or ""))

    def handle_endtag(self, tag):
        while self._open and self._open.pop()[0] != tag:
            pass
        if tag == "a" and self._href is not None:
            classes = " ".join(c for _, c in self._open)
            self.links.append((self._href, "".join(self._text).strip(), classes))
            self._href = None

    def handle_data(self, data):
        if self._href is not None:
            self._text.append(data)


def links_of(page: Path) -> list[tuple[str, str, str]]:
    parser = Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.links


def target(site: Path, page: Path, href: str) -> Path:
    """The file a relative link of a built page leads to (directory URLs: its index.html)."""
    path = posixpath.normpath(posixpath.join(page.parent.relative_to(site).as_posix(), href))
    resolved = site / path
    return resolved / "index.html" if href.endswith("/") else resolved


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    project = make_project(tmp_path_factory.mktemp("ordre") / "projet", corpus_files())
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    return project / "site"


def test_next_fiche_link_follows_the_module_order(site):
    # c, a, b: m-fiche is listed in the order but belongs to messagerie, so it is skipped.
    expected = {"c-fiche": ("a-fiche", "Fiche Alpha"), "a-fiche": ("b-fiche", "Fiche Bêta")}
    for slug, (following, title) in expected.items():
        page = site / f"fiches/securite/{slug}/index.html"
        found = [(href, text) for href, text, classes in links_of(page)
                 if "fiche-suite" in classes]
        assert found == [(f"../{following}/", f"Fiche suivante : {title}")], slug
        leads_to = target(site, page, found[0][0])
        assert f'<h1 id="{following}"' in leads_to.read_text(encoding="utf-8")


def test_last_fiche_of_a_module_leads_back_to_the_module(site):
    page = site / "fiches/securite/b-fiche/index.html"
    found = [(href, text) for href, text, classes in links_of(page) if "fiche-suite" in classes]
    assert found == [("../", "Retour au module « Sécurité numérique »")]
    assert "Dernière fiche du module" in page.read_text(encoding="utf-8")
    assert target(site, page, "../").is_file()


def test_prerequisites_are_linked_near_the_top(site):
    page = site / "fiches/securite/b-fiche/index.html"
    html = page.read_text(encoding="utf-8")
    found = [(href, text) for href, text, classes in links_of(page) if "fiche-avant" in classes]
    assert [text for _, text in found] == ["Fiche Alpha", "Fiche Mu & Cie"]  # escaped title
    for href, _ in found:
        assert target(site, page, href).is_file(), href
    assert [href for href, _ in found] == ["../a-fiche/", "../../messagerie/m-fiche/"]
    # Under the header, above the first section of the fiche.
    assert html.index("À faire avant") < html.index('id="objectif"')
    assert html.index('class="fiche-entete"') < html.index("À faire avant")
    # A fiche without prerequisites has no such line.
    assert "À faire avant" not in (site / "fiches/securite/a-fiche/index.html").read_text(
        encoding="utf-8")


def test_order_links_are_kept_out_of_the_search_index(site):
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    fiches = [d for d in index["docs"] if d["location"].startswith("fiches/securite/b-fiche/")]
    assert fiches, "la fiche n'est pas indexée"
    for doc in fiches:
        assert "Fiche suivante" not in doc["text"] and "faire avant" not in doc["text"]
        assert "Dernière fiche" not in doc["text"]


def test_module_page_shows_see_also_for_other_modules_fiches(site):
    page = site / "fiches/securite/index.html"
    html = page.read_text(encoding="utf-8")
    heading = re.search(r"<h2[^>]*>Voir aussi", html)
    assert heading
    see_also = html[heading.start():]
    links = [(href, text) for href, text, _ in links_of(page) if text == "Fiche Mu & Cie"]
    assert links and all(target(site, page, href).is_file() for href, _ in links)
    assert "Messagerie" in see_also
    # The module's own fiches are in its table, in the order of `fiches:`.
    table = html[html.index("<table"):heading.start()]
    assert table.index("Fiche Gamma") < table.index("Fiche Alpha") < table.index("Fiche Bêta")
    assert "Voir aussi" not in (site / "fiches/messagerie/index.html").read_text(
        encoding="utf-8")


@pytest.mark.parametrize("directory_urls", [True, False])
def test_order_links_without_directory_urls(tmp_path, directory_urls):
    """The offline mirror builds `fiches/<module>/<slug>.html` pages: links follow."""
    project = make_project(tmp_path / "projet", corpus_files(), with_site_files=False)
    corpus = load_corpus(project)
    before, _ = fiche_links.order_links(corpus, corpus.by_slug("b-fiche"), directory_urls)
    _, after = fiche_links.order_links(corpus, corpus.by_slug("a-fiche"), directory_urls)
    page_dir = "fiches/securite/b-fiche/" if directory_urls else "fiches/securite/"
    wanted = {"a-fiche": "fiches/securite/a-fiche", "m-fiche": "fiches/messagerie/m-fiche"}
    hrefs = re.findall(r'href="([^"]+)"', before)
    assert len(hrefs) == 2
    for href, (slug, path) in zip(hrefs, wanted.items(), strict=True):
        resolved = posixpath.normpath(posixpath.join(page_dir, href))
        assert resolved == (path if directory_urls else path + ".html"), slug
    [next_href] = re.findall(r'href="([^"]+)"', after)
    a_dir = "fiches/securite/a-fiche/" if directory_urls else "fiches/securite/"
    resolved = posixpath.normpath(posixpath.join(a_dir, next_href))
    assert resolved == ("fiches/securite/b-fiche" if directory_urls
                        else "fiches/securite/b-fiche.html")


def test_kit_links_follow_the_page_address(tmp_path):
    """With directory URLs the kit sits in the page's folder; offline, in `<slug>/`."""
    files = {**corpus_files(), "fiches/securite/a-fiche/1-doc.md": "# Un document\n",
             "fiches/securite/a-fiche/notes.csv": "a;b\n"}
    project = make_project(tmp_path / "projet", files, with_site_files=False)
    corpus = load_corpus(project)
    builder = FicheSite(corpus, settings.from_mapping({}, project))
    body = corpus.by_slug("a-fiche").body
    for url, prefix in (("fiches/securite/a-fiche/", ""),
                        ("fiches/securite/a-fiche.html", "a-fiche/")):
        page = SimpleNamespace(file=SimpleNamespace(src_uri="fiches/securite/a-fiche.md"),
                               meta={}, url=url)
        out = builder.page_markdown(body, page)
        assert f'href="{prefix}a-fiche-exercices.pdf"' in out
        assert f'href="{prefix}notes.csv"' in out and "(4 octets)" in out
