"""MkDocs integration of what the site publishes around the fiches.

`hooks/catalogue.py` forwards MkDocs events here: the catalogue page, `catalogue.json` and its
schema, the Atom feed (generated files, written by MkDocs with the pages), the search tuning
(fiche pages boosted), the schema.org JSON-LD of each fiche and the local identity (colours,
logo). This class only sequences; the logic lives in
`catalogue.py`, `feed.py`, `linked_data.py` and `identity.py`.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from fichotheque.content.loading import load_corpus
from fichotheque.content.model import Corpus, Fiche
from fichotheque.web import catalogue, feed, identity, linked_data
from fichotheque.web.fiche_site import LateParts, replace_file, site_config
from fichotheque.web.settings import SiteConfig

# Fiche pages rank above module, catalogue and guide pages that mention the same words.
FICHE_SEARCH_BOOST = 4
JSONLD_META = "fichotheque_jsonld"
SCRIPTS = (catalogue.SCRIPT,)
STYLES = ("assets/fichotheque-site.css", identity.CSS_URI)


class Publication:
    """State of one MkDocs build for the catalogue, feed, search and identity."""

    def __init__(self, corpus: Corpus, site: SiteConfig, colours: identity.Colours):
        self.corpus = corpus
        self.site = site
        self.colours = colours
        self._by_src = {f.src_uri: f for f in corpus.fiches}
        self._late = LateParts()

    @classmethod
    def from_config(cls, config) -> Publication:
        site = site_config(config)
        try:
            colours = identity.colours_from(site)
        except identity.IdentityError as exc:
            raise PluginError(f"mkdocs.yml : {exc}") from None
        # Errors in fiches are reported by hooks/fiches.py, which runs first.
        return cls(load_corpus(site.project_dir), site, colours)

    def use_corpus(self, corpus: Corpus) -> None:
        """The corpus after the preview server re-read one edited fiche (`fichotheque.preview`)."""
        self.corpus = corpus
        self._by_src = {f.src_uri: f for f in corpus.fiches}

    # -- on_config -------------------------------------------------------------------------
    def configure(self, config):
        """Scripts, identity stylesheet and logo."""
        for script in SCRIPTS:
            if script not in config.extra_javascript:
                config.extra_javascript.append(script)
        for style in STYLES:
            if style not in config.extra_css:
                config.extra_css.append(style)
        try:
            logo = identity.logo_path(self.site, Path(config.docs_dir))
        except identity.IdentityError as exc:
            raise PluginError(f"mkdocs.yml : {exc}") from None
        if logo:
            config.theme["logo"] = logo
        return config

    # -- on_files --------------------------------------------------------------------------
    def add_files(self, files: Files, config) -> Files:
        """The catalogue page (replacing the basic one), identity stylesheet, open data, feed.

        The catalogue's table is kept aside and put back by `page_context` (see `pages.split_late`).
        """
        urls = config.use_directory_urls
        page = File.generated(config, catalogue.CATALOGUE_URI, content=catalogue.catalogue_markdown(
            self.corpus, self.site, urls, late=True))
        self._late.keep(page, lambda: (catalogue.table_html(self.corpus, self.site, urls),))
        replace_file(files, page)
        replace_file(files, File.generated(config, identity.CSS_URI,
                                            content=identity.theme_css(self.colours)))
        # Open data and feed as generated files: MkDocs writes them, pages can link to them.
        for uri, content in self.outputs().items():
            replace_file(files, File.generated(config, uri, content=content))
        return files

    def outputs(self) -> dict[str, str]:
        """`catalogue.json`, `catalogue.schema.json` and `feed.xml`, by site path."""
        return {
            catalogue.CATALOGUE_JSON: catalogue.dumps(catalogue.document(self.corpus, self.site)),
            catalogue.SCHEMA_JSON: catalogue.dumps(catalogue.published_schema(self.site)),
            feed.FEED_XML: feed.build(self.corpus, self.site),
        }

    # -- pages -----------------------------------------------------------------------------
    def fiche_for(self, page) -> Fiche | None:
        return self._by_src.get(page.file.src_uri)

    def page_markdown(self, markdown: str, page) -> str:
        """Fiche pages: search boost and the schema.org description for the theme."""
        fiche = self.fiche_for(page)
        if fiche is not None:
            search = dict(page.meta.get("search") or {})
            search["boost"] = FICHE_SEARCH_BOOST
            page.meta["search"] = search
            module = self.corpus.module(fiche.module)
            page.meta[JSONLD_META] = linked_data.script_text(
                linked_data.learning_resource(fiche, module, self.site))
        return markdown

    def page_context(self, page) -> None:
        """Put the catalogue's table back once search has read the page."""
        self._late.restore(page)

