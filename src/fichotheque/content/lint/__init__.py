"""Content rules of `fichotheque check` beyond the fiche contract (`content/contract.py`).

The contract checks the front matter, licences, sections and uniqueness; the rules read the
Markdown itself: links and images, raw HTML and unsafe URLs (contributor Markdown is untrusted),
Jinja syntax (fiches never render macros), length for two printed pages, and text left over
from the template. Each rule lives in `rules/` and yields `Problem`s with a French hint.

Rule ids (the `rule` field of `--format json`): `link-broken`, `link-anchor`, `image-missing`,
`image-alt`, `image-size`, `image-external`, `html`, `html-unsafe`, `unsafe-url`, `jinja`,
`length`, `template`, `path-outside`; the publication policy of the other files (images,
drawings, kit files, symlinks, private keys) reports `asset`.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path

from fichotheque.content import assets
from fichotheque.content.lint.cache import LintCache
from fichotheque.content.lint.linter import TEMPLATE, Limits, Linter
from fichotheque.content.lint.parallel import lint_all
from fichotheque.content.lint.rules import RULES
from fichotheque.content.lint.text import (
    count_words,
    fiche_files,
    heading_ids,
    mask_code,
    url_scheme,
)
from fichotheque.content.loading import load_corpus
from fichotheque.content.model import Corpus
from fichotheque.content.problems import WARNING, Problem, sort_key

__all__ = ["RULES", "SKIP_ENV", "TEMPLATE", "Limits", "Linter", "Plan", "as_build",
           "asset_problems", "assets_for_build", "check", "count_words", "fiche_files",
           "for_build", "heading_ids", "lint_project", "mask_code", "plan_project",
           "rules_for_build", "url_scheme"]

log = logging.getLogger("mkdocs.plugins.fichotheque.lint")

# Test-only switch: build a site even when the content rules fail, to prove that the sanitizer
# alone keeps hostile content out of the HTML. Never set it to publish a site.
SKIP_ENV = "FICHOTHEQUE_TESTS_SKIP_LINT"


def _regular(paths: list[Path]) -> list[Path]:
    """Fiche files that are real files: a symlink (to /dev/zero, /etc/passwd…) or a folder
    named `x.md` is never read; the loader and the publication policy report it."""
    return [p for p in paths if not p.is_symlink() and p.is_file()]


def lint_project(root: Path | str, limits: Limits | None = None,
                 cache: bool = False, refresh: bool = False,
                 processes: int | None = None) -> list[Problem]:
    """Problems of every fiche file of the project under the content rules.

    With `cache`, a fiche whose bytes, linter code and outside facts (link targets, their
    anchors, image sizes…) are unchanged since the last run is not linted again: its problems
    come from `.cache/lint/` (see `cache.py`). The result is the same either way.
    With `refresh` too, every fiche is linted and the cache only written (`fichotheque check`,
    so that the build that follows it, as in `make test` then `make site`, finds it warm).
    `processes` caps the processes that lint at once (default: one per core, `parallel.py`).
    """
    root = Path(root).resolve()
    limits = limits or Limits()
    linter = Linter(root, limits, RULES)
    if not cache:
        answers = lint_all(linter, [(path, None) for path in _regular(fiche_files(root))],
                           processes)
        return [problem for problems, _deps in answers for problem in problems]

    plan = Plan(root, linter, refresh)
    return plan.finish(lint_all(linter, plan.todo, processes))


class Plan:
    """What the cache answers for each fiche, and the fiches left to lint (in order);
    `finish` takes their answers (`parallel.lint_all`), stores them and gives every problem."""

    def __init__(self, root: Path, linter: Linter, refresh: bool = False):
        self.linter = linter
        self.store = LintCache.open(root, linter.limits, root / TEMPLATE)
        self.found: list[list[Problem] | None] = []  # per fiche, in order; None until linted
        self.todo: list[tuple[Path, bytes | None]] = []
        self.where: list[tuple[int, str | None, str | None]] = []  # (place in found, rel, hash)
        self.kept: set[str] = set()
        for path in _regular(fiche_files(root)):
            rel = path.relative_to(root).as_posix()
            try:
                data = path.read_bytes()
            except OSError:  # unreadable: reported by the contract checks
                self.where.append((len(self.found), None, None))
                self.todo.append((path, None))
                self.found.append(None)
                continue
            digest = LintCache.digest(data)
            self.kept.add(rel)
            cached = None if refresh else self.store.get(rel, digest, linter.still_holds)
            if cached is None:
                self.where.append((len(self.found), rel, digest))
                self.todo.append((path, data))
            self.found.append(cached)

    def finish(self, answers: list[tuple[list[Problem], dict]]) -> list[Problem]:
        for (place, rel, digest), (problems, deps) in zip(self.where, answers, strict=True):
            self.found[place] = problems
            if rel is not None and digest is not None:
                self.store.put(rel, digest, deps, problems)
        self.store.save(self.kept)
        return [problem for problems in self.found for problem in problems or ()]


def plan_project(root: Path | str, limits: Limits | None = None) -> Plan:
    """The plan of `lint_project(root, cache=True)`: a build lints `plan.todo` in the
    background only when it is worth a process (`background.py`)."""
    root = Path(root).resolve()
    return Plan(root, Linter(root, limits or Limits(), RULES))


def asset_problems(root: Path | str, corpus: Corpus | None = None) -> list[Problem]:
    """Problems of the publication policy (`content/assets.py`) not already reported by the
    loader (a symlinked fiche is reported by both, once)."""
    corpus = corpus or load_corpus(root)
    known = set(corpus.problems)
    return [p for p in assets.project_problems(root) if p not in known]


def check(root: Path | str, today: dt.date | None = None) -> tuple[Corpus, list[Problem]]:
    """Everything `fichotheque check` reports: the contract, the content rules and the
    publication policy of the other files."""
    corpus = load_corpus(root, today)
    problems = [*corpus.problems, *lint_project(root, cache=True, refresh=True),
                *asset_problems(root, corpus)]
    return corpus, sorted(problems, key=sort_key)


def for_build(root: Path | str, processes: int | None = None) -> list[Problem]:
    """Content problems for the MkDocs build; errors stop it unless the test-only switch is on
    (the build itself never publishes a refused file, a symlink or a private key)."""
    return [*rules_for_build(root, processes), *assets_for_build(root)]


def rules_for_build(root: Path | str, processes: int | None = None) -> list[Problem]:
    """The content rules' part of `for_build` (the long part, see `background.py`)."""
    return as_build(lint_project(root, cache=True, processes=processes))


def as_build(problems: list[Problem]) -> list[Problem]:
    """The content rules' problems as the build treats them (warnings under the test switch)."""
    if os.environ.get(SKIP_ENV) != "1":
        return problems
    log.warning("%s=1 : règles de contenu non bloquantes (réservé aux tests, ne publiez pas "
                "ce site)", SKIP_ENV)
    return _as_warnings(problems)


def assets_for_build(root: Path | str) -> list[Problem]:
    """The publication policy's part of `for_build` (quick: checked before anything else)."""
    problems = asset_problems(root)
    return problems if os.environ.get(SKIP_ENV) != "1" else _as_warnings(problems)


def _as_warnings(problems: list[Problem]) -> list[Problem]:
    return [Problem(p.path, p.line, p.message, WARNING, p.hint, p.rule) for p in problems]
