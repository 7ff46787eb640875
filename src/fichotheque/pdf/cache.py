"""Content-addressed store of rendered PDFs, so that rebuilds render only what changed.

Layout under the project: `.cache/pdf/<key>.pdf` (one file per rendered document, named by the
hash of everything that shaped it) and `.cache/pdf/manifest.json`, which remembers the page count
of each stored PDF and which site path it was rendered for.
"""

from __future__ import annotations

import json
from pathlib import Path

from fichotheque.files import write_atomic

MANIFEST = "manifest.json"
FORMAT = 1


class PdfCache:
    """Rendered PDFs by content key, with their page counts."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.entries: dict[str, dict] = {}
        try:
            data = json.loads((self.folder / MANIFEST).read_text(encoding="utf-8"))
            if data.get("format") == FORMAT:
                self.entries = dict(data.get("entries") or {})
        except (OSError, ValueError, AttributeError):
            self.entries = {}

    def path(self, key: str) -> Path:
        return self.folder / f"{key}.pdf"

    def pages(self, key: str) -> int | None:
        """Page count of a stored PDF, or None when it has to be rendered."""
        entry = self.entries.get(key)
        if entry is None or not self.path(key).is_file():
            return None
        return int(entry["pages"])

    def add(self, key: str, output: str, pages: int) -> None:
        self.entries[key] = {"output": output, "pages": pages}

    def prune(self, keep: set[str], outputs: set[str]) -> None:
        """Delete the older renderings of `outputs` (entries for other paths are left alone:
        another build of the same project, e.g. the offline mirror, may still need them)."""
        for key, entry in list(self.entries.items()):
            if key not in keep and entry.get("output") in outputs:
                del self.entries[key]
                self.path(key).unlink(missing_ok=True)

    def save(self) -> None:
        text = json.dumps({"format": FORMAT, "entries": self.entries}, indent=1, sort_keys=True)
        write_atomic(self.folder / MANIFEST, text.encode("utf-8"))
