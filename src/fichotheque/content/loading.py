"""Loading `fiches/`: every module and fiche read, checked against the contract, memoized.

Loading never stops at the first problem: `load_corpus` returns every fiche it could read plus
every problem found, each with its place.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from pathlib import Path

from fichotheque import safeyaml
from fichotheque.content import assets, handout, order, parcours, quiz
from fichotheque.content.contract import Collector, check_meta, check_sections
from fichotheque.content.frontmatter import FrontMatterError, split
from fichotheque.content.model import (
    FICHES_DIR,
    MODULE_FILE,
    SLUG_RE,
    Corpus,
    Fiche,
    Module,
)
from fichotheque.content.module_contract import check_module_meta
from fichotheque.content.order import ordered
from fichotheque.content.problems import ERROR, Problem


def load_fiche(path: Path, root: Path, module_slug: str, problems: list[Problem],
               today: dt.date | None = None) -> Fiche | None:
    """Read and validate one fiche; problems are appended, None is returned if any is an error."""
    rel = path.relative_to(root).as_posix()
    special = assets.special_problem(path, rel)  # a symlink or a folder is never read
    if special is not None:
        problems.append(special)
        return None
    out = Collector(rel, problems)
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
    except OSError as exc:
        out.error(None, f"fichier illisible ({exc.strerror})", None, "encoding")
        return None
    try:
        doc = split(text)
    except FrontMatterError as exc:
        out.error(exc.line, exc.message, exc.hint or "voir le modèle fiches/MODELE.md",
                  "front-matter")
        return None
    clean = check_meta(doc, module_slug, out, today or dt.date.today())
    sections = check_sections(doc.body, doc.body_line, out)
    handout.check(doc.body, doc.body_line, sections,
                  clean.get("duration") if clean else None, out)
    if clean is None or out.count:
        return None
    return Fiche(
        slug=slug, module=module_slug, path=path, rel_path=rel,
        title=clean["title"], description=clean["description"], level=clean["level"],
        duration=clean["duration"], audience=clean["audience"], licence=clean["licence"],
        authors=clean["authors"], updated=clean["updated"], competences=clean["competences"],
        tags=clean["tags"], source=clean["source"], body=doc.body, body_line=doc.body_line,
        sections=tuple(sections), prerequisites=clean["prerequisites"],
        prerequisites_line=clean.get("prerequisites_line"),
    )




def load_module_meta(folder: Path, root: Path, problems: list[Problem]) -> dict | None:
    """Read `_module.yml`; returns its values or None after recording problems."""
    path = folder / MODULE_FILE
    rel = path.relative_to(root).as_posix()
    out = Collector(rel, problems)
    if not path.exists():
        out.error(None, f"le module « {folder.name} » n'a pas de fichier {MODULE_FILE}",
                  "créez-le avec title, description, order, colour, icon et badge", "module")
        return None
    try:
        node, data = safeyaml.load_file(path, root)
    except safeyaml.YamlError as exc:
        out.error(exc.line, exc.message, exc.hint, "module")
        return None
    if not isinstance(data, dict):
        out.error(1, "le fichier doit contenir des clés « clé: valeur »", None, "module")
        return None
    lines = {str(k.value): k.start_mark.line + 1 for k, _ in node.value} if node else {}
    return check_module_meta(data, lines, out)


# A build asks for the corpus several times (hook, macros, PDFs, badges, catalogue): keep the
# last few, keyed by the stat of every file under fiches/, so an edited fiche reloads.
_LOADED: dict[tuple, Corpus] = {}
_LOADED_MAX = 4


def _fingerprint(base: Path) -> tuple:
    entries = []
    for folder, dirs, names in os.walk(base):
        dirs.sort()
        for name in sorted(names):
            try:  # lstat: a symlink is never followed (the policy refuses it)
                st = os.lstat(os.path.join(folder, name))
            except OSError:
                continue
            entries.append((folder, name, st.st_mtime_ns, st.st_size))
    return tuple(entries)


def load_corpus(root: Path | str, today: dt.date | None = None) -> Corpus:
    """Load and validate every module and fiche under `<root>/fiches/` (memoized by stat)."""
    root = Path(root).resolve()
    today = today or dt.date.today()
    key = (str(root), today, _fingerprint(root / FICHES_DIR),
           _fingerprint(root / parcours.PARCOURS_DIR))
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
    module_lines: dict[str, int | None] = {}
    if not base.is_dir():
        problems.append(Problem(FICHES_DIR, None, "le dossier des fiches est introuvable",
                                ERROR, f"créez {base}", "corpus"))
        return Corpus(root, (), tuple(problems))
    folders = []
    for entry in sorted(base.iterdir()):
        if entry.name.startswith((".", "_")):
            continue
        if entry.is_symlink():  # never followed: a module is a real folder of the repository
            problems.append(assets.special_problem(entry, entry.relative_to(root).as_posix()))
        elif entry.is_dir():
            folders.append(entry)
    for folder in folders:
        markdown = sorted(folder.glob("*.md"))
        if folder.name == "images" or (not markdown and not (folder / MODULE_FILE).exists()):
            continue
        rel_folder = folder.relative_to(root).as_posix()
        if not SLUG_RE.match(folder.name):
            problems.append(Problem(rel_folder, None, f"nom de module « {folder.name} » invalide",
                                    ERROR, "minuscules sans accents et tirets", "module"))
            continue
        module_file = folder / MODULE_FILE
        if module_file.is_symlink():
            problems.append(assets.special_problem(module_file,
                                                   module_file.relative_to(root).as_posix()))
            meta = None
        else:
            meta = load_module_meta(folder, root, problems)
        fiches = [f for path in markdown
                  if (f := load_fiche(path, root, folder.name, problems, today)) is not None]
        if meta is not None:
            sequence_line = meta.pop("sequence_line", None)
            fiches = ordered(fiches, meta["sequence"])
            modules.append(Module(slug=folder.name, path=folder, fiches=tuple(fiches), **meta))
            module_lines[folder.name] = sequence_line
    modules.sort(key=lambda m: (m.order, m.slug))
    _check_unique(modules, root, problems)
    order.check(modules, module_lines, problems)
    by_slug = {f.slug: f for m in modules for f in m.fiches}
    modules = [dataclasses.replace(m, quiz=quiz.load(m.path, root, m.title, by_slug, problems))
               for m in modules]
    paths = parcours.load_all(root, by_slug, problems, today)
    return Corpus(root, tuple(modules), tuple(problems), paths)


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

