"""A `.cache/` committed to the repository stops `fichotheque check` and the build."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import make_project, run_build, small_corpus

from fichotheque.content import cache_policy


def git(project, *args):
    subprocess.run(["git", "-C", str(project), *args], check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
                        "HOME": str(project), "PATH": "/usr/bin:/bin"})


@pytest.fixture
def repository(tmp_path):
    project = make_project(tmp_path / "projet", small_corpus())
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "fiches")
    return project


def check(project):
    return subprocess.run([sys.executable, "-m", "fichotheque", "check", "--root", str(project)],
                          capture_output=True, text=True)


def test_a_local_cache_is_fine(repository):
    (repository / ".cache" / "pdf").mkdir(parents=True)
    (repository / ".cache" / "pdf" / "abc.pdf").write_bytes(b"%PDF-1.7 local")
    assert cache_policy.tracked_files(repository) == []
    assert check(repository).returncode == 0


def test_a_committed_cache_stops_check_and_build(repository, tmp_path):
    poisoned = repository / ".cache" / "recherche" / "cle" / "search_index.json"
    poisoned.parent.mkdir(parents=True)
    poisoned.write_text("{}", "utf-8")
    git(repository, "add", "-f", ".cache")
    git(repository, "commit", "-qm", "cache")
    assert cache_policy.tracked_files(repository) == [".cache/recherche/cle/search_index.json"]

    result = check(repository)
    assert result.returncode == 1
    expected = ".cache/recherche/cle/search_index.json: 1 fichier du dossier .cache/ est suivi"
    assert expected + " par git" in result.stderr
    assert "git rm -r --cached .cache" in result.stderr and "Traceback" not in result.stderr

    built = run_build(repository, tmp_path / "site")
    assert built.returncode != 0
    assert "est suivi par git" in built.stdout + built.stderr
    assert "Traceback" not in built.stdout + built.stderr
    assert not (tmp_path / "site" / "index.html").exists()


def test_outside_a_repository_nothing_is_tracked(tmp_path):
    project = make_project(tmp_path / "archive", small_corpus())
    (project / ".cache").mkdir()
    (project / ".cache" / "x").write_text("x", "utf-8")
    assert cache_policy.tracked_files(project) == []
