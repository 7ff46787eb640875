"""Content-rule results kept between builds, so that a build lints only the fiches that changed.

Layout under the project: `.cache/lint/manifest.json`, one entry per fiche file:

    {"sha256": <hash of the file's bytes>,
     "deps": [[kind, key, value], ...],   # facts read outside the fiche (see `lint._Linter`)
     "problems": [{path, line, message, severity, hint, rule}, ...]}

An entry is reused only when the fiche's bytes are the same *and* every recorded fact still
holds: a linked fiche still exists and still has the anchor, an image has the same size, and so
on. Everything else the rules depend on (the linter's code, the libraries it calls, the limits,
`fiches/MODELE.md`, where the project lives) makes the `context` fingerprint; when it changes,
the whole cache is dropped. A missing, unreadable or corrupt cache is ignored: the fiches are
linted again, the build never fails because of it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
from collections.abc import Callable
from dataclasses import asdict, astuple
from importlib import metadata
from pathlib import Path

from fichotheque.content.problems import ERROR, WARNING, Problem
from fichotheque.files import write_atomic

log = logging.getLogger("mkdocs.plugins.fichotheque.lintcache")

FOLDER = ".cache/lint"
MANIFEST = "manifest.json"
FORMAT = 1
LIBRARIES = ("markdown", "pymdown-extensions", "PyYAML")
CONTENT_PACKAGE = Path(__file__).resolve().parents[1]  # src/fichotheque/content


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


def context(root: Path, limits, template: Path) -> str:
    """Fingerprint of everything but the fiche and its recorded facts that shapes the result."""
    h = hashlib.sha256()

    def add(label: str, data: bytes | str) -> None:
        payload = data.encode("utf-8") if isinstance(data, str) else data
        h.update(f"{label}:{len(payload)}:".encode())
        h.update(payload)

    add("format", str(FORMAT))
    add("python", ".".join(map(str, sys.version_info[:2])))
    add("root", str(root))
    add("limits", repr(astuple(limits)))
    # The rules and the contract they build on: every module of the content package.
    for source in sorted(CONTENT_PACKAGE.rglob("*.py")):
        add(source.relative_to(CONTENT_PACKAGE).as_posix(), source.read_bytes())
    for name in LIBRARIES:
        add(name, _version(name))
    try:
        add("template", template.read_bytes())
    except OSError:
        add("template", "absent")
    return h.hexdigest()


class LintCache:
    """Problems of each fiche file by content hash, with the facts they depend on."""

    def __init__(self, folder: Path, context_key: str):
        self.folder = Path(folder)
        self.context = context_key
        self.entries: dict[str, dict] = {}
        self.changed = False
        try:
            data = json.loads((self.folder / MANIFEST).read_text(encoding="utf-8"))
            if (isinstance(data, dict) and data.get("format") == FORMAT
                    and data.get("context") == context_key
                    and isinstance(data.get("entries"), dict)):
                self.entries = data["entries"]
            else:
                self.changed = True
        except FileNotFoundError:
            pass
        except (OSError, ValueError, RecursionError) as exc:  # unreadable or corrupt: lint again
            log.debug("cache des règles de contenu ignoré (%s)", exc)
            self.changed = True

    @classmethod
    def open(cls, root: Path, limits, template: Path) -> LintCache:
        return cls(Path(root) / FOLDER, context(Path(root), limits, template))

    @staticmethod
    def _problem(data) -> Problem | None:
        """A stored problem, or None when the entry is damaged (wrong keys or types)."""
        if not isinstance(data, dict):
            return None
        try:
            problem = Problem(**data)
        except TypeError:
            return None
        fields_ok = (isinstance(problem.path, str) and isinstance(problem.message, str)
                     and isinstance(problem.rule, str)
                     and (problem.line is None or (isinstance(problem.line, int)
                                                   and not isinstance(problem.line, bool)))
                     and (problem.hint is None or isinstance(problem.hint, str))
                     and problem.severity in (ERROR, WARNING))
        return problem if fields_ok else None

    @staticmethod
    def _facts(deps) -> bool:
        return isinstance(deps, list) and all(
            isinstance(fact, list) and len(fact) == 3
            and isinstance(fact[0], str) and isinstance(fact[1], str) for fact in deps)

    @staticmethod
    def digest(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()

    def get(self, rel: str, digest: str,
            still_holds: Callable[[list], bool]) -> list[Problem] | None:
        """The stored problems of a fiche, or None when it has to be linted again."""
        entry = self.entries.get(rel)
        if not isinstance(entry, dict) or entry.get("sha256") != digest:
            return None
        deps, stored = entry.get("deps"), entry.get("problems")
        if not self._facts(deps) or not isinstance(stored, list):
            return None
        found = [self._problem(p) for p in stored]
        if any(p is None for p in found):
            return None  # a damaged entry is linted again, never trusted
        try:
            holds = still_holds(deps)
        except Exception as exc:  # a fact the linter cannot even check: lint again
            log.debug("entrée du cache ignorée pour %s (%s)", rel, exc)
            return None
        return found if holds else None

    def put(self, rel: str, digest: str, deps: dict[tuple[str, str], object],
            problems: list[Problem]) -> None:
        self.entries[rel] = {
            "sha256": digest,
            "deps": [[kind, key, value] for (kind, key), value in sorted(deps.items())],
            "problems": [asdict(p) for p in problems],
        }
        self.changed = True

    def save(self, keep: set[str]) -> None:
        """Write the manifest (entries of fiches no longer linted dropped) if anything changed.

        Failing to write (read-only project…) only costs the next build its speed-up.
        """
        for rel in set(self.entries) - keep:
            del self.entries[rel]
            self.changed = True
        if not self.changed:
            return
        text = json.dumps({"format": FORMAT, "context": self.context, "entries": self.entries},
                          ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        try:
            write_atomic(self.folder / MANIFEST, text)
        except OSError as exc:
            log.debug("cache des règles de contenu non écrit (%s)", exc)
        self.changed = False
