"""Rebuild in the background (with a fake, fast build), what changed, save and push with git."""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path

import pytest

from fichotheque.badges import LEDGER_PATH, ledger
from fichotheque.desk import publishing
from fichotheque.errors import UserError
from tests.desk.conftest import ORIGIN, open_desk

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx`")
KNOWN = ["securite", "messagerie"]


def git(root: Path, *args: str) -> str:
    result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def init_repo(root: Path, remote: Path | None = None) -> None:
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Test")
    git(root, "config", "user.email", "test@exemple.org")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "départ")
    if remote is not None:
        subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(remote)], check=True)
        git(root, "remote", "add", "origin", str(remote))
        git(root, "push", "-q", "-u", "origin", "main")


def test_build_job_reports_running_done_and_failed(tmp_path):
    gate = threading.Event()
    calls = []

    def slow(root):
        calls.append(root)
        gate.wait(10)

    job = publishing.BuildJob(tmp_path, slow)
    assert job.start()
    assert job.state == publishing.RUNNING
    assert not job.start()  # one build at a time
    gate.set()
    job.wait(10)
    assert job.state == publishing.DONE and calls == [tmp_path]

    def broken(root):
        raise UserError("la construction du site a échoué : fiche illisible")

    failing = publishing.BuildJob(tmp_path, broken)
    failing.start()
    failing.wait(10)
    assert failing.state == publishing.FAILED
    assert failing.as_json()["error"].startswith("la construction du site a échoué")


def test_rebuild_button_runs_the_injected_build(project):
    built = []
    app, client = open_desk(project, build=lambda root: built.append(root))
    page = client.get("/publier")
    assert "Reconstruire le site" in page.text
    assert "pas suivi par git" in page.text  # a folder without git: what to copy where
    token = page.text.split('name="csrf" value="')[1].split('"')[0]
    client.post("/publier/construire", data={"csrf": token}, headers=ORIGIN)
    app.state.desk.job.wait(10)
    assert built == [project.resolve()]
    assert client.get("/publier/etat").json()["state"] == "done"
    assert "Le site est reconstruit" in client.get("/publier").text


def test_changes_count_new_awards_and_revocations(project):
    init_repo(project)
    assert publishing.changes(project).new_awards == 0
    path = project / LEDGER_PATH
    first = ledger.award(path, "securite", "a@exemple.org", KNOWN)
    ledger.award(path, "messagerie", "b@exemple.org", KNOWN)
    ledger.revoke(path, first.id, "Erreur")
    found = publishing.changes(project)
    assert found.is_git and not found.remote
    assert (found.new_awards, found.new_revocations) == (2, 1)
    assert LEDGER_PATH in found.ledger_stat
    assert any(line.endswith(LEDGER_PATH) for line in found.status)
    diff = publishing.ledger_diff(project)
    assert first.id in diff and "a@exemple.org" not in diff
    assert publishing.default_commit_message(found) == (
        "Badges : 2 attributions, 1 révocation (bureau)")


def test_save_and_publish_commits_only_the_ledger_and_pushes(project, tmp_path):
    remote = tmp_path / "en-ligne.git"
    init_repo(project, remote)
    award = ledger.award(project / LEDGER_PATH, "securite", "a@exemple.org", KNOWN)
    (project / "docs" / "brouillon.md").write_text("pas prêt\n", encoding="utf-8")
    _app, client = open_desk(project)
    page = client.get("/publier/enregistrer")
    assert award.id in page.text and "Enregistrer et publier" in page.text
    token = page.text.split('name="csrf" value="')[1].split('"')[0]
    done = client.post("/publier/enregistrer", headers=ORIGIN,
                       data={"csrf": token, "message": "Badges de mars"})
    assert done.status_code == 200, done.text
    assert "enregistrés et envoyés" in done.text
    pushed = git(remote, "log", "-1", "--format=%s", "--name-only", "main")
    assert pushed.split() == ["Badges", "de", "mars", LEDGER_PATH]
    assert "?? docs/brouillon.md" in git(project, "status", "--porcelain")


def test_push_failure_is_explained_in_french(project, tmp_path):
    remote = tmp_path / "en-ligne.git"
    init_repo(project, remote)
    ledger.award(project / LEDGER_PATH, "securite", "a@exemple.org", KNOWN)
    git(project, "remote", "set-url", "origin", str(tmp_path / "disparu.git"))
    outcome = publishing.save_and_publish(project, "Badges")
    assert outcome.committed and not outcome.pushed and not outcome.ok
    assert outcome.message.startswith("les changements sont enregistrés sur cet ordinateur")
    assert publishing.changes(project).ahead == 1
    git(project, "remote", "set-url", "origin", str(remote))  # back online: the retry sends it
    again = publishing.save_and_publish(project, "Badges")
    assert again.ok and again.pushed and not again.committed
    assert publishing.changes(project).ahead == 0
    nothing = publishing.save_and_publish(project, "Badges")
    assert not nothing.ok and "rien à enregistrer" in nothing.message


def test_without_remote_it_only_commits(project):
    init_repo(project)
    ledger.award(project / LEDGER_PATH, "securite", "a@exemple.org", KNOWN)
    outcome = publishing.save_and_publish(project, "Badges", push=False)
    assert outcome.ok and outcome.committed and not outcome.pushed
    assert git(project, "status", "--porcelain", "--", LEDGER_PATH) == ""
