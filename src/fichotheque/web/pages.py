"""Rendering of the site's generated pages and fragments from the corpus (no MkDocs here).

Everything taken from a fiche's metadata is escaped: contributor content is untrusted.
Generated pages are Markdown so that MkDocs resolves their links (directory URLs or not).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path

import jinja2
from markupsafe import Markup

from fichotheque.content import plaintext
from fichotheque.content.model import Corpus, Fiche, Module
from fichotheque.web.settings import SiteConfig

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>])")

# Parts of our pages that search must not index (repeated on every fiche: metadata, downloads,
# reuse and contribution blocks; the catalogue's table) are rendered between these markers, cut
# out before MkDocs' search plugin reads the page, and put back after it (see `split_late`).
LATE_START = "<!--fichotheque:apres-recherche-->"
LATE_END = "<!--/fichotheque:apres-recherche-->"
LATE_SLOT = "<!--fichotheque:apres-recherche:{}-->"
_LATE = re.compile(re.escape(LATE_START) + "(.*?)" + re.escape(LATE_END), re.S)


def md_text(text: str) -> str:
    """Escape untrusted text for inclusion in generated Markdown (no HTML, no syntax)."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(" ".join(str(text).split()), quote=False))


def french_date(date) -> str:
    day = "1er" if date.day == 1 else str(date.day)
    return f"{day} {MONTHS[date.month - 1]} {date.year}"


def duration_text(minutes: int) -> str:
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" + (f" {rest:02d}" if rest else "")


@cache
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("fichotheque", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["french_date"] = french_date
    env.filters["duration"] = duration_text
    env.filters["md"] = md_text
    return env


def render(template: str, **context) -> str:
    return _env().get_template(template).render(**context)


def late_markers(late: bool) -> dict[str, str]:
    """Template variables that wrap a part to put back after indexing (empty when not asked)."""
    if not late:
        return {"late_start": "", "late_end": ""}
    return {"late_start": Markup(LATE_START), "late_end": Markup(LATE_END)}


def late_slot(number: int) -> str:
    return Markup(LATE_SLOT.format(number))


def split_late(text: str, first: int = 0) -> tuple[str, tuple[str, ...]]:
    """Cut out the parts between `LATE_START` and `LATE_END`, leaving a numbered slot each
    (numbered from `first`, to split several fragments of one page).

    Our pages give the search indexer only what is worth finding (it parses every tag of every
    page, and the repeated blocks would only add noise to the index); `fill_late` puts the parts
    back once the page is indexed, so the published HTML is the same as without the split.
    """
    parts: list[str] = []

    def slot(match: re.Match) -> str:
        parts.append(match.group(1))
        return LATE_SLOT.format(first + len(parts) - 1)

    return _LATE.sub(slot, text), tuple(parts)


def fill_late(text: str, parts: tuple[str, ...] | Callable[[], tuple[str, ...]]) -> str:
    """Put back the parts cut out by `split_late` (a slot lost on the way is an error)."""
    if callable(parts):  # rendered only now (see `build.LateParts`)
        parts = parts()
    for number, part in enumerate(parts):
        slot = LATE_SLOT.format(number)
        if slot not in text:
            raise ValueError(f"emplacement {slot} absent de la page")
        text = text.replace(slot, part, 1)
    return text


def attribution(fiche: Fiche, site: SiteConfig) -> str:
    """Ready-to-paste TASL credit line: title, author, source, licence."""
    lic = fiche.licence_info
    licence = f"{lic.short_name} ({lic.deed_url})" if lic else fiche.licence
    url = site.absolute_url(fiche.url) if site.site_url else fiche.url
    credits = list(fiche.authors)
    if site.structure.name not in credits:
        credits.append(site.structure.name)
    text = f"« {fiche.title} », {', '.join(credits)}, {url}, sous licence {licence}"
    if fiche.source:
        text += (f". Adapté de « {fiche.source.title} »"
                 + (f", {fiche.source.author}" if fiche.source.author else "")
                 + (f", {fiche.source.url}" if fiche.source.url else "")
                 + f" ({fiche.source.licence})")
    return text + "."


def fiche_header(fiche: Fiche, site: SiteConfig, module: Module | None = None,
                 use_directory_urls: bool = True, late: bool = False) -> str:
    """HTML shown above a fiche: title, metadata, competences, licence and attribution.

    `files_prefix` leads from the fiche page to its own folder `fiches/<module>/<slug>/`
    (where its PDFs and source live): empty with directory URLs, `<slug>/` without them
    (offline mirror, where the page is `fiches/<module>/<slug>.html`). With `late`, the parts
    search does not index are wrapped in the markers of `split_late`.
    """
    return render("fiche_header.html", fiche=fiche, site=site, module=module,
                  licence=fiche.licence_info, attribution=attribution(fiche, site),
                  files_prefix="" if use_directory_urls else f"{fiche.slug}/",
                  **late_markers(late))


def contribution_links(fiche: Fiche, site: SiteConfig) -> dict[str, str]:
    """Where to edit a fiche's source and where to report an error about it (may be empty)."""
    from urllib.parse import urlencode

    edit = site.repo_edit_base + fiche.rel_path if site.repo_edit_base else ""
    issue = ""
    if site.issues_url:
        page = site.absolute_url(fiche.url) if site.site_url else fiche.url
        body = (f"Fiche : {fiche.title}\nAdresse : {page}\nFichier : {fiche.rel_path}\n\n"
                "Ce qui ne va pas (étape, phrase, lien) :\n\nCe qu'il faudrait écrire :\n")
        issue = site.issues_url + "?" + urlencode(
            {"title": f"Erreur dans la fiche « {fiche.title} »", "body": body})
    return {"edit": edit, "issue": issue}


def fiche_contribuer(fiche: Fiche, site: SiteConfig, late: bool = False) -> str:
    """Links shown below a fiche: propose a change, report an error (never indexed)."""
    return render("fiche_contribuer.html", fiche=fiche, links=contribution_links(fiche, site),
                  pencil=icon_svg("material/pencil"), alert=icon_svg("material/alert-circle"),
                  **late_markers(late))


def module_page(module: Module, site: SiteConfig) -> str:
    return render("module.md", module=module, site=site)


def modules_overview(corpus: Corpus, site: SiteConfig) -> str:
    return render("modules.md", corpus=corpus, site=site, cards=module_cards(corpus, ""))


def module_cards(corpus: Corpus, prefix: str = "") -> str:
    """Material grid cards, one per module; `prefix` leads from the page to `fiches/`."""
    return render("module_cards.md", modules=corpus.modules, prefix=prefix,
                  icon=lambda m: ":" + m.icon.replace("/", "-") + ":")


@cache
def icon_svg(name: str) -> str:
    """Inline SVG of a Material icon (`material/shield-lock`), or an empty string."""
    folder = plaintext.material_icons()
    if folder is None or plaintext.icon_problem(name):
        return ""
    return (folder / f"{name}.svg").read_text(encoding="utf-8")


def theme_dir() -> Path:
    """Template overrides and assets added to Material by the build."""
    return Path(str(resources.files("fichotheque") / "theme"))
