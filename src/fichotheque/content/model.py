"""The content model: fiches, modules and the corpus, as frozen values that know nothing of MkDocs.

A fiche is `fiches/<module>/<slug>.md` with YAML front matter (see DESIGN.md, "Fiche format");
a module is a folder of fiches with a `_module.yml`. `loading.py` reads them, `contract.py`
checks them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from fichotheque.content import facilitator, licences, referentiels
from fichotheque.content.problems import Problem

FICHES_DIR = "fiches"
MODULE_FILE = "_module.yml"

LEVELS = {"debutant": "Débutant", "intermediaire": "Intermédiaire", "avance": "Avancé"}
AUDIENCES = {
    "grand-public": "Grand public", "aidants": "Aidants", "professionnels": "Professionnels",
}

REQUIRED_KEYS = ("title", "description", "module", "level", "duration", "audience", "licence",
                 "authors", "updated")
OPTIONAL_KEYS = ("competences", "tags", "source", "prerequisites")
SOURCE_KEYS = ("title", "author", "url", "licence")
REQUIRED_SECTIONS = ("Objectif", "Matériel", "Déroulé", "À retenir", "Pour aller plus loin")
OPTIONAL_SECTIONS = ("Vocabulaire", "Exercice", "Pour l'animateur")
MODULE_KEYS = ("title", "description", "order", "colour", "icon", "badge")
MODULE_OPTIONAL_KEYS = ("fiches",)  # the pedagogical order: slugs, first fiche first
KIT_PAGE_GLOB = "*.md"
DOWNLOADABLE_SUFFIXES = frozenset({".txt", ".csv", ".pdf", ".odt", ".ods", ".docx", ".xlsx"})

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


def level_label(level: str) -> str:
    return LEVELS.get(level, level)


def audience_labels(audience: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(AUDIENCES.get(a, a) for a in audience)


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
    prerequisites: tuple[str, ...] = ()  # slugs of the fiches to do before this one
    prerequisites_line: int | None = None

    @property
    def plan(self) -> facilitator.SessionPlan | None:
        """The timed session plan of the facilitator section (v2 fiches)."""
        return facilitator.parse_plan(self.body, self.body_line)

    @property
    def kit_dir(self) -> Path:
        """`fiches/<module>/<slug>/`: the printable materials of the exercise, if any."""
        return self.path.parent / self.slug

    @property
    def kit_pages(self) -> tuple[Path, ...]:
        """Markdown pages of the exercise kit, printed into `<slug>-exercices.pdf`."""
        folder = self.kit_dir
        if not folder.is_dir() or folder.is_symlink():
            return ()
        return tuple(sorted(p for p in folder.glob(KIT_PAGE_GLOB)
                            if p.is_file() and not p.is_symlink()))

    @property
    def kit_files(self) -> tuple[Path, ...]:
        """Practice files of the kit offered for download (everything but its pages)."""
        folder = self.kit_dir
        if not folder.is_dir() or folder.is_symlink():
            return ()
        return tuple(sorted(p for p in folder.iterdir() if p.is_file() and not p.is_symlink()
                            and p.suffix.lower() in DOWNLOADABLE_SUFFIXES))

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
        return level_label(self.level)

    @property
    def audience_labels(self) -> tuple[str, ...]:
        return audience_labels(self.audience)

    @property
    def licence_info(self) -> licences.Licence | None:
        return licences.get(self.licence)

    @property
    def competence_objects(self) -> tuple[referentiels.Competence, ...]:
        found = (referentiels.lookup(code) for code in self.competences)
        return tuple(c for c in found if c is not None)

    @property
    def has_facilitator_notes(self) -> bool:
        return (facilitator.section_start(self.body) is not None
                or bool(FACILITATOR_RE.search(self.body)))


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
    fiches: tuple[Fiche, ...] = ()  # in the module's pedagogical order
    sequence: tuple[str, ...] = ()  # `fiches:` of `_module.yml`, other modules' slugs included
    quiz: object = None  # its positioning quiz (`quiz.Quiz`), if it has one

    @property
    def see_also(self) -> tuple[str, ...]:
        """Slugs of other modules' fiches that this module's order lists (shown, not owned)."""
        own = {f.slug for f in self.fiches}
        return tuple(s for s in self.sequence if s not in own)

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
    parcours: tuple = ()  # `parcours.Parcours` of `parcours/`, by file name

    def with_fiche(self, fiche: Fiche) -> Corpus:
        """The same corpus with one fiche replaced (same module and slug): the preview
        server's edit of one fiche, without reading the others again."""
        modules = tuple(
            replace(m, fiches=tuple(fiche if f.slug == fiche.slug else f for f in m.fiches))
            if m.slug == fiche.module else m
            for m in self.modules)
        return replace(self, modules=modules)

    def parcours_of(self, slug: str) -> tuple:
        """The parcours that hold the fiche `slug`."""
        return tuple(p for p in self.parcours if slug in p.fiche_slugs)

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

    def by_slug(self, slug: str) -> Fiche | None:
        """A fiche by its slug (slugs are unique across modules)."""
        return next((f for f in self.fiches if f.slug == slug), None)

    def next_fiche(self, fiche: Fiche) -> Fiche | None:
        """The fiche that follows in its module's order, if any."""
        module = self.module(fiche.module)
        if module is None:
            return None
        order = [f.slug for f in module.fiches]
        index = order.index(fiche.slug) if fiche.slug in order else -1
        return module.fiches[index + 1] if 0 <= index < len(order) - 1 else None

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
