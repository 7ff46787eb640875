"""Progress and information lines of long steps, in French, silenced by `--quiet`.

`fichotheque --quiet …` calls `set_quiet(True)` and sets FICHOTHEQUE_QUIET=1, so the
MkDocs build that `fichotheque build` starts in another process keeps quiet too.
Errors never go through here: they are printed whatever the setting.
"""

from __future__ import annotations

import os
import sys

ENV_QUIET = "FICHOTHEQUE_QUIET"
_YES = ("1", "true", "oui", "yes")

_quiet: bool | None = None  # None: ask the environment
_seen: dict[str, tuple[int, int]] = {}  # label → (last done, last quarter shown)


def set_quiet(value: bool | None) -> None:
    """True or False for this process; None to follow FICHOTHEQUE_QUIET again."""
    global _quiet
    _quiet = value


def is_quiet() -> bool:
    if _quiet is not None:
        return _quiet
    return os.environ.get(ENV_QUIET, "").strip().lower() in _YES


def info(message: str, *, file=None) -> None:
    """A line for the person at the keyboard (stdout by default), unless quiet."""
    if not is_quiet():
        print(message, file=file or sys.stdout, flush=True)


def _is_terminal(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def line(done: int, total: int, label: str, detail: str = "") -> str:
    """`PDF 3/12 (25 %) : fiches/securite/….pdf`"""
    percent = done * 100 // total if total > 0 else 100
    text = f"{label} {done}/{total} ({percent} %)"
    return f"{text} : {detail}" if detail else text


def report(done: int, total: int, label: str, detail: str = "", *, stream=None) -> None:
    """Where a long step stands, on stderr, unless quiet.

    On a terminal one line is rewritten in place; in a log (CI, pipe) a line is written at
    the start, at each quarter and at the end, so that logs stay short.
    """
    if is_quiet():
        return
    stream = stream or sys.stderr
    text = line(done, total, label, detail)
    finished = done >= total
    if _is_terminal(stream):
        print(f"\r\033[K{text}", end="\n" if finished else "", file=stream, flush=True)
        return
    last_done, last_quarter = _seen.get(label, (0, -1))
    if done <= last_done:  # a new run with the same label
        last_quarter = -1
    quarter = done * 4 // total if total > 0 else 4
    if finished or quarter > last_quarter:
        print(text, file=stream, flush=True)
        last_quarter = quarter
    if finished:
        _seen.pop(label, None)
    else:
        _seen[label] = (done, last_quarter)


def reporter(label: str):
    """A `progress(done, total, *anything)` callback that reports under `label`."""
    def progress(done: int, total: int, *_ignored) -> None:
        report(done, total, label)
    return progress
