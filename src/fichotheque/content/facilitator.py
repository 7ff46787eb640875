"""The two voices of a fiche: the learner's handout and the facilitator's session plan.

Since the "fiches v2" format, a fiche ends with a level-2 section `## Pour l'animateur` holding
timed phases (`### Accueil et tour de table — 10 min`), the answers (`### Corrigé`), common
difficulties and adaptations. One source gives three readings:

- the learner handout (PDF): the body without that section — never the answers;
- the facilitator PDF: that section first (the session plan), then the handout;
- the web page: the handout, then the section in a closed block, the answers in another one.

Older fiches carry an admonition `!!! note "Pour l'animateur"` instead; they still render.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FACILITATOR_SECTION = "Pour l'animateur"
ANSWERS_SECTION = "Corrigé"
PREPARE_SECTION = "À préparer"
REQUIRED_SUBSECTIONS = ("Difficultés fréquentes", "Adapter")
KNOWN_SUBSECTIONS = (PREPARE_SECTION, ANSWERS_SECTION, *REQUIRED_SUBSECTIONS)
WEB_TITLE = "Ouvrir le déroulé de la séance, les difficultés et la correction"
ANSWERS_WEB_TITLE = "Voir la correction"
EXERCISE_SECTION = "Exercice"
# The exercise kit (`fiches/<module>/<slug>/`): its heading on the page and in the
# facilitator PDF, and the mark printed on every page of `<slug>-exercices.pdf`.
MATERIAL_SECTION = "Matériel pour l'exercice"
KIT_STAMP = "EXEMPLE — exercice"

_FENCE = re.compile(r"^\s*(```|~~~)")
_H2 = re.compile(r"^##\s+(?P<title>.+?)\s*#*\s*$")
_H3 = re.compile(r"^###\s+(?P<title>.+?)\s*#*\s*$")
# `### Accueil et tour de table — 10 min` (em or en dash, or a plain hyphen between spaces).
PHASE_RE = re.compile(r"^(?P<title>.+?)\s+[—–-]\s+(?P<minutes>\d{1,3})\s*min(?:utes)?\.?$")


def _normalise(title: str) -> str:
    return title.replace("’", "'").strip()


@dataclass(frozen=True)
class Phase:
    """One timed phase of the session plan."""

    title: str
    minutes: int
    line: int


@dataclass(frozen=True)
class SessionPlan:
    """The facilitator section of a v2 fiche, as `check` and the renderers read it."""

    line: int  # of the `## Pour l'animateur` heading
    phases: tuple[Phase, ...]
    subsections: tuple[tuple[str, int], ...]  # untimed `###` titles and their lines

    @property
    def total_minutes(self) -> int:
        return sum(p.minutes for p in self.phases)

    def has(self, title: str) -> bool:
        return any(t == title for t, _ in self.subsections)


def _scan(body: str):
    """(index, line text, in_fence) for every line of the body."""
    in_fence = False
    for index, line in enumerate(body.splitlines()):
        if _FENCE.match(line):
            in_fence = not in_fence
            yield index, line, True
            continue
        yield index, line, in_fence


def section_start(body: str) -> int | None:
    """Index of the `## Pour l'animateur` line in the body, if the fiche has one."""
    if "animateur" not in body:  # in the heading's title: most older fiches have none
        return None
    in_fence = False  # as `_scan`, inlined: called several times per fiche by the build
    for index, line in enumerate(body.splitlines()):
        if _FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence and line.startswith("##"):
            m = _H2.match(line)
            if m and _normalise(m.group("title")) == FACILITATOR_SECTION:
                return index
    return None


def split(body: str) -> tuple[str, str | None]:
    """(learner part, facilitator section without its heading), or (body, None)."""
    start = section_start(body)
    if start is None:
        return body, None
    lines = body.splitlines()
    return "\n".join(lines[:start]).rstrip() + "\n", "\n".join(lines[start + 1:]).strip("\n")


def parse_plan(body: str, body_line: int) -> SessionPlan | None:
    """The session plan of a v2 fiche, with file line numbers; None for older fiches."""
    start = section_start(body)
    if start is None:
        return None
    phases: list[Phase] = []
    others: list[tuple[str, int]] = []
    for index, line, fenced in _scan(body):
        if index <= start or fenced:
            continue
        m = _H3.match(line)
        if not m:
            continue
        title = _normalise(m.group("title"))
        timed = PHASE_RE.match(title)
        if timed:
            phases.append(Phase(timed.group("title").strip(), int(timed.group("minutes")),
                                body_line + index))
        else:
            others.append((title, body_line + index))
    return SessionPlan(body_line + start, tuple(phases), tuple(others))


def _subsections(text: str) -> list[tuple[str | None, list[str]]]:
    """The facilitator text cut at its `###` headings: (title or None, lines)."""
    parts: list[tuple[str | None, list[str]]] = [(None, [])]
    for _, line, fenced in _scan(text):
        m = None if fenced else _H3.match(line)
        if m:
            parts.append((_normalise(m.group("title")), [line]))
        else:
            parts[-1][1].append(line)
    return parts


def _indent(lines: list[str], by: str = "    ") -> list[str]:
    return [by + line if line.strip() else "" for line in lines]


def web_markdown(body: str) -> str:
    """The body for the web page: the facilitator section folded, the answers folded inside.

    Uses pymdownx.details (`???` blocks render closed `<details>` elements).
    """
    learner, section = split(body)
    if section is None:
        return body
    # A real heading first: the session plan's own headings then sit under « Pour l'animateur »
    # in the table of contents, not under the learner's last section.
    out = [f"## {FACILITATOR_SECTION}", "", f'??? note "{WEB_TITLE}"', ""]
    for title, lines in _subsections(section):
        if title == ANSWERS_SECTION:
            out += _indent([f'??? success "{ANSWERS_WEB_TITLE}"', ""])
            out += _indent(lines[1:], "        ")
        else:
            out += _indent(lines)
    return learner + "\n" + "\n".join(out).rstrip() + "\n"


def print_markdown(body: str, facilitator: bool, material: str = "") -> str:
    """The body for paper: learner handout only, or session plan first then the handout.

    `material` (Markdown list of the exercise kit) goes into the facilitator's plan, after
    « À préparer » when there is one: printing the kit is part of preparing the session.
    """
    learner, section = split(body)
    if section is None:
        if facilitator and material:
            return add_to_exercise(body, material)
        return body
    if not facilitator:
        return learner
    if material:
        section = _with_material(section, material)
    return f"## {FACILITATOR_SECTION}\n\n{section}\n\n" + learner


def _with_material(section: str, material: str) -> str:
    """The facilitator section with a `### Matériel pour l'exercice` part added."""
    parts = _subsections(section)
    after = next((i for i, (title, _) in enumerate(parts) if title == PREPARE_SECTION), 0)
    block = ["", f"### {MATERIAL_SECTION}", "", *material.strip("\n").splitlines(), ""]
    out: list[str] = []
    for index, (_, lines) in enumerate(parts):
        out += lines
        if index == after:
            out += block
    return "\n".join(out).strip("\n")


def add_to_exercise(body: str, material: str) -> str:
    """The body with `material` under a `### Matériel pour l'exercice` heading at the end of
    the `## Exercice` section (or, without one, as a `##` section closing the learner part)."""
    lines = body.splitlines()
    start = end = None
    for index, line, fenced in _scan(body):
        m = None if fenced else _H2.match(line)
        if not m:
            continue
        if start is not None:
            end = index
            break
        if _normalise(m.group("title")) == EXERCISE_SECTION:
            start = index
    level = "###"
    if start is None:
        level = "##"
        end = section_start(body)
    if end is None:
        end = len(lines)
    while end > 0 and not lines[end - 1].strip():
        end -= 1
    block = ["", f"{level} {MATERIAL_SECTION}", "", *material.strip("\n").splitlines(), ""]
    return "\n".join(lines[:end] + block + lines[end:]).rstrip("\n") + "\n"


def file_size(size: int) -> str:
    """A file size as a French reader reads it: « 850 octets », « 1,2 ko », « 3,4 Mo »."""
    if size < 1000:
        return f"{size} octet{'s' if size > 1 else ''}"
    value, unit = size / 1000, "ko"
    for bigger in ("Mo", "Go"):
        if value < 1000:
            break
        value, unit = value / 1000, bigger
    text = (f"{value:.1f}" if value < 10 else f"{value:.0f}").removesuffix(".0")
    return f"{text.replace('.', ',')} {unit}"


def kit_page_title(text: str, fallback: str) -> str:
    """The `# Titre du document` a kit page starts with (its file name otherwise)."""
    in_fence = False
    for line in text.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence and line.startswith("# "):
            return line[2:].strip().rstrip("#").strip() or fallback
    return fallback
