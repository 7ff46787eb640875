"""The offline mirror: the whole site built for `file://`, packed into one reproducible ZIP.

The mirror is a separate MkDocs build of the same `mkdocs.yml` with Material's `offline`
plugin added (plain `.html` URLs, search index inlined as a script) and our vendored copy of
the `iframe-worker` shim instead of the CDN one, so that search runs from `file://` with no
request to the internet. PDFs are built too (`FICHOTHEQUE_PDF=1`, cached by content hash).

Two runs on the same content give byte-identical ZIPs: the build date comes from the mirror
date (`SOURCE_DATE_EPOCH` for MkDocs), entries are sorted, with fixed timestamps and modes.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from fichotheque import environ as scoped_env
from fichotheque.web import pages, settings

log = logging.getLogger("mkdocs.plugins.fichotheque.mirror")

OFFLINE_PLUGIN = "material/offline"
SHIM = "assets/vendor/iframe-worker/shim.js"
README_NAME = "LISEZMOI.txt"
SUMS_NAME = "SHA256SUMS"
NAME_PREFIX = "fichotheque"
ONLINE_ONLY_KEY = "online_only"
# The claim and verify pages of DESIGN.md need the online site (hosted badges, live checks);
# any other page opts in with `online_only: true` in its front matter.
ONLINE_ONLY_PATHS = frozenset({"badges/obtenir/", "badges/verifier/"})
KEPT_META = ("title", "description", "hide")
FILE_MODE = 0o644
# Already compressed: deflating them again costs time for nothing.
STORED_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".gz", ".zip",
                             ".woff", ".woff2", ".zim"})
# Source maps only serve developer tools: left out of the mirror (a third of its size).
EXCLUDED_SUFFIXES = frozenset({".map"})
# MkDocs' 404 page links with absolute paths under `site_url`: broken from a folder, and no
# file:// browser ever shows it.
EXCLUDED_NAMES = frozenset({"404.html"})
# A signing key must never leave the issuer's machine, even by mistake in docs/.
PRIVATE_KEY_MARKERS = (b"-----BEGIN RSA PRIVATE KEY-----", b"-----BEGIN PRIVATE KEY-----",
                       b"-----BEGIN ENCRYPTED PRIVATE KEY-----", b"-----BEGIN EC PRIVATE KEY-----",
                       b"-----BEGIN OPENSSH PRIVATE KEY-----")

Progress = Callable[[int, int], None]


class MirrorError(Exception):
    """A problem the user can fix; the message is one French line."""


@dataclass(frozen=True)
class Mirror:
    """One mirror written to disk."""

    path: Path
    date: dt.date
    files: int
    size: int
    sha256: str
    zim: Path | None = None


# -- date ----------------------------------------------------------------------------------

def mirror_date(value: str | None = None, environ: Mapping[str, str] | None = None,
                today: dt.date | None = None) -> dt.date:
    """The mirror's date: `--date`, else `SOURCE_DATE_EPOCH` (UTC), else today."""
    environ = os.environ if environ is None else environ
    if value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise MirrorError(f"date « {value} » invalide : écrivez-la AAAA-MM-JJ, "
                              "par exemple 2026-11-22") from None
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
        except (ValueError, OverflowError, OSError):
            raise MirrorError(f"SOURCE_DATE_EPOCH « {epoch} » invalide : "
                              "il faut un nombre de secondes depuis 1970") from None
    return today or dt.date.today()


def build_epoch(when: dt.date) -> int:
    """Seconds since 1970 at midnight UTC of the mirror date (MkDocs' build date)."""
    return int(dt.datetime(when.year, when.month, when.day, tzinfo=dt.UTC).timestamp())


def zip_name(when: dt.date) -> str:
    return f"{NAME_PREFIX}-{when.isoformat()}.zip"


# -- offline build -------------------------------------------------------------------------

def offline_config(config_file: Path, site_dir: Path):
    """The MkDocs config of `config_file`, changed for an offline build into `site_dir`."""
    from material.plugins.offline.plugin import OfflinePlugin
    from mkdocs.config import load_config

    config = load_config(str(config_file), site_dir=str(site_dir), use_directory_urls=False)
    if OFFLINE_PLUGIN not in config.plugins:
        plugin = OfflinePlugin()
        errors, _ = plugin.load_config({}, str(config_file))
        if errors:  # pragma: no cover - the plugin has one boolean option
            raise MirrorError(f"extension « offline » mal configurée : {errors}")
        config.plugins[OFFLINE_PLUGIN] = plugin
    # The offline plugin adds the shim from a CDN unless one is listed already.
    polyfills = [p for p in config.extra.get("polyfills", []) if "iframe-worker" not in str(p)]
    config.extra["polyfills"] = [*polyfills, SHIM]
    return config


def is_offline(config) -> bool:
    """True during an offline build (Material's `offline` plugin enabled)."""
    plugin = config.plugins.get(OFFLINE_PLUGIN) if config.plugins else None
    return bool(plugin is not None and plugin.config.enabled)


def build_offline_site(root: Path, site_dir: Path, when: dt.date, pdf: bool = True) -> None:
    """Build the site of project `root` for `file://` into `site_dir` (PDFs included)."""
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort, MkDocsException

    config_file = Path(root) / settings.CONFIG_FILE
    if not config_file.is_file():
        raise MirrorError(f"pas de fichier {settings.CONFIG_FILE} dans {Path(root).resolve()} ; "
                          "lancez la commande à la racine du projet ou utilisez --root")
    env = {"SOURCE_DATE_EPOCH": str(build_epoch(when)), "NO_MKDOCS_2_WARNING": "1",
           "FICHOTHEQUE_PDF": "1" if pdf else "0"}
    with scoped_env.scoped(**env):
        try:
            config = offline_config(config_file, site_dir)
            config.plugins.on_startup(command="build", dirty=False)
            try:
                build(config)
            finally:
                config.plugins.on_shutdown()
        except Abort:
            # MkDocs has already logged the cause (a fiche in error, a plugin problem).
            raise MirrorError("la construction du site hors ligne a échoué "
                              "(voir les erreurs ci-dessus)") from None
        except MkDocsException as exc:
            message = " ".join(str(exc).split()) or type(exc).__name__
            raise MirrorError(f"la construction du site hors ligne a échoué : {message}") from None


# -- pages that need the online site -------------------------------------------------------

def directory_path(src_uri: str) -> str:
    """The page's path with directory URLs: `badges/obtenir.md` -> `badges/obtenir/`."""
    path = src_uri[:-3] if src_uri.endswith(".md") else src_uri
    if path == "index" or path.endswith("/index"):
        return path[: -len("index")]
    return path + "/"


def online_url(src_uri: str, site_url: str) -> str:
    """The online address of a page, from its source path (`badges/obtenir.md`)."""
    path = directory_path(src_uri)
    return site_url.rstrip("/") + "/" + path.lstrip("/") if site_url else path


def is_online_only(page) -> bool:
    """`online_only` in the front matter, by default true for the badge claim/verify pages."""
    default = directory_path(page.file.src_uri) in ONLINE_ONLY_PATHS
    return bool(page.meta.get(ONLINE_ONLY_KEY, default))


def online_only_markdown(title: str, url: str) -> str:
    """What the mirror shows instead of a page that only works online."""
    title = pages.md_text(title)
    return (
        f"# {title}\n\n"
        '!!! info "Cette page a besoin d\'une connexion à internet"\n'
        f"    Vous consultez la **copie hors ligne** de ce site. La page « {title} » "
        "a besoin du site en ligne pour fonctionner : elle ne peut pas marcher depuis "
        "une clé USB ou un dossier de l'ordinateur.\n\n"
        "    Quand vous aurez une connexion, ouvrez-la à cette adresse :\n"
        f"    <{url}>\n"
    )


def page_markdown(markdown: str, page, config) -> str:
    """In an offline build, replace a page that only works online by an explanation."""
    if not is_offline(config) or not is_online_only(page):
        return markdown
    title = page.meta.get("title") or page.title or config.site_name
    # The explanation needs none of the page's behaviour (scripts added by other hooks for a
    # meta key, macros): keep only what the theme shows.
    kept = {key: page.meta[key] for key in KEPT_META if key in page.meta}
    page.meta.clear()
    page.meta.update(kept, render_macros=False, **{ONLINE_ONLY_KEY: True})
    return online_only_markdown(str(title), online_url(page.file.src_uri, config.site_url or ""))


# -- what the copy may contain -------------------------------------------------------------

def site_entries(site_dir: Path) -> list[tuple[str, Path]]:
    """Every file of a built site as (name in the ZIP, path), sorted (no `.map`, no 404)."""
    site_dir = Path(site_dir)
    entries = []
    for path in site_dir.rglob("*"):
        name = path.relative_to(site_dir).as_posix()
        if path.is_file() and path.suffix not in EXCLUDED_SUFFIXES and name not in EXCLUDED_NAMES:
            entries.append((name, path))
    entries.sort()
    return entries


def check_no_private_key(entries: list[tuple[str, Path]]) -> None:
    """Refuse to publish anything that looks like a private key, whatever its name or type
    (a key renamed `.png` is still a key), or that is the badge signing key itself."""
    from fichotheque.content import assets

    for name, path in entries:
        if assets.is_signing_key(path):
            raise MirrorError(f"{name} est la clé de signature des badges "
                              f"({assets.SIGNING_KEY_ENV}) : retirez-la du site, elle ne doit "
                              "jamais être publiée")
        if path.is_symlink():
            raise MirrorError(f"{name} est un lien symbolique : le miroir n'en suit aucun, "
                              "reconstruisez le site")
        if assets.has_private_key(path):
            raise MirrorError(f"{name} contient une clé privée : retirez-la du site, "
                              "elle ne doit jamais être publiée")
