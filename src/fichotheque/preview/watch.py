"""Which files changed while `mkdocs serve` runs, reported as soon as the system says so.

MkDocs' own server looks at every watched file twice a second (a polling observer) and does not
say which ones changed. `ChangeWatcher` takes over its watches: the operating system's
notifications (inotify, FSEvents…) when they work, polling otherwise, and it keeps the paths
that changed for the incremental builder (`live.py`).

What an editor or Python leaves beside a file (`.fiche.md.swp`, `fiche.md~`, `__pycache__/`)
and events that change nothing (a file opened or read) are ignored: reading the fiches during a
build must not start another build.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path

from watchdog.events import (
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

log = logging.getLogger("mkdocs.plugins.fichotheque.preview")

POLLING_ENV = "FICHOTHEQUE_SERVE_POLLING"  # "1": look at the files twice a second instead
CHANGES = (FileCreatedEvent, FileDeletedEvent, FileModifiedEvent, FileMovedEvent)
IGNORED_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp", ".part", ".pyc", ".crdownload")
IGNORED_PARTS = ("__pycache__", ".git", ".cache")


def ignored(path: str) -> bool:
    """An editor's or Python's scratch file, never a source of the site."""
    p = Path(path)
    name = p.name
    return (name.startswith((".", "#")) or name.endswith(IGNORED_SUFFIXES) or name == "4913"
            or any(part in IGNORED_PARTS for part in p.parts))


class ChangeWatcher(FileSystemEventHandler):
    """Collects changed paths under the watched folders and calls `on_change` for each."""

    def __init__(self, on_change: Callable[[], None], polling: bool | None = None):
        super().__init__()
        self._on_change = on_change
        self._lock = threading.Lock()
        self._paths: set[str] = set()
        self._watched: set[str] = set()
        if polling is None:
            polling = os.environ.get(POLLING_ENV) == "1"
        self.observer = PollingObserver(timeout=0.5) if polling else Observer()
        self.polling = polling

    def watch(self, path: str) -> None:
        """Watch a folder (with its subfolders) or one file."""
        path = os.path.abspath(path)
        if path in self._watched or not os.path.exists(path):
            return
        self._watched.add(path)
        target = path if os.path.isdir(path) else os.path.dirname(path)
        try:
            self.observer.schedule(self, target, recursive=os.path.isdir(path))
        except OSError as exc:  # no more system notifications (inotify limit…): poll instead
            if self.polling:
                raise
            log.warning("Surveillance des fichiers par le système impossible (%s) : "
                        "examen des fichiers deux fois par seconde à la place.", exc)
            self._fall_back_to_polling()

    def _fall_back_to_polling(self) -> None:
        was_running = self.observer.is_alive()
        if was_running:
            self.observer.stop()
        self.observer = PollingObserver(timeout=0.5)
        self.polling = True
        watched, self._watched = self._watched, set()
        for path in sorted(watched):
            self.watch(path)
        if was_running:
            self.observer.start()

    @property
    def watched(self) -> tuple[str, ...]:
        return tuple(sorted(self._watched))

    def start(self) -> None:
        if self._watched and not self.observer.is_alive():
            self.observer.start()

    def stop(self) -> None:
        if self.observer.is_alive():
            self.observer.stop()
            self.observer.join(timeout=2)

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory or not isinstance(event, CHANGES):
            return
        paths = [os.fsdecode(event.src_path)]
        if isinstance(event, FileMovedEvent):
            paths.append(os.fsdecode(event.dest_path))
        kept = [p for p in paths if not ignored(p) and self._concerns(p)]
        if not kept:
            return
        with self._lock:
            self._paths.update(kept)
        self._on_change()

    def _concerns(self, path: str) -> bool:
        """Under a watched folder, or a watched file itself (not its neighbours)."""
        return any(path == w or path.startswith(w.rstrip(os.sep) + os.sep) for w in self._watched)

    def take(self) -> set[str]:
        """The paths changed since the last call."""
        with self._lock:
            paths, self._paths = self._paths, set()
        return paths
