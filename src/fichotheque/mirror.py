"""The offline mirror: the whole site built for `file://`, packed into one reproducible ZIP.

The mirror is a separate MkDocs build of the same `mkdocs.yml` with Material's `offline`
plugin added (plain `.html` URLs, search index inlined as a script) and our vendored copy of
the `iframe-worker` shim instead of the CDN one, so that search runs from `file://` with no
request to the internet. PDFs are built too (`FICHOTHEQUE_PDF=1`, cached by content hash).

Two runs on the same content give byte-identical ZIPs: the build date comes from the mirror
date (`SOURCE_DATE_EPOCH` for MkDocs), entries are sorted, with fixed timestamps and modes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import html
import io
import logging
import os
import re
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from fichotheque import pages, structure
from fichotheque.files import write_atomic

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

@contextlib.contextmanager
def _environ(**values: str) -> Iterator[None]:
    old = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


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

    config_file = Path(root) / structure.CONFIG_FILE
    if not config_file.is_file():
        raise MirrorError(f"pas de fichier {structure.CONFIG_FILE} dans {Path(root).resolve()} ; "
                          "lancez la commande à la racine du projet ou utilisez --root")
    env = {"SOURCE_DATE_EPOCH": str(build_epoch(when)), "NO_MKDOCS_2_WARNING": "1",
           "FICHOTHEQUE_PDF": "1" if pdf else "0"}
    with _environ(**env):
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


# -- ZIP -----------------------------------------------------------------------------------

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
    """Refuse to publish anything that looks like a private key."""
    for name, path in entries:
        if path.suffix.lower() in (".png", ".jpg", ".jpeg", ".gif", ".webp", ".woff2", ".zim"):
            continue
        data = path.read_bytes()
        if any(marker in data for marker in PRIVATE_KEY_MARKERS):
            raise MirrorError(f"{name} contient une clé privée : retirez-la du site, "
                              "elle ne doit jamais être publiée")


def readme_text(site: structure.SiteConfig, when: dt.date) -> str:
    """LISEZMOI.txt: what the ZIP is and how to open it, in plain French (CRLF for Windows)."""
    online = site.site_url or site.structure.url
    name = site.site_name
    lines = [
        f"{name} — copie hors ligne du {pages.french_date(when)}",
        "=" * len(f"{name} — copie hors ligne du {pages.french_date(when)}"),
        "",
        f"Ce dossier contient tout le site {name} : les fiches pratiques, leurs",
        "versions PDF à imprimer et la recherche. Il fonctionne sans connexion à",
        "internet, par exemple depuis une clé USB ou un ordinateur sans réseau.",
        "",
        "Pour l'ouvrir :",
        "  1. Décompressez le fichier ZIP (clic droit, « Extraire tout… »).",
        "  2. Ouvrez le dossier obtenu et double-cliquez sur « index.html ».",
        "     Le site s'ouvre dans votre navigateur (Firefox, Chrome, Edge…).",
        "",
        "La recherche, les liens entre les pages et les PDF marchent hors ligne.",
        "Seules les pages des badges (obtenir ou vérifier un badge) ont besoin",
        "du site en ligne.",
        "",
        "Pour un serveur local (médiathèque, réseau d'un EPN), copiez le contenu",
        "du dossier tel quel sur le serveur web : aucun réglage n'est nécessaire.",
        "",
        f"Date de cette copie : {pages.french_date(when)} ({when.isoformat()}).",
    ]
    if online:
        lines.append(f"Site en ligne, toujours à jour : {online}")
    if site.structure.name:
        contact = f" ({site.structure.contact})" if site.structure.contact else ""
        lines.append(f"Publié par : {site.structure.name}{contact}")
    lines += ["", "Les fiches sont sous licences libres : chaque fiche indique la sienne.", ""]
    return "\r\n".join(lines)


def _zip_info(name: str, when: dt.date) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(when.year, when.month, when.day, 0, 0, 0))
    info.create_system = 3  # Unix, so that the permissions below are read back
    info.external_attr = (0o100000 | FILE_MODE) << 16
    suffix = os.path.splitext(name)[1].lower()
    info.compress_type = zipfile.ZIP_STORED if suffix in STORED_SUFFIXES else zipfile.ZIP_DEFLATED
    return info


def write_zip(target: Path, entries: list[tuple[str, Path | bytes]], when: dt.date,
              progress: Progress | None = None) -> Path:
    """Write a reproducible ZIP atomically: sorted entries, fixed dates and modes."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    ordered = sorted(entries, key=lambda entry: entry[0])
    names = [name for name, _ in ordered]
    if len(set(names)) != len(names):
        raise MirrorError("deux fichiers portent le même nom dans le ZIP")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", compresslevel=9) as archive:
            for done, (name, content) in enumerate(ordered, 1):
                data = content if isinstance(content, bytes) else Path(content).read_bytes()
                archive.writestr(_zip_info(name, when), data)
                if progress:
                    progress(done, len(ordered))
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return target


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_sha256sums(output: Path) -> Path:
    """`SHA256SUMS` for every mirror file in `output` (format of `sha256sum -c`)."""
    output = Path(output)
    artifacts = sorted(p for p in output.iterdir() if p.is_file()
                       and p.name.startswith(f"{NAME_PREFIX}-") and p.suffix in (".zip", ".zim"))
    text = "".join(f"{sha256_file(p)}  {p.name}\n" for p in artifacts)
    return write_atomic(output / SUMS_NAME, text)


def make_mirror(root: Path, output: Path, when: dt.date, pdf: bool = True, zim: bool = False,
                report: Callable[[str], None] | None = None,
                progress: Progress | None = None) -> Mirror:
    """Build the offline site of `root` and pack it as `output/fichotheque-<date>.zip`.

    With `zim`, also write `output/fichotheque-<date>.zim` (Kiwix) from the same build.
    """
    root = Path(root)
    output = Path(output)
    report = report or (lambda message: None)
    if not (root / structure.CONFIG_FILE).is_file():
        raise MirrorError(f"pas de fichier {structure.CONFIG_FILE} dans {root.resolve()} ; "
                          "lancez la commande à la racine du projet ou utilisez --root")
    site = structure.load(root)
    output.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="fichotheque-miroir-") as tmp:
        site_dir = Path(tmp) / "site"
        report("Construction du site hors ligne" + (" (avec les PDF)" if pdf else "") + "…")
        build_offline_site(root, site_dir, when, pdf=pdf)
        entries: list[tuple[str, Path | bytes]] = list(site_entries(site_dir))
        check_no_private_key(entries)  # type: ignore[arg-type]
        if any(name == README_NAME for name, _ in entries):
            raise MirrorError(f"le site contient déjà un fichier {README_NAME} à sa racine")
        entries.append((README_NAME, readme_text(site, when).encode("utf-8")))
        report(f"Compression de {len(entries)} fichiers…")
        target = write_zip(output / zip_name(when), entries, when, progress)
        zim_path = None
        if zim:
            report("Écriture du fichier ZIM pour Kiwix (avec son index de recherche)…")
            zim_path = output / zim_name(when)
            write_zim(zim_path, site_dir, site, when, progress)
    write_sha256sums(output)
    return Mirror(path=target, date=when, files=len(entries), size=target.stat().st_size,
                  sha256=sha256_file(target), zim=zim_path)


# -- Kiwix ZIM ------------------------------------------------------------------------------

ZIM_LANGUAGE = "fra"
ZIM_ILLUSTRATION = 48  # Kiwix shows a 48x48 PNG in its library
ZIM_HINT = ("la sortie ZIM a besoin de libzim ; installez-la avec : "
            ".venv/bin/pip install -e '.[zim]'")
_TITLE = re.compile(r"<title>(.*?)</title>", re.IGNORECASE | re.DOTALL)
MIMETYPES = {".html": "text/html", ".css": "text/css", ".js": "application/javascript",
             ".json": "application/json", ".svg": "image/svg+xml", ".png": "image/png",
             ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
             ".webp": "image/webp", ".pdf": "application/pdf", ".txt": "text/plain",
             ".md": "text/markdown", ".xml": "application/xml", ".woff2": "font/woff2",
             ".gz": "application/gzip"}


def check_zim_available() -> None:
    """Fail before the long build when libzim is missing."""
    try:
        import libzim.writer  # noqa: F401
    except ImportError:
        raise MirrorError(ZIM_HINT) from None


def zim_name(when: dt.date) -> str:
    return f"{NAME_PREFIX}-{when.isoformat()}.zim"


def mimetype(name: str) -> str:
    return MIMETYPES.get(os.path.splitext(name)[1].lower(), "application/octet-stream")


def html_title(data: bytes, default: str) -> str:
    match = _TITLE.search(data.decode("utf-8", "replace"))
    return html.unescape(" ".join(match.group(1).split())) if match else default


def zim_illustration(site_dir: Path) -> bytes:
    """A 48x48 PNG from the site's favicon (Kiwix requires one)."""
    from PIL import Image

    source = Path(site_dir) / "assets" / "images" / "favicon.png"
    image = (Image.open(source).convert("RGBA") if source.is_file()
             else Image.new("RGBA", (1, 1), (63, 81, 181, 255)))
    image = image.resize((ZIM_ILLUSTRATION, ZIM_ILLUSTRATION), Image.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def write_zim(target: Path, site_dir: Path, site: structure.SiteConfig, when: dt.date,
              progress: Progress | None = None) -> int:
    """Write the offline site as a Kiwix ZIM with a French full-text index; returns entries."""
    try:
        from libzim.writer import Creator, Hint, Item, StringProvider
    except ImportError:
        raise MirrorError(ZIM_HINT) from None

    class SiteItem(Item):
        def __init__(self, path: str, title: str, mime: str, data: bytes, front: bool):
            super().__init__()
            self.path, self.title, self.mime, self.data, self.front = (path, title, mime,
                                                                       data, front)

        def get_path(self):
            return self.path

        def get_title(self):
            return self.title

        def get_mimetype(self):
            return self.mime

        def get_contentprovider(self):
            return StringProvider(self.data)

        def get_hints(self):
            return {Hint.FRONT_ARTICLE: self.front}

    target = Path(target)
    entries = site_entries(site_dir)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        with Creator(str(tmp)).config_verbose(False).config_indexing(True, ZIM_LANGUAGE) as creator:
            creator.set_mainpath("index.html")
            creator.add_illustration(ZIM_ILLUSTRATION, zim_illustration(site_dir))
            description = site.structure.description or f"{site.site_name}, copie hors ligne"
            for key, value in (("Name", f"{NAME_PREFIX}_fr_all"), ("Title", site.site_name),
                               ("Description", " ".join(description.split())[:80]),
                               ("Language", ZIM_LANGUAGE), ("Creator", site.structure.name),
                               ("Publisher", site.structure.name), ("Date", when.isoformat()),
                               ("Tags", "_category:other;médiation numérique;fiches"),
                               ("Source", site.site_url)):
                if value:
                    creator.add_metadata(key, value)
            for done, (name, path) in enumerate(entries, 1):
                data = path.read_bytes()
                mime = mimetype(name)
                is_page = mime == "text/html" and name != "404.html"
                title = html_title(data, name) if is_page else name
                title = title.removesuffix(f" - {site.site_name}")
                creator.add_item(SiteItem(name, title, mime, data, is_page))
                if progress:
                    progress(done, len(entries))
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return len(entries)


# -- command line --------------------------------------------------------------------------

def human_size(size: int) -> str:
    """`4,3 Mo`: sizes the way a French reader writes them."""
    value = float(size)
    for unit in ("octets", "ko", "Mo", "Go"):
        if value < 1000 or unit == "Go":
            text = f"{value:.0f}" if unit == "octets" else f"{value:.1f}".replace(".", ",")
            return f"{text} {unit}"
        value /= 1000
    raise AssertionError("unreachable")  # pragma: no cover


class _ProgressPrinter:
    """Progress on stderr: a counter on a terminal, a line every quarter otherwise."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.shown = -1

    def __call__(self, done: int, total: int) -> None:
        percent = done * 100 // max(total, 1)
        if self.tty:
            end = "\n" if done == total else ""
            print(f"\r  {done}/{total} fichiers ({percent} %)", end=end, file=self.stream,
                  flush=True)
        elif percent // 25 > self.shown:
            self.shown = percent // 25
            print(f"  {done}/{total} fichiers ({percent} %)", file=self.stream, flush=True)


def _setup_logging() -> None:
    """Show MkDocs warnings (and our plugins' progress) while building in-process."""
    logger = logging.getLogger("mkdocs")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.WARNING)
        logging.getLogger("mkdocs.plugins.fichotheque").setLevel(logging.INFO)


def cmd_mirror(args) -> int:
    from fichotheque.cli import UserError

    root = Path(args.root)
    output = Path(args.output) if os.path.isabs(args.output) else root / args.output
    started = time.monotonic()
    try:
        when = mirror_date(args.date)
        _setup_logging()
        if args.zim:
            check_zim_available()
        mirror = make_mirror(root, output, when, pdf=not args.no_pdf, zim=args.zim,
                             report=lambda message: print(message, file=sys.stderr, flush=True),
                             progress=_ProgressPrinter())
    except MirrorError as exc:
        raise UserError(str(exc)) from None
    seconds = f"{time.monotonic() - started:.1f}".replace(".", ",")
    print(f"Miroir hors ligne prêt : {mirror.path} — {human_size(mirror.size)}, "
          f"{mirror.files} fichiers, en {seconds} s.")
    if mirror.zim:
        print(f"Fichier ZIM pour Kiwix : {mirror.zim} — {human_size(mirror.zim.stat().st_size)}.")
    print(f"Empreinte SHA-256 : {mirror.sha256} (dans {mirror.path.parent / SUMS_NAME}).")
    return 0


def add_parser(sub) -> None:
    mirror = sub.add_parser(
        "mirror", help="construire la copie hors ligne du site (un ZIP à ouvrir sans internet)")
    mirror.add_argument("--output", default="dist",
                        help="dossier où écrire le ZIP et SHA256SUMS (par défaut : dist/)")
    mirror.add_argument("--date", help="date de la copie, AAAA-MM-JJ (par défaut : "
                        "SOURCE_DATE_EPOCH s'il est défini, sinon aujourd'hui)")
    mirror.add_argument("--no-pdf", action="store_true",
                        help="ne pas produire les PDF (plus rapide, pour essayer)")
    mirror.add_argument("--zim", action="store_true",
                        help="écrire aussi un fichier ZIM pour Kiwix (avec libzim)")
    mirror.set_defaults(func=cmd_mirror)
