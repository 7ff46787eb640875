"""`fichotheque mirror`: build the offline copy, with progress, in French."""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

from fichotheque import progress
from fichotheque.mirror.archive import make_mirror
from fichotheque.mirror.offline import SUMS_NAME, MirrorError, mirror_date
from fichotheque.mirror.zim import check_zim_available

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


def _setup_logging() -> None:
    """Show MkDocs warnings (and our plugins' progress) while building in-process."""
    logger = logging.getLogger("mkdocs")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.WARNING)
    # our plugins' progress lines, unless --quiet
    logging.getLogger("mkdocs.plugins.fichotheque").setLevel(
        logging.WARNING if progress.is_quiet() else logging.INFO)


def cmd_mirror(args) -> int:
    from fichotheque.errors import UserError

    root = Path(args.root)
    output = Path(args.output) if os.path.isabs(args.output) else root / args.output
    started = time.monotonic()
    try:
        when = mirror_date(args.date)
        _setup_logging()
        if args.zim:
            check_zim_available()
        mirror = make_mirror(root, output, when, pdf=not args.no_pdf, zim=args.zim,
                             report=lambda message: progress.info(message, file=sys.stderr),
                             progress=progress.reporter("  Fichiers"))
    except MirrorError as exc:
        raise UserError(str(exc)) from None
    seconds = f"{time.monotonic() - started:.1f}".replace(".", ",")
    progress.info(f"Miroir hors ligne prêt : {mirror.path} — {human_size(mirror.size)}, "
                  f"{mirror.files} fichiers, en {seconds} s.")
    if mirror.zim:
        progress.info(f"Fichier ZIM pour Kiwix : {mirror.zim} — "
                      f"{human_size(mirror.zim.stat().st_size)}.")
    progress.info(f"Empreinte SHA-256 : {mirror.sha256} (dans {mirror.path.parent / SUMS_NAME}).")
    return 0


def add_parser(sub) -> None:
    mirror = sub.add_parser(
        "mirror", help="construire la copie hors ligne du site (un ZIP à ouvrir sans internet)")
    mirror.add_argument("--output", default="dist", metavar="DOSSIER",
                        help="dossier où écrire le ZIP et SHA256SUMS (par défaut : dist/)")
    mirror.add_argument("--date", metavar="AAAA-MM-JJ",
                        help="date de la copie (par défaut : SOURCE_DATE_EPOCH s'il est "
                             "défini, sinon aujourd'hui)")
    mirror.add_argument("--no-pdf", action="store_true",
                        help="ne pas produire les PDF (plus rapide, pour essayer)")
    mirror.add_argument("--zim", action="store_true",
                        help="écrire aussi un fichier ZIM pour Kiwix (avec libzim)")
    mirror.set_defaults(func=cmd_mirror)
