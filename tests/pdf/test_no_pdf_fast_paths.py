"""Builds without PDFs take shortcuts: `hide_missing` looks closely only at anchors that may link
a PDF, `copy_sources` leaves identical copies alone, and the hook never loads the PDF libraries.
Each shortcut must give exactly what the long way gave."""

from __future__ import annotations

import html
import os
import posixpath
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fichotheque.pdf import links, sources

PAGE_URI = "fiches/m/x/index.html"
ANCHOR_BEFORE = re.compile(r"""<a\b(?P<attrs>(?:[^>"']|"[^"]*"|'[^']*')*)>(?P<label>.*?)</a\s*>""",
                           re.IGNORECASE | re.DOTALL)  # as first written


def hide_missing_reference(page_html: str, dest_uri: str, site_dir: Path, note: str):
    """`links.hide_missing` as it was first written: every anchor of the page looked at."""
    if ".pdf" not in page_html.lower():
        return page_html, 0
    page_dir = posixpath.dirname(dest_uri)
    hidden = 0

    def replace(match):
        nonlocal hidden
        href = links._href(match["attrs"])
        target = links.pdf_target(href, page_dir) if href is not None else None
        if target is None or (site_dir / target).is_file():
            return match[0]
        hidden += 1
        label = " ".join(links._TAG.sub("", match["label"]).split())
        text = f"{label} — {html.escape(note)}" if label else html.escape(note)
        return (f'<span class="{links.NOTE_CLASS}" '
                f'data-lien="{html.escape(match[0], quote=True)}">{text}</span>')

    return ANCHOR_BEFORE.sub(replace, page_html), hidden


def _site(tmp_path: Path) -> Path:
    (tmp_path / "fiches/m/x").mkdir(parents=True, exist_ok=True)
    (tmp_path / "fiches/m/x/there.pdf").write_bytes(b"%PDF-")
    return tmp_path


def test_pdf_links_written_with_entities_escapes_or_tabs_are_still_hidden(tmp_path):
    site = _site(tmp_path)
    hrefs = ["x.&#112;df", "x.p&#x64;f", "x.%70df", "x.PD%46", "x.p\tdf", "x.p\ndf", "X.PDF",
             "x.pdf?v=1#p2", "&#x78;.pdf", "./x.pdf"]
    for href in hrefs:
        page = f'<p>Voir le <a href="{href}" title="a &amp; b">PDF</a>, aussi x.pdf</p>'
        hidden, count = links.hide_missing(page, PAGE_URI, site, "indisponible")
        assert count == 1, href
        assert links.NOTE_CLASS in hidden and "<a " not in hidden
        assert (hidden, count) == hide_missing_reference(page, PAGE_URI, site, "indisponible")


def test_a_page_without_missing_pdf_is_returned_as_it_is(tmp_path):
    site = _site(tmp_path)
    for page in ('<a href="there.pdf">Là</a> <a href="x.md">source</a>',
                 '<a href="https://ailleurs.example/z.pdf">Z</a>', "<p>aucun lien</p>"):
        assert links.hide_missing(page, PAGE_URI, site, "n") == (page, 0)


fragments = st.sampled_from([
    '<a href="x.pdf">', '<a href="there.pdf">', "<a href='y.PDF' class=\"c\">", '<a href=z.pdf>',
    '<a title="a > b" href="w.pdf">', '<a href="x.&#112;df">', '<a href="x.%70df">',
    '<a href="../../../x.pdf">', '<a href="/x.pdf">', '<a href="//h/x.pdf">', '<a href="x.md">',
    '<a data-x="pdf">', '<a href="x.pdf" download>', "</a>", "</A >", "<b>", "</b>", "PDF",
    " .pdf ", "texte", "&amp;", "%", "\t", "\n", "<a\nhref=\"x.pdf\">", '<a href="q&amp;.pdf">',
])


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(fragments, max_size=30))
def test_hide_missing_equals_the_reference_on_any_page(tmp_path, parts):
    site = _site(tmp_path)
    page = "".join(parts)
    assert links.hide_missing(page, PAGE_URI, site, "n") == hide_missing_reference(
        page, PAGE_URI, site, "n")


def test_copy_sources_leaves_identical_copies_and_replaces_the_others(tmp_path):
    folder = tmp_path / "fiches/m"
    folder.mkdir(parents=True)
    fiches = []
    for slug in ("a", "b", "c", "d"):
        (folder / f"{slug}.md").write_text(f"# {slug}\n", encoding="utf-8")
        fiches.append(SimpleNamespace(path=folder / f"{slug}.md", url=f"fiches/m/{slug}/",
                                      slug=slug))
    corpus = SimpleNamespace(fiches=fiches)
    site = tmp_path / "site"
    sources.copy_sources(corpus, site)
    copies = {f.slug: site / f"fiches/m/{f.slug}/{f.slug}.md" for f in fiches}
    assert all(copies[f.slug].read_bytes() == f.path.read_bytes() for f in fiches)
    inode = copies["a"].stat().st_ino
    copies["b"].write_text("# changé\n", encoding="utf-8")  # same size, other bytes
    copies["c"].chmod(0o600)
    copies["d"].unlink()
    copies["d"].symlink_to(folder / "d.md")  # a link to the same bytes is not a copy
    sources.copy_sources(corpus, site)
    assert copies["a"].stat().st_ino == inode  # left alone
    assert copies["b"].read_text(encoding="utf-8") == "# b\n"
    assert oct(copies["c"].stat().st_mode & 0o777) == oct(0o644)
    assert not copies["d"].is_symlink() and copies["d"].read_text(encoding="utf-8") == "# d\n"


def _one_fiche_and_its_page_folder(tmp_path):
    """A corpus of one fiche `fiches/m/a.md`, and a site with its page's folder, as MkDocs
    leaves it before the sources are copied."""
    folder = tmp_path / "fiches/m"
    folder.mkdir(parents=True)
    (folder / "a.md").write_text("# a\n", encoding="utf-8")
    corpus = SimpleNamespace(fiches=[SimpleNamespace(path=folder / "a.md", url="fiches/m/a/",
                                                     slug="a")])
    site = tmp_path / "site"
    (site / "fiches/m/a").mkdir(parents=True)
    return corpus, site


def test_new_source_copies_are_plain_files_with_the_published_mode(tmp_path):
    corpus, site = _one_fiche_and_its_page_folder(tmp_path)
    old = os.umask(0o077)
    try:
        sources.copy_sources(corpus, site)
    finally:
        os.umask(old)
    copy = site / "fiches/m/a/a.md"
    assert copy.read_bytes() == b"# a\n"
    assert oct(copy.stat().st_mode & 0o777) == oct(sources.SOURCE_MODE)
    assert [p.name for p in copy.parent.iterdir()] == ["a.md"]  # no temporary file left


def test_a_failed_direct_write_leaves_no_file_and_replaces_in_one_step(tmp_path, monkeypatch):
    corpus, site = _one_fiche_and_its_page_folder(tmp_path)
    real = os.fdopen

    class Full:
        def __init__(self, fd, mode):
            self.handle = real(fd, mode)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, data):
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(sources.os, "fdopen", Full)
    replaced = []
    monkeypatch.setattr(sources, "write_atomic",
                        lambda path, data, mode, durable: replaced.append((path, data, mode)))
    sources.copy_sources(corpus, site)
    assert replaced == [(site / "fiches/m/a/a.md", b"# a\n", sources.SOURCE_MODE)]
    assert not (site / "fiches/m/a/a.md").exists()


def test_the_pdf_hook_loads_no_pdf_library():
    code = ("import sys, fichotheque.pdf.render\n"
            "print(sorted(m for m in ('pikepdf', 'weasyprint', 'PIL', 'fichotheque.pdf.booklet',"
            " 'fichotheque.pdf.retag', 'fichotheque.pdf.jobs') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert out.stdout.strip() == "[]"


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["<a", "<A ", "<a>", " href=", '"', "'", ">", "</a>", "</A \n>",
                                 "</a", "<", "/", "a", "x", "\n", "<b>", "</b>", "<abbr>"]),
                max_size=25))
def test_the_anchor_pattern_matches_as_first_written(parts):
    page = "".join(parts)
    assert ([(m.span(), m["attrs"], m["label"]) for m in links._ANCHOR.finditer(page)]
            == [(m.span(), m["attrs"], m["label"]) for m in ANCHOR_BEFORE.finditer(page)])

