"""One publication policy for contributor files: what `check` accepts and what the build publishes.

Every file under `fiches/` and `docs/` is examined by extension AND content:

- images: `.png .jpg .jpeg .webp .gif` opened with Pillow (format matching the extension,
  at most 2 Mo and 4000 px a side); `.svg` reduced to a safe subset (`svg.py`): unsafe
  constructs are errors, and the build publishes only the re-serialised safe drawing;
- exercise-kit files: `.pdf` (a real PDF, without script), `.odt .ods .odp .docx .xlsx .pptx`
  (a real office document, without macros), `.txt .csv` (UTF-8 text);
- content read by the loader (`.md`, `.yml`): never published as files;
- anything else (`.html`, `.js`, `.exe`, no extension…) is refused.

Whatever its name, a file holding a PEM private key, or the badge signing key itself, is never
published: the build stops. Symlinks under `fiches/`, `docs/` and `badges/` are refused and
never followed (a link to /etc/passwd or to the signing key would be published otherwise).
"""

from __future__ import annotations

import io
import os
import re
import stat
import warnings
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from fichotheque.content import svg
from fichotheque.content.problems import ERROR, WARNING, Problem

RULE = "asset"
CHECKED_DIRS = ("fiches", "docs")  # the type policy applies here (the site publishes them)
LINK_FREE_DIRS = ("fiches", "docs", "badges", "parcours")  # no symlink at all
IMAGE_FORMATS = {".png": {"PNG"}, ".jpg": {"JPEG", "MPO"}, ".jpeg": {"JPEG", "MPO"},
                 ".webp": {"WEBP"}, ".gif": {"GIF"}, ".ico": {"ICO"}}
OPENDOCUMENT = {".odt": "application/vnd.oasis.opendocument.text",
                ".ods": "application/vnd.oasis.opendocument.spreadsheet",
                ".odp": "application/vnd.oasis.opendocument.presentation"}
OFFICE_OPEN_XML = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml",
                   ".pptx": "ppt/presentation.xml"}
TEXT = frozenset({".txt", ".csv"})
CONTENT = frozenset({".md", ".yml", ".yaml"})  # read by the loader, never published as files
DOCS_CONTENT = frozenset({".md"})  # in docs/, MkDocs would publish a .yml as it is
DOCS_TEXT_NAMES = frozenset({"CNAME"})  # GitHub Pages' custom domain, at the root of docs/
ALLOWED = frozenset({*IMAGE_FORMATS, ".svg", ".pdf", *OPENDOCUMENT, *OFFICE_OPEN_XML, *TEXT,
                     *CONTENT})
MAX_IMAGE_BYTES = 2 * 1024 * 1024
MAX_IMAGE_SIDE = 4000
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024

# Any PEM private key: RSA, EC, DSA, OPENSSH, ENCRYPTED, PKCS#8… (public keys are fine).
PRIVATE_KEY = re.compile(rb"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----")
# Same variable as `fichotheque.badges.KEY_ENV` (the web room may not import badges).
SIGNING_KEY_ENV = "FICHOTHEQUE_BADGE_KEY"
_CHUNK = 1024 * 1024

ACCEPTED_HINT = ("fichiers acceptés : images .png .jpg .webp .gif .svg, documents .pdf .odt "
                 ".ods .odp .docx .xlsx .pptx, textes .txt .csv")


@dataclass(frozen=True)
class Asset:
    """One file as the policy sees it, and what the build may do with it."""

    path: Path
    rel: str
    problems: tuple[Problem, ...] = ()
    stop: bool = False  # a symlink, not a regular file, or a secret: the build must stop
    refused: bool = False  # not publishable (type, content): left out of the site
    content: bytes | None = None  # what to publish instead of the file (a safe SVG)

    @property
    def is_content(self) -> bool:
        return self.path.suffix.lower() in CONTENT


# -- secrets ---------------------------------------------------------------------------------

def signing_key_path(environ: Mapping[str, str] | None = None) -> Path | None:
    value = (os.environ if environ is None else environ).get(SIGNING_KEY_ENV, "").strip()
    return Path(value).expanduser() if value else None


def has_private_key(path: Path) -> bool:
    """Whether a file's bytes hold a PEM private-key header (read in chunks, any size)."""
    tail = b""
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            if PRIVATE_KEY.search(tail + chunk):
                return True
            tail = chunk[-64:]
    return False


def is_signing_key(path: Path, environ: Mapping[str, str] | None = None) -> bool:
    key = signing_key_path(environ)
    if key is None:
        return False
    try:
        return os.path.samefile(path, key)
    except OSError:
        return False


def secret_problem(path: Path, rel: str, environ: Mapping[str, str] | None = None
                   ) -> Problem | None:
    """A problem if the file is the badge signing key or holds any private key."""
    if is_signing_key(path, environ):
        return Problem(rel, None, f"ce fichier est la clé de signature des badges "
                       f"({SIGNING_KEY_ENV}) : elle ne doit jamais être publiée", ERROR,
                       "déplacez-la hors du dépôt (par exemple ~/.config/fichotheque/) et "
                       "mettez à jour la variable", RULE)
    try:
        found = has_private_key(path)
    except OSError:
        return None
    if found:
        return Problem(rel, None, "ce fichier contient une clé privée : elle ne doit jamais "
                       "être publiée", ERROR, "retirez-le du dépôt ; si la clé a été partagée, "
                       "créez-en une nouvelle", RULE)
    return None


# -- links and special files -----------------------------------------------------------------

def special_problem(path: Path, rel: str) -> Problem | None:
    """A symlink (dangling or not) or anything but a regular file: never read, never published."""
    try:
        st = path.lstat()
    except OSError:
        return Problem(rel, None, "fichier introuvable", ERROR, None, RULE)
    if stat.S_ISLNK(st.st_mode):
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        dangling = "" if path.exists() else " cassé"
        return Problem(rel, None, f"lien symbolique{dangling} (vers « {target} ») refusé : il "
                       "n'est jamais suivi ni publié", ERROR,
                       "remplacez-le par une vraie copie du fichier, dans le dépôt", RULE)
    if stat.S_ISDIR(st.st_mode) and path.suffix.lower() == ".md":
        return Problem(rel, None, "ce dossier porte un nom de fiche (.md)", ERROR,
                       "renommez le dossier (sans « .md ») ou remplacez-le par un fichier", RULE)
    if not stat.S_ISREG(st.st_mode) and not stat.S_ISDIR(st.st_mode):
        return Problem(rel, None, "ce n'est pas un fichier ordinaire (tube, périphérique…)",
                       ERROR, "retirez-le du dépôt", RULE)
    return None


def entries(folder: Path) -> Iterator[Path]:
    """Every entry under `folder`, sorted, symlinks listed but never followed; names starting
    with a dot (never published) are left out, except symlinks."""
    for current, dirs, names in os.walk(folder, followlinks=False):
        base = Path(current)
        kept = []
        for name in sorted(dirs):
            path = base / name
            if path.is_symlink() or (name.endswith(".md") and not name.startswith(".")):
                yield path  # listed, not entered
            elif not name.startswith("."):
                kept.append(name)
        dirs[:] = kept
        for name in sorted(names):
            path = base / name
            if not name.startswith(".") or path.is_symlink():
                yield path


# -- types -----------------------------------------------------------------------------------

def _error(rel: str, message: str, hint: str | None = None, line: int | None = None) -> Problem:
    return Problem(rel, line, message, ERROR, hint, RULE)


def _image(rel: str, suffix: str, data: bytes) -> list[Problem]:
    from PIL import Image

    if len(data) > MAX_IMAGE_BYTES:
        return [_error(rel, f"image trop lourde ({len(data) // 1024} Ko, "
                       f"{MAX_IMAGE_BYTES // 1024} Ko au plus)",
                       "réduisez-la (1200 px de large suffisent)")]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                found, size = image.format, image.size
                image.verify()
    except Exception:  # Pillow raises many kinds of errors on a broken or fake image
        return [_error(rel, f"ce fichier n'est pas une image {suffix[1:].upper()} lisible",
                       "ouvrez-le dans un logiciel d'images et enregistrez-le de nouveau")]
    if found not in IMAGE_FORMATS[suffix]:
        return [_error(rel, f"le contenu est une image {found}, pas {suffix[1:].upper()}",
                       "donnez au fichier l'extension de son vrai format")]
    if max(size) > MAX_IMAGE_SIDE:
        return [_error(rel, f"image trop grande ({size[0]} × {size[1]} px, "
                       f"{MAX_IMAGE_SIDE} px au plus par côté)", "réduisez-la")]
    return []


def _svg(rel: str, data: bytes) -> tuple[list[Problem], bytes | None]:
    try:
        found = svg.examine(data)
    except svg.SvgRefused as exc:
        return [_error(rel, exc.message, svg.HINT_EDITOR, exc.line)], None
    problems = [_error(rel, f.message, f.hint, f.line) for f in found.unsafe]
    if found.dropped:
        problems.append(Problem(rel, None, "retiré du dessin publié : " + ", ".join(found.dropped),
                                WARNING, svg.HINT_EDITOR, RULE))
    return problems, found.safe


def _zip(rel: str, suffix: str, data: bytes) -> list[Problem]:
    kind = "OpenDocument" if suffix in OPENDOCUMENT else "Office"
    broken = _error(rel, f"ce fichier n'est pas un document {kind} {suffix} valide",
                    f"ouvrez-le et enregistrez-le de nouveau au format {suffix}")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {i.filename for i in infos}
            if sum(i.file_size for i in infos) > MAX_UNZIPPED_BYTES:
                return [broken]
            if suffix in OPENDOCUMENT:
                if (not infos or infos[0].filename != "mimetype" or infos[0].file_size > 100
                        or archive.read("mimetype").decode("ascii", "replace").strip()
                        != OPENDOCUMENT[suffix]):
                    return [broken]
                macros = any(n.startswith(("Basic/", "Scripts/")) for n in names)
            else:
                if "[Content_Types].xml" not in names or OFFICE_OPEN_XML[suffix] not in names:
                    return [broken]
                macros = any(n.lower().endswith("vbaproject.bin") for n in names)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError):
        return [broken]
    if macros:
        return [_error(rel, "document avec macros (du code) refusé",
                       "enregistrez-le sans macros")]
    return []


def _kit(rel: str, suffix: str, data: bytes) -> list[Problem]:
    if len(data) > MAX_FILE_BYTES:
        return [_error(rel, f"fichier trop lourd ({len(data) // (1024 * 1024)} Mo, "
                       f"{MAX_FILE_BYTES // (1024 * 1024)} Mo au plus)")]
    if suffix == ".pdf":
        if not data.startswith(b"%PDF-"):
            return [_error(rel, "ce fichier n'est pas un PDF", "exportez-le de nouveau en PDF")]
        if b"/JavaScript" in data or b"/Launch" in data:
            return [_error(rel, "PDF contenant du code (JavaScript ou lancement d'application)",
                           "exportez-le de nouveau en PDF simple, sans formulaire actif")]
        return []
    if suffix in TEXT:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return [_error(rel, "ce texte n'est pas encodé en UTF-8", "enregistrez-le en UTF-8")]
        if b"\x00" in data:
            return [_error(rel, "ce fichier n'est pas du texte (octets nuls)")]
        return []
    return _zip(rel, suffix, data)


def examine(path: Path, rel: str, environ: Mapping[str, str] | None = None,
            docs: bool = False) -> Asset:
    """Everything the policy says about one entry under `fiches/` (or `docs/`, with `docs`)."""
    problem = special_problem(path, rel)
    if problem is not None:
        return Asset(path, rel, (problem,), stop=True, refused=True)
    if path.is_dir():
        return Asset(path, rel)
    problem = secret_problem(path, rel, environ)
    if problem is not None:
        return Asset(path, rel, (problem,), stop=True, refused=True)
    suffix = path.suffix.lower()
    if docs and path.name in DOCS_TEXT_NAMES and path.parent.name == "docs":
        suffix = ".txt"
    elif suffix in (DOCS_CONTENT if docs else CONTENT):
        return Asset(path, rel)
    if suffix not in ALLOWED or (docs and suffix in CONTENT):
        kind = f"« {suffix} »" if suffix else "sans extension"
        return Asset(path, rel, (_error(rel, f"type de fichier {kind} refusé : il ne sera pas "
                                        "publié", ACCEPTED_HINT),), refused=True)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        return Asset(path, rel, (_error(rel, f"fichier trop lourd ({size // (1024 * 1024)} Mo, "
                                        f"{MAX_FILE_BYTES // (1024 * 1024)} Mo au plus)"),),
                     refused=True)
    data = path.read_bytes()
    if suffix == ".svg":
        problems, safe = _svg(rel, data)
        return Asset(path, rel, tuple(problems), refused=safe is None, content=safe)
    problems = _image(rel, suffix, data) if suffix in IMAGE_FORMATS else _kit(rel, suffix, data)
    return Asset(path, rel, tuple(problems), refused=bool(problems))


def project_problems(root: Path | str, environ: Mapping[str, str] | None = None
                     ) -> list[Problem]:
    """Every problem of the policy in a project: `fiches/` and `docs/` files, and symlinks
    under `badges/` too."""
    root = Path(root)
    problems: list[Problem] = []
    for name in LINK_FREE_DIRS:
        base = root / name
        if base.is_symlink():
            problems.append(special_problem(base, name))
            continue
        if not base.is_dir():
            continue
        for path in entries(base):
            rel = path.relative_to(root).as_posix()
            if name in CHECKED_DIRS:
                problems.extend(examine(path, rel, environ, docs=name == "docs").problems)
            elif (problem := special_problem(path, rel)) is not None:
                problems.append(problem)
    return problems


def link_in_path(path: Path, base: Path) -> Path | None:
    """The first symlink among `path` and its parents up to `base` (excluded), if any."""
    try:
        parts = path.relative_to(base).parts
    except ValueError:
        return None
    current = base
    for part in parts:
        current = current / part
        if current.is_symlink():
            return current
    return None
