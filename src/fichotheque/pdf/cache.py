"""Content-addressed store of rendered PDFs, so that rebuilds render only what changed.

Layout under the project: `.cache/pdf/<key>.pdf` (one file per rendered document, named by the
hash of everything that shaped it) and `.cache/pdf/manifest.json`, which remembers the page count,
size and SHA-256 of each stored PDF and which site path it was rendered for.

A cache is never trusted blindly: an entry is used only when its file is there, has the size and
SHA-256 recorded when it was rendered, and looks like a whole PDF (`%PDF-` … `%%EOF`). A
truncated or damaged file (a killed run, a full disk, a power cut) is deleted and rendered again;
an unreadable manifest only costs a full render.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from fichotheque.files import clean_stale, sha256_file, write_atomic

log = logging.getLogger("mkdocs.plugins.fichotheque.pdf")

MANIFEST = "manifest.json"
FORMAT = 1  # entries gained `size` and `sha256`; older entries are checked, then adopted
HEADER = b"%PDF-"
TRAILER = b"%%EOF"
TAIL = 2048  # the end-of-file marker sits in the last bytes (a few newlines may follow)

# Files already checked in this process, by (path, size, mtime): the plan and the copy into the
# site both ask, and hashing thousands of PDFs twice would be wasted.
_checked: dict[tuple[str, int, int], str] = {}


def looks_whole(path: Path, size: int) -> bool:
    """A PDF that starts with `%PDF-` and ends with `%%EOF` (not cut short)."""
    if size < len(HEADER) + len(TRAILER):
        return False
    with open(path, "rb") as handle:
        head = handle.read(len(HEADER))
        handle.seek(max(0, size - TAIL))
        tail = handle.read()
    return head == HEADER and TRAILER in tail


def _valid_entry(entry) -> bool:
    if not isinstance(entry, dict):
        return False
    pages = entry.get("pages")
    return isinstance(pages, int) and not isinstance(pages, bool) and pages >= 0


class PdfCache:
    """Rendered PDFs by content key, with their page counts."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.entries: dict[str, dict] = {}
        self.changed = False
        self.dropped = 0  # damaged or missing files found, rendered again
        try:
            data = json.loads((self.folder / MANIFEST).read_text(encoding="utf-8"))
            if isinstance(data, dict) and data.get("format") == FORMAT \
                    and isinstance(data.get("entries"), dict):
                self.entries = {key: entry for key, entry in data["entries"].items()
                                if isinstance(key, str) and _valid_entry(entry)}
        except (OSError, ValueError, RecursionError) as exc:  # missing, unreadable, corrupt
            if not isinstance(exc, FileNotFoundError):
                log.info("cache des PDF illisible (%s) : les PDF seront produits à nouveau",
                         type(exc).__name__)
            self.entries = {}
        clean_stale(self.folder)  # half-written PDFs of killed runs

    def path(self, key: str) -> Path:
        return self.folder / f"{key}.pdf"

    def _intact(self, key: str, entry: dict) -> bool:
        path = self.path(key)
        try:
            st = path.stat()
        except OSError:
            return False
        if not path.is_file():
            return False
        marker = (str(path), st.st_size, st.st_mtime_ns)
        expected = entry.get("sha256")
        known = _checked.get(marker)
        if known is not None:
            return expected is None or known == expected
        size = entry.get("size")
        if size is not None and size != st.st_size:
            return False
        try:
            if not looks_whole(path, st.st_size):
                return False
            digest = sha256_file(path)
        except OSError:
            return False
        if expected is not None and digest != expected:
            return False
        if expected is None:  # written by an older version: adopted once it looks whole
            entry.update(size=st.st_size, sha256=digest)
            self.changed = True
        _checked[marker] = digest
        return True

    def pages(self, key: str) -> int | None:
        """Page count of a stored PDF, or None when it has to be rendered.

        A damaged file is deleted (with its entry) here, so that it is rendered again.
        """
        entry = self.entries.get(key)
        if entry is None:
            return None
        if not self._intact(key, entry):
            del self.entries[key]
            self.dropped += 1
            self.changed = True
            self.path(key).unlink(missing_ok=True)
            return None
        return int(entry["pages"])

    def add(self, key: str, output: str, pages: int) -> None:
        """Record a PDF just written at `path(key)` (its size and SHA-256 are taken now)."""
        path = self.path(key)
        st = path.stat()
        digest = sha256_file(path)
        _checked[(str(path), st.st_size, st.st_mtime_ns)] = digest
        self.entries[key] = {"output": output, "pages": pages, "size": st.st_size,
                             "sha256": digest}
        self.changed = True

    def prune(self, keep: set[str], outputs: set[str]) -> None:
        """Delete the older renderings of `outputs` (entries for other paths are left alone:
        another build of the same project, e.g. the offline mirror, may still need them)."""
        for key, entry in list(self.entries.items()):
            if key not in keep and entry.get("output") in outputs:
                del self.entries[key]
                self.changed = True
                self.path(key).unlink(missing_ok=True)

    def save(self) -> None:
        text = json.dumps({"format": FORMAT, "entries": self.entries}, indent=1, sort_keys=True)
        write_atomic(self.folder / MANIFEST, text.encode("utf-8"))
        self.changed = False

