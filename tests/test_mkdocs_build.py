"""A plain `mkdocs build` is first-class: it makes the PDFs its pages link (with the cache).

Printed QR codes and shared links point at the PDFs: a site built with `mkdocs build` must not
answer « 404 » for any of them. A build without PDFs (`FICHOTHEQUE_PDF=0`, `mkdocs serve`) must
not link PDFs that are not there, and says so.
"""

from __future__ import annotations

import os
import posixpath
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import ROOT, make_project, small_corpus
from pypdf import PdfReader

from fichotheque.web import settings

MODULE = "sante"  # a real module: fiches with images and exercise kits


def mkdocs_build(project: Path, **env: str) -> subprocess.CompletedProcess:
    """`mkdocs build` as a person types it: no FICHOTHEQUE_PDF unless given here."""
    full_env = {k: v for k, v in os.environ.items() if k != "FICHOTHEQUE_PDF"}
    full_env.update(NO_MKDOCS_2_WARNING="1", **env)
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f",
                           str(project / "mkdocs.yml")], capture_output=True, text=True,
                          env=full_env, cwd=project, timeout=600)


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.extend(value for name, value in attrs if name == "href" and value)


def pdf_links(site: Path, site_url: str) -> dict[str, set[str]]:
    """Every link to a PDF of the site, by page: {site path of the PDF: {pages linking it}}."""
    found: dict[str, set[str]] = {}
    for page in sorted(site.rglob("*.html")):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        here = posixpath.dirname(page.relative_to(site).as_posix())
        for href in parser.hrefs:
            if href.startswith(site_url):
                href = "/" + href[len(site_url):]
            parts = urlsplit(href)
            path = unquote(parts.path)
            if parts.scheme or parts.netloc or not path.lower().endswith(".pdf"):
                continue
            target = posixpath.normpath(path.lstrip("/") if path.startswith("/")
                                        else posixpath.join(here, path))
            found.setdefault(target, set()).add(page.relative_to(site).as_posix())
    return found


def real_module_project(base: Path, module: str = MODULE) -> Path:
    """The real site config with one real module; links and prerequisites pointing at fiches
    left out become plain text, so that the copy is a valid project of its own."""
    project = make_project(base)
    shutil.copytree(ROOT / "fiches" / module, project / "fiches" / module)
    shutil.copy2(ROOT / "fiches" / "MODELE.md", project / "fiches" / "MODELE.md")
    folder = project / "fiches" / module
    present = {p.stem for p in folder.glob("*.md")}
    # Its positioning quiz may name fiches of other modules: not part of this copy.
    (folder / "_positionnement.yml").unlink(missing_ok=True)
    module_yml = folder / "_module.yml"
    module_yml.write_text("".join(
        line for line in module_yml.read_text(encoding="utf-8").splitlines(keepends=True)
        if not (re.match(r"^\s+- [\w-]+\s*$", line) and line.split("- ")[1].strip()
                not in present)), encoding="utf-8")

    def prerequisites(match: re.Match) -> str:
        kept = [name.strip() for name in match[1].split(",") if name.strip() in present]
        return f"prerequisites: [{', '.join(kept)}]\n" if kept else ""

    for fiche in folder.glob("*.md"):
        text = fiche.read_text(encoding="utf-8")
        text = re.sub(r"^prerequisites: \[(.*)\]\n", prerequisites, text, flags=re.MULTILINE)
        text = re.sub(r"\[([^\]]+)\]\(\.\./[^)]*\)", r"\1", text)
        fiche.write_text(text, encoding="utf-8")
    for badge in (project / "badges").glob("*.yml"):
        if badge.stem not in ("emetteur", "registre", module):
            badge.unlink()
    return project


@pytest.mark.slow
def test_mkdocs_build_makes_every_pdf_its_pages_link(tmp_path):
    project = real_module_project(tmp_path / "projet")
    result = mkdocs_build(project)  # a plain `mkdocs build`, no environment variable
    assert result.returncode == 0, result.stderr
    site = project / "site"
    links = pdf_links(site, settings.load(project).site_url)
    fiches = sorted(p.stem for p in (project / "fiches" / MODULE).glob("*.md"))
    # The downloads of each fiche and the module booklet are linked (the test can fail).
    for slug in fiches:
        assert f"fiches/{MODULE}/{slug}/{slug}.pdf" in links
        assert f"fiches/{MODULE}/{slug}/{slug}-animateur.pdf" in links
    assert f"fiches/{MODULE}/{MODULE}.pdf" in links
    missing = {target: sorted(pages) for target, pages in links.items()
               if not (site / target).is_file()}
    assert not missing, missing
    for target in links:
        assert PdfReader(site / target).pages, target
    assert "PDF prêts" in result.stderr

    # A second plain build takes them all from the cache.
    again = mkdocs_build(project)
    assert again.returncode == 0, again.stderr
    assert re.search(r"(\d+) PDF prêts \(0 rendus, \1 repris du cache\)", again.stderr)


@pytest.mark.slow
def test_a_build_without_pdfs_links_none_and_says_so(tmp_path):
    project = make_project(tmp_path / "projet", small_corpus())
    result = mkdocs_build(project, FICHOTHEQUE_PDF="0")
    assert result.returncode == 0, result.stderr
    site = project / "site"
    assert not list(site.rglob("*.pdf"))
    assert pdf_links(site, settings.load(project).site_url) == {}
    assert result.stderr.count("PDF non produits") == 1
    page = (site / "fiches/securite/mots-de-passe/index.html").read_text(encoding="utf-8")
    assert "Télécharger la fiche (PDF) — indisponible (site construit sans les PDF)" in page
    assert 'href="mots-de-passe.md"' in page  # the source is still there, and linked
    assert (site / "fiches/securite/mots-de-passe/mots-de-passe.md").is_file()

    # `fichotheque pdf` renders them afterwards: the pages link them again.
    from fichotheque.cli import main

    assert main(["--root", str(project), "pdf", "--site-dir", str(site), "--workers", "1"]) == 0
    links = pdf_links(site, settings.load(project).site_url)
    assert "fiches/securite/mots-de-passe/mots-de-passe.pdf" in links
    assert "fiches/securite/securite.pdf" in links
    assert all((site / target).is_file() for target in links)
    assert "fichotheque-pdf-absent" not in (site / "fiches/securite/index.html").read_text(
        encoding="utf-8")


def test_serve_makes_no_pdf_and_build_does(monkeypatch):
    from fichotheque.pdf import render

    monkeypatch.delenv(render.ENV_SWITCH, raising=False)
    try:
        render.on_startup("serve", False)
        assert not render.enabled()
        render.on_startup("build", False)
        assert render.enabled()
        monkeypatch.setenv(render.ENV_SWITCH, "0")
        assert not render.enabled()
        monkeypatch.setenv(render.ENV_SWITCH, "1")
        render.on_startup("serve", False)
        assert render.enabled()  # asked for explicitly
    finally:
        render.on_shutdown()
    monkeypatch.delenv(render.ENV_SWITCH)
    assert render.enabled()  # no command known (a build started from Python): PDFs too


def test_hidden_links_keep_what_is_there_and_come_back(tmp_path):
    from fichotheque.pdf import links

    page = ('<p><a href="x.pdf" type="application/pdf" download>La fiche <b>(PDF)</b></a> '
            '<a href="../y.pdf">Y</a> <a href="x.md">source</a> '
            '<a href="https://ailleurs.example/z.pdf">Z</a> <a title="a > b" href="w.pdf">W</a>'
            '</p>')
    (tmp_path / "fiches/m/x").mkdir(parents=True)
    (tmp_path / "fiches/m/x/w.pdf").write_bytes(b"%PDF-")  # already there: kept
    hidden, count = links.hide_missing(page, "fiches/m/x/index.html", tmp_path, "indisponible")
    assert count == 2
    assert 'href="x.pdf"' not in hidden and 'href="../y.pdf"' not in hidden
    assert "La fiche (PDF) — indisponible" in hidden
    assert 'href="x.md"' in hidden and "https://ailleurs.example/z.pdf" in hidden
    assert '<a title="a > b" href="w.pdf">W</a>' in hidden
    assert links.restore(hidden, "fiches/m/x/index.html", tmp_path) == hidden  # still missing

    (tmp_path / "fiches/m/x/x.pdf").write_bytes(b"%PDF-")
    (tmp_path / "fiches/m/y.pdf").write_bytes(b"%PDF-")
    assert links.restore(hidden, "fiches/m/x/index.html", tmp_path) == page
