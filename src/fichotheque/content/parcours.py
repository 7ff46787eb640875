"""Parcours: a path of a few sessions towards one goal (a Pass numérique pays 5 to 10 hours).

A parcours is `parcours/<slug>.yml` at the project's root (format in DESIGN.md, "Parcours");
its sessions name fiches of any module. Checked here: the fiches exist, each comes once, a
fiche's prerequisites come before it, each session lasts at least its fiches, and a Pass
numérique parcours lasts 5 to 10 hours.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from fichotheque.content import assets, records
from fichotheque.content.contract import Collector, parse_date
from fichotheque.content.model import (
    AUDIENCES,
    LEVELS,
    MAX_TITLE,
    SLUG_RE,
    Fiche,
    audience_labels,
    level_label,
)
from fichotheque.content.problems import ERROR, Problem

PARCOURS_DIR = "parcours"
REQUIRED = ("title", "goal", "audience", "level", "updated", "sessions")
OPTIONAL = ("pass_numerique", "prerequisites", "assumes", "order")
SESSION_REQUIRED = ("title", "duration", "fiches")
SESSION_OPTIONAL = ("note", "choose_one")
PASS_NUMERIQUE = (300, 600)  # minutes: 5 to 10 hours
MAX_GOAL = 200
RULE = "parcours"


@dataclass(frozen=True)
class Session:
    number: int
    title: str
    duration: int
    fiches: tuple[str, ...]  # slugs
    note: str = ""
    choose_one: bool = False  # each person follows one of the fiches (Android or iPhone)


@dataclass(frozen=True)
class Parcours:
    slug: str
    path: Path
    rel_path: str
    title: str
    goal: str
    audience: tuple[str, ...]
    level: str
    updated: dt.date
    sessions: tuple[Session, ...]
    pass_numerique: bool = False
    prerequisites: tuple[str, ...] = ()
    assumes: tuple[str, ...] = ()  # fiches the person should already know (to revise first)
    order: int = 100  # place in lists (then the file name)

    @property
    def url(self) -> str:
        """Stable URL of the parcours page, relative to `site_url` (contract)."""
        return f"{PARCOURS_DIR}/{self.slug}/"

    @property
    def fiche_slugs(self) -> tuple[str, ...]:
        return tuple(s for session in self.sessions for s in session.fiches)

    @property
    def total_duration(self) -> int:
        return sum(s.duration for s in self.sessions)

    @property
    def level_label(self) -> str:
        return level_label(self.level)

    @property
    def audience_labels(self) -> tuple[str, ...]:
        return audience_labels(self.audience)

    def session_of(self, slug: str) -> Session | None:
        return next((s for s in self.sessions if slug in s.fiches), None)


def load_all(root: Path, fiches: dict[str, Fiche], problems: list[Problem],
             today: dt.date) -> tuple[Parcours, ...]:
    """Every `parcours/*.yml`, checked against the fiches; problems are appended."""
    folder = root / PARCOURS_DIR
    if not folder.is_dir() or folder.is_symlink():
        if folder.is_symlink():
            problems.append(assets.special_problem(folder, PARCOURS_DIR))
        return ()
    found = []
    for path in sorted(folder.iterdir()):
        rel = path.relative_to(root).as_posix()
        if path.name.startswith(".") or path.name.lower() in ("lisezmoi.md", "readme.md"):
            continue
        if path.suffix not in (".yml", ".yaml") or path.is_symlink() or not path.is_file():
            special = assets.special_problem(path, rel)
            problems.append(special or Problem(
                rel, None, "fichier inattendu dans parcours/", ERROR,
                "un parcours est un fichier « nom-du-parcours.yml »", RULE))
            continue
        parcours = load_one(path, root, fiches, problems, today)
        if parcours is not None:
            found.append(parcours)
    return tuple(sorted(found, key=lambda p: (p.order, p.slug)))


def load_one(path: Path, root: Path, fiches: dict[str, Fiche], problems: list[Problem],
             today: dt.date) -> Parcours | None:
    rel = path.relative_to(root).as_posix()
    out = Collector(rel, problems)
    if not SLUG_RE.match(path.stem):
        out.error(None, f"nom de fichier « {path.name} » invalide",
                  "minuscules sans accents et tirets, par exemple « demarches-en-ligne.yml »",
                  RULE)
    record = records.load(path, root, out, RULE)
    if record is None:
        return None
    record.keys(REQUIRED, OPTIONAL)
    title = record.text("title", MAX_TITLE)
    goal = record.text("goal", MAX_GOAL)
    audience = _choice_list(record, "audience", AUDIENCES)
    level = record.data.get("level")
    if level is not None and level not in LEVELS:
        record.error("level", f"niveau « {level} » inconnu",
                     "debutant, intermediaire ou avance")
    updated = _date(record, today)
    pass_numerique = record.boolean("pass_numerique")
    prerequisites = record.texts("prerequisites", 200, 0, 10)
    sessions = _sessions(record, fiches)
    assumes = record.texts("assumes", 80, 0, 12)
    rank = record.integer("order", 0, 1000) if "order" in record.data else 100
    for position, slug in enumerate(assumes or ()):
        if slug not in fiches:
            record.error("assumes", f"fiche « {slug} » introuvable",
                         "écrivez le nom d'une fiche existante, sans « .md »", position)
    if out.count or None in (title, goal, audience, updated, pass_numerique, prerequisites,
                             sessions, assumes, rank):
        return None
    parcours = Parcours(
        slug=path.stem, path=path, rel_path=rel, title=title, goal=goal, audience=audience,
        level=level, updated=updated, sessions=sessions, pass_numerique=pass_numerique,
        prerequisites=prerequisites, assumes=assumes, order=rank)
    _check_order(parcours, record, fiches)
    low, high = PASS_NUMERIQUE
    if pass_numerique and not low <= parcours.total_duration <= high:
        record.error("sessions", f"durée totale {_hours(parcours.total_duration)} : un parcours "
                     "Pass numérique dure de 5 h à 10 h",
                     "ajoutez ou retirez une séance, ou changez les durées")
    return None if out.count else parcours


def _hours(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


def _choice_list(record: records.Record, key: str, allowed: dict) -> tuple[str, ...] | None:
    value = record.data.get(key)
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not values:
        return None
    for item in values:
        if item not in allowed:
            record.error(key, f"« {item} » inconnu dans « {key} »",
                         "valeurs possibles : " + ", ".join(allowed))
            return None
    return tuple(values)


def _date(record: records.Record, today: dt.date) -> dt.date | None:
    value = record.data.get("updated")
    if value is None:
        return None
    date = parse_date(value)
    if date is None:
        record.error("updated", f"date « {value} » invalide", "format AAAA-MM-JJ")
    elif date > today:
        record.error("updated", f"date « {value} » dans le futur",
                     "la date de la dernière modification")
        return None
    return date


def _sessions(record: records.Record, fiches: dict[str, Fiche]) -> tuple[Session, ...] | None:
    items = record.items("sessions", 1, 12)
    if items is None:
        return None
    sessions, seen, ok = [], {}, True
    for index in range(len(items)):
        item = record.child("sessions", index, f"séance {index + 1}")
        if not isinstance(item.data, dict) or not item.data:
            ok = False
            continue
        item.keys(SESSION_REQUIRED, SESSION_OPTIONAL)
        title = item.text("title", MAX_TITLE)
        duration = item.integer("duration", 30, 240, " minutes")
        note = item.text("note", 300, required=False)
        slugs = item.texts("fiches", 80, 1, 4)
        choose_one = item.boolean("choose_one")
        if None in (title, duration, note, slugs, choose_one):
            ok = False
            continue
        for position, slug in enumerate(slugs):
            if slug not in fiches:
                item.error("fiches", f"fiche « {slug} » introuvable",
                           "écrivez le nom d'une fiche existante, sans « .md »", position)
                ok = False
            elif slug in seen:
                item.error("fiches", f"la fiche « {slug} » est déjà dans la séance {seen[slug]}",
                           "une fiche ne figure qu'une fois dans un parcours", position)
                ok = False
            seen.setdefault(slug, index + 1)
        if choose_one and len(slugs) < 2:
            item.error("choose_one", "« choose_one » demande au moins deux fiches au choix")
            ok = False
        durations = [fiches[s].duration for s in slugs if s in fiches]
        needed = (max if choose_one else sum)(durations) if durations else 0
        if ok and needed > duration:
            item.error("duration", f"la séance dure {duration} min mais ses fiches demandent "
                       f"{needed} min", "allongez la séance ou retirez une fiche")
            ok = False
        sessions.append(Session(index + 1, title, duration, slugs, note, choose_one))
    return tuple(sessions) if ok else None


def _check_order(parcours: Parcours, record: records.Record, fiches: dict[str, Fiche]) -> None:
    """A fiche's prerequisites come earlier in the parcours (or the person already knows them)."""
    position = {slug: i for i, slug in enumerate(parcours.fiche_slugs)}
    for session in parcours.sessions:
        for slug in session.fiches:
            for before in fiches[slug].prerequisites:
                where = ("sessions", session.number - 1, "fiches", session.fiches.index(slug))
                if before in parcours.assumes:
                    continue
                if before not in position:
                    record.out.warning(record.line(*where),
                                       f"séance {session.number} : la fiche « {slug} » demande "
                                       f"« {before} », absente du parcours",
                                       "ajoutez-la avant, ou nommez-la dans « assumes » (fiches "
                                       "à savoir déjà faire)",
                                       RULE)
                elif position[before] > position[slug]:
                    record.out.error(record.line(*where),
                                     f"séance {session.number} : la fiche « {slug} » vient "
                                     f"avant « {before} », qu'elle demande de faire d'abord",
                                     "changez l'ordre des fiches ou des séances", RULE)
