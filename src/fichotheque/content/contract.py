"""The fiche contract: front matter, licences, sections and module files, checked with places.

Every check appends `Problem`s through a collector and never stops at the first one; a value
is returned only when its file has no error.
"""

from __future__ import annotations

import datetime as dt
import difflib

from fichotheque.content import licences, referentiels
from fichotheque.content.model import (
    AUDIENCES,
    COMPETENCE_RE,
    LEVELS,
    MAX_DESCRIPTION,
    MAX_TITLE,
    NUMBERED_RE,
    OPTIONAL_KEYS,
    OPTIONAL_SECTIONS,
    REQUIRED_KEYS,
    REQUIRED_SECTIONS,
    SLUG_RE,
    SOURCE_KEYS,
    Section,
    Source,
    scan_sections,
)
from fichotheque.content.problems import ERROR, WARNING, Problem


class Collector:
    """Collects problems for one file."""

    def __init__(self, rel_path: str, problems: list[Problem]):
        self.rel_path = rel_path
        self.problems = problems
        self.count = 0

    def error(self, line, message, hint=None, rule=""):
        self.problems.append(Problem(self.rel_path, line, message, ERROR, hint, rule))
        self.count += 1

    def warning(self, line, message, hint=None, rule=""):
        self.problems.append(Problem(self.rel_path, line, message, WARNING, hint, rule))


def _suggest(value: str, choices) -> str | None:
    match = difflib.get_close_matches(str(value), list(choices), n=1, cutoff=0.6)
    return f"vouliez-vous dire « {match[0]} » ?" if match else None


def _choices(values) -> str:
    values = list(values)
    return ", ".join(values[:-1]) + " ou " + values[-1] if len(values) > 1 else values[0]


def _str_list(value) -> list | None:
    """A YAML list of non-empty strings (a single string is tolerated as a one-item list)."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return None
    if not all(isinstance(v, str | int | float) and str(v).strip() for v in value):
        return None
    return [str(v).strip() for v in value]


def _section_text(body: str, body_line: int, section: Section, sections: list[Section]) -> str:
    lines = body.splitlines()
    start = section.line - body_line + 1
    following = [s.line for s in sections if s.line > section.line and s.level <= section.level]
    end = (following[0] - body_line) if following else len(lines)
    return "\n".join(lines[start:end])


def check_sections(body: str, body_line: int, out: Collector) -> list[Section]:
    sections = scan_sections(body, body_line)
    for s in sections:
        if s.level == 1:
            out.error(s.line, f"titre de niveau 1 « # {s.title} » dans le corps de la fiche",
                      "le titre vient de la clé « title » ; utilisez « ## » pour les sections",
                      "sections")
    h2 = [s for s in sections if s.level == 2]
    titles = [s.title for s in h2]
    known = REQUIRED_SECTIONS + OPTIONAL_SECTIONS
    for s in h2:
        if s.title not in known:
            out.error(s.line, f"section « ## {s.title} » inconnue",
                      _suggest(s.title, known) or f"sections possibles : {_choices(known)}",
                      "sections")
    missing = [name for name in REQUIRED_SECTIONS if name not in titles]
    for name in missing:
        out.error(body_line, f"section obligatoire « ## {name} » absente",
                  f"ordre attendu : {' → '.join(REQUIRED_SECTIONS)}", "sections")
    previous = -1
    for s in h2:
        if s.title not in REQUIRED_SECTIONS:
            continue
        index = REQUIRED_SECTIONS.index(s.title)
        if index < previous:
            out.error(s.line, f"section « ## {s.title} » mal placée",
                      f"ordre attendu : {' → '.join(REQUIRED_SECTIONS)}", "sections")
        previous = max(previous, index)
    seen: set[str] = set()
    for s in h2:
        if s.title in seen:
            out.error(s.line, f"section « ## {s.title} » en double", None, "sections")
        seen.add(s.title)
    steps = next((s for s in h2 if s.title == "Déroulé"), None)
    if steps is not None:
        text = _section_text(body, body_line, steps, sections)
        if not any(NUMBERED_RE.match(line) for line in text.splitlines()):
            out.error(steps.line, "la section « Déroulé » doit contenir des étapes numérotées",
                      "écrivez une liste « 1. … », « 2. … »", "sections")
    return sections


def parse_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def check_meta(doc, module_slug: str, out: Collector, today: dt.date) -> dict | None:
    """Validate front matter; returns clean values when the file has no error."""
    meta = doc.meta
    line = doc.line_of
    before = out.count
    clean: dict = {}

    for key in meta:
        if key not in REQUIRED_KEYS + OPTIONAL_KEYS:
            hint = _suggest(key, REQUIRED_KEYS + OPTIONAL_KEYS)
            if key == "render_macros":
                hint = "les macros ne sont jamais exécutées dans une fiche ; retirez cette clé"
            out.error(line(key), f"clé « {key} » inconnue",
                      hint or f"clés possibles : {_choices(REQUIRED_KEYS + OPTIONAL_KEYS)}",
                      "front-matter")
    for key in REQUIRED_KEYS:
        if key not in meta or meta[key] in (None, "", []):
            out.error(doc.body_line - 1 if key not in meta else line(key),
                      f"clé obligatoire « {key} » absente ou vide",
                      "voir le modèle fiches/MODELE.md", "front-matter")

    title = meta.get("title")
    if title not in (None, ""):
        if not isinstance(title, str):
            out.error(line("title"), "le titre doit être un texte", None, "front-matter")
        elif len(title) > MAX_TITLE:
            out.error(line("title"),
                      f"titre trop long ({len(title)} caractères, {MAX_TITLE} au plus)",
                      None, "front-matter")
        else:
            clean["title"] = title.strip()

    description = meta.get("description")
    if description not in (None, ""):
        if not isinstance(description, str):
            out.error(line("description"), "la description doit être un texte", None,
                      "front-matter")
        elif len(description) > MAX_DESCRIPTION:
            out.error(line("description"),
                      f"description trop longue ({len(description)} caractères, "
                      f"{MAX_DESCRIPTION} au plus)", "une seule phrase suffit", "front-matter")
        else:
            clean["description"] = " ".join(description.split())

    module = meta.get("module")
    if module not in (None, "") and module != module_slug:
        out.error(line("module"), f"module « {module} » différent du dossier « {module_slug} »",
                  f"écrivez « module: {module_slug} » ou déplacez la fiche", "front-matter")

    level = meta.get("level")
    if level not in (None, ""):
        if not isinstance(level, str) or level not in LEVELS:
            out.error(line("level"), f"niveau « {level} » inconnu",
                      _suggest(str(level), LEVELS) or f"choisissez {_choices(LEVELS)}",
                      "front-matter")
        else:
            clean["level"] = level

    duration = meta.get("duration")
    if duration not in (None, ""):
        if isinstance(duration, bool) or not isinstance(duration, int) or not 5 <= duration <= 480:
            out.error(line("duration"), f"durée « {duration} » invalide",
                      "indiquez un nombre entier de minutes, par exemple « duration: 60 »",
                      "front-matter")
        else:
            clean["duration"] = duration

    audience = meta.get("audience")
    if audience not in (None, "", []):
        values = _str_list(audience)
        if values is None:
            out.error(line("audience"), "le public doit être une liste",
                      f"par exemple « audience: [grand-public] » ; valeurs : {_choices(AUDIENCES)}",
                      "front-matter")
        else:
            for value in values:
                if value not in AUDIENCES:
                    out.error(line("audience"), f"public « {value} » inconnu",
                              _suggest(value, AUDIENCES) or f"choisissez {_choices(AUDIENCES)}",
                              "front-matter")
            clean["audience"] = tuple(values)

    licence = meta.get("licence")
    if licence not in (None, ""):
        info = licences.get(str(licence))
        if info is None:
            out.error(line("licence"), f"licence « {licence} » inconnue",
                      f"utilisez {licences.accepted_list_text()}", "licence")
        elif not info.accepted:
            out.error(line("licence"), f"licence « {licence} » non libre"
                      + (f" ({info.reason.lower()})" if info.reason else ""),
                      f"utilisez {licences.accepted_list_text()}", "licence")
        else:
            clean["licence"] = info.spdx

    authors = meta.get("authors")
    if authors not in (None, "", []):
        values = _str_list(authors)
        if values is None:
            out.error(line("authors"), "les auteurs doivent être une liste de noms",
                      "par exemple « authors: [Collectif Fichothèque] »", "front-matter")
        else:
            clean["authors"] = tuple(values)

    updated = meta.get("updated")
    if updated not in (None, ""):
        date = parse_date(updated)
        if date is None:
            out.error(line("updated"), f"date « {updated} » invalide",
                      "format attendu AAAA-MM-JJ, par exemple « updated: 2026-11-22 »",
                      "front-matter")
        elif date > today + dt.timedelta(days=1):
            out.error(line("updated"), f"date de mise à jour « {date} » dans le futur", None,
                      "front-matter")
        else:
            clean["updated"] = date
            if (today - date).days > 730:
                out.warning(line("updated"), f"fiche mise à jour il y a plus de deux ans ({date})",
                            "relisez-la et mettez la date à jour", "review")

    competences = meta.get("competences")
    clean["competences"] = ()
    if competences not in (None, []):
        values = _str_list(competences)
        if values is None:
            out.error(line("competences"), "les compétences doivent être une liste de codes",
                      "par exemple « competences: [pix:4.1, clea:4] »", "competences")
        else:
            for value in values:
                m = COMPETENCE_RE.match(value)
                if not m or m.group("framework") not in referentiels.FRAMEWORKS:
                    out.error(line("competences"), f"code de compétence « {value} » mal formé",
                              "préfixes possibles : pix:, digcomp:, clea: (ex. « pix:4.1 »)",
                              "competences")
                elif referentiels.lookup(value) is None:
                    known = referentiels.known_codes(m.group("framework"))
                    out.error(line("competences"), f"compétence « {value} » inconnue",
                              f"codes {referentiels.FRAMEWORKS[m.group('framework')]} : "
                              + ", ".join(known), "competences")
            clean["competences"] = tuple(dict.fromkeys(values))

    tags = meta.get("tags")
    clean["tags"] = ()
    if tags not in (None, []):
        values = _str_list(tags)
        if values is None:
            out.error(line("tags"), "les mots-clés doivent être une liste",
                      "par exemple « tags: [mot de passe, sécurité] »", "front-matter")
        else:
            clean["tags"] = tuple(dict.fromkeys(values))

    clean["prerequisites"] = ()
    prerequisites = meta.get("prerequisites")
    if prerequisites not in (None, []):
        values = _str_list(prerequisites)
        if values is None or not all(SLUG_RE.match(v) for v in values):
            out.error(line("prerequisites"), "les prérequis doivent être une liste de fiches",
                      "écrivez le nom de fichier sans « .md », par exemple "
                      "« prerequisites: [gestes-tactiles] »", "prerequisites")
        else:
            clean["prerequisites"] = tuple(dict.fromkeys(values))
            clean["prerequisites_line"] = line("prerequisites")

    clean["source"] = None
    source = meta.get("source")
    if source is not None:
        clean["source"] = check_source(source, clean.get("licence"), line("source"), out)

    return clean if out.count == before else None


def check_source(source, fiche_licence, line: int, out: Collector) -> Source | None:
    if not isinstance(source, dict):
        out.error(line, "« source » doit décrire l'œuvre adaptée (title, author, url, licence)",
                  None, "source")
        return None
    for key in source:
        if key not in SOURCE_KEYS:
            out.error(line, f"clé « source.{key} » inconnue",
                      f"clés possibles : {_choices(SOURCE_KEYS)}",
                      "source")
    for key in ("title", "licence"):
        if not source.get(key):
            out.error(line, f"clé « source.{key} » absente",
                      "la mention TASL exige titre et licence",
                      "source")
    url = str(source.get("url") or "")
    if url and not url.startswith(("https://", "http://")):
        out.error(line, f"adresse de la source « {url} » invalide", "elle doit commencer par https://",
                  "source")
    src_licence = source.get("licence")
    if src_licence and fiche_licence:
        status = licences.compatibility(str(src_licence), fiche_licence)
        if status is None:
            out.error(line, f"licence de la source « {src_licence} » inconnue",
                      f"licences connues : {', '.join(licences.licences())}", "licence")
        elif status == "reject":
            out.error(line, f"la source est sous licence non libre « {src_licence} » : "
                      "elle ne peut pas être adaptée",
                      "citez-la seulement par un lien dans « Pour aller plus loin »", "licence")
        elif status.startswith("no"):
            needed = [lic.spdx for lic in licences.accepted()
                      if (licences.compatibility(str(src_licence), lic.spdx) or "")
                      .startswith("ok")]
            out.error(line, f"une adaptation d'une œuvre « {src_licence} » "
                      "ne peut pas être publiée "
                      f"sous « {fiche_licence} »",
                      f"utilisez {_choices(needed)}" if needed else None, "licence")
        elif status == "ok?":
            out.warning(line, f"compatibilité « {src_licence} » → « {fiche_licence} » probable "
                        "mais non confirmée", "vérifiez les conditions de la source", "licence")
    return Source(
        title=str(source.get("title") or ""),
        author=str(source.get("author") or ""),
        url=url,
        licence=str(src_licence or ""),
    )
