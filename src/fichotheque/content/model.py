"""The content model: fiches, modules and the corpus, as frozen values that know nothing of MkDocs.

A fiche is `fiches/<module>/<slug>.md` with YAML front matter (see DESIGN.md, "Fiche format");
a module is a folder of fiches with a `_module.yml`. `loading.py` reads them, `contract.py`
checks them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from fichotheque.content import licences, referentiels
from fichotheque.content.problems import Problem

FICHES_DIR = "fiches"
MODULE_FILE = "_module.yml"

LEVELS = {"debutant": "Débutant", "intermediaire": "Intermédiaire", "avance": "Avancé"}
AUDIENCES = {
    "grand-public": "Grand public", "aidants": "Aidants", "professionnels": "Professionnels",
}

REQUIRED_KEYS = ("title", "description", "module", "level", "duration", "audience", "licence",
                 "authors", "updated")
OPTIONAL_KEYS = ("competences", "tags", "source")
SOURCE_KEYS = ("title", "author", "url", "licence")
REQUIRED_SECTIONS = ("Objectif", "Matériel", "Déroulé", "À retenir", "Pour aller plus loin")
OPTIONAL_SECTIONS = ("Vocabulaire", "Exercice")
MODULE_KEYS = ("title", "description", "order", "colour", "icon", "badge")

MAX_DESCRIPTION = 200
MAX_TITLE = 120
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
COMPETENCE_RE = re.compile(r"^(?P<framework>[a-z]+):(?P<code>[0-9][0-9.]*)$")
HEADING_RE = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
FENCE_RE = re.compile(r"^\s*(```|~~~)")
NUMBERED_RE = re.compile(r"^\s{0,3}\d+[.)]\s+\S")
# `!!! note "Pour l'animateur"`, or its collapsible `???` / `???+` form.
FACILITATOR_RE = re.compile(r"^(?:!!!|\?\?\?\+?)\s+\w+\s+\"Pour l['’]animat", re.MULTILINE)


@dataclass(frozen=True)
class Source:
    """The work a fiche adapts (TASL: title, author, source URL, licence)."""

    title: str
    author: str = ""
    url: str = ""
    licence: str = ""


@dataclass(frozen=True)
class Section:
    title: str
    line: int
    level: int = 2


@dataclass(frozen=True)
class Fiche:
    """One teaching sheet, as validated from its Markdown file."""

    slug: str
    module: str
    path: Path
    rel_path: str
    title: str
    description: str
    level: str
    duration: int
    audience: tuple[str, ...]
    licence: str
    authors: tuple[str, ...]
    updated: dt.date
    competences: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    source: Source | None = None
    body: str = ""
    body_line: int = 1
    sections: tuple[Section, ...] = ()

    @property
    def src_uri(self) -> str:
        """Where MkDocs sees the fiche, relative to the docs dir."""
        return f"fiches/{self.module}/{self.slug}.md"

    @property
    def url(self) -> str:
        """Stable URL of the fiche page, relative to `site_url` (contract)."""
        return f"fiches/{self.module}/{self.slug}/"

    @property
    def level_label(self) -> str:
        return LEVELS.get(self.level, self.level)

    @property
    def audience_labels(self) -> tuple[str, ...]:
        return tuple(AUDIENCES.get(a, a) for a in self.audience)

    @property
    def licence_info(self) -> licences.Licence | None:
        return licences.get(self.licence)

    @property
    def competence_objects(self) -> tuple[referentiels.Competence, ...]:
        found = (referentiels.lookup(code) for code in self.competences)
        return tuple(c for c in found if c is not None)

    @property
    def has_facilitator_notes(self) -> bool:
        return bool(FACILITATOR_RE.search(self.body))


@dataclass(frozen=True)
class Module:
    """A themed set of fiches; finishing it earns the module's badge."""

    slug: str
    path: Path
    title: str
    description: str
    order: int
    colour: str
    icon: str
    badge: str
    fiches: tuple[Fiche, ...] = ()

    @property
    def url(self) -> str:
        return f"fiches/{self.slug}/"

    @property
    def total_duration(self) -> int:
        return sum(f.duration for f in self.fiches)


@dataclass(frozen=True)
class Corpus:
    """Everything under `fiches/`, with the problems found while loading it."""

    root: Path
    modules: tuple[Module, ...] = ()
    problems: tuple[Problem, ...] = field(default=())

    @property
    def fiches(self) -> tuple[Fiche, ...]:
        return tuple(f for m in self.modules for f in m.fiches)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    def module(self, slug: str) -> Module | None:
        return next((m for m in self.modules if m.slug == slug), None)

    def fiche(self, module: str, slug: str) -> Fiche | None:
        mod = self.module(module)
        return next((f for f in mod.fiches if f.slug == slug), None) if mod else None


def scan_sections(body: str, body_line: int) -> list[Section]:
    """Markdown headings of the body (ignoring fenced code), with their file line numbers."""
    sections = []
    in_fence = False
    for offset, line in enumerate(body.splitlines()):
        if FENCE_RE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        m = HEADING_RE.match(line)
        if m:
            sections.append(Section(m.group(2).strip(), body_line + offset, len(m.group(1))))
    return sections
