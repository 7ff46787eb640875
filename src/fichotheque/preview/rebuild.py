"""Rendering again only the pages an edit changed (`live.py` decides when).

A fiche's page depends on its own Markdown and on its front matter; every other page that shows
the fiche (its module, the catalogue, the feed, parcours, the fiches that link to it) shows only
its front matter. So when the front matter and what is computed from the text for other pages
(session plan, facilitator notes) are unchanged, only the fiche's page is rendered again, by
the same MkDocs steps and plugins as in a full build; otherwise the site is rebuilt whole. The
same goes for a page of `docs/` whose title (shown in the navigation) is unchanged.

The search index is written again afterwards by the plugins' own `on_post_build`, in the
background (`SearchRefresher`), so the browser shows the edit without waiting for it.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from mkdocs.commands.build import _build_page, _populate_page
from mkdocs.structure.files import InclusionLevel

from fichotheque.content import lint
from fichotheque.content.loading import load_fiche
from fichotheque.content.model import Corpus, Fiche
from fichotheque.content.problems import WARNING, Problem
from fichotheque.files import write_atomic
from fichotheque.pdf.document import source_path

log = logging.getLogger("mkdocs.plugins.fichotheque.preview")

FULL = "full"  # the change needs MkDocs' complete build
CORPUS_EVENT = "fichotheque_corpus_changed"  # hook function told of the new corpus
SEARCH_PLUGINS = ("material/search", "search")
# set on a hook's `on_post_build` whose files never depend on a fiche's text (hooks/badges.py)
TEXT_INDEPENDENT = "fichotheque_text_independent"


@dataclass
class Built:
    """What one complete build left in memory: enough to render one page again."""

    config: object
    files: object
    nav: object
    env: object
    corpus: Corpus | None = None

    def fiche_at(self, path: str) -> Fiche | None:
        if self.corpus is None:
            return None
        return next((f for f in self.corpus.fiches if _same(f.path, path)), None)

    def docs_file_at(self, path: str):
        """A Markdown page of `docs/` (not a generated one) at this path, if any."""
        for f in self.files.documentation_pages():
            if not f.generated_by and f.abs_src_path and _same(f.abs_src_path, path):
                return f
        return None


@dataclass(frozen=True)
class Plan:
    fiches: tuple[Fiche, ...] = ()
    pages: tuple = ()  # mkdocs File objects of docs/


def _same(a, b) -> bool:
    return os.path.realpath(a) == os.path.realpath(b)


def plan(built: Built, paths: set[str]) -> Plan | str:
    """One page per changed fiche or docs page; FULL as soon as anything else changed."""
    fiches, pages = [], []
    for path in sorted(paths):
        fiche = built.fiche_at(path)
        page_file = None if fiche else built.docs_file_at(path)
        known = fiche is not None or page_file is not None
        if not os.path.isfile(path):
            if known:
                return FULL  # a page's source is gone
            continue  # a scratch file, already deleted
        if fiche is not None:
            fiches.append(fiche)
        elif page_file is not None and page_file.page is not None:
            pages.append(page_file)
        else:
            return FULL
    return Plan(tuple(fiches), tuple(pages))


def apply(built: Built, todo: Plan) -> str | None:
    """Render the planned pages; FULL if one of them turns out to need more, None when an
    error was reported (the previous page stays), else a message for the log."""
    done = []
    for old in todo.fiches:
        outcome = _fiche(built, old)
        if outcome is None or outcome == FULL:
            return outcome
        done.append(outcome)
    for page_file in todo.pages:
        page = page_file.page
        title = page.title
        _render(built, page)
        if page_file.inclusion.is_in_nav() and page.title != title:
            return FULL  # the navigation shows it on every page
        done.append(page_file.src_uri)
    if not done:
        return None
    what = "la page de " + ", ".join(done) if len(done) < 4 else f"{len(done)} pages"
    return f"Prévisualisation : {what} reconstruite" + ("s" if len(done) >= 4 else "")


def _listing(fiche: Fiche) -> tuple:
    """What pages other than the fiche's own show of it (line numbers aside)."""
    plan = fiche.plan
    shape = None if plan is None else (tuple((p.title, p.minutes) for p in plan.phases),
                                       tuple(title for title, _ in plan.subsections))
    return (dataclasses.replace(fiche, body="", body_line=1, sections=()),
            fiche.has_facilitator_notes, shape)


def _fiche(built: Built, old: Fiche) -> str | None:
    root = built.corpus.root
    problems: list[Problem] = []
    new = load_fiche(old.path, root, old.module, problems)
    problems.extend(_lint(root, old.path))
    errors = [p for p in problems if p.is_error]
    if errors or new is None:
        count = len(errors or problems)
        log.error("\n".join([
            f"{count} erreur{'s' if count > 1 else ''} dans {old.rel_path} ; "
            "la page affichée n'est pas mise à jour :",
            *(p.format() for p in errors or problems),
            "Corrigez puis enregistrez : la page se mettra à jour toute seule."]))
        return None
    for warning in problems:
        log.warning(warning.format())
    if _listing(new) != _listing(old):
        return FULL
    built.corpus = built.corpus.with_fiche(new)
    for plugin in built.config.plugins.values():
        changed = getattr(plugin, CORPUS_EVENT, None)
        if callable(changed):
            changed(built.corpus)
    page_file = built.files.get_file_from_path(new.src_uri)
    if page_file is None or page_file.page is None:
        return FULL
    _render(built, page_file.page)
    write_atomic(Path(built.config.site_dir) / source_path(new), new.path.read_bytes(),
                 durable=False)
    return new.rel_path


def _lint(root: Path, path: Path) -> list[Problem]:
    problems = lint.Linter(root, lint.Limits(), lint.RULES).lint(path)
    if os.environ.get(lint.SKIP_ENV) == "1":
        return [Problem(p.path, p.line, p.message, WARNING, p.hint, p.rule) for p in problems]
    return problems


def _render(built: Built, page) -> None:
    """The page through the same MkDocs steps and plugins as in a full build."""
    config, files = built.config, built.files
    _forget_search_entries(config, page.url)
    _populate_page(page, config, files)
    doc_files = files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
    _build_page(page, config, doc_files, built.nav, built.env,
                excluded=page.file.inclusion.is_excluded())


def _search_plugin(config):
    for name in SEARCH_PLUGINS:
        plugin = config.plugins.get(name)
        if plugin is not None and getattr(plugin, "search_index", None) is not None:
            return plugin
    return None


def _forget_search_entries(config, url: str) -> None:
    """Material's search adds a page's sections when it renders it: drop the old ones."""
    plugin = _search_plugin(config)
    if plugin is None:
        return
    index = plugin.search_index
    index.entries = [e for e in index.entries
                     if not (e["location"] == url or e["location"].startswith(url + "#"))]


class SearchRefresher:
    """Runs the plugins' `on_post_build` (search index, fiche sources…) in the background after
    incremental rebuilds; the latest request wins.

    Only the step that reads what page rebuilds change (Material's search index in memory) holds
    the session's lock; the slower steps after it (our search rewrite, the sources) work on
    files, so the next edit is shown without waiting for them."""

    def __init__(self, lock: threading.RLock):
        self._lock = lock
        self._wanted = threading.Event()
        self._config = None
        self._thread: threading.Thread | None = None

    def schedule(self, config) -> None:
        self._config = config
        self._wanted.set()
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="fichotheque-recherche",
                                            daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while self._wanted.is_set():
            self._wanted.clear()
            config = self._config
            started = time.perf_counter()
            try:
                self._post_build(config)
            except Exception as exc:  # the server goes on: say it plainly
                log.error(f"Mise à jour de l'index de recherche impossible : {exc}")
                continue
            spent = f"{time.perf_counter() - started:.2f}".replace(".", ",")
            log.info(f"Index de recherche à jour en {spent} s.")

    def _post_build(self, config) -> None:
        """`config.plugins.on_post_build`, event by event, in MkDocs' order."""
        index_owner = _search_plugin(config)
        for method in config.plugins.events["post_build"]:
            if getattr(method, TEXT_INDEPENDENT, False):
                continue
            if getattr(method, "__self__", None) is index_owner:
                with self._lock:
                    method(config=config)
            else:
                method(config=config)

    def wait(self) -> None:
        thread = self._thread
        if thread is not None and thread.is_alive():
            thread.join()
