"""`mkdocs serve` that rebuilds only what an edit changes.

MkDocs' server rebuilds the whole site after every save (about 20 s at 1,000 fiches). Here,
`hooks/preview.py` keeps what the last full build made (files, navigation, templates) and
`on_serve` replaces the server's builder: a fiche whose text changed gets its page rendered
again (`rebuild.py`), the browser reloads, and the search index follows a moment later in the
background. Anything else (a new or deleted fiche, its title, level or other front matter, a
module, `mkdocs.yml`, the theme, the code) goes through MkDocs' full rebuild, as before.

The state lives in this module, not in the hook: each full rebuild loads `mkdocs.yml` again,
with new instances of the plugins and hooks, and the hook hands the new build to the session.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

from mkdocs.exceptions import MkDocsException

from fichotheque.content.loading import load_corpus
from fichotheque.preview import rebuild
from fichotheque.preview.watch import ChangeWatcher

log = logging.getLogger("mkdocs.plugins.fichotheque.preview")

FULL_ENV = "FICHOTHEQUE_SERVE_COMPLET"  # "1": every change rebuilds the whole site, as MkDocs does


class Session:
    """One `mkdocs serve`: the last complete build and the incremental builder."""

    def __init__(self):
        self._pending: dict = {}
        self.built: rebuild.Built | None = None
        self.lock = threading.RLock()  # a page rebuild and the search refresh never overlap
        self.watcher: ChangeWatcher | None = None
        self.search = rebuild.SearchRefresher(self.lock)
        self._full_builder = None
        self._server = None

    # -- what the hook hands over during a complete build --------------------------------
    def nav(self, nav, config, files) -> None:
        self._pending = {"config": config, "files": files, "nav": nav}
        self.built = None  # a build is under way: the previous state is gone with its site

    def env(self, env, config, files) -> None:
        if self._pending.get("config") is config:
            self._pending.update(env=env, files=files)

    def post_build(self, config) -> None:
        pending, self._pending = self._pending, {}
        if pending.get("config") is config and "env" in pending:
            root = Path(config.config_file_path).resolve().parent
            self.built = rebuild.Built(**pending, corpus=load_corpus(root))

    # -- the server ----------------------------------------------------------------------
    def attach(self, server, config, builder):
        """Take over the server's file watching and its builder."""
        if os.environ.get(FULL_ENV) == "1":
            return server
        self._full_builder = builder
        self._server = server
        self.watcher = ChangeWatcher(lambda: _request_rebuild(server))

        def watch(path, func=None, recursive=True):
            self.watcher.watch(path)
            # MkDocs adds its live-reload script to pages only while it watches something.
            server._watched_paths[os.path.abspath(path)] = 1

        for path in list(server._watched_paths):  # docs/ and mkdocs.yml, watched by MkDocs
            server.unwatch(path)
            watch(path)
        # `config.watch` (fiches/, parcours/, src/…) is watched after this event: ours too.
        server.watch = watch
        server.builder = self.build
        self.watcher.start()
        how = ("examen des fichiers deux fois par seconde" if self.watcher.polling
               else "notifications du système")
        log.info("Prévisualisation : seule la page d'une fiche modifiée est reconstruite "
                 f"({how}).")
        return server

    def build(self) -> None:
        """Called by the server after changes: one page when possible, else everything."""
        self.watcher.start()  # watches added after `attach` (config.watch)
        paths = self.watcher.take()
        if not paths:
            return
        started = time.perf_counter()
        with self.lock:
            plan = rebuild.plan(self.built, paths) if self.built else rebuild.FULL
            if plan is not rebuild.FULL:
                outcome = rebuild.apply(self.built, plan)
                if outcome is not rebuild.FULL:
                    if outcome:
                        self.search.schedule(self.built.config)
                        log.info(f"{outcome} en {_seconds(time.perf_counter() - started)}.")
                    else:  # an error was reported: the page shown stays
                        _keep_browsers(self._server)
                    return
        self._full(paths)

    def _full(self, paths: set[str]) -> None:
        shown = ", ".join(sorted(_short(p) for p in paths)[:3]) + (" …" if len(paths) > 3 else "")
        log.info(f"Modification de {shown} : reconstruction complète du site.")
        self.search.wait()
        with self.lock:
            self.built = None
            try:
                self._full_builder()
            except MkDocsException as exc:  # its messages are already in the log
                detail = " ".join(str(exc).split())
                log.error("La construction du site a échoué"
                          + ("" if "Aborted" in detail else f" : {detail}")
                          + ". Les pages ouvertes restent telles quelles ; corrigez puis "
                          "enregistrez : le site se reconstruira.")
                _keep_browsers(self._server)

    def shutdown(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()
        self.search.wait()


def _request_rebuild(server) -> None:
    """What MkDocs' own watch callback does (mkdocs.livereload, 1.6): wake its build loop."""
    with server._rebuild_cond:
        server._want_rebuild = True
        server._rebuild_cond.notify_all()


def _keep_browsers(server) -> None:
    """No reload after a failed build (mkdocs.livereload, 1.6: browsers reload when the epoch
    they wait for becomes visible; the previous one stays)."""
    with server._epoch_cond:
        server._wanted_epoch = server._visible_epoch


def _seconds(value: float) -> str:
    return f"{value:.2f}".replace(".", ",") + " s"


def _short(path: str) -> str:
    try:
        return Path(path).relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path


_session: Session | None = None


def startup(command: str) -> None:
    global _session
    _session = Session() if command == "serve" else None


def session() -> Session | None:
    return _session


def shutdown() -> None:
    global _session
    if _session is not None:
        _session.shutdown()
    _session = None
