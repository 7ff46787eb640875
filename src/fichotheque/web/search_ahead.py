"""The split search index weighed in a forked process while the pages render (first builds).

Splitting the index (`search_split`) comes last in a build, after every page is written; on a
first build, when `.cache/recherche/` has nothing to copy, weighing each page's words is most
of it (about 0.7 s at 1,000 fiches). Material adds a page's entries to its index as the page
is rendered (`on_page_context`); `SearchBuild` hands them over here, and a forked process
weighs them on the other core while the build goes on with the next pages.

The result is used only when the documents handed over are exactly the documents of the final
index (read back from `search_index.json`, as without this module) and the synonyms are the
same: otherwise the split is computed as before. The files are the same either way (tested).

Forking is safe only without threads (`lint.parallel.can_fork`: not in `mkdocs serve`, not in
the desk), so the process is started at `on_config`, before the badge images' thread. It is
not started when the cache already holds an entry: a build after a small change usually
copies the split from the cache, and a process that lives through the whole build costs the
build process its copied memory pages.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os

from fichotheque.content.lint.parallel import can_fork
from fichotheque.web import search_split

log = logging.getLogger("mkdocs.plugins.fichotheque.search")


def _child(receive, send, synonyms: dict) -> None:
    try:
        weights = search_split.PageWeights(synonyms)
        while True:
            docs = receive.recv()
            if docs is None:  # every page was handed over: send the weighed pages back
                send.send([page.parts() for page in weights.pages])
                break
            if docs is False:  # not needed after all
                break
            weights.add(docs)
    except BaseException:
        # The build stopped, was interrupted (Ctrl+C) or gave up: it computes the split
        # itself if it still needs it. No traceback here.
        pass
    finally:
        os._exit(0)


class SplitAhead:
    """A forked process that weighs the index's documents as they are handed over."""

    def __init__(self, process, send, receive, synonyms: dict):
        self._process, self._send, self._receive = process, send, receive
        self._synonyms = synonyms
        self._fed: list[dict] = []
        self._working = True

    @classmethod
    def start(cls, synonyms: dict) -> SplitAhead | None:
        """The process, started now; None where forking is not safe or not possible."""
        if not can_fork():
            return None
        context = multiprocessing.get_context("fork")
        try:
            down_receive, down_send = context.Pipe(duplex=False)
            up_receive, up_send = context.Pipe(duplex=False)
            process = context.Process(target=_child, args=(down_receive, up_send, synonyms),
                                      daemon=True, name="fichotheque-recherche")
            process.start()
        except OSError as exc:
            log.debug("index de recherche : pas de processus d'avance (%s)", exc)
            return None
        down_receive.close()  # the child holds these ends
        up_send.close()
        return cls(process, down_send, up_receive, synonyms)

    def feed(self, docs: list[dict]) -> None:
        """Hand over the next documents (a page's entries, as the final index will hold
        them)."""
        if not self._working or not docs:
            return
        self._fed.extend(docs)
        try:
            self._send.send(docs)
        except (OSError, ValueError):  # the process died: the split is computed at the end
            self.stop()

    def pages(self, docs: list[dict], synonyms: dict) -> list | None:
        """The weighed pages of the final index's `docs`, or None when they are not exactly
        the documents handed over (or the process failed). Stops the process."""
        try:
            if not self._working or synonyms != self._synonyms or docs != self._fed:
                return None
            self._send.send(None)
            return [search_split.page_from_parts(parts) for parts in self._receive.recv()]
        except (EOFError, OSError, ValueError, TypeError):
            return None
        finally:
            self.stop()

    def stop(self) -> None:
        """End the process (it stops when its pipe closes)."""
        if not self._working:
            return
        self._working = False
        self._fed = []
        # Said rather than left to the end of the pipe: a process forked meanwhile (the PDF
        # workers) may hold a copy of it. An error means the process is gone already.
        with contextlib.suppress(OSError, ValueError):
            self._send.send(False)
        for end in (self._send, self._receive):
            end.close()
        self._process.join(timeout=5)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join()
