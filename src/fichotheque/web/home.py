"""The home page's generated parts: module cards, latest updated fiches, the search form.

Called by macros (`docs/index.md`); links are computed for directory URLs or not (the offline
mirror uses plain `.html` files), since raw HTML links are not rewritten by MkDocs.
"""

from __future__ import annotations

from pathlib import Path

from fichotheque import safeyaml
from fichotheque.content.model import Corpus, Fiche, Module
from fichotheque.web import pages

LATEST_COUNT = 6


def page_href(path: str, use_directory_urls: bool = True, prefix: str = "") -> str:
    """Like `href`, knowing that module pages are folders and fiche pages are files."""
    if use_directory_urls or not path.endswith("/"):
        return prefix + path
    parts = path.strip("/").split("/")
    if len(parts) == 3:  # fiches/<module>/<slug>/ → fiches/<module>/<slug>.html
        return prefix + "/".join(parts) + ".html"
    return prefix + path + "index.html"


def badge_name(project_dir: Path, module: Module) -> str:
    """The badge's name from `badges/<id>.yml`, or the module title if it is not there."""
    path = Path(project_dir) / "badges" / f"{module.badge}.yml"
    try:
        data = safeyaml.load_data(path, project_dir) or {}
    except safeyaml.YamlError:  # reported by `check` and the badges stage
        data = {}
    name = data.get("name") if isinstance(data, dict) else None
    return str(name) if name else module.title


def latest(corpus: Corpus, count: int = LATEST_COUNT) -> list[Fiche]:
    """Most recently updated fiches; ties in module then fiche order (deterministic)."""
    order = {f.src_uri: i for i, f in enumerate(corpus.fiches)}
    return sorted(corpus.fiches, key=lambda f: (-f.updated.toordinal(), order[f.src_uri]))[:count]


def module_cards(corpus: Corpus, project_dir: Path, use_directory_urls: bool = True) -> str:
    cards = [
        {
            "module": m,
            "href": page_href(m.url, use_directory_urls),
            "icon": pages.icon_svg(m.icon),
            "badge": badge_name(project_dir, m),
        }
        for m in corpus.modules
    ]
    return pages.render("home_modules.html", cards=cards)


def latest_fiches(corpus: Corpus, use_directory_urls: bool = True,
                  count: int = LATEST_COUNT) -> str:
    modules = {m.slug: m for m in corpus.modules}
    items = [{"fiche": f, "module": modules.get(f.module),
              "href": page_href(f.url, use_directory_urls)} for f in latest(corpus, count)]
    return pages.render("home_latest.html", items=items,
                        catalogue=page_href("catalogue/", use_directory_urls),
                        feed="feed.xml")


def search_form(use_directory_urls: bool = True) -> str:
    return pages.render("home_search.html", action=page_href("catalogue/", use_directory_urls))
