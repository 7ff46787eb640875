"""An exclusive lock around each change of the ledger, so simultaneous awards all land.

`award` and `revoke` read the ledger, check it, then replace it (temp file + rename). Two
commands running at once would each append to the text they read and the last rename would
drop the other's entry. The lock is a separate, always empty file next to the ledger
(`badges/.registre.lock`, ignored by git): the ledger itself cannot carry it, since each
write replaces its inode. `fcntl.flock` is released by the system when the process ends, even
on a crash, so a stale lock file is harmless.
"""

from __future__ import annotations

import errno
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fichotheque.badges import BadgeError

try:
    import fcntl
except ImportError:  # Windows: the same exclusive, non-blocking lock through msvcrt
    fcntl = None
    import msvcrt

TIMEOUT = 60.0  # seconds to wait for another award or revocation to finish
POLL = 0.05
FLAGS = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def _try_lock(fd: int) -> bool:
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except (BlockingIOError, PermissionError):
        return False
    return True


def _unlock(fd: int) -> None:
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_UN)
    else:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)


def lock_path(ledger: Path) -> Path:
    """`badges/registre.yml` → `badges/.registre.lock`."""
    ledger = Path(ledger)
    return ledger.with_name(f".{ledger.stem}.lock")


@contextmanager
def locked(ledger: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the ledger's lock for the `with` block; BadgeError if busy `timeout` s (TIMEOUT)."""
    timeout = TIMEOUT if timeout is None else timeout
    path = lock_path(ledger)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_NOFOLLOW: a symlink planted in place of the lock file is refused, never followed.
        fd = os.open(path, FLAGS, 0o600)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise BadgeError(f"{path} est un lien symbolique : supprimez-le, la commande le "
                             "recréera") from None
        raise BadgeError(f"impossible de créer le verrou du registre {path} : "
                         f"{exc.strerror} — vérifiez les droits d'écriture du dossier") from None
    try:
        deadline = time.monotonic() + timeout
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                raise BadgeError("le registre des badges est occupé par une autre commande "
                                 "(attribution ou révocation en cours) — réessayez dans "
                                 "un instant")
            time.sleep(POLL)
        try:
            yield
        finally:
            _unlock(fd)
    finally:
        os.close(fd)
