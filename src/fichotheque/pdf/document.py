"""The printed documents as HTML: a fiche (learner or facilitator version) and a booklet cover.

Each fiche is rendered from a small print template (its Markdown body, a header and a footer)
and the print stylesheet, not from the full Material page: five times faster, and it looks like
a handout. Stable URLs (DESIGN.md): `fiches/<module>/<slug>/<slug>.pdf`, `…/<slug>-animateur.pdf`,
`…/<slug>-exercices.pdf` (the exercise kit, from the Markdown pages of `fiches/<module>/<slug>/`),
`…/<slug>.md` (the source) and `fiches/<module>/<module>.pdf` (the booklet).
"""

from __future__ import annotations

import posixpath
import re
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import markdown
import nh3
import segno
from markupsafe import Markup

from fichotheque.content import facilitator as voices
from fichotheque.content.model import FICHES_DIR, Fiche, Module
from fichotheque.web import pages
from fichotheque.web.settings import SiteConfig

FICHE, FACILITATOR, BOOKLET, KIT = "fiche", "animateur", "livret", "exercices"
KIND_LABELS = {FICHE: "fiche", FACILITATOR: "version animateur", BOOKLET: "livret",
               KIT: "matériel pour l'exercice"}

MD_EXTENSIONS = ("abbr", "admonition", "attr_list", "def_list", "md_in_html", "sane_lists",
                 "tables", "toc",
                 "pymdownx.details", "pymdownx.superfences")
MD_CONFIG = {"tables": {"use_align_attribute": True}}
FACILITATOR_TITLE = re.compile(r"^\s*Pour l['\u2019]animat", re.IGNORECASE)
URL_SCHEMES = {"http", "https", "mailto", "tel"}
TAGS = nh3.ALLOWED_TAGS - {"map", "area"}
ATTRIBUTES = {**{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
              "*": {"class", "id", "title", "lang"}, "ol": {"start"}, "details": {"open"}}



def fiche_pdf_path(fiche: Fiche, facilitator: bool = False) -> str:
    suffix = "-animateur" if facilitator else ""
    return f"{fiche.url}{fiche.slug}{suffix}.pdf"


def kit_pdf_path(fiche: Fiche) -> str:
    """`fiches/<module>/<slug>/<slug>-exercices.pdf`, beside the fiche's other PDFs."""
    return f"{fiche.url}{fiche.slug}-exercices.pdf"


def source_path(fiche: Fiche) -> str:
    return f"{fiche.url}{fiche.slug}.md"


def booklet_path(module: Module) -> str:
    return f"{module.url}{module.slug}.pdf"


def _is_facilitator_block(element) -> bool:
    """`!!! note "Pour l'animateur"` (a div) or its collapsible `???` form (details)."""
    if element.tag == "div" and "admonition" in (element.get("class") or "").split():
        title = element.find("p")
        return title is not None and "admonition-title" in (title.get("class") or "") \
            and bool(FACILITATOR_TITLE.match("".join(title.itertext())))
    if element.tag == "details":
        summary = element.find("summary")
        return summary is not None and bool(FACILITATOR_TITLE.match("".join(summary.itertext())))
    return False


class _StripFacilitator(markdown.treeprocessors.Treeprocessor):
    def run(self, root):
        for parent in list(root.iter()):
            for child in list(parent):
                if _is_facilitator_block(child):
                    parent.remove(child)


class _LearnerExtension(markdown.Extension):
    """Drops the facilitator notes: the learner handout is the fiche without them."""

    def extendMarkdown(self, md):  # python-markdown's API
        md.treeprocessors.register(_StripFacilitator(md), "fichotheque_learner", 1)


class _Links:
    """Rewrites URLs of a fiche body for paper: links absolute, images local and confined."""

    def __init__(self, fiche: Fiche, site: SiteConfig, id_prefix: str, kit: bool = False):
        self.fiche = fiche
        self.site = site
        self.id_prefix = id_prefix
        module = fiche.path.parent.resolve()
        self.root = module.parent  # fiches/: no image is read from outside it
        # Relative URLs start from the fiche's folder, or from its kit's for a kit page.
        self.folder = fiche.kit_dir.resolve() if kit else module
        self.base = f"{FICHES_DIR}/{fiche.module}" + (f"/{fiche.slug}" if kit else "")
        # A kit page linking to another one (`message-2.md`): its part of the kit PDF.
        self.pages = {p.name: f"#{kit_page_id(fiche, p)}" for p in fiche.kit_pages} \
            if kit else {}
        self.images: set[Path] = set()

    def href(self, value: str) -> str | None:
        value = value.strip()
        if value.startswith("#"):
            return "#" + self.id_prefix + value[1:]
        parts = urlsplit(value)
        if parts.scheme:
            return value if parts.scheme.lower() in URL_SCHEMES else None
        if parts.netloc or not parts.path:
            return None
        if unquote(parts.path) in self.pages:
            return self.pages[unquote(parts.path)]
        # A page of the site, relative to the fiche (`autre-fiche.md`, `../module/x.md`).
        target = posixpath.normpath(posixpath.join(self.base, unquote(parts.path)))
        if target.startswith("../") or not self.site.site_url:
            return None
        if target.endswith(".md"):
            target = target[:-3]
            target = target[: -len("index")] if target.endswith("index") else target + "/"
        url = self.site.absolute_url(target)
        return url + (f"#{parts.fragment}" if parts.fragment else "")

    def src(self, value: str) -> str | None:
        parts = urlsplit(value.strip())
        if parts.scheme or parts.netloc or not parts.path:
            return None  # no request leaves the machine while printing
        path = (self.folder / unquote(parts.path)).resolve()
        if not path.is_file() or not path.is_relative_to(self.root):
            return None
        self.images.add(path)
        return value.strip()

    def __call__(self, tag: str, attribute: str, value: str) -> str | None:
        if attribute == "id":
            return self.id_prefix + value
        if attribute == "href":
            return self.href(value)
        if attribute == "src":
            return self.src(value) if tag == "img" else None
        return value


_OL_START = re.compile(r'<ol start="(\d{1,4})">')
# A line of dots to fill in by hand (« Nom : .......... ») in a text: drawn, not read aloud.
_TEXT = re.compile(r">([^<]+)<")
_DOTS = re.compile(r"(?:\.[ \u00a0]?){5,}|(?:\u2026[ \u00a0]?){2,}")


def _blank(match: re.Match) -> str:
    dots = match[0].count(".") + 3 * match[0].count("\u2026")
    return f'<span class="pdf-pointilles" style="width: {min(dots * 0.32, 40):.1f}em"></span>'


def _blanks(html: str) -> str:
    """Runs of dots become an empty dotted line: a screen reader would read every dot."""
    return _TEXT.sub(lambda m: ">" + _DOTS.sub(_blank, m[1]) + "<", html)


def _clean(html: str, links: _Links) -> str:
    html = nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, attribute_filter=links,
                     url_schemes=URL_SCHEMES, link_rel=None)
    # WeasyPrint ignores `start`: a list that goes on after a paragraph (« 8. ») sets its counter.
    html = _OL_START.sub(lambda m: f'<ol start="{m[1]}" style="counter-reset: list-item '
                         f'{int(m[1]) - 1}">', html)
    return _blanks(html)


def body_html(fiche: Fiche, site: SiteConfig, facilitator: bool) -> tuple[str, set[Path]]:
    """The fiche body as safe HTML for print, and the local images it shows."""
    extensions = [*MD_EXTENSIONS] + ([] if facilitator else [_LearnerExtension()])
    # The learner version never holds the facilitator section (nor the answers in it).
    material = material_markdown(fiche, site) if facilitator else ""
    html = markdown.Markdown(extensions=extensions, extension_configs=MD_CONFIG).convert(
        voices.print_markdown(fiche.body, facilitator=facilitator, material=material))
    links = _Links(fiche, site, id_prefix=f"{fiche.slug}-")
    return _clean(html, links), links.images


# -- the exercise kit ------------------------------------------------------------------------

KIT_MD_CONFIG = {**MD_CONFIG, "toc": {"baselevel": 2}}  # `# Titre` under the fiche's h1


def kit_page_id(fiche: Fiche, page: Path) -> str:
    return f"{fiche.slug}-kit-{page.stem}"


def kit_titles(fiche: Fiche) -> list[str]:
    """Titles of the kit's documents, in the order of their file names (that of the PDF)."""
    return [voices.kit_page_title(_read_kit_page(page), page.stem) for page in fiche.kit_pages]


class KitError(ValueError):
    """A kit page cannot be read: a French message naming the file."""


def _read_kit_page(page: Path) -> str:
    try:
        return page.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KitError(f"{page.name} ne peut pas être lu (enregistrez-le en UTF-8)") from exc


def material_markdown(fiche: Fiche, site: SiteConfig) -> str:
    """The kit listed for the facilitator PDF: its PDF (and the documents in it), and each
    practice file with its size. Links are absolute when the site has an address."""

    def link(text: str, path: str) -> str:
        return f"[{text}]({site.absolute_url(path)})" if site.site_url else text

    items = []
    if fiche.kit_pages:
        name = kit_pdf_path(fiche).rsplit("/", 1)[1]
        titles = " ; ".join(pages.md_text(t) for t in kit_titles(fiche))
        items.append(f"- {link('Documents à imprimer', kit_pdf_path(fiche))} (`{name}`, "
                     f"chaque page marquée « {voices.KIT_STAMP} ») : {titles}.")
    for path in fiche.kit_files:
        items.append(f"- {link('Fichier à télécharger', fiche.url + path.name)} : "
                     f"`{path.name}` ({voices.file_size(path.stat().st_size)}).")
    return "\n".join(items)


def kit_document(fiche: Fiche, module: Module, site: SiteConfig) -> tuple[str, set[Path]]:
    """HTML of the kit PDF: every Markdown page of `fiches/<module>/<slug>/`, in the order of
    their file names, each on new page, every page stamped « EXEMPLE — exercice »."""
    documents, images = [], set()
    for page in fiche.kit_pages:
        html = markdown.Markdown(extensions=list(MD_EXTENSIONS),
                                 extension_configs=KIT_MD_CONFIG).convert(_read_kit_page(page))
        ident = kit_page_id(fiche, page)
        links = _Links(fiche, site, id_prefix=f"{ident}-", kit=True)
        documents.append({"id": ident, "body": Markup(_clean(html, links))})
        images |= links.images
    url = _online_url(site, fiche.url)
    html = pages.render("print_kit.html", fiche=fiche, module=module, site=site,
                        documents=documents, stamp=voices.KIT_STAMP, url=url, qr=qr_code(url),
                        attribution=pages.attribution(fiche, site),
                        title=f"{fiche.title} — matériel pour l'exercice")
    return html, images


@cache
def _qr_cached(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4, border=0, dark="#000000")


def qr_code(url: str) -> str:
    """SVG data URI of a QR code (empty without a URL: nothing to point at)."""
    return _qr_cached(url) if url else ""


def _online_url(site: SiteConfig, path: str) -> str:
    return site.absolute_url(path) if site.site_url else ""


def _fiche_context(fiche: Fiche, site: SiteConfig, facilitator: bool) -> tuple[dict, set[Path]]:
    body, images = body_html(fiche, site, facilitator)
    url = _online_url(site, fiche.url)
    return {
        "fiche": fiche,
        "body": Markup(body),
        "url": url,
        "qr": qr_code(url),
        "facilitator": facilitator,
        "licence": fiche.licence_info,
        "attribution": pages.attribution(fiche, site),
    }, images


def fiche_document(fiche: Fiche, module: Module, site: SiteConfig,
                   facilitator: bool) -> tuple[str, set[Path]]:
    """HTML of one fiche's PDF, and the local images it uses."""
    context, images = _fiche_context(fiche, site, facilitator)
    html = pages.render("print_fiche.html", f=context, module=module, site=site,
                        title=fiche.title + (" — version animateur" if facilitator else ""))
    return html, images


PAGE_MARKER = "\ue000{}\ue001"  # where the booklet's contents show each fiche's pages
BOOKLET_LINK = "https://livret.invalid/#"  # contents links, pointed at the fiches by booklet.py


def booklet_document(module: Module, site: SiteConfig) -> tuple[str, set[Path]]:
    """HTML of a module booklet's cover and contents (its fiches' PDFs follow, see booklet.py).

    The pages of each fiche are only known once the fiches are rendered: the contents carry
    `PAGE_MARKER`s, filled in by `render_booklet`.
    """
    url = _online_url(site, module.url)
    updated = max((f.updated for f in module.fiches), default=None)
    authors = sorted({a for f in module.fiches for a in f.authors})
    licences = sorted({f.licence_info.short_name if f.licence_info else f.licence
                       for f in module.fiches})
    html = pages.render("print_booklet.html", module=module, site=site, url=url,
                        qr=qr_code(url), updated=updated, authors=authors, licences=licences,
                        link_prefix=BOOKLET_LINK, page_marker=PAGE_MARKER.format,
                        title=f"{module.title} — livret du module")
    return html, set()


def pages_label(first: int, count: int) -> str:
    return f"page {first}" if count == 1 else f"pages {first}\u2013{first + count - 1}"


