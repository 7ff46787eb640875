"""`fichotheque check`: one clear line per problem, exit codes, no traceback."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import fiche_text, make_project, small_corpus


def check(root, *args):
    return subprocess.run([sys.executable, "-m", "fichotheque", "--root", str(root), "check",
                           *args], capture_output=True, text=True)


def test_check_ok_prints_a_summary(tmp_path):
    root = make_project(tmp_path, small_corpus(), with_site_files=False)
    result = check(root)
    assert result.returncode == 0
    # The small corpus' fiches are short: `check` warns (lint.py) but the summary says all is fine.
    assert result.stdout.strip().splitlines()[-1] == (
        "Tout est correct : 3 fiches, 2 modules, 3 avertissements.")


def test_check_reports_each_problem_on_one_line(tmp_path):
    files = small_corpus()
    files["fiches/securite/mots-de-passe.md"] = fiche_text(
        licence="CC-BY-NC-4.0", title=None, competences="[pix:4.1, pix:9.9]")
    root = make_project(tmp_path, files, with_site_files=False)
    result = check(root)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert any(line.startswith("fiches/securite/mots-de-passe.md:7: licence « CC-BY-NC-4.0 » "
                               "non libre") for line in lines), lines
    assert any("clé obligatoire « title » absente" in line for line in lines)
    assert any(line.startswith("fiches/securite/mots-de-passe.md:10: compétence « pix:9.9 » "
                               "inconnue") for line in lines)
    assert "Traceback" not in result.stderr
    assert lines[-1].startswith("3 erreurs")


def test_check_json_format(tmp_path):
    files = small_corpus()
    files["fiches/securite/mots-de-passe.md"] = fiche_text(level="expert")
    root = make_project(tmp_path, files, with_site_files=False)
    result = check(root, "--format", "json")
    assert result.returncode == 1
    [problem] = [p for p in json.loads(result.stdout) if p["severity"] == "error"]
    assert problem["path"] == "fiches/securite/mots-de-passe.md"
    assert problem["line"] == 5 and problem["severity"] == "error"


def test_check_outside_a_project(tmp_path):
    result = check(tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("Erreur : pas de dossier « fiches »")
    assert "Traceback" not in result.stderr
