"""The command line speaks French throughout: help, argparse's own errors, --root, --quiet."""

from __future__ import annotations

import argparse
import ast
import glob
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import fiche_text, make_project, small_corpus

from fichotheque import cli, cli_french, progress

ENGLISH = ("usage:", "options:", "show this help", "positional arguments", "optional arguments",
           "required:", "invalid choice", "unrecognized", "show program's version", "default:",
           "error:", "expected one argument", "subcommands")


def run(*args, cwd=None, env=None):
    env = {**{k: v for k, v in os.environ.items() if k != progress.ENV_QUIET},
           "NO_MKDOCS_2_WARNING": "1", "COLUMNS": "100", **(env or {})}
    return subprocess.run([sys.executable, "-m", "fichotheque", *args], capture_output=True,
                          text=True, cwd=cwd, env=env)


def command_paths(parser: argparse.ArgumentParser, prefix=()) -> list[tuple[str, ...]]:
    """Every command and sub-command of the parser, as argument lists: [(), ('check',), …]."""
    paths = [prefix]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                paths += command_paths(sub, (*prefix, name))
    return paths


COMMANDS = command_paths(cli.parser())


def test_every_command_is_covered():
    names = {" ".join(path) for path in COMMANDS}
    assert {"", "check", "build", "mirror", "badges", "badges award", "badges revoke",
            "badges list", "badges verify", "badges keygen", "badges signer", "bureau", "new",
            "pdf"} <= names


@pytest.mark.parametrize("path", COMMANDS, ids=lambda path: " ".join(path) or "fichotheque")
def test_help_has_no_english_left(path, capsys):
    assert cli.main([*path, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Utilisation : fichotheque{''.join(' ' + p for p in path)} ")
    assert "Options :" in out and "afficher cette aide et quitter" in out
    assert "--root DOSSIER" in out and "-q, --quiet" in out  # also after the sub-command
    left = [word for word in ENGLISH if word in out.lower()]
    assert not left, out


def test_help_of_the_real_command():
    result = run("--help")
    assert result.returncode == 0
    assert result.stdout.startswith("Utilisation : fichotheque ")
    assert "Arguments :" in result.stdout and "afficher la version et quitter" in result.stdout
    assert not [word for word in ENGLISH if word in result.stdout.lower()]


def test_sub_command_help_describes_the_command(capsys):
    assert cli.main(["check", "--help"]) == 0
    assert "\nVérifier les fiches (métadonnées" in capsys.readouterr().out


def test_unknown_option_is_a_french_error_with_exit_2(tmp_path):
    result = run("check", "--frob", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "Erreur : Option ou argument inconnu : --frob",
        "Tapez « fichotheque check --help » pour l'aide."]
    assert result.stdout == ""


@pytest.mark.parametrize("argv, expected", [
    (["chek"], "Erreur : Commande « chek » inconnue ; vouliez-vous dire « check » ?"),
    (["check", "--format", "xml"],
     "Erreur : --format : « xml » n'est pas un choix possible (choix : text, json)"),
    (["check", "--root"], "Erreur : --root : une valeur est attendue"),
    (["badges", "award", "--badge", "securite"], "Erreur : Il manque : --email"),
    (["badges"], "Erreur : Il manque : ACTION"),
    (["pdf", "--workers", "zéro"], "Erreur : --workers : « zéro » n'est pas un nombre entier"),
    (["new"], "Erreur : Il manque : TITRE"),
])
def test_argparse_errors_in_french(argv, expected, capsys):
    assert cli.main(argv) == 2
    captured = capsys.readouterr()
    first, hint = captured.err.splitlines()
    assert first.startswith(expected), first
    assert hint.startswith("Tapez « fichotheque") and hint.endswith("--help » pour l'aide.")
    assert not [word for word in ENGLISH if word in captured.err.lower()]


def test_argparse_stays_english_for_other_programs(capsys):
    cli.main(["--help"])
    cli.main(["--frob"])
    capsys.readouterr()
    assert argparse._("options") == "options"  # type: ignore[attr-defined]
    other = argparse.ArgumentParser(prog="autre")
    assert "options:" in other.format_help()


def argparse_message_ids(path: str) -> set:
    """The literal messages an argparse.py passes to `_()` and `ngettext()`."""
    found: set = set()
    for node in ast.walk(ast.parse(Path(path).read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            texts = [a.value for a in node.args if isinstance(a, ast.Constant)
                     and isinstance(a.value, str)]
            if node.func.id == "_" and texts:
                found.add(texts[0])
            elif node.func.id == "ngettext" and len(texts) >= 2:
                found.add((texts[0], texts[1]))
    return found


ARGPARSE_FILES = sorted({argparse.__file__, *glob.glob("/usr/lib/python3.1*/argparse.py")})


@pytest.mark.parametrize("path", ARGPARSE_FILES)
def test_every_argparse_message_has_a_french_translation(path):
    ids = argparse_message_ids(path)
    assert "usage: " in ids and ("expected %s argument", "expected %s arguments") in ids
    missing = sorted(str(i) for i in ids
                     if i not in cli_french.MESSAGES and i not in cli_french.PLURALS)
    assert not missing, missing
    for msgid in ids:
        if isinstance(msgid, str) and "%(" in msgid:  # same named fields, or `%` would fail
            fields = {f for f in msgid.split("%(")[1:]}
            names = {f.split(")")[0] for f in fields}
            french = cli_french.MESSAGES[msgid]
            assert {f.split(")")[0] for f in french.split("%(")[1:]} <= names, msgid


def test_french_plurals():
    assert cli_french.ngettext("expected %s argument", "expected %s arguments", 2) % 2 == \
        "2 valeurs attendues"
    assert cli_french.ngettext("expected %s argument", "expected %s arguments", 1) % 1 == \
        "1 valeur attendue"
    assert cli_french.gettext(None) is None  # argparse 3.11 translates a missing description


# -- --root and --quiet, before or after the sub-command -------------------------------------

@pytest.fixture
def small_project(tmp_path):
    return make_project(tmp_path / "projet", small_corpus(), with_site_files=False)


@pytest.mark.parametrize("order", ["before", "after"])
def test_root_is_accepted_before_and_after_the_command(small_project, tmp_path, order):
    args = (["--root", str(small_project), "check"] if order == "before"
            else ["check", "--root", str(small_project)])
    result = run(*args, cwd=tmp_path)  # not the project: only --root can find it
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].startswith("Tout est correct : 3 fiches")


def test_root_given_only_before_is_not_overwritten_by_the_sub_command(small_project):
    args = cli.parser().parse_args(["--root", str(small_project), "check"],
                                   argparse.Namespace(**cli.DEFAULTS))
    assert args.root == str(small_project) and args.quiet is False
    args = cli.parser().parse_args(["check"], argparse.Namespace(**cli.DEFAULTS))
    assert args.root == "." and args.quiet is False


@pytest.mark.parametrize("flag", [["-q", "check"], ["check", "--quiet"], ["check", "-q"]])
def test_quiet_silences_the_success_line(small_project, tmp_path, flag):
    loud = run("check", "--root", str(small_project), cwd=tmp_path)
    assert "Tout est correct" in loud.stdout
    quiet = run(*flag, "--root", str(small_project), cwd=tmp_path)
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stdout == "" and quiet.stderr == ""


def test_quiet_still_shows_errors(tmp_path):
    files = small_corpus()
    files["fiches/securite/mots-de-passe.md"] = fiche_text(level="expert")
    root = make_project(tmp_path / "projet", files, with_site_files=False)
    result = run("check", "-q", "--root", str(root), cwd=tmp_path)
    assert result.returncode == 1
    assert "fiches/securite/mots-de-passe.md:" in result.stderr
    assert result.stdout == ""  # the warnings of the small corpus are silenced
    loud = run("check", "--root", str(root), cwd=tmp_path)
    assert "avertissement" in loud.stdout


def test_quiet_is_undone_after_the_command(small_project, capsys, monkeypatch):
    monkeypatch.delenv(progress.ENV_QUIET, raising=False)
    assert cli.main(["check", "-q", "--root", str(small_project)]) == 0
    assert capsys.readouterr().out == ""
    assert not progress.is_quiet() and progress.ENV_QUIET not in os.environ
    assert cli.main(["check", "--root", str(small_project)]) == 0
    assert "Tout est correct" in capsys.readouterr().out


# -- progress lines ------------------------------------------------------------------------

class Log(io.StringIO):
    def isatty(self):
        return False


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_in_a_log_is_one_line_per_quarter(monkeypatch):
    monkeypatch.delenv(progress.ENV_QUIET, raising=False)
    stream = Log()
    for done in range(1, 9):
        progress.report(done, 8, "PDF", f"f{done}.pdf", stream=stream)
    assert stream.getvalue().splitlines() == [
        "PDF 1/8 (12 %) : f1.pdf", "PDF 2/8 (25 %) : f2.pdf", "PDF 4/8 (50 %) : f4.pdf",
        "PDF 6/8 (75 %) : f6.pdf", "PDF 8/8 (100 %) : f8.pdf"]
    again = Log()  # a second run with the same label starts afresh
    progress.report(1, 2, "PDF", stream=again)
    progress.report(2, 2, "PDF", stream=again)
    assert again.getvalue().splitlines() == ["PDF 1/2 (50 %)", "PDF 2/2 (100 %)"]


def test_progress_on_a_terminal_rewrites_one_line(monkeypatch):
    monkeypatch.delenv(progress.ENV_QUIET, raising=False)
    stream = Terminal()
    for done in range(1, 4):
        progress.report(done, 3, "Badges", stream=stream)
    text = stream.getvalue()
    assert text.count("\r\033[K") == 3 and text.endswith("Badges 3/3 (100 %)\n")
    assert text.count("\n") == 1


def test_quiet_by_environment_silences_progress_and_info(monkeypatch, capsys):
    monkeypatch.setenv(progress.ENV_QUIET, "1")
    stream = Log()
    progress.report(1, 1, "PDF", stream=stream)
    progress.info("Miroir prêt.")
    assert stream.getvalue() == "" and capsys.readouterr().out == ""
    monkeypatch.setenv(progress.ENV_QUIET, "0")
    progress.info("Miroir prêt.")
    assert capsys.readouterr().out == "Miroir prêt.\n"
