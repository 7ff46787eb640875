"""Macros offered to our own `docs/` pages (never to fiches: `render_by_default: false`)."""

from __future__ import annotations

from pathlib import Path

from fichotheque.content.loading import load_corpus
from fichotheque.web import home, pages, settings


def define_env(env) -> None:
    """Entry point called by mkdocs-macros through `macros/main.py`."""
    project = Path(env.project_dir)
    site = settings.load(project) if (project / "mkdocs.yml").exists() else None
    corpus = load_corpus(project)

    env.variables["structure"] = site.structure if site else None
    env.variables["nombre_fiches"] = len(corpus.fiches)
    env.variables["nombre_modules"] = len(corpus.modules)

    @env.macro
    def cartes_modules(prefix: str = "fiches/") -> str:
        """Cards of every module, for the home page."""
        return pages.module_cards(corpus, prefix)

    @env.macro
    def fiches_du_module(module: str, prefix: str = "") -> str:
        """A Markdown list of the fiches of one module, in order."""
        mod = corpus.module(module)
        if mod is None:
            return f"*Module « {pages.md_text(module)} » introuvable.*"
        return "\n".join(
            f"- [{pages.md_text(f.title)}]({prefix}fiches/{mod.slug}/{f.slug}.md) — "
            f"{pages.md_text(f.description)}"
            for f in mod.fiches
        )

    def directory_urls() -> bool:
        return bool(env.conf.get("use_directory_urls", True))

    @env.macro
    def accueil_modules() -> str:
        """Home page: one card per module (colour, icon, fiches, duration, badge)."""
        return home.module_cards(corpus, project, directory_urls())

    @env.macro
    def dernieres_fiches(nombre: int = home.LATEST_COUNT) -> str:
        """Home page: the most recently updated fiches."""
        return home.latest_fiches(corpus, directory_urls(), int(nombre))

    @env.macro
    def recherche_accueil() -> str:
        """Home page: a search form that opens the site search."""
        return home.search_form(directory_urls())

    @env.macro
    def identite_structure() -> str:
        """Name, address and contact of the local structure, as Markdown."""
        if site is None:
            return ""
        s = site.structure
        lines = [f"**{pages.md_text(s.name)}**"]
        lines += [pages.md_text(x) for x in (s.address, s.email, s.phone) if x]
        return "  \n".join(lines)
