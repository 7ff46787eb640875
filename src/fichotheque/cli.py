"""The `fichotheque` command line: messages in French, problems as `path:line: message`.

Each concern adds its own sub-command with an `add_parser(subparsers)` function listed in
`COMMANDS`; this module only dispatches and turns user errors into one clear line.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from fichotheque import __version__
from fichotheque.badges.ledger import check_append_only
from fichotheque.content import lint
from fichotheque.content.problems import to_json
from fichotheque.errors import UserError


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n > 1 else ''}"


def cmd_check(args) -> int:
    """Validate every fiche and module; exit 1 when there is an error."""
    root = Path(args.root)
    if not (root / "fiches").is_dir():
        raise UserError(f"pas de dossier « fiches » dans {root.resolve()} ; "
                        "lancez la commande à la racine du projet ou utilisez --root")
    corpus, problems = lint.check(root)
    problems = [*problems, *check_append_only(root)]  # badges/registre.yml
    if args.format == "json":
        print(to_json(problems))
    else:
        for problem in problems:
            print(problem.format(), file=sys.stderr if problem.is_error else sys.stdout)
        errors = sum(p.is_error for p in problems)
        warnings = len(problems) - errors
        summary = (f"{_plural(len(corpus.fiches), 'fiche')}, "
                   f"{_plural(len(corpus.modules), 'module')}")
        if errors:
            print(f"{_plural(errors, 'erreur')}, {_plural(warnings, 'avertissement')} "
                  f"({summary} valides).", file=sys.stderr)
        else:
            extra = f", {_plural(warnings, 'avertissement')}" if warnings else ""
            print(f"Tout est correct : {summary}{extra}.")
    return 1 if any(p.is_error for p in problems) else 0


def cmd_build(args) -> int:
    """Build the whole site with MkDocs into `site/` (or --site-dir)."""
    # PDFs are rendered by hooks/pdf.py only when asked (`mkdocs serve` stays fast).
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", FICHOTHEQUE_PDF="0" if args.no_pdf else "1")
    command = [sys.executable, "-m", "mkdocs", "build", "-f", str(Path(args.root) / "mkdocs.yml")]
    if args.site_dir:
        command += ["-d", str(args.site_dir)]
    if args.strict:
        command.append("--strict")
    return subprocess.call(command, env=env)


def add_core_parsers(sub) -> None:
    check = sub.add_parser("check", help="vérifier les fiches (métadonnées, licences, sections, "
                                          "liens, images, HTML)")
    check.add_argument("--format", choices=("text", "json"), default="text",
                       help="format de sortie (json pour les outils)")
    check.set_defaults(func=cmd_check)

    build = sub.add_parser("build", help="construire le site complet dans site/")
    build.add_argument("--site-dir", help="dossier de sortie (par défaut : site/)")
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
]


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="fichotheque",
        description="Fichothèque : vérifier, construire et publier les fiches.",
    )
    p.add_argument("--version", action="version", version=f"fichotheque {__version__}")
    p.add_argument("--root", default=".", help="racine du projet (par défaut : dossier courant)")
    sub = p.add_subparsers(dest="command", metavar="COMMANDE")
    add_core_parsers(sub)
    import importlib

    for module_name, function in COMMANDS:
        getattr(importlib.import_module(module_name), function)(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if not getattr(args, "func", None):
        parser().print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrompu.", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
