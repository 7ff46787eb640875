"""The Markdown source of each fiche, published beside its page (`<slug>.md`, a stable URL).

Every build copies them, with or without PDFs: a person who wants to adapt a fiche downloads
the text it was made from.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from fichotheque.files import write_atomic

if TYPE_CHECKING:
    from fichotheque.content.model import Corpus

SOURCE_MODE = 0o644  # of the fiche sources copied into the site (`write_atomic`'s default)


def copy_sources(corpus: Corpus, site_dir: Path) -> None:
    """The Markdown source of each fiche, downloadable beside its page (stable URL).

    A copy already there with the same bytes (a rebuild into the same site) is left as is;
    another file there is replaced in one step; where there is none (the site folder MkDocs
    has just emptied), the copy is written directly, which costs a third of a replacement."""
    from fichotheque.pdf.document import source_path
    for fiche in corpus.fiches:
        target = Path(site_dir) / source_path(fiche)
        data = fiche.path.read_bytes()
        state = _existing(target, data)
        if state == "absent" and _write_new(target, data):
            continue
        if state != "same":
            write_atomic(target, data, SOURCE_MODE, durable=False)


def _existing(path: Path, data: bytes) -> str:
    """« same » when `path` is already the regular file `write_atomic` would make with `data`,
    « absent » when nothing is there, « other » otherwise."""
    try:
        status = path.lstat()
    except FileNotFoundError:
        return "absent"
    except OSError:
        return "other"
    try:
        same = (stat.S_ISREG(status.st_mode) and stat.S_IMODE(status.st_mode) == SOURCE_MODE
                and status.st_size == len(data) and path.read_bytes() == data)
    except OSError:
        return "other"
    return "same" if same else "other"


def _write_new(path: Path, data: bytes) -> bool:
    """Create `path` with `data`; False when something appeared there meanwhile (O_EXCL never
    follows a link) or the folder is missing, and the caller replaces it in one step."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0),
                     SOURCE_MODE)
    except OSError:
        return False
    try:
        os.fchmod(fd, SOURCE_MODE)  # whatever the umask
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except OSError:  # a full disk…: `write_atomic` tries again and names the problem
        path.unlink(missing_ok=True)
        return False
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return True

