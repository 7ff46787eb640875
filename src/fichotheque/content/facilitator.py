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
WEB_TITLE = "Pour l'animateur : déroulé de la séance"
ANSWERS_WEB_TITLE = "Voir la correction"

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
    for index, line, fenced in _scan(body):
        m = None if fenced else _H2.match(line)
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
    out = [f'??? note "{WEB_TITLE}"', ""]
    for title, lines in _subsections(section):
        if title == ANSWERS_SECTION:
            out += _indent([f'??? success "{ANSWERS_WEB_TITLE}"', ""])
            out += _indent(lines[1:], "        ")
        else:
            out += _indent(lines)
    return learner + "\n" + "\n".join(out).rstrip() + "\n"


def print_markdown(body: str, facilitator: bool) -> str:
    """The body for paper: learner handout only, or session plan first then the handout."""
    learner, section = split(body)
    if section is None:
        return body
    if not facilitator:
        return learner
    return f"## {FACILITATOR_SECTION}\n\n{section}\n\n" + learner
