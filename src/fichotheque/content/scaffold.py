"""`fichotheque new`: a new fiche from the template `fiches/MODELE.md`, ready to fill.

The new file gets a slug made from its title, today's date, the default licence and its
module; it passes `fichotheque check` structurally (check warns that it is still a template).
An existing fiche is never overwritten.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from fichotheque.content.frontmatter import FrontMatterError, split
from fichotheque.content.lint import TEMPLATE
from fichotheque.content.loading import load_corpus
from fichotheque.content.model import FICHES_DIR, MAX_TITLE, MODULE_FILE, SLUG_RE

DEFAULT_LICENCE = "CC-BY-SA-4.0"
MAX_SLUG = 60

# Letters that Unicode does not decompose into a base letter plus an accent.
_LIGATURES = str.maketrans({
    "œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "ø": "o", "Ø": "o", "ł": "l",
    "Ł": "l", "đ": "d", "Đ": "d", "þ": "th", "ð": "d", "ı": "i",
})


class ScaffoldError(ValueError):
    """A request `new` cannot honour; the message is for the user, in French."""


@dataclass(frozen=True)
class NewFiche:
    """A fiche written by `new`: where it is and what it was given."""

    path: Path
    rel_path: str
    slug: str
    module: str
    title: str


def slugify(title: str, max_length: int = MAX_SLUG) -> str:
    """A file name from a French title: « Créer un mot de passe » → `creer-un-mot-de-passe`.

    Accents are dropped, ligatures spelt out (œ → oe), apostrophes and punctuation become
    hyphens; the result is cut at a word boundary to `max_length` characters.
    """
    text = unicodedata.normalize("NFKD", title.translate(_LIGATURES))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if len(text) > max_length:
        cut = text[: max_length + 1]
        text = cut.rsplit("-", 1)[0] if "-" in cut else cut[:max_length]
    return text.strip("-")


def known_modules(root: Path) -> list[str]:
    base = root / FICHES_DIR
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir() if (p / MODULE_FILE).is_file())


def _yaml_scalar(value: str) -> str:
    """`value` as a YAML scalar: plain when YAML reads it back unchanged, else double-quoted."""
    try:
        if yaml.safe_load(f"k: {value}") == {"k": value}:
            return value
    except yaml.YAMLError:
        pass
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def render(template: str, title: str, module: str, today: dt.date,
           licence: str = DEFAULT_LICENCE, authors: str | None = None) -> str:
    """The template's text with the fiche's own front matter values (other lines unchanged)."""
    values = {
        "title": _yaml_scalar(title),
        "module": module,
        "licence": licence,
        "updated": today.isoformat(),
    }
    names = [a.strip() for a in (authors or "").split(",") if a.strip()]
    if names:
        values["authors"] = json.dumps(names, ensure_ascii=False)  # a YAML flow sequence
    lines = template.splitlines(keepends=True)
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), 0)
    seen = set()
    for i in range(1, end):
        m = re.match(r"^([a-z_]+):", lines[i])
        if m and m.group(1) in values:
            lines[i] = f"{m.group(1)}: {values[m.group(1)]}\n"
            seen.add(m.group(1))
    missing = [f"{key}: {value}\n" for key, value in values.items() if key not in seen]
    lines[end:end] = missing
    return "".join(lines)


def create(root: Path | str, module: str, title: str, today: dt.date | None = None,
           slug: str | None = None, authors: str | None = None) -> NewFiche:
    """Write `fiches/<module>/<slug>.md` from the template; never overwrites a file."""
    root = Path(root).resolve()
    title = " ".join(str(title).split())
    if not title:
        raise ScaffoldError("le titre est vide ; écrivez-le entre guillemets, par exemple "
                            "fichotheque new --module securite \"Créer un mot de passe\"")
    if len(title) > MAX_TITLE:
        raise ScaffoldError(f"titre trop long ({len(title)} caractères, {MAX_TITLE} au plus)")
    modules = known_modules(root)
    if not module:
        raise ScaffoldError("précisez le module avec --module ; modules existants : "
                            + (", ".join(modules) or "aucun"))
    if module not in modules:
        listed = ", ".join(modules) or "aucun (créez d'abord fiches/<module>/_module.yml)"
        raise ScaffoldError(f"module « {module} » inconnu ; modules existants : {listed}")
    slug = slug or slugify(title)
    if not slug:
        raise ScaffoldError("impossible de faire un nom de fichier avec ce titre ; "
                            "ajoutez des lettres ou choisissez le nom avec --slug")
    if not SLUG_RE.match(slug):
        raise ScaffoldError(f"nom de fichier « {slug} » invalide : minuscules sans accents, "
                            "chiffres et tirets, par exemple « mot-de-passe »")
    template_path = root / TEMPLATE
    try:
        template = template_path.read_text(encoding="utf-8")
        split(template)
    except (OSError, UnicodeDecodeError, FrontMatterError):
        raise ScaffoldError(f"modèle {TEMPLATE} introuvable ou illisible") from None

    path = root / FICHES_DIR / module / f"{slug}.md"
    rel = path.relative_to(root).as_posix()
    if path.exists():
        raise ScaffoldError(f"{rel} existe déjà : elle n'est pas remplacée ; choisissez un "
                            "autre titre ou un autre nom avec --slug")
    for other in sorted((root / FICHES_DIR).glob(f"*/{slug}.md")):
        raise ScaffoldError(f"le nom « {slug} » est déjà pris par "
                            f"{other.relative_to(root).as_posix()} ; choisissez-en un autre "
                            "avec --slug")
    same_title = " ".join(title.lower().split())
    for fiche in load_corpus(root).fiches:
        if " ".join(fiche.title.lower().split()) == same_title:
            raise ScaffoldError(f"le titre « {title} » est déjà celui de {fiche.rel_path}")

    text = render(template, title, module, today or dt.date.today(), authors=authors)
    _write_new(path, text)
    return NewFiche(path=path, rel_path=rel, slug=slug, module=module, title=title)


def _write_new(path: Path, text: str) -> None:
    """Write through a temporary file, then link it in place: fails if `path` appeared."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".nouvelle-", suffix=".md")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise ScaffoldError(f"{path.name} existe déjà : elle n'est pas remplacée") from None
    finally:
        os.unlink(tmp)


def cmd_new(args) -> int:
    from fichotheque.errors import UserError

    try:
        fiche = create(Path(args.root), args.module, args.title, slug=args.slug,
                       authors=args.auteurs)
    except ScaffoldError as exc:
        raise UserError(str(exc)) from None
    print(f"Fiche créée : {fiche.rel_path}")
    print("Remplacez le texte d'exemple par le vôtre, puis vérifiez la fiche avec : "
          "fichotheque check")
    return 0


def add_parser(sub) -> None:
    new = sub.add_parser("new", help="créer une fiche à partir du modèle fiches/MODELE.md")
    new.add_argument("title", metavar="TITRE", help="titre de la fiche, entre guillemets")
    new.add_argument("--module", default="", metavar="MODULE",
                     help="module de la fiche (ex. securite)")
    new.add_argument("--slug", metavar="NOM",
                     help="nom du fichier sans .md (par défaut : tiré du titre)")
    new.add_argument("--auteurs", metavar="AUTEURS", help="auteurs, séparés par des virgules")
    new.set_defaults(func=cmd_new)
