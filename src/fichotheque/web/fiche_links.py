"""What a fiche page links to beyond its own text: the pedagogical order and the exercise kit.

- « À faire avant » (the fiche's `prerequisites:`) under the header, « Fiche suivante » (the
  module's order, `Corpus.next_fiche`) under the fiche: trusted HTML added by
  `FicheSite.page_content`, kept away from search like the other repeated blocks;
- « Matériel pour l'exercice » at the end of the exercise: the kit PDF and practice files;
- « Voir aussi » on a module page: the fiches of other modules its `fiches:` order names.

Links are relative, for the pages MkDocs builds with directory URLs (`fiches/<module>/<slug>/`)
and without them (the offline mirror's `fiches/<module>/<slug>.html`).
"""

from __future__ import annotations

import html
from urllib.parse import quote

from fichotheque.content import facilitator
from fichotheque.content.model import FICHES_DIR, Corpus, Fiche, Module
from fichotheque.web import pages


def files_prefix(fiche: Fiche, page_url: str) -> str:
    """From a fiche page to its folder `fiches/<module>/<slug>/` (where its PDFs and kit
    files are): empty with directory URLs, `<slug>/` without (offline mirror)."""
    return "" if not page_url or page_url.endswith("/") else f"{fiche.slug}/"


def material_html(fiche: Fiche, prefix: str) -> str:
    """The exercise kit as a list of links: its PDF (built by `fichotheque build`) and each
    practice file, with its size. Raw HTML: the PDF is not a file MkDocs knows."""
    items = []
    if fiche.kit_pages:
        count = len(fiche.kit_pages)
        plural = "s" if count > 1 else ""
        pdf = html.escape(quote(f"{prefix}{fiche.slug}-exercices.pdf"))
        items.append(f'<li><a href="{pdf}" type="application/pdf">Documents de l\'exercice à '
                     f"imprimer (PDF)</a> : {count} document{plural} fictif{plural}, chaque "
                     f"page marquée « {facilitator.KIT_STAMP} ».</li>")
    for path in fiche.kit_files:
        size = facilitator.file_size(path.stat().st_size)
        items.append(f'<li><a href="{html.escape(quote(prefix + path.name))}">'
                     f"{html.escape(path.name)}</a> : fichier d'entraînement à télécharger "
                     f"({size}).</li>")
    if not items:
        return ""
    return '<ul class="fiche-kit">\n' + "\n".join(items) + "\n</ul>\n"


def with_material(markdown: str, fiche: Fiche, page_url: str) -> str:
    """A fiche's Markdown with its kit listed at the end of its exercise (if it has a kit)."""
    material = material_html(fiche, files_prefix(fiche, page_url))
    return facilitator.add_to_exercise(markdown, material) if material else markdown


def module_of_page(corpus: Corpus, src_uri: str) -> Module | None:
    """The module whose generated page (`fiches/<module>/index.md`) this is, if any."""
    parts = src_uri.split("/")
    if len(parts) == 3 and parts[0] == FICHES_DIR and parts[2] == "index.md":
        return corpus.module(parts[1])
    return None


def see_also(corpus: Corpus, module: Module) -> str:
    """Markdown « Voir aussi » section: other modules' fiches named in this module's order
    (empty when there are none). Links to `.md` sources: MkDocs checks and rewrites them."""
    lines = []
    for slug in module.see_also:
        other = corpus.by_slug(slug)
        if other is None:
            continue  # reported by `check` (order)
        owner = corpus.module(other.module)
        lines.append(f"- [{pages.md_text(other.title)}](../{other.module}/{other.slug}.md)"
                     f" — module « {pages.md_text(owner.title if owner else other.module)} »"
                     f" : {pages.md_text(other.description)}")
    if not lines:
        return ""
    return "\n".join(["## Voir aussi", "",
                      "Ces fiches d'autres modules font aussi partie de ce parcours :", "",
                      *lines]) + "\n"


def _late(text: str) -> str:
    return pages.LATE_START + text + pages.LATE_END


def order_links(corpus: Corpus, fiche: Fiche, directory_urls: bool) -> tuple[str, str]:
    """HTML of « À faire avant » (under the header) and « Fiche suivante » (under the fiche),
    each wrapped to be kept away from search (`pages.split_late`)."""

    def href(target: Fiche) -> str:
        same = target.module == fiche.module
        if directory_urls:  # the page is fiches/<module>/<slug>/
            return f"../{target.slug}/" if same else f"../../{target.module}/{target.slug}/"
        return f"{target.slug}.html" if same else f"../{target.module}/{target.slug}.html"

    before = ""
    needed = [f for f in map(corpus.by_slug, fiche.prerequisites) if f is not None]
    if needed:
        links = ", ".join(f'<a href="{html.escape(href(f))}">{html.escape(f.title)}</a>'
                          for f in needed)
        before = _late(f'\n<p class="fiche-avant" data-search-exclude><strong>À faire '
                       f"avant :</strong> {links}.</p>\n")
    module = corpus.module(fiche.module)
    paths = parcours_html(corpus, fiche, directory_urls)
    following = corpus.next_fiche(fiche)
    if following is not None:
        link = (f'<a href="{html.escape(href(following))}" rel="next">Fiche suivante : '
                f"{html.escape(following.title)}</a>")
    elif module is not None:
        back = "../" if directory_urls else "index.html"
        link = (f'Dernière fiche du module. <a href="{back}">Retour au module « '
                f"{html.escape(module.title)} »</a>")
    else:
        return before, _late(paths) if paths else ""
    after = _late(f'\n<nav class="fiche-suite" aria-label="Suite du module" '
                  f"data-search-exclude>\n<p>{link}</p>\n{paths}</nav>\n")
    return before, after


def parcours_html(corpus: Corpus, fiche: Fiche, directory_urls: bool) -> str:
    """« Cette fiche fait partie des parcours … (séance N) », or an empty string."""
    found = corpus.parcours_of(fiche.slug)
    if not found:
        return ""
    items = []
    for parcours in found:
        href = ("../../../" + parcours.url) if directory_urls else \
            f"../../{parcours.url}index.html"
        session = parcours.session_of(fiche.slug)
        items.append(f'<a href="{html.escape(href)}">{html.escape(parcours.title)}</a>'
                     f" (séance {session.number} sur {len(parcours.sessions)})")
    word = "du parcours" if len(items) == 1 else "des parcours"
    return (f'<p class="fiche-parcours">Cette fiche fait partie {word} : '
            + ", ".join(items) + ".</p>\n")
