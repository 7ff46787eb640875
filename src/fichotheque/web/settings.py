"""The local identity of the network running the site, and the site settings around it.

A network that forks Fichothèque changes `extra.structure` in `mkdocs.yml` (name, logo,
address, contact, site URL); pages, PDFs and badges all read it from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from fichotheque.content.problems import ERROR, Problem
from fichotheque.errors import UserError

CONFIG_FILE = "mkdocs.yml"


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without executing its `!!python/name:` or `!ENV` tags."""


def _ignore_tag(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        values = loader.construct_sequence(node)
        return values[-1] if values else None  # `!ENV [NAME, default]` → default
    return loader.construct_mapping(node)


_TolerantLoader.add_multi_constructor("", _ignore_tag)


@dataclass(frozen=True)
class Structure:
    """Who publishes this copy of the site (an EPN network, a library…)."""

    name: str
    url: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    logo: str = ""
    description: str = ""

    @property
    def contact(self) -> str:
        """One line a reader can use to reach the structure."""
        return " · ".join(part for part in (self.email, self.phone) if part)


@dataclass(frozen=True)
class SiteConfig:
    """What the core needs from `mkdocs.yml`, independent of MkDocs."""

    project_dir: Path
    site_name: str
    site_url: str
    structure: Structure
    repo_url: str = ""
    edit_uri: str = ""
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def absolute_url(self, path: str) -> str:
        """`site_url` + a site-relative path (the stable URLs of DESIGN.md)."""
        return self.site_url.rstrip("/") + "/" + path.lstrip("/")

    @property
    def repo_edit_base(self) -> str:
        """URL prefix to edit a file of the repository, e.g. `…/edit/main/`."""
        if not self.repo_url or not self.edit_uri:
            return ""
        base = self.repo_url.rstrip("/") + "/" + self.edit_uri.strip("/")
        # edit_uri points at docs/; fiches live beside it at the repository root.
        return base.rsplit("/", 1)[0] + "/" if base.endswith("/docs") else base + "/"

    @property
    def issues_url(self) -> str:
        return self.repo_url.rstrip("/") + "/issues/new" if "github.com" in self.repo_url else ""


def structure_from(extra: dict, site_name: str, site_url: str) -> Structure:
    data = (extra or {}).get("structure") or {}
    return Structure(
        name=str(data.get("name") or site_name),
        url=str(data.get("url") or site_url),
        email=str(data.get("email") or ""),
        phone=str(data.get("phone") or ""),
        address=str(data.get("address") or ""),
        logo=str(data.get("logo") or ""),
        description=str(data.get("description") or ""),
    )


EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
# `mkdocs serve` sets site_url to its own local address while previewing.
LOCAL_PREVIEW_RE = re.compile(r"^http://(127\.0\.0\.1|localhost|\[::1\])(:\d+)?/")
SAFE_URL_RE = re.compile(r"^https://[^\s<>\"'`]+$")
_PLAIN_KEYS = ("name", "phone", "address", "description")


def check(site: SiteConfig) -> list[Problem]:
    """Values of `mkdocs.yml` we publish on every page: https URLs, real e-mails, plain text."""
    found: list[Problem] = []

    def error(key: str, message: str, hint: str) -> None:
        found.append(Problem(CONFIG_FILE, None, f"« {key} » : {message}", ERROR, hint, "config"))

    https_hint = "écrivez une adresse qui commence par « https:// »"
    if site.site_url and not (SAFE_URL_RE.match(site.site_url)
                              or LOCAL_PREVIEW_RE.match(site.site_url)):
        error("site_url", f"adresse « {site.site_url} » refusée", https_hint)
    data = site.extra.get("structure") or {}
    if not isinstance(data, dict):
        error("extra.structure", "doit contenir des clés (name, url, email…)",
              "voir le modèle dans mkdocs.yml")
        return found
    if data.get("url") and not SAFE_URL_RE.match(str(data["url"])):
        error("extra.structure.url", f"adresse « {data['url']} » refusée", https_hint)
    if data.get("email") and not EMAIL_RE.match(str(data["email"])):
        error("extra.structure.email", f"adresse e-mail « {data['email']} » invalide",
              "par exemple contact@mon-epn.fr")
    for key in _PLAIN_KEYS:
        value = str(data.get(key) or "")
        if any(c in value for c in "<>") or any(ord(c) < 32 for c in value):
            error(f"extra.structure.{key}", "contient des signes < ou > ou un caractère invisible",
                  "écrivez du texte simple")
    return found


def from_mapping(data: dict, project_dir: Path) -> SiteConfig:
    site_name = str(data.get("site_name") or "Fichothèque")
    site_url = str(data.get("site_url") or "")
    extra = dict(data.get("extra") or {})
    return SiteConfig(
        project_dir=Path(project_dir),
        site_name=site_name,
        site_url=site_url,
        structure=structure_from(extra, site_name, site_url),
        repo_url=str(data.get("repo_url") or ""),
        edit_uri=str(data.get("edit_uri") or ""),
        extra=extra,
    )


def load(project_dir: Path | str = ".") -> SiteConfig:
    """Read `mkdocs.yml` of a project without running MkDocs."""
    project_dir = Path(project_dir).resolve()
    path = project_dir / CONFIG_FILE
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_TolerantLoader) or {}
    except FileNotFoundError:
        raise UserError(f"{CONFIG_FILE} introuvable dans {project_dir}") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{CONFIG_FILE}:{mark.line + 1}" if mark else CONFIG_FILE
        raise UserError(f"{where}: fichier de configuration illisible — vérifiez "
                        "l'indentation et les guillemets") from None
    if not isinstance(data, dict):
        raise UserError(f"{CONFIG_FILE}: le fichier doit contenir des clés « clé: valeur »")
    return from_mapping(data, project_dir)
