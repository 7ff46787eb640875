"""`fichotheque build`: the MkDocs build of the whole site, swapped into place only on success.

The site is built in-process into `<site>.tmp-<pid>` beside the target folder; the previous site
is replaced only once MkDocs, the PDFs and the badges are all done (`files.building_dir`). A
Ctrl-C, a `kill -9`, a full disk or a late error (an award naming an unknown badge…) leave the
previous site whole; what a killed run left behind is deleted by the next one.
"""

from __future__ import annotations

import contextlib
import logging
import re
import sys
from pathlib import Path

from fichotheque import environ, progress
from fichotheque.errors import UserError
from fichotheque.files import building_dir

CONFIG_FILE = "mkdocs.yml"
PDF_SWITCH = "FICHOTHEQUE_PDF"  # read by fichotheque.pdf.render (hooks/pdf.py)
HANDLER_NAME = "MkDocsStreamHandler"  # the name MkDocs' own command line gives its handler


def _setup_logging() -> None:
    """MkDocs' messages as `mkdocs build` prints them (INFO and above, on stderr; --quiet:
    warnings and errors only)."""
    logger = logging.getLogger("mkdocs")
    logger.setLevel(logging.WARNING if progress.is_quiet() else logging.INFO)
    if any(handler.name == HANDLER_NAME for handler in logger.handlers):
        return
    formatter = logging.Formatter("%(levelname)-8s-  %(message)s")
    if sys.stderr.isatty():  # colours for a person, plain text for a log
        with contextlib.suppress(ImportError):
            from mkdocs.__main__ import ColorFormatter

            formatter = ColorFormatter()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    handler.name = HANDLER_NAME
    logger.addHandler(handler)
    logger.propagate = False


def _failure(exc: Exception, kept: bool) -> UserError:
    from mkdocs.exceptions import Abort

    text = " ".join(str(exc).split())
    strict = re.search(r"(\d+) warnings? in strict mode", text)
    if strict:
        count = int(strict[1])
        reason = (f" : {count} avertissement{'s' if count > 1 else ''} en mode strict "
                  "(voir ci-dessus)")
    elif isinstance(exc, Abort) or not text:
        reason = " (voir les messages ci-dessus)"
    else:
        reason = f" : {text}"
    tail = " ; le site précédent est conservé" if kept else ""
    return UserError(f"la construction du site a échoué{reason}{tail}")


def build_site(root: Path | str, site_dir: Path | str | None = None, *, strict: bool = False,
               pdf: bool = True) -> int:
    """Build the site of project `root` into `site_dir` (default: `site_dir` of mkdocs.yml)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    config_file = Path(root) / CONFIG_FILE
    if not config_file.is_file():
        raise UserError(f"pas de fichier {CONFIG_FILE} dans {Path(root).resolve()} ; lancez la "
                        "commande à la racine du projet ou utilisez --root")
    _setup_logging()
    with environ.scoped(NO_MKDOCS_2_WARNING="1", **{PDF_SWITCH: "1" if pdf else "0"}):
        try:
            config = load_config(str(config_file), strict=True if strict else None)
        except MkDocsException as exc:
            raise _failure(exc, kept=False) from None
        target = Path(site_dir) if site_dir else Path(config.site_dir)
        kept = target.is_dir() and any(target.iterdir())
        with building_dir(target) as work:
            config.site_dir = str(work)
            try:
                config.plugins.on_startup(command="build", dirty=False)
                try:
                    build(config)
                finally:
                    config.plugins.on_shutdown()
            except MkDocsException as exc:
                raise _failure(exc, kept) from None
    progress.info(f"Site prêt dans {target}.")
    return 0
