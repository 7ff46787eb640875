"""PDF links of a site built without its PDFs: replaced by a short note, put back later.

`mkdocs serve` and `--no-pdf` builds make no PDF; a page must not offer a download that
answers « 404 ». Each link to a missing `.pdf` of the site becomes a `<span>` that says why and
keeps the original link in an attribute, so that `fichotheque pdf`, which renders the PDFs into
such a site afterwards, can put the links back (`restore_site`).
"""

from __future__ import annotations

import html
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from fichotheque.files import write_atomic

NOTE_CLASS = "fichotheque-pdf-absent"
# `<a\b(?P<attrs>(?:[^>"']|"[^"]*"|'[^']*')*)>(?P<label>.*?)</a\s*>`, written so that the
# engine never backtracks (the attributes can be read one way only, the label ends at the first
# `</a>`): the same matches, found in a third of the time.
_ANCHOR = re.compile(r"""<a\b(?P<attrs>(?:[^>"']++|"[^"]*+"|'[^']*+')*+)>"""
                     r"""(?P<label>[^<]*+(?:<(?!/a\s*>)[^<]*+)*+)</a\s*>""",
                     re.IGNORECASE | re.DOTALL)
_HREF = re.compile(r"""\shref\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s>]+))""",
                   re.IGNORECASE)
_NOTE = re.compile(rf'<span class="{NOTE_CLASS}" data-lien="(?P<link>[^"]*)">[^<]*</span>')
_TAG = re.compile(r"<[^>]*>")
_PDF_TEXT = re.compile(r"\.pdf", re.IGNORECASE)  # no other character lowers to `.pdf`
# A link that `pdf_target` reads as a PDF shows « pdf » in the HTML, unless a letter of it is
# an entity (`&#112;`), escaped (`%70`) or split by a tab or line break (`urlsplit` drops them).
_MAYBE_PDF = re.compile(r"pdf|[&%\t\n\r]", re.IGNORECASE)


def pdf_target(href: str, page_dir: str) -> str | None:
    """The site path a relative link to a PDF points at, or None (not a PDF of this site)."""
    parts = urlsplit(html.unescape(href.strip()))
    path = unquote(parts.path)
    if parts.scheme or parts.netloc or path.startswith("/") or not path.lower().endswith(".pdf"):
        return None
    target = posixpath.normpath(posixpath.join(page_dir, path))
    return None if target == ".." or target.startswith("../") else target


def _href(attrs: str) -> str | None:
    match = _HREF.search(attrs)
    if not match:
        return None
    return next(value for value in match.group("dq", "sq", "bare") if value is not None)


def hide_missing(page_html: str, dest_uri: str, site_dir: Path, note: str) -> tuple[str, int]:
    """Replace links to PDFs absent from `site_dir` by `note`; return the page and their count.

    `dest_uri` is the page's file in the site (`fiches/securite/x/index.html`).
    """
    if not _PDF_TEXT.search(page_html):  # as `".pdf" in page_html.lower()`, without a copy
        return page_html, 0
    page_dir = posixpath.dirname(dest_uri)
    hidden = 0
    parts: list[str] = []
    done = 0
    # Every anchor is found as `_ANCHOR.sub` would find it, but only those that may link a
    # PDF are looked at closely, and the page is rebuilt only around the ones replaced.
    for match in _ANCHOR.finditer(page_html):
        if _MAYBE_PDF.search(match["attrs"]) is None:
            continue
        href = _href(match["attrs"])
        target = pdf_target(href, page_dir) if href is not None else None
        if target is None or (site_dir / target).is_file():
            continue
        hidden += 1
        label = " ".join(_TAG.sub("", match["label"]).split())
        text = f"{label} — {html.escape(note)}" if label else html.escape(note)
        parts += [page_html[done:match.start()],
                  f'<span class="{NOTE_CLASS}" data-lien="{html.escape(match[0], quote=True)}">'
                  f"{text}</span>"]
        done = match.end()
    if not hidden:
        return page_html, 0
    parts.append(page_html[done:])
    return "".join(parts), hidden


def restore(page_html: str, dest_uri: str, site_dir: Path) -> str:
    """Put back the links `hide_missing` replaced, for the PDFs that now exist."""
    page_dir = posixpath.dirname(dest_uri)

    def replace(match: re.Match) -> str:
        anchor = html.unescape(match["link"])
        inner = _ANCHOR.match(anchor)
        href = _href(inner["attrs"]) if inner else None
        target = pdf_target(href, page_dir) if href is not None else None
        return anchor if target is not None and (site_dir / target).is_file() else match[0]

    return _NOTE.sub(replace, page_html)


def restore_site(site_dir: Path) -> int:
    """`restore` over every page of a built site; return how many pages changed."""
    changed = 0
    for page in sorted(Path(site_dir).rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        if NOTE_CLASS not in text:
            continue
        new = restore(text, page.relative_to(site_dir).as_posix(), Path(site_dir))
        if new != text:
            write_atomic(page, new, durable=False)
            changed += 1
    return changed
