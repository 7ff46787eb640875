"""The content rules of a build, checked while MkDocs renders the pages.

MkDocs spends the first half of a build turning every page's Markdown into HTML, in memory;
it writes nothing before its `on_env` event. The lint of the fiches (`rules_for_build`; the
publication policy of the other files is quick and checked at once) does not need
those pages, so on a fresh clone, where every fiche is linted, it runs in a forked process
during that half, on the other core, and the build waits for its answer at `on_env`, before
the first file is written: a fiche with an error still stops the build with nothing of it
published, and the person sees every problem at once.

Where forking is not safe (threads running: `mkdocs serve`) or not possible, or when the cache
answers for nearly every fiche (a process would cost more than it saves), the lint runs at
once, as before.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from pathlib import Path

from fichotheque.content.lint import Plan, as_build, plan_project
from fichotheque.content.lint.parallel import PARALLEL_FROM, Answer, can_fork, lint_all
from fichotheque.content.problems import Problem

log = logging.getLogger("mkdocs.plugins.fichotheque.lint")


class BuildLint:
    """`rules_for_build(root)`, started now, answered by `result()`.

    The cache is read here, once; only the fiches it cannot answer for go to the process,
    and their answers are stored by this process when they come back."""

    def __init__(self, root: Path | str, background: bool | None = None):
        self.root = Path(root)
        self._plan = plan_project(self.root)
        self._done: list[Problem] | None = None
        self._process = None
        self._receive = None
        if background is None:  # a process costs more than a few fiches from the cache
            background = can_fork() and len(self._plan.todo) >= PARALLEL_FROM
        if background and self._start():
            return
        self._done = self._finish(None)

    def _start(self) -> bool:
        context = multiprocessing.get_context("fork")
        try:
            receive, send = context.Pipe(duplex=False)
            process = context.Process(target=_child, args=(self._plan, send), daemon=True,
                                      name="fichotheque-lint")
            process.start()
        except OSError as exc:
            log.debug("lint en arrière-plan impossible (%s) : lint tout de suite", exc)
            return False
        send.close()  # the child holds the other end: EOF if it dies
        self._process, self._receive = process, receive
        return True

    def _finish(self, answers: list[Answer] | None) -> list[Problem]:
        """The problems of every fiche, with `answers` for the fiches left to lint (linted
        here when None)."""
        if answers is None:
            answers = lint_all(self._plan.linter, self._plan.todo)
        return as_build(self._plan.finish(answers))

    @property
    def in_background(self) -> bool:
        return self._process is not None and self._done is None

    def result(self) -> list[Problem]:
        """The problems, waiting for the background process if needed (once)."""
        if self._done is not None:
            return self._done
        try:
            kind, payload = self._receive.recv()
        except (EOFError, OSError):  # the process died (killed, out of memory…): lint here
            kind, payload = "ok", None
        finally:
            self._receive.close()
            self._process.join()
        if kind == "error":
            raise payload
        self._done = self._finish(payload)
        return self._done


def _child(plan: Plan, send) -> None:
    try:
        # One process: the build renders pages on the other core meanwhile.
        answer = ("ok", lint_all(plan.linter, plan.todo, processes=1))
    except BaseException as exc:  # handed to the build, which raises it
        answer = ("error", exc)
    try:
        send.send(answer)
    except Exception as exc:  # an exception that cannot be pickled
        send.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
    finally:
        send.close()
        os._exit(0)
