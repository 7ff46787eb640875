"""Lint many fiches on every core: the first build of a fresh clone and `fichotheque check`.

A fiche is linted on its own (its problems and the outside facts it read depend on nothing
else), so the fiches to lint are dealt to worker processes and their answers put back in order:
the result is exactly what one process would find.

Workers are forked, so they start in a few milliseconds with the project's linter already built.
Forking a process that runs other threads can freeze the child (a lock held by a thread that
does not exist there): `mkdocs serve` runs its server and file watcher in threads, so there,
and wherever fork is not available, the fiches are linted one after the other.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from fichotheque.content.lint.linter import Linter
from fichotheque.content.problems import Problem

# Below this many fiches to lint, starting a second process costs more than it saves.
PARALLEL_FROM = 150

Item = tuple[Path, bytes | None]
Answer = tuple[list[Problem], dict[tuple[str, str], object]]

_worker_linter: Linter | None = None  # in a worker: the linter inherited from the parent


def _start_worker(linter: Linter) -> None:
    global _worker_linter
    _worker_linter = linter


def _lint_chunk(items: list[Item]) -> list[Answer]:
    assert _worker_linter is not None
    return _one_by_one(_worker_linter, items)


def workers() -> int:
    """How many processes may lint at once: the cores this process may use."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, cores)


def can_fork() -> bool:
    return ("fork" in multiprocessing.get_all_start_methods()
            and threading.active_count() == 1)


def lint_all(linter: Linter, items: list[Item], processes: int | None = None) -> list[Answer]:
    """`(problems, deps)` of each item, in order, as `linter.lint` gives them one by one."""
    processes = workers() if processes is None else processes
    if processes > 1 and len(items) >= PARALLEL_FROM and can_fork():
        answers = _in_processes(linter, items, min(processes, len(items)))
        if answers is not None:
            return answers
    return _one_by_one(linter, items)


def _one_by_one(linter: Linter, items: list[Item]) -> list[Answer]:
    answers = []
    for path, data in items:
        problems = linter.lint(path, data)
        answers.append((problems, linter.deps))
    return answers


def _in_processes(linter: Linter, items: list[Item], processes: int) -> list[Answer] | None:
    """None when the processes could not be started or died (the caller lints alone)."""
    # Dealt like cards, so that each process gets long and short fiches alike.
    chunks = [items[i::processes] for i in range(processes)]
    context = multiprocessing.get_context("fork")
    try:
        with ProcessPoolExecutor(max_workers=processes, mp_context=context,
                                 initializer=_start_worker, initargs=(linter,)) as pool:
            dealt = list(pool.map(_lint_chunk, chunks))
    except (BrokenProcessPool, OSError):
        return None
    answers: list[Answer] = [([], {})] * len(items)
    for i, chunk in enumerate(dealt):
        for j, answer in enumerate(chunk):
            answers[i + j * processes] = answer
    return answers
