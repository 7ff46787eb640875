"""The badge issuer (`badges/emetteur.yml`, completed from `mkdocs.yml`), checked before use.

Its values end up in the issuer profile every verifier reads, in the claim and verify pages and
in the generated issuer image, so they are held to plain values: `https:` web addresses, a
well-formed e-mail, a name in plain text, and a logo that is a PNG file of the repository
(copied to `badges/emetteur.png`; nothing is fetched from another site).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from fichotheque import safeyaml
from fichotheque.badges import BADGES_DIR, ISSUER_FILE, BadgeError
from fichotheque.web.settings import SiteConfig

ISSUER_PATH = f"{BADGES_DIR}/{ISSUER_FILE}"
ISSUER_KEYS = ("name", "url", "email", "description", "image")
EMAIL_RE = re.compile(r"^[^@\s<>\"',;:()\[\]\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                      r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_IMAGE_BYTES = 2_000_000


@dataclass(frozen=True)
class Issuer:
    name: str
    url: str
    email: str
    description: str = ""
    image: str = ""  # a PNG of the repository (posix path from the project root); empty: generated


def read_yaml(path: Path, root: Path) -> dict:
    """A badge definition file through the safe loader; BadgeError naming the file and line."""
    try:
        data = safeyaml.load_file(path, root)[1]
    except safeyaml.YamlError as exc:
        raise BadgeError(str(exc)) from None
    data = {} if data is None else data
    if not isinstance(data, dict):
        rel = path.relative_to(root).as_posix()
        raise BadgeError(f"{rel}: des clés sont attendues (par exemple « name: … »)")
    return data


def _where(key: str, from_file: bool, mkdocs_key: str) -> str:
    return f"{ISSUER_PATH}: « {key} »" if from_file else f"mkdocs.yml: « {mkdocs_key} »"


def https_url(value: str, where: str) -> str:
    """`value` if it is a complete https address; BadgeError otherwise (javascript:, http:…)."""
    parts = urlsplit(value)
    if (parts.scheme.lower() != "https" or not parts.hostname or CONTROL_RE.search(value)
            or any(c in value for c in ' <>"\'`')):
        raise BadgeError(f"{where} doit être une adresse web complète en https, par exemple "
                         f"https://exemple.org/ (reçu : « {value[:80]} »)")
    return value


def plain_text(value: str, where: str, required: bool = False) -> str:
    """Text shown as is in pages and images: no markup, no control characters."""
    value = " ".join(value.split())
    if required and not value:
        raise BadgeError(f"{where} est vide — indiquez le nom de la structure qui délivre "
                         "les badges")
    if "<" in value or ">" in value or CONTROL_RE.search(value):
        raise BadgeError(f"{where} doit être du texte simple, sans « < » ni « > » "
                         f"(reçu : « {value[:80]} »)")
    return value


def email_address(value: str, where: str) -> str:
    value = value.strip()
    if value and not EMAIL_RE.match(value):
        raise BadgeError(f"{where} : adresse e-mail « {value[:80]} » mal formée — "
                         "exemple : contact@exemple.org")
    return value


def image_path(value: str, root: Path) -> str:
    """The logo: a PNG file inside the repository, given by its path from the project root."""
    where = f"{ISSUER_PATH}: « image »"
    hint = ("indiquez le chemin d'un fichier PNG du dépôt, par exemple badges/logo.png, "
            "ou laissez vide pour l'image générée")
    if "://" in value or value.lower().startswith(("javascript:", "data:", "http:", "https:")):
        raise BadgeError(f"{where} : une adresse web n'est pas acceptée — {hint}")
    rel = PurePosixPath(value.replace("\\", "/"))
    if rel.is_absolute() or ".." in rel.parts or CONTROL_RE.search(value):
        raise BadgeError(f"{where} : « {value[:80]} » sort du dépôt — {hint}")
    path = Path(root) / rel
    if path.is_symlink() or not safeyaml.inside(path, Path(root)) or not path.is_file():
        raise BadgeError(f"{where} : fichier « {value[:80]} » introuvable dans le dépôt — {hint}")
    if path.stat().st_size > MAX_IMAGE_BYTES:
        raise BadgeError(f"{where} : « {value[:80]} » est trop gros (au plus 2 Mo)")
    with path.open("rb") as handle:
        if handle.read(len(PNG_SIGNATURE)) != PNG_SIGNATURE:
            raise BadgeError(f"{where} : « {value[:80]} » n'est pas une image PNG — {hint}")
    return rel.as_posix()


def load_issuer(root: Path, site: SiteConfig) -> Issuer:
    """The issuer of `badges/emetteur.yml`, empty keys taken from `mkdocs.yml`; BadgeError."""
    root = Path(root)
    path = root / ISSUER_PATH
    data = read_yaml(path, root) if path.exists() or path.is_symlink() else {}
    unknown = sorted(str(k) for k in set(data) - set(ISSUER_KEYS))
    if unknown:
        raise BadgeError(f"{ISSUER_PATH}: clé « {unknown[0]} » inconnue — "
                         f"clés possibles : {', '.join(ISSUER_KEYS)}")
    for key, value in data.items():
        if value is not None and not isinstance(value, str | int | float):
            raise BadgeError(f"{ISSUER_PATH}: « {key} » doit être un simple texte")

    def value(key: str) -> str:
        return str(data.get(key) or "").strip()

    url = value("url")
    email = value("email")
    name = plain_text(value("name") or site.structure.name,
                      _where("name", bool(value("name")), "extra.structure.name"), required=True)
    if url:
        url = https_url(url, f"{ISSUER_PATH}: « url »")
    else:  # the site's own address: refused only if it is an obviously unsafe one
        url = site.site_url
        if urlsplit(url).scheme.lower() not in ("https", "http"):
            https_url(url, "mkdocs.yml: « site_url »")
    email = email_address(email or site.structure.email,
                          _where("email", bool(email), "extra.structure.email"))
    # Free text (escaped wherever it is shown), on one line.
    description = " ".join((value("description") or site.structure.description).split()) or (
        f"{name} délivre ces badges aux personnes qui ont suivi ou animé les ateliers d'un "
        "module de fiches.")
    image = image_path(value("image"), root) if value("image") else ""
    return Issuer(name=name, url=url, email=email, description=description, image=image)
