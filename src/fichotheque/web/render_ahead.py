"""Pages converted on the other core during a first build, to fill `render_cache`.

On a fresh clone (empty `.cache/pages/`), converting each page's Markdown is the largest step
of the build. MkDocs converts the pages one by one, in order. Here a forked process converts
them too, from the last one backwards, and writes each result to `.cache/pages/` as the build
would. When the build reaches a page the process has done, it finds it in the cache.

- The process runs each page's `on_pre_page` and `on_page_markdown` plugins itself, then
  `Page.render`, exactly as the build does; the entry is named by the hash of what came out
  (`render_cache.page_key`). If anything differs from what the build process would convert,
  the names differ and the build converts the page itself: the site is the same either way.
- It writes nothing else: no site file, no message (its output goes to /dev/null; a page
  whose conversion logs something is left to the build, which says it).
- The two meet in the middle: the build writes in shared memory how far it got, and the
  process stops when it reaches that point. It is ended at `on_env` in any case, before the
  PDF workers fork.
- Forking is safe only without threads (`lint.parallel.can_fork`: not in `mkdocs serve`, not
  in the desk). So it starts at `on_nav`, before the badge images' thread (`hooks/badges.py`).
"""

from __future__ import annotations

import contextlib
import logging
import mmap
import os
import signal
import struct

from mkdocs.structure.pages import Page

from fichotheque.content.lint.parallel import can_fork
from fichotheque.web.render_cache import RenderCache, render_page

log = logging.getLogger("mkdocs.plugins.fichotheque.render")

_POSITION = struct.Struct("q")


class RenderAhead:
    """The forked process, and where the build has got to."""

    def __init__(self, pid: int, shared: mmap.mmap, order: dict[str, int]):
        self._pid, self._shared, self._order = pid, shared, order
        self._reached = -1

    @classmethod
    def start(cls, cache: RenderCache, config, files) -> RenderAhead | None:
        """The process, started now; None where it would not help or forking is not safe."""
        if cache.settings is None or not can_fork():
            return None
        pages = list(files.documentation_pages())
        if len(pages) < 2:
            return None
        shared = mmap.mmap(-1, _POSITION.size)  # anonymous and shared with the child
        _POSITION.pack_into(shared, 0, 0)
        try:
            pid = os.fork()
        except OSError as exc:
            log.debug("pages : pas de processus d'avance (%s)", exc)
            return None
        if pid == 0:  # the child: never returns
            _child(cache, config, files, pages, shared)
        return cls(pid, shared, {f.src_uri: i for i, f in enumerate(pages)})

    def reached(self, page) -> None:
        """The build is about to convert this page: the process stops before it."""
        index = self._order.get(page.file.src_uri)
        if index is not None and index > self._reached and self._pid:
            self._reached = index
            with contextlib.suppress(ValueError):
                _POSITION.pack_into(self._shared, 0, index)

    def stop(self) -> None:
        """End the process now (it writes only whole cache entries, under a temporary name
        until complete)."""
        if not self._pid:
            return
        pid, self._pid = self._pid, 0
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.waitpid(pid, 0)
        self._shared.close()


def _child(cache: RenderCache, config, files, pages: list, shared: mmap.mmap) -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        for index in range(len(pages) - 1, -1, -1):
            if index <= _POSITION.unpack_from(shared, 0)[0]:
                break
            with contextlib.suppress(Exception):  # the build converts it and says what failed
                _convert(cache, config, files, pages[index])
    except BaseException:
        pass  # Ctrl+C, or the build gave up: no traceback from here
    finally:
        os._exit(0)


def _convert(cache: RenderCache, config, files, file) -> None:
    """The steps of MkDocs' `_populate_page` up to the conversion, then the cache entry."""
    page = file.page if file.page is not None else Page(None, file, config)
    config._current_page = page
    page = config.plugins.on_pre_page(page, config=config, files=files)
    page.read_source(config)
    page.markdown = config.plugins.on_page_markdown(page.markdown, page=page, config=config,
                                                    files=files)
    key = cache.key(page)
    if key is None or cache.path(key).exists():
        return
    rendered = render_page(page, config, files)
    if rendered is not None:
        cache.store(key, rendered)
