"""MkDocs integration of the badges: list on the badges page, page scripts, files after build.

`hooks/badges.py` forwards events here. Pages opt in to the badge scripts with front matter
`badges_script: obtenir` (or `verifier`; `liste` for the stylesheet only); the script and
stylesheet links are added with URLs relative to the page (with or without directory URLs).
"""

from __future__ import annotations

import html
import logging
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url

from fichotheque.badges import BadgeError, images, sign
from fichotheque.badges import openbadges as ob
from fichotheque.badges.publish import IMAGE_CACHE, image_requests, publish
from fichotheque.content.loading import load_corpus
from fichotheque.web.fiche_site import site_config

log = logging.getLogger("mkdocs.plugins.fichotheque.badges")

LIST_MARKER = "<!-- badges:liste -->"
SCRIPTS = {"obtenir": ("obtenir.js",), "verifier": ("ob3.js", "verifier.js")}
ASSET_DIR = "assets/badges"


def plural(count: int, word: str) -> str:
    """« 1 attribution », « 2 attributions » (never « 1 attributions »)."""
    return f"{count} {word}{'s' if count > 1 else ''}"


def badge_list_html(defs: ob.Definitions) -> str:
    """One card per badge: image, name, description, the fiches to follow, competences."""
    parts = ['<div class="fb-badge-list">']
    for badge in defs.badges:
        e = html.escape
        fiches = "".join(f'<li><a href="{e(f.url)}">{e(f.title)}</a></li>' for f in badge.fiches)
        aligned = "".join(
            f"<li>{e(a.target_framework)} {e(a.target_code)} — {e(a.target_name)}</li>"
            for a in badge.alignments)
        parts.append(
            f'<section class="fb-badge-card" id="badge-{e(badge.id)}">'
            f'<img src="{e(badge.id)}.png" alt="" width="160" height="160" loading="lazy">'
            f'<div><h2>{e(badge.name)}</h2><p>{e(badge.description)}</p>'
            f'<details><summary>Critères : les {len(badge.fiches)} fiches du module</summary>'
            f'<ul>{fiches}</ul></details>'
            + (f'<details><summary>Compétences visées</summary><ul>{aligned}</ul></details>'
               if aligned else "")
            + "</div></section>")
    parts.append("</div>")
    return "".join(parts)


class BadgeSite:
    """State of one build: the badge definitions, and the signing key if configured."""

    def __init__(self, config):
        self.site = site_config(config)
        self.corpus = load_corpus(self.site.project_dir)
        self.key_path = sign.key_path_from_env()
        try:
            self.defs = ob.load_definitions(self.site.project_dir, self.site, self.corpus)
            if self.key_path:
                sign.load_private_key(self.key_path)
        except BadgeError as exc:
            raise PluginError(f"Badges : {exc}") from exc
        for orphan in self.defs.orphans:
            log.info(f"Badges : {orphan} ignoré (aucun module n'a ce badge dans son _module.yml)")
        self._drawing = None

    def draw_images(self) -> None:
        """Start drawing the images missing from the cache (a first build) while the pages
        render. Called last at `on_nav`: after every fork (the lint and the search index at
        `on_config`, the pages converted ahead at `on_nav`); no thread may run then."""
        if self._drawing is None:
            self._drawing = images.draw_ahead(
                self.site.project_dir / IMAGE_CACHE,
                list(image_requests(self.defs, self.site).values()))

    def images_drawn(self) -> None:
        """Wait for the images drawn ahead: no thread may run when the PDF hook forks its
        workers (`hooks/badges.py` calls this at `on_env`, once the pages are read)."""
        if self._drawing is not None:
            self._drawing.join()
            self._drawing = None

    @staticmethod
    def _own_page(page) -> bool:
        """Only the site's own pages (docs/), never a contributor's fiche."""
        return not page.file.src_uri.startswith("fiches/")

    def page_markdown(self, markdown: str, page) -> str:
        if self._own_page(page) and LIST_MARKER in markdown:
            markdown = markdown.replace(LIST_MARKER, badge_list_html(self.defs))
        return markdown

    def post_page(self, output: str, page) -> str:
        wanted = str(page.meta.get("badges_script", "")) if self._own_page(page) else ""
        if wanted not in SCRIPTS and wanted != "liste":
            return output
        css = get_relative_url(f"{ASSET_DIR}/badges.css", page.url)
        output = output.replace("</head>", f'<link rel="stylesheet" href="{css}">\n</head>', 1)
        if wanted not in SCRIPTS:
            return output
        tags = "".join(f'<script src="{get_relative_url(f"{ASSET_DIR}/{name}", page.url)}">'
                       "</script>\n" for name in ("commun.js", *SCRIPTS[wanted]))
        return output.replace("</body>", tags + "</body>", 1)

    def post_build(self, config) -> None:
        self.images_drawn()
        try:
            result = publish(Path(config.site_dir), self.site.project_dir, self.site,
                             self.corpus, self.key_path)
        except BadgeError as exc:
            raise PluginError(f"Badges : {exc}") from exc
        log.info(f"Badges : {plural(result.badges, 'badge')}, "
                 f"{plural(result.assertions, 'attribution')} "
                 f"(dont {plural(result.revoked, 'révoquée')} et "
                 f"{plural(result.signed, 'signée')})")
        if result.unsaved:
            log.warning(f"Badges : {result.unsaved} attributions signées pendant cette "
                        "construction ne sont pas enregistrées dans badges/signatures/ : lancez "
                        "« fichotheque badges signer » puis ajoutez badges/ dans git, sinon "
                        "elles perdront leur signature quand la clé changera")
