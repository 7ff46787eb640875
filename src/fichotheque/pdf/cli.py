"""`fichotheque pdf`: render the PDFs into an already built site."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

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
    interactive = sys.stderr.isatty()

    def progress(done, total, job):
        line = f"PDF {done}/{total} : {job.output}"
        if interactive:
            print(f"\r\033[K{line}", end="" if done < total else "\n", file=sys.stderr)
        else:
            print(line, file=sys.stderr)

    if not logging.getLogger().handlers:
        logging.basicConfig(format="Attention : %(message)s", level=logging.WARNING)
    try:
        report = build(corpus, site, site_dir, workers=args.workers, progress=progress)
    except PdfError as exc:
        raise UserError(str(exc)) from None
    print(summary(report) + ".")
    return 0


def add_parser(sub) -> None:
    p = sub.add_parser("pdf", help="produire les PDF des fiches et des livrets "
                                   "dans un site déjà construit")
    p.add_argument("--site-dir", help="dossier du site construit (par défaut : site/)")
    p.add_argument("--workers", type=int, default=None,
                   help="nombre de processus de rendu (par défaut : tous les cœurs)")
    p.set_defaults(func=cmd_pdf)
