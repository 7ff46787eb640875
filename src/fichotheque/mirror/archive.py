"""The offline ZIP: the offline site's files in a deterministic archive, with its checksums.

A private key is never packed, whatever its name (`check_no_private_key`).
"""

from __future__ import annotations

import datetime as dt
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

from fichotheque.files import (
    clean_stale,
    commit_file,
    name_error,
    scratch_dir,
    sha256_file,
    temp_path,
    write_atomic,
)
from fichotheque.mirror.offline import (
    FILE_MODE,
    NAME_PREFIX,
    README_NAME,
    STORED_SUFFIXES,
    SUMS_NAME,
    Mirror,
    MirrorError,
    Progress,
    build_offline_site,
    check_no_private_key,
    site_entries,
    zip_name,
)
from fichotheque.mirror.zim import write_zim, zim_name
from fichotheque.web import pages, settings

SCRATCH = Path(".cache") / "miroir"  # `.cache/miroir.tmp-<pid>/site`: the offline build

# -- ZIP -----------------------------------------------------------------------------------

def readme_text(site: settings.SiteConfig, when: dt.date) -> str:
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
    clean_stale(target.parent, target.name)  # half-written ZIPs of killed runs
    tmp = temp_path(target)
    try:
        with zipfile.ZipFile(tmp, "w", compresslevel=9) as archive:
            for done, (name, content) in enumerate(ordered, 1):
                data = content if isinstance(content, bytes) else Path(content).read_bytes()
                archive.writestr(_zip_info(name, when), data)
                if progress:
                    progress(done, len(ordered))
        commit_file(tmp, target, FILE_MODE)  # on the disk before it replaces the previous one
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        name_error(exc, tmp)
        raise
    return target


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
    if not (root / settings.CONFIG_FILE).is_file():
        raise MirrorError(f"pas de fichier {settings.CONFIG_FILE} dans {root.resolve()} ; "
                          "lancez la commande à la racine du projet ou utilisez --root")
    site = settings.load(root)
    output.mkdir(parents=True, exist_ok=True)
    clean_stale(output, SUMS_NAME)  # the ZIP's own leftovers go in `write_zip`
    probe = temp_path(output / zip_name(when))  # a read-only --output fails now, not at the end
    probe.touch()
    probe.unlink()
    # The offline site is built in the project's cache folder (same disk as the PDF cache, not
    # a USB key given as --output) and always deleted; a killed run's is deleted by the next.
    with scratch_dir(root / SCRATCH) as work:
        site_dir = work / "site"
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


