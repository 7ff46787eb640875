"""The split search index weighed in a forked process while the pages render (first builds).

Splitting the index (`search_split`) comes last in a build, after every page is written; on a
first build, when `.cache/recherche/` has nothing to copy, weighing each page's words is most
of it (about 0.7 s at 1,000 fiches). Material adds a page's entries to its index as the page
is rendered (`on_page_context`); `SearchBuild` hands them over here, and a forked process
weighs them on the other core while the build goes on with the next pages.

The result is used only when the documents handed over are exactly the documents of the final
index (read back from `search_index.json`, as without this module) and the synonyms are the
same: otherwise the split is computed as before. The files are the same either way (tested).

The process can also index the pages itself (`index`): Material's search plugin splits each
page's HTML into sections with a Python HTML parser (about 1 s at 1,000 fiches, on the build's
path). `SearchBuild` then hands over what Material would read from the page (its HTML at that
moment, table of contents, address, title, front matter); the process runs Material's own
`add_entry_from_context` on it, enriches and weighs the entries, and gives them back before
Material writes `search_index.json`. If it fails on any page, the build indexes every page
itself, from the HTML kept for that purpose (`IndexedAs`): the index is the same either way.

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
import pickle
from types import SimpleNamespace

try:
    import fcntl
except ImportError:  # Windows: no fork there, hence no process to hand pages to
    fcntl = None

from fichotheque.content.lint.parallel import can_fork
from fichotheque.web import search_split

log = logging.getLogger("mkdocs.plugins.fichotheque.search")


# Messages besides documents, None (done: the weighed pages back) and False (stop).
PAGE, ENTRIES, SPLIT = "page", "entries", "split"


def _child(receive, send, synonyms: dict, material_index=None, enrich=None) -> None:
    try:
        weights = search_split.PageWeights(synonyms)
        fiches: dict[str, dict] = {}
        fed: list[dict] = []
        failed = False
        while True:
            docs = receive.recv()
            if docs is None:  # every page was handed over: send the weighed pages back
                send.send([page.parts() for page in weights.pages])
                break
            if docs is False:  # not needed after all
                break
            if isinstance(docs, tuple) and docs[0] == ENTRIES:
                send.send(None if failed else (material_index.entries, fed))
                continue
            if isinstance(docs, tuple) and docs[0] == SPLIT:  # the files, all computed here
                send.send(search_split.split_files({**docs[1], "docs": fed}, weights.pages))
                break
            if isinstance(docs, tuple) and docs[0] == PAGE:
                if failed:
                    continue
                try:
                    docs = _indexed(material_index, enrich, fiches, *docs[1:])
                except Exception:  # the build indexes every page itself
                    failed = True
                    continue
                fed.extend(docs)
            weights.add(docs)
    except BaseException:
        # The build stopped, was interrupted (Ctrl+C) or gave up: it computes the split
        # itself if it still needs it. No traceback here.
        pass
    finally:
        os._exit(0)


def _indexed(material_index, enrich, fiches: dict, snapshot: dict, details) -> list[dict]:
    """Material's entries for one page, enriched as `SearchBuild` would (`enrich_doc`)."""
    before = len(material_index.entries)
    type(material_index).add_entry_from_context(material_index, SimpleNamespace(**snapshot))
    if details:
        fiches[snapshot["url"]] = details
    return [doc for doc in (enrich(e, fiches) for e in material_index.entries[before:])
            if doc is not None]


class IndexedAs:
    """A page as Material's search read it: its HTML of that moment, the rest from the page
    (to index it in the build's process when the other one failed)."""

    def __init__(self, page, content: str):
        self._page, self.content = page, content

    def __getattr__(self, name):
        return getattr(self._page, name)


def snapshot(page) -> dict:
    """What Material's `add_entry_from_context` reads from a page."""
    return {"content": page.content, "toc": page.toc, "url": page.url, "title": page.title,
            "meta": dict(page.meta or {})}


class SplitAhead:
    """A forked process that weighs the index's documents as they are handed over."""

    def __init__(self, process, send, receive, synonyms: dict):
        self._process, self._send, self._receive = process, send, receive
        self._synonyms = synonyms
        self._fed: list[dict] = []
        self._working = True
        self._head: dict | None = None

    @classmethod
    def start(cls, synonyms: dict, material_index=None, enrich=None) -> SplitAhead | None:
        """The process, started now; None where forking is not safe or not possible.
        `material_index` (Material's `SearchIndex`, still empty) and `enrich` let it index
        pages (`index`)."""
        if not can_fork():
            return None
        context = multiprocessing.get_context("fork")
        try:
            down_receive, down_send = context.Pipe(duplex=False)
            up_receive, up_send = context.Pipe(duplex=False)
            _widen(down_send)  # a page's HTML is larger than the pipe's default 64 KiB
            process = context.Process(target=_child,
                                      args=(down_receive, up_send, synonyms, material_index,
                                            enrich),
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

    def index(self, page_snapshot: dict, details) -> bool:
        """Hand over a page for the process to index (`snapshot`, `fiche_details`); False
        when the process is gone."""
        if not self._working:
            return False
        try:
            self._send.send((PAGE, page_snapshot, details))
        except (OSError, ValueError, TypeError, AttributeError, pickle.PicklingError):
            # all but the first two: something in the page that cannot be sent
            self.stop()
            return False
        return True

    def entries(self) -> list[dict] | None:
        """Material's entries of every page handed to `index`, in order; None when the
        process failed (the caller indexes the pages itself)."""
        if not self._working:
            return None
        try:
            self._send.send((ENTRIES,))
            answer = self._receive.recv()
        except (EOFError, OSError, ValueError, TypeError):
            answer = None
        if answer is None:
            self.stop()
            return None
        entries, fed = answer
        self._fed.extend(fed)
        return entries

    def split_early(self, head: dict) -> None:
        """Have the process compute the split files now, of the index `head` (everything
        but the documents) with the documents of the pages it indexed; the build goes on
        with its other steps meanwhile (`files`)."""
        if not self._working:
            return
        try:
            self._send.send((SPLIT, head))
        except (OSError, ValueError, TypeError):
            self.stop()
            return
        self._head = head

    @property
    def splitting(self) -> bool:
        return self._working and self._head is not None

    def files(self, index: dict) -> dict[str, str] | None:
        """The split files of `index` (paths in `search/` and their text), when it is exactly
        the index the process was told of (`split_early`); None otherwise. Stops the
        process."""
        try:
            head = {key: value for key, value in index.items() if key != "docs"}
            if not self.splitting or head != self._head or index.get("docs") != self._fed:
                return None
            files = self._receive.recv()
            return files if isinstance(files, dict) else None
        except (EOFError, OSError, ValueError, TypeError):
            return None
        finally:
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


def _widen(connection) -> None:
    """Give the pipe under `connection` 1 MiB where Linux allows it (else it stays as is)."""
    if fcntl is None:
        return
    with contextlib.suppress(AttributeError, OSError, ValueError):
        fcntl.fcntl(connection.fileno(), fcntl.F_SETPIPE_SZ, 1 << 20)
