"""The linter: runs every content rule over each fiche file and records what they looked up.

Whatever a fiche's problems depend on outside its own text (does a linked file exist, the
anchors of a linked fiche, an image's size…) is read through `Linter.fact` and noted in `deps`,
so that a cached result (`cache.py`) is reused only while every one of these facts still holds.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from fichotheque.content.frontmatter import Document, FrontMatterError, split
from fichotheque.content.lint.text import (
    LINK,
    Lines,
    decode,
    fiche_files,
    heading_ids,
    learner_lines,
    mask_code,
    unescaped,
)
from fichotheque.content.model import FICHES_DIR
from fichotheque.content.problems import Problem

TEMPLATE = f"{FICHES_DIR}/MODELE.md"


@dataclass(frozen=True)
class Limits:
    """Thresholds of the length and image rules (two printed A4 pages, light pages)."""

    max_words: int = 1100
    min_words: int = 300
    max_image_bytes: int = 500 * 1024


@dataclass(frozen=True)
class FicheText:
    """One fiche file as every rule reads it.

    The readings several rules share (lines, links, learner part…) are computed once per fiche
    and kept: rules read them, never change them.
    """

    path: Path
    text: str
    doc: Document
    masked: str  # the body with code blanked (same offsets)
    lines: Lines
    views: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def body(self) -> str:
        return self.doc.body

    def view(self, name: str, compute: Callable[[FicheText], object]):
        """A reading of the fiche owned by one rule module, computed on first use."""
        try:
            return self.views[name]
        except KeyError:
            value = self.views[name] = compute(self)
            return value

    @cached_property
    def masked_lines(self) -> list[str]:
        return self.masked.splitlines()

    @cached_property
    def masked_learner(self) -> list[tuple[int, str]]:
        """`learner_lines` of the masked body: (index in the body, line)."""
        return list(learner_lines(self.masked))

    @cached_property
    def unescaped_masked(self) -> str:
        return unescaped(self.masked)

    @cached_property
    def links(self) -> list:
        """Matches of `LINK` in the masked body, in order."""
        return list(LINK.finditer(self.masked))


# A rule reads one fiche and reports through the linter: `rule(fiche, linter) -> None`.
Rule = Callable[["FicheText", "Linter"], None]


class Linter:
    """Lints the fiche files of one project; caches what several fiches look up."""

    def __init__(self, root: Path, limits: Limits, rules: tuple[Rule, ...] = ()):
        self.root = root
        self.limits = limits
        self.rules = rules
        self._facts: dict[tuple[str, str], object] = {}
        self.matches: dict[tuple[str, str], str | None] = {}
        self.template = self._template()
        self.rel = ""
        self.path: Path | None = None
        self.problems: list[Problem] = []
        self.deps: dict[tuple[str, str], object] = {}

    def _template(self) -> tuple[set[str], dict]:
        path = self.root / TEMPLATE
        try:
            doc = split(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, FrontMatterError):
            return set(), {}
        lines = {line.strip() for line in doc.body.splitlines()}
        lines = {line for line in lines if len(line) >= 12 and not line.startswith(("#", "!!!"))}
        meta = {key: doc.meta.get(key) for key in ("title", "description", "authors")}
        return lines, meta

    # -- facts read outside the fiche being linted (recorded for the cache) -----------------
    def key(self, path: Path) -> str:
        """A path as written relative to the project (`..` kept), absolute outside it."""
        text, root = str(path), str(self.root)
        if text == root:
            return "."
        return text[len(root) + 1:] if text.startswith(root + os.sep) else text

    def fact(self, kind: str, key: str) -> object:
        """The current value of one fact (JSON-compatible), computed once per run."""
        memo = (kind, key)
        if memo not in self._facts:
            self._facts[memo] = self._compute(kind, key)
        return self._facts[memo]

    def _compute(self, kind: str, key: str) -> object:
        path = self.root / key  # an absolute key replaces the root
        if kind == "file":
            return path.is_file()
        if kind == "dir":
            return path.is_dir()
        if kind == "size":
            try:
                return path.stat().st_size
            except OSError:
                return None
        if kind == "anchors":
            ids = self._anchor_ids(path)
            return None if ids is None else sorted(ids)
        if kind == "md-names":
            return sorted(p.name for p in path.glob("*.md")) if path.is_dir() else []
        if kind == "fiches":
            return [p.relative_to(self.root).as_posix() for p in fiche_files(self.root)]
        raise ValueError(f"unknown fact kind: {kind}")

    def use(self, kind: str, path: Path) -> object:
        """The value of a fact about `path`, recorded as a dependency of the current fiche."""
        key = self.key(path)
        value = self.fact(kind, key)
        self.deps[(kind, key)] = value
        return value

    def still_holds(self, deps) -> bool:
        """Whether recorded facts (`[kind, key, value]` triples) are all still true."""
        try:
            return all(self.fact(kind, key) == value for kind, key, value in deps)
        except (TypeError, ValueError):  # a malformed cache entry
            return False

    def _anchor_ids(self, path: Path) -> set[str] | None:
        try:
            doc = split(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, FrontMatterError):
            return None
        ids = heading_ids(doc.body, doc.body_line)
        if path.parent.parent == self.root / FICHES_DIR:
            ids.add(path.stem)  # the fiche header's <h1 id="<slug>">
        return ids

    def anchors(self, path: Path) -> set[str] | None:
        if path == self.path:  # the fiche itself: its own text is part of the cache key
            ids = self.fact("anchors", self.key(path))
        else:
            ids = self.use("anchors", path)
        return None if ids is None else set(ids)

    # -- running the rules -------------------------------------------------------------------
    def lint(self, path: Path, data: bytes | None = None) -> list[Problem]:
        """Problems of one fiche file; `data` is its content when already read."""
        self.rel = path.relative_to(self.root).as_posix()
        self.path = path
        self.problems = []
        self.deps = {}
        try:
            text = path.read_text(encoding="utf-8") if data is None else decode(data)
            doc = split(text)
        except (OSError, UnicodeDecodeError, FrontMatterError):
            return self.problems  # already reported by the contract checks
        fiche = FicheText(path, text, doc, mask_code(doc.body), Lines(doc.body, doc.body_line))
        for rule in self.rules:
            rule(fiche, self)
        return self.problems

    def report(self, severity, line, message, hint, rule) -> None:
        self.problems.append(Problem(self.rel, line, message, severity, hint, rule))

    def reported_lines(self, rule: str) -> set[int | None]:
        """Lines where `rule` has already been reported for the current fiche."""
        return {p.line for p in self.problems if p.rule == rule}
