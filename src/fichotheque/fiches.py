"""Fiches and modules: the model, loading from `fiches/`, and validation against the contract.

A fiche is `fiches/<module>/<slug>.md` with YAML front matter (see DESIGN.md, "Fiche format");
a module is a folder of fiches with a `_module.yml`. Loading never stops at the first problem:
`load_corpus` returns every fiche it could read plus every problem found, each with its place.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from fichotheque import licences, referentiels
from fichotheque.frontmatter import FrontMatterError, parse_yaml, split
from fichotheque.problems import ERROR, WARNING, Problem

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


class _Collector:
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


def _section_text(body: str, body_line: int, section: Section, sections: list[Section]) -> str:
    lines = body.splitlines()
    start = section.line - body_line + 1
    following = [s.line for s in sections if s.line > section.line and s.level <= section.level]
    end = (following[0] - body_line) if following else len(lines)
    return "\n".join(lines[start:end])


def _check_sections(body: str, body_line: int, out: _Collector) -> list[Section]:
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


def _parse_date(value) -> dt.date | None:
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


def _check_meta(doc, module_slug: str, out: _Collector, today: dt.date) -> dict | None:
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
        if level not in LEVELS:
            out.error(line("level"), f"niveau « {level} » inconnu",
                      _suggest(level, LEVELS) or f"choisissez {_choices(LEVELS)}", "front-matter")
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
        date = _parse_date(updated)
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

    clean["source"] = None
    source = meta.get("source")
    if source is not None:
        clean["source"] = _check_source(source, clean.get("licence"), line("source"), out)

    return clean if out.count == before else None


def _check_source(source, fiche_licence, line: int, out: _Collector) -> Source | None:
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


def load_fiche(path: Path, root: Path, module_slug: str, problems: list[Problem],
               today: dt.date | None = None) -> Fiche | None:
    """Read and validate one fiche; problems are appended, None is returned if any is an error."""
    rel = path.relative_to(root).as_posix()
    out = _Collector(rel, problems)
    slug = path.stem
    if not SLUG_RE.match(slug):
        out.error(None, f"nom de fichier « {path.name} » invalide",
                  "minuscules sans accents et tirets, par exemple « mot-de-passe.md »", "slug")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        out.error(None, "le fichier n'est pas encodé en UTF-8", "enregistrez-le en UTF-8",
                  "encoding")
        return None
    try:
        doc = split(text)
    except FrontMatterError as exc:
        out.error(exc.line, exc.message, "voir le modèle fiches/MODELE.md", "front-matter")
        return None
    clean = _check_meta(doc, module_slug, out, today or dt.date.today())
    sections = _check_sections(doc.body, doc.body_line, out)
    if clean is None or out.count:
        return None
    return Fiche(
        slug=slug, module=module_slug, path=path, rel_path=rel,
        title=clean["title"], description=clean["description"], level=clean["level"],
        duration=clean["duration"], audience=clean["audience"], licence=clean["licence"],
        authors=clean["authors"], updated=clean["updated"], competences=clean["competences"],
        tags=clean["tags"], source=clean["source"], body=doc.body, body_line=doc.body_line,
        sections=tuple(sections),
    )


def load_module_meta(folder: Path, root: Path, problems: list[Problem]) -> dict | None:
    """Read `_module.yml`; returns its values or None after recording problems."""
    path = folder / MODULE_FILE
    rel = path.relative_to(root).as_posix()
    out = _Collector(rel, problems)
    if not path.exists():
        out.error(None, f"le module « {folder.name} » n'a pas de fichier {MODULE_FILE}",
                  "créez-le avec title, description, order, colour, icon et badge", "module")
        return None
    try:
        node, data = parse_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        out.error(mark.line + 1 if mark else 1, f"YAML illisible ({getattr(exc, 'problem', exc)})",
                  None, "module")
        return None
    if not isinstance(data, dict):
        out.error(1, "le fichier doit contenir des clés « clé: valeur »", None, "module")
        return None
    lines = {str(k.value): k.start_mark.line + 1 for k, _ in node.value} if node else {}
    for key in data:
        if key not in MODULE_KEYS:
            out.error(lines.get(key), f"clé « {key} » inconnue",
                      _suggest(key, MODULE_KEYS) or f"clés possibles : {_choices(MODULE_KEYS)}",
                      "module")
    for key in MODULE_KEYS:
        if data.get(key) in (None, ""):
            out.error(lines.get(key, 1), f"clé obligatoire « {key} » absente ou vide", None,
                      "module")
    if data.get("order") is not None and (isinstance(data["order"], bool)
                                          or not isinstance(data["order"], int)):
        out.error(lines.get("order"), "« order » doit être un nombre entier", None, "module")
    colour = data.get("colour")
    if colour and not (isinstance(colour, str) and COLOUR_RE.match(colour)):
        out.error(lines.get("colour"), f"couleur « {colour} » invalide",
                  "écrivez une couleur hexadécimale entre guillemets, par exemple \"#1A5FB4\"",
                  "module")
    badge = data.get("badge")
    if badge and not (isinstance(badge, str) and SLUG_RE.match(badge)):
        out.error(lines.get("badge"), f"identifiant de badge « {badge} » invalide",
                  "minuscules et tirets, en général le nom du module", "module")
    if out.count:
        return None
    return {key: data[key] for key in MODULE_KEYS}


# A build asks for the corpus several times (hook, macros, PDFs, badges, catalogue): keep the
# last few, keyed by the stat of every file under fiches/, so an edited fiche reloads.
_LOADED: dict[tuple, Corpus] = {}
_LOADED_MAX = 4


def _fingerprint(base: Path) -> tuple:
    entries = []
    for folder, dirs, names in os.walk(base):
        dirs.sort()
        for name in sorted(names):
            try:
                st = os.stat(os.path.join(folder, name))
            except OSError:
                continue
            entries.append((folder, name, st.st_mtime_ns, st.st_size))
    return tuple(entries)


def load_corpus(root: Path | str, today: dt.date | None = None) -> Corpus:
    """Load and validate every module and fiche under `<root>/fiches/` (memoized by stat)."""
    root = Path(root).resolve()
    today = today or dt.date.today()
    key = (str(root), today, _fingerprint(root / FICHES_DIR))
    corpus = _LOADED.get(key)
    if corpus is None:
        corpus = _load_corpus(root, today)
        if len(_LOADED) >= _LOADED_MAX:
            _LOADED.pop(next(iter(_LOADED)))
        _LOADED[key] = corpus
    return corpus


def _load_corpus(root: Path, today: dt.date) -> Corpus:
    problems: list[Problem] = []
    base = root / FICHES_DIR
    modules: list[Module] = []
    if not base.is_dir():
        problems.append(Problem(FICHES_DIR, None, "le dossier des fiches est introuvable",
                                ERROR, f"créez {base}", "corpus"))
        return Corpus(root, (), tuple(problems))
    folders = (p for p in base.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
    for folder in sorted(folders):
        markdown = sorted(folder.glob("*.md"))
        if folder.name == "images" or (not markdown and not (folder / MODULE_FILE).exists()):
            continue
        rel_folder = folder.relative_to(root).as_posix()
        if not SLUG_RE.match(folder.name):
            problems.append(Problem(rel_folder, None, f"nom de module « {folder.name} » invalide",
                                    ERROR, "minuscules sans accents et tirets", "module"))
            continue
        meta = load_module_meta(folder, root, problems)
        fiches = [f for path in markdown
                  if (f := load_fiche(path, root, folder.name, problems, today)) is not None]
        if meta is not None:
            modules.append(Module(slug=folder.name, path=folder, fiches=tuple(fiches), **meta))
    modules.sort(key=lambda m: (m.order, m.slug))
    _check_unique(modules, root, problems)
    return Corpus(root, tuple(modules), tuple(problems))


def _check_unique(modules: list[Module], root: Path, problems: list[Problem]) -> None:
    seen_slugs: dict[str, Fiche] = {}
    seen_titles: dict[str, Fiche] = {}
    for fiche in (f for m in modules for f in m.fiches):
        first = seen_slugs.setdefault(fiche.slug, fiche)
        if first is not fiche:
            problems.append(Problem(fiche.rel_path, None,
                                    f"nom de fiche « {fiche.slug} » déjà utilisé par "
                                    f"{first.rel_path}",
                                    ERROR, "renommez le fichier", "unique"))
        key = " ".join(fiche.title.lower().split())
        first = seen_titles.setdefault(key, fiche)
        if first is not fiche:
            problems.append(Problem(fiche.rel_path, 2,
                                    f"titre « {fiche.title} » déjà utilisé par {first.rel_path}",
                                    ERROR, "choisissez un titre qui distingue les deux fiches",
                                    "unique"))
    seen_badges: dict[str, Module] = {}
    for module in modules:
        first = seen_badges.setdefault(module.badge, module)
        if first is not module:
            problems.append(Problem(f"{FICHES_DIR}/{module.slug}/{MODULE_FILE}", None,
                                    f"badge « {module.badge} » déjà utilisé par le module "
                                    f"« {first.slug} »", ERROR, None, "unique"))

