"""The `fichotheque` command line: messages in French, problems as `path:line: message`.

Each concern adds its own sub-command with an `add_parser(subparsers)` function listed in
`COMMANDS`; this module only dispatches and turns user errors into one clear line.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from fichotheque import __version__, progress
from fichotheque.badges.history import check_append_only
from fichotheque.cli_french import FrenchParser
from fichotheque.content import cache_policy, lint
from fichotheque.content.problems import to_json
from fichotheque.errors import UserError
from fichotheque.files import describe_os_error
from fichotheque.web import settings


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n > 1 else ''}"


def cmd_check(args) -> int:
    """Validate every fiche and module; exit 1 when there is an error."""
    root = Path(args.root)
    if not (root / "fiches").is_dir():
        raise UserError(f"pas de dossier « fiches » dans {root.resolve()} ; "
                        "lancez la commande à la racine du projet ou utilisez --root")
    cached = cache_policy.check(root)  # before the lint cache is read
    corpus, problems = lint.check(root)
    problems = [*cached, *problems, *check_append_only(root)]  # + badges/registre.yml
    if (root / settings.CONFIG_FILE).exists():  # values shown on every page
        problems += settings.check(settings.load(root))
    if args.format == "json":
        print(to_json(problems))
    else:
        for problem in problems:
            if problem.is_error:
                print(problem.format(), file=sys.stderr)
            else:  # a warning: silenced by --quiet
                progress.info(problem.format())
        errors = sum(p.is_error for p in problems)
        warnings = len(problems) - errors
        summary = (f"{_plural(len(corpus.fiches), 'fiche')}, "
                   f"{_plural(len(corpus.modules), 'module')}")
        if errors:
            print(f"{_plural(errors, 'erreur')}, {_plural(warnings, 'avertissement')} "
                  f"({summary} valides).", file=sys.stderr)
        else:
            extra = f", {_plural(warnings, 'avertissement')}" if warnings else ""
            progress.info(f"Tout est correct : {summary}{extra}.")
    return 1 if any(p.is_error for p in problems) else 0


def cmd_build(args) -> int:
    """Build the whole site with MkDocs into `site/` (or --site-dir), swapped in on success."""
    from fichotheque.sitebuild import build_site

    return build_site(args.root, args.site_dir, strict=args.strict, pdf=not args.no_pdf)


def add_core_parsers(sub) -> None:
    check = sub.add_parser("check", help="vérifier les fiches (métadonnées, licences, sections, "
                                          "liens, images, HTML)")
    check.add_argument("--format", choices=("text", "json"), default="text",
                       help="format de sortie : text (par défaut) ou json (pour les outils)")
    check.set_defaults(func=cmd_check)

    build = sub.add_parser("build", help="construire le site complet dans site/")
    build.add_argument("--site-dir", metavar="DOSSIER",
                       help="dossier de sortie (par défaut : site/)")
    build.add_argument("--strict", action="store_true", help="échouer au moindre avertissement")
    build.add_argument("--no-pdf", action="store_true",
                       help="ne pas produire les PDF (plus rapide)")
    build.set_defaults(func=cmd_build)


# Sub-commands of other concerns: (module, function) pairs, imported when the CLI starts.
COMMANDS: list[tuple[str, str]] = [
    ("fichotheque.mirror.cli", "add_parser"),
    ("fichotheque.badges.cli", "add_parser"),
    ("fichotheque.content.scaffold", "add_parser"),
    ("fichotheque.pdf.cli", "add_parser"),
    ("fichotheque.desk.cli", "add_parser"),
]


def common_options() -> argparse.ArgumentParser:
    """Options every command accepts, before or after its name (`check --root X`).

    Their default is SUPPRESS so that a sub-command that does not see them does not
    overwrite what the main command saw; `main` fills in the real defaults."""
    common = FrenchParser(add_help=False)
    common.add_argument("--root", metavar="DOSSIER", default=argparse.SUPPRESS,
                        help="racine du projet (par défaut : dossier courant)")
    common.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS,
                        help="n'afficher que les erreurs")
    return common


DEFAULTS = {"root": ".", "quiet": False}


def parser() -> argparse.ArgumentParser:
    common = common_options()
    p = FrenchParser(
        prog="fichotheque",
        description="Fichothèque : vérifier, construire et publier les fiches.",
        epilog="Pour l'aide d'une commande : fichotheque COMMANDE --help",
        parents=[common], common=[common],
    )
    p.add_argument("--version", action="version", version=f"fichotheque {__version__}",
                   help="afficher la version et quitter")
    sub = p.add_subparsers(dest="command", metavar="COMMANDE", help="la commande à lancer")
    add_core_parsers(sub)
    import importlib

    for module_name, function in COMMANDS:
        getattr(importlib.import_module(module_name), function)(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    cli = parser()
    try:
        args = cli.parse_args(argv, argparse.Namespace(**DEFAULTS))
    except SystemExit as exc:  # --help, --version, or a mistake already explained
        return exc.code if isinstance(exc.code, int) else 2
    if not getattr(args, "func", None):
        cli.print_help()
        return 2
    saved_env = os.environ.get(progress.ENV_QUIET)
    if args.quiet:  # also for the MkDocs build `build` starts in another process
        progress.set_quiet(True)
        os.environ[progress.ENV_QUIET] = "1"
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrompu.", file=sys.stderr)
        return 130
    except OSError as exc:  # a full disk, a read-only folder: one French line, no traceback
        print(f"Erreur : {describe_os_error(exc)}", file=sys.stderr)
        return 1
    finally:
        if args.quiet:
            progress.set_quiet(None)
            if saved_env is None:
                os.environ.pop(progress.ENV_QUIET, None)
            else:
                os.environ[progress.ENV_QUIET] = saved_env


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
