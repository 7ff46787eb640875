"""argparse in French: its own words (usage, help, errors), for every Python from 3.11 on.

argparse looks its messages up at call time through the module globals `_` and `ngettext`
(`from gettext import gettext as _, ngettext`). `FrenchParser` swaps them for the French
table below only while one of its methods runs, so other users of argparse in the same
process (pytest, for one) keep their own language.

The table holds every message id of argparse 3.11 to 3.14 (tests/test_cli_french.py checks
that the running Python's argparse has no message left out). An unknown id stays as it is.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import functools
import sys
import threading

HELP_HINT = "Tapez « {prog} --help » pour l'aide."

# msgid → French. `%(name)r` becomes « %(name)s »: the French quotes replace Python's.
MESSAGES: dict[str, str] = {
    # help
    "usage: ": "Utilisation : ",
    "positional arguments": "Arguments",
    "options": "Options",
    "optional arguments": "Options",  # before 3.10
    "subcommands": "Commandes",
    "%(heading)s:": "%(heading)s:",  # the space before « : » comes with the heading
    "show this help message and exit": "afficher cette aide et quitter",
    "show program's version number and exit": "afficher la version et quitter",
    " (default: %(default)s)": " (par défaut : %(default)s)",
    # errors of the person typing the command
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
    "%(prog)s: warning: %(message)s\n": "%(prog)s : attention : %(message)s\n",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s : %(message)s",
    "the following arguments are required: %s": "il manque : %s",
    "one of the arguments %s is required": "il faut l'une de ces options : %s",
    "unrecognized arguments: %s": "option ou argument inconnu : %s",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "« %(value)s » n'est pas un choix possible (choix : %(choices)s)",
    "invalid choice: %(value)r, maybe you meant %(closest)r? (choose from %(choices)s)":
        "« %(value)s » n'est pas un choix possible ; vouliez-vous dire « %(closest)s » ? "
        "(choix : %(choices)s)",
    "unknown parser %(parser_name)r (choices: %(choices)s)":
        "commande « %(parser_name)s » inconnue (choix : %(choices)s)",
    "invalid %(type)s value: %(value)r": "valeur « %(value)s » invalide",
    "expected one argument": "une valeur est attendue",
    "expected at most one argument": "au plus une valeur est attendue",
    "expected at least one argument": "au moins une valeur est attendue",
    "not allowed with argument %s": "impossible avec %s",
    "ambiguous option: %(option)s could match %(matches)s":
        "option ambiguë : %(option)s peut désigner %(matches)s",
    "ignored explicit argument %r": "valeur « %s » en trop",
    "unexpected option string: %s": "option inattendue : %s",
    "can't open '%(filename)s': %(error)s": "impossible d'ouvrir « %(filename)s » : %(error)s",
    "argument \"-\" with mode %r": "argument « - » impossible avec le mode %r",
    "argument '%(argument_name)s' is deprecated":
        "l'argument « %(argument_name)s » est obsolète",
    "command '%(parser_name)s' is deprecated": "la commande « %(parser_name)s » est obsolète",
    "option '%(option)s' is deprecated": "l'option « %(option)s » est obsolète",
    # mistakes of a programmer adding options (raised as exceptions, translated all the same)
    "'required' is an invalid argument for positionals":
        "« required » n'a pas de sens pour un argument positionnel",
    "%r is not callable": "%r ne peut pas être appelé",
    ".__call__() not defined": ".__call__() n'est pas défini",
    "cannot have multiple subparser arguments": "un seul groupe de sous-commandes est possible",
    "cannot merge actions - two groups are named %r":
        "impossible de fusionner les options : deux groupes s'appellent %r",
    "conflicting subparser: %s": "sous-commande en double : %s",
    "conflicting subparser alias: %s": "alias de sous-commande en double : %s",
    "dest= is required for options like %r": "dest= est obligatoire pour une option comme %r",
    "invalid conflict_resolution value: %r": "valeur de conflict_resolution invalide : %r",
    "invalid option string %(option)r: must start with a character %(prefix_chars)r":
        "option %(option)r invalide : elle doit commencer par un caractère parmi "
        "%(prefix_chars)r",
    "mutually exclusive arguments must be optional":
        "des arguments mutuellement exclusifs doivent être des options",
}

PLURALS: dict[tuple[str, str], tuple[str, str]] = {
    ("expected %s argument", "expected %s arguments"):
        ("%s valeur attendue", "%s valeurs attendues"),
    ("conflicting option string: %s", "conflicting option strings: %s"):
        ("option en double : %s", "options en double : %s"),
}


def gettext(message):
    """French for an argparse message id; anything else (None included) unchanged."""
    return MESSAGES.get(message, message) if isinstance(message, str) else message


def ngettext(singular: str, plural: str, n: int) -> str:
    french = PLURALS.get((singular, plural))
    if french is None:
        return singular if n == 1 else plural
    return french[0] if n <= 1 else french[1]  # French: 0 and 1 are singular


_lock = threading.RLock()


@contextlib.contextmanager
def french():
    """argparse speaks French inside this block (re-entrant; restores what was there)."""
    with _lock:
        saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
        argparse._, argparse.ngettext = gettext, ngettext  # type: ignore[attr-defined]
        try:
            yield
        finally:
            argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


def _in_french(method):
    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        with french():
            return method(*args, **kwargs)
    return wrapper


def sentence(text: str) -> str:
    """`vérifier les fiches` → `Vérifier les fiches.` (a sub-command's help as description)."""
    text = text.strip()
    if not text:
        return text
    return text[0].upper() + text[1:] + ("" if text.endswith((".", "!", "?", "…")) else ".")


class FrenchHelpFormatter(argparse.HelpFormatter):
    """Headings typed the French way: « Options : » (a space before the colon)."""

    def start_section(self, heading):
        if isinstance(heading, str) and heading != argparse.SUPPRESS:
            heading = heading.rstrip() + " "
        super().start_section(heading)

    @_in_french
    def format_help(self):
        return super().format_help()


class SubCommands(argparse._SubParsersAction):
    """Sub-commands that describe themselves and share the options common to all commands."""

    common: tuple[argparse.ArgumentParser, ...] = ()

    def add_parser(self, name, **kwargs):
        summary = kwargs.get("help")
        if summary not in (None, "", argparse.SUPPRESS) and not kwargs.get("description"):
            kwargs["description"] = sentence(summary)
        kwargs["parents"] = [*self.common, *kwargs.get("parents", ())]
        parser = super().add_parser(name, **kwargs)
        if isinstance(parser, FrenchParser):
            parser.common = self.common
        return parser


class FrenchParser(argparse.ArgumentParser):
    """An ArgumentParser whose every word is French, and whose errors are two kind lines.

    `common` parsers (made with `add_help=False` and defaults of `argparse.SUPPRESS`) are
    added to every sub-command, so `fichotheque check --root X` works like
    `fichotheque --root X check`.
    """

    common: tuple[argparse.ArgumentParser, ...] = ()

    @_in_french
    def __init__(self, *args, common=(), **kwargs):
        kwargs.setdefault("formatter_class", FrenchHelpFormatter)
        super().__init__(*args, **kwargs)
        self.common = tuple(common)
        self.register("action", "parsers", SubCommands)

    @_in_french
    def add_argument(self, *args, **kwargs):
        if kwargs.get("action") == "version":  # a literal English help before Python 3.13
            kwargs.setdefault("help", gettext("show program's version number and exit"))
        return super().add_argument(*args, **kwargs)

    @_in_french
    def add_subparsers(self, **kwargs):
        action = super().add_subparsers(**kwargs)
        if isinstance(action, SubCommands):
            action.common = self.common
        return action

    @_in_french
    def parse_args(self, args=None, namespace=None):
        """As argparse, but an unknown option is reported by the sub-command it follows."""
        namespace, extras = self.parse_known_args(args, namespace)
        if extras:
            self._chosen(namespace).error(
                gettext("unrecognized arguments: %s") % " ".join(extras))
        return namespace

    def _chosen(self, namespace) -> argparse.ArgumentParser:
        """The innermost sub-command parser that `namespace` went through."""
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction) and action.dest != argparse.SUPPRESS:
                chosen = action.choices.get(getattr(namespace, action.dest, None))
                if isinstance(chosen, FrenchParser):
                    return chosen._chosen(namespace)
        return self

    @_in_french
    def parse_known_args(self, args=None, namespace=None):
        return super().parse_known_args(args, namespace)

    @_in_french
    def format_usage(self):
        return super().format_usage()

    @_in_french
    def format_help(self):
        return super().format_help()

    def _check_value(self, action, value):
        """A wrong choice in French, the same on every Python, with a suggestion if close."""
        choices = action.choices
        if choices is None:
            return
        if value in (iter(choices) if isinstance(choices, str) else choices):
            return
        names = [str(choice) for choice in choices]
        command = isinstance(action, argparse._SubParsersAction)
        if command:
            message = f"commande « {value} » inconnue"
        else:
            message = f"« {value} » n'est pas un choix possible"
        close = difflib.get_close_matches(str(value), names, n=1)
        if close:
            message += f" ; vouliez-vous dire « {close[0]} » ?"
        message += f" ({'commandes' if command else 'choix'} : {', '.join(names)})"
        raise argparse.ArgumentError(None if command else action, message)

    @_in_french
    def error(self, message):
        """`Erreur : …` and where to find help, on stderr; exit code 2 as argparse does."""
        message = message[:1].upper() + message[1:] if message else message
        self.exit(2, f"Erreur : {message}\n{HELP_HINT.format(prog=self.prog)}\n")

    @_in_french
    def _warning(self, message):  # Python 3.13+: deprecated options and commands
        self._print_message(f"Attention : {message}\n", sys.stderr)
