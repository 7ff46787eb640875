"""MkDocs integration: turns the validated corpus into pages of the site.

`hooks/fiches.py` forwards MkDocs events here. This module sequences events only; validation
lives in `content/` and rendering in `pages.py`.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel

from fichotheque.content import assets, cache_policy, facilitator, lint
from fichotheque.content.lint.background import BuildLint
from fichotheque.content.loading import load_corpus
from fichotheque.content.model import FICHES_DIR, Corpus, Fiche
from fichotheque.content.problems import Problem
from fichotheque.web import fiche_links, pages, parcours_pages, settings
from fichotheque.web.catalogue import catalogue_markdown, table_html
from fichotheque.web.sanitize import sanitize_html

log = logging.getLogger("mkdocs.plugins.fichotheque.build")

NAV_PLACEHOLDER = "fiches/index.md"
CATALOGUE_URI = "catalogue/index.md"
# The print stylesheet is linked by theme/main.html with media="print" (never render-blocking).
ASSETS = ("assets/fichotheque.css",)
WATCHED = ("fiches", "parcours", "badges", "macros", "src")


def project_dir(config) -> Path:
    return Path(config.config_file_path).resolve().parent


def site_config(config) -> settings.SiteConfig:
    """The core's view of the MkDocs config."""
    return settings.from_mapping(
        {
            "site_name": config.site_name,
            "site_url": config.site_url or "",
            "repo_url": config.repo_url or "",
            "edit_uri": config.edit_uri or "",
            "extra": dict(config.extra),
        },
        project_dir(config),
    )


def replace_file(files: Files, new: File) -> None:
    """Add a file to the build, replacing one at the same source path (e.g. in docs/)."""
    old = files.get_file_from_path(new.src_uri)
    if old is not None:
        files.remove(old)
    files.append(new)


def format_problems(problems: list[Problem]) -> str:
    lines = [p.format() for p in problems]
    count = len(problems)
    head = (f"{count} erreur{'s' if count > 1 else ''} dans les fiches ; "
            "le site n'est pas construit :")
    tail = "Corrigez-les puis relancez (« fichotheque check » les liste)."
    return "\n".join([head, *lines, tail])


def _stop_or_warn(problems: list[Problem]) -> None:
    errors = [p for p in problems if p.is_error]
    if errors:
        raise PluginError(format_problems(errors))
    for warning in problems:
        log.warning(warning.format())


class FicheSite:
    """State of one MkDocs build: the corpus and how its fiches map to pages."""

    def __init__(self, corpus: Corpus, site: settings.SiteConfig,
                 content_rules: BuildLint | None = None):
        self.corpus = corpus
        self.site = site
        self._by_src = {f.src_uri: f for f in corpus.fiches}
        self._late = LateParts()
        self._content_rules = content_rules

    @classmethod
    def from_config(cls, config) -> FicheSite:
        """Load and validate `fiches/`; stop the build with every error if there are any.

        The content rules may still be running in the background (`lint/background.py`):
        `check_content` waits for them before the first file is written."""
        site = site_config(config)
        # before any cache is read (lint here, PDFs, badges and search later)
        cached = cache_policy.check(site.project_dir)
        # started first: on a first build it runs on the other core while the corpus loads
        content_rules = BuildLint(site.project_dir)
        corpus = load_corpus(site.project_dir)
        problems = [*cached, *corpus.problems, *lint.assets_for_build(site.project_dir),
                    *settings.check(site)]
        if any(p.is_error for p in problems):  # every error at once, as `fichotheque check`
            _stop_or_warn([*problems, *content_rules.result()])
        _stop_or_warn(problems)
        return cls(corpus, site, content_rules)

    def check_content(self) -> None:
        """Stop the build on the content rules' errors, warn about the rest (`on_env`: the
        pages are rendered in memory, nothing is written yet)."""
        if self._content_rules is not None:
            rules, self._content_rules = self._content_rules, None
            _stop_or_warn(rules.result())

    def use_corpus(self, corpus: Corpus) -> None:
        """The corpus after the preview server re-read one edited fiche (`fichotheque.preview`)."""
        self.corpus = corpus
        self._by_src = {f.src_uri: f for f in corpus.fiches}

    # -- on_config -------------------------------------------------------------------------
    def configure(self, config):
        """Add our theme overrides and stylesheet, and the modules to the navigation."""
        theme_dir = str(pages.theme_dir())
        if theme_dir not in config.theme.dirs:
            # After a custom_dir (the fork's own overrides), before Material's templates.
            position = 1 if config.theme.custom_dir else 0
            config.theme.dirs.insert(position, theme_dir)
        for asset in ASSETS:
            if asset not in config.extra_css:
                config.extra_css.append(asset)
        config.nav = self._nav(config.nav)
        for folder in WATCHED:
            path = self.site.project_dir / folder
            if path.exists() and str(path) not in config.watch:
                config.watch.append(str(path))
        return config

    def _nav(self, nav):
        """Replace the `fiches/index.md` entry with a section listing every module."""
        if not nav:
            return nav
        section = [NAV_PLACEHOLDER] + [{m.title: m.url + "index.md"} for m in self.corpus.modules]
        result = []
        for item in nav:
            if isinstance(item, dict) and list(item.values()) == [NAV_PLACEHOLDER]:
                result.append({next(iter(item)): section})
            elif item == NAV_PLACEHOLDER:
                result.append({"Fiches": section})
            else:
                result.append(item)
        return result

    # -- on_files --------------------------------------------------------------------------
    def add_files(self, files: Files, config) -> Files:
        """Add fiches (out of the navigation), their images, module pages and the catalogue.

        Contributor files follow one policy (`content/assets.py`): a refused file is left out,
        a drawing is published as its safe copy, and a symlink or a private key (in
        `fiches/` or `docs/`) stops the build."""
        stopped = _docs_assets(files, config)
        for fiche in self.corpus.fiches:
            f = File.generated(config, fiche.src_uri, abs_src_path=str(fiche.path),
                               inclusion=InclusionLevel.NOT_IN_NAV)
            # Edit button: fiches sit beside docs/ at the repository root.
            f.edit_uri = f"../{fiche.rel_path}" if config.edit_uri else None
            replace_file(files, f)
        for module in self.corpus.modules:
            replace_file(files, File.generated(config, module.url + "index.md",
                                                content=pages.module_page(module, self.site)))
            for path in assets.entries(module.path):
                asset = assets.examine(path, path.relative_to(self.site.project_dir).as_posix())
                uri = f"{FICHES_DIR}/{path.relative_to(module.path.parent).as_posix()}"
                _publish(files, config, asset, uri, stopped)
        if stopped:
            raise PluginError(_unpublishable(stopped))
        for uri, content, late, in_nav in parcours_pages.generated(
                self.corpus, self.site, config.use_directory_urls):
            page = File.generated(config, uri, content=content, inclusion=(
                InclusionLevel.INCLUDED if in_nav else InclusionLevel.NOT_IN_NAV))
            replace_file(files, page)
            if late is not None:
                self._late.keep(page, late)
        if files.get_file_from_path(NAV_PLACEHOLDER) is None:
            files.append(File.generated(config, NAV_PLACEHOLDER,
                                        content=pages.modules_overview(self.corpus, self.site)))
        if files.get_file_from_path(CATALOGUE_URI) is None:
            urls = config.use_directory_urls
            catalogue = File.generated(config, CATALOGUE_URI, content=catalogue_markdown(
                self.corpus, self.site, urls, late=True))
            # Rendered only if this page is built (the catalogue hook replaces it).
            self._late.keep(catalogue, lambda: (
                table_html(self.corpus, self.site, urls),))
            files.append(catalogue)
        return files

    # -- pages -----------------------------------------------------------------------------
    def fiche_for(self, page) -> Fiche | None:
        return self._by_src.get(page.file.src_uri)

    def page_markdown(self, markdown: str, page) -> str:
        """Front matter is untrusted: the theme prints `page.meta` values unescaped
        (`<title>`, `<meta name="description">`, header), so they are escaped here.

        A fiche with an exercise kit lists it at the end of its exercise; a module page
        shows the fiches of other modules that its order names (« Voir aussi »)."""
        fiche = self.fiche_for(page)
        if fiche is not None:
            page.meta["title"] = html.escape(fiche.title)
            page.meta["description"] = html.escape(fiche.description)
            page.meta["tags"] = [html.escape(tag) for tag in fiche.tags]
            page.meta["authors"] = [html.escape(author) for author in fiche.authors]
            return facilitator.web_markdown(fiche_links.with_material(markdown, fiche, page.url))
        module = fiche_links.module_of_page(self.corpus, page.file.src_uri)
        more = fiche_links.see_also(self.corpus, module) if module is not None else ""
        return markdown.rstrip("\n") + "\n\n" + more if more else markdown

    def page_content(self, content: str, page, config=None) -> str:
        """Put the metadata header above a fiche's content and the contribution links below.

        What search must not index (metadata, downloads, prerequisites, next fiche, reuse and
        contribution blocks) is left out of the page here and put back by `page_context`,
        once search has read it.
        """
        fiche = self.fiche_for(page)
        if fiche is None:
            return content
        module = self.corpus.module(fiche.module)
        directory_urls = config.use_directory_urls if config is not None else True
        content = sanitize_html(content)  # untrusted: before the trusted header and footer
        before, after = fiche_links.order_links(self.corpus, fiche, directory_urls)
        # Sanitized content keeps no HTML comment: the only slots in the page are ours.
        header, above = pages.split_late(
            pages.fiche_header(fiche, self.site, module, directory_urls, late=True) + before)
        footer, below = pages.split_late(
            after + pages.fiche_contribuer(fiche, self.site, late=True), first=len(above))
        self._late.keep(page.file, above + below)
        return header + content + footer

    def page_context(self, page) -> None:
        """Put back what `page_content` kept away from search (must run after search)."""
        if self._content_rules is not None:  # a hooks/fiches.py without `on_env` (an old fork)
            self.check_content()
        self._late.restore(page)


def _publish(files: Files, config, asset: assets.Asset, uri: str, stopped: list) -> None:
    """Put one examined contributor file in the build as the policy says (or leave it out)."""
    if asset.stop:
        stopped.extend(asset.problems)
    elif asset.refused:
        log.warning("%s : fichier non publié (%s)", asset.rel,
                    "; ".join(p.message for p in asset.problems))
    elif asset.content is not None:  # a drawing: only its safe copy is published
        replace_file(files, File.generated(config, uri, content=asset.content))
    elif not asset.is_content and asset.path.is_file():
        replace_file(files, File.generated(config, uri, abs_src_path=str(asset.path)))
    else:
        return
    if asset.refused and (old := files.get_file_from_path(uri)) is not None:
        files.remove(old)


def _docs_assets(files: Files, config) -> list:
    """Apply the policy to what MkDocs collected in `docs/` (it follows symlinks there)."""
    docs = Path(config.docs_dir)
    stopped: list = []
    for f in list(files):
        if f.generated_by or not f.abs_src_path or f.inclusion.is_excluded():
            continue
        path = Path(f.abs_src_path)
        if not path.is_relative_to(docs):
            continue  # theme files
        link = assets.link_in_path(path, docs)
        if link is not None:
            stopped.append(assets.special_problem(link, _in_docs(link, docs)))
            files.remove(f)
            continue
        asset = assets.examine(path, _in_docs(path, docs), docs=True)
        _publish(files, config, asset, f.src_uri, stopped)
    return stopped


def _in_docs(path: Path, docs: Path) -> str:
    return f"{docs.name}/{path.relative_to(docs).as_posix()}"


def _unpublishable(problems: list) -> str:
    count = len(problems)
    head = (f"{count} fichier{'s' if count > 1 else ''} ne peu{'vent' if count > 1 else 't'} "
            "pas être publié" + ("s" if count > 1 else "") + " ; le site n'est pas construit :")
    tail = ("Retirez-les du dépôt (un lien symbolique n'est jamais suivi, une clé privée "
            "jamais publiée) puis relancez (« fichotheque check » les liste).")
    return "\n".join([head, *(p.format() for p in problems), tail])


Parts = tuple[str, ...] | Callable[[], tuple[str, ...]]


class LateParts:
    """Parts of generated pages kept away from search (`pages.split_late`), by page file.

    Parts belong to the `File` they were cut from: when another hook replaces that file (the
    catalogue hook replaces the basic catalogue page), its parts are left unused.
    """

    def __init__(self):
        self._parts: dict[str, tuple[File, Parts]] = {}

    def keep(self, file: File, parts: Parts) -> None:
        """Parts (or a function rendering them when needed) for the slots of a file."""
        self._parts[file.src_uri] = (file, parts)

    def restore(self, page) -> None:
        """Fill the slots in `page.content` with the parts kept for its file."""
        owner, parts = self._parts.pop(page.file.src_uri, (None, ()))
        if owner is not page.file or not parts:
            return
        try:
            page.content = pages.fill_late(page.content, parts)
        except ValueError as exc:
            raise PluginError(f"{page.file.src_uri} : {exc} (une extension a-t-elle retiré "
                              "les commentaires HTML avant la fin de la construction ?)") from None
