"""`fichotheque pdf`: render the PDFs into an already built site."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from fichotheque import progress
from fichotheque.content.loading import load_corpus
from fichotheque.content.model import FICHES_DIR
from fichotheque.pdf.jobs import PdfError
from fichotheque.pdf.render import build, summary


def cmd_pdf(args) -> int:
    """Render the PDFs into an already built site."""
    from fichotheque.errors import UserError
    from fichotheque.web import settings

    root = Path(args.root).resolve()
    if not (root / "mkdocs.yml").is_file():
        raise UserError(f"pas de mkdocs.yml dans {root} ; lancez la commande à la racine du "
                        "projet ou utilisez --root")
    site_dir = Path(args.site_dir) if args.site_dir else root / "site"
    if not (site_dir / FICHES_DIR).is_dir():
        raise UserError(f"le site n'est pas construit dans {site_dir} ; lancez d'abord "
                        "« fichotheque build --no-pdf »")
    corpus = load_corpus(root)
    if corpus.errors:
        raise UserError(f"{len(corpus.errors)} erreur(s) dans les fiches ; "
                        "« fichotheque check » les liste")
    site = settings.load(root)

    def report(done, total, job):
        progress.report(done, total, "PDF", str(job.output))

    if not logging.getLogger().handlers:
        logging.basicConfig(format="Attention : %(message)s", level=logging.WARNING)
    try:
        result = build(corpus, site, site_dir, workers=args.workers, progress=report)
    except PdfError as exc:
        raise UserError(str(exc)) from None
    progress.info(summary(result) + ".")
    return 0


def positive_number(text: str) -> int:
    """`--workers 4`: a whole number from 1 up, said in French when it is not."""
    if not text.strip().isdecimal() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas un nombre entier positif")
    return int(text)


def add_parser(sub) -> None:
    p = sub.add_parser("pdf", help="produire les PDF des fiches et des livrets "
                                   "dans un site déjà construit")
    p.add_argument("--site-dir", metavar="DOSSIER",
                   help="dossier du site construit (par défaut : site/)")
    p.add_argument("--workers", type=positive_number, default=None, metavar="NOMBRE",
                   help="nombre de processus de rendu (par défaut : tous les cœurs)")
    p.set_defaults(func=cmd_pdf)
