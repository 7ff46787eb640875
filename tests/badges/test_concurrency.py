"""Simultaneous awards and revocations: every one lands in the ledger, none is lost.

`award` reads the ledger, checks it and replaces it; without the lock two commands running at
once each write the text they read plus their own entry, and the last rename wins.
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time

import pytest
from badges_fixtures import fichotheque
from conftest import ROOT, make_project, small_corpus

from fichotheque.badges import KEY_ENV, LEDGER_PATH, BadgeError, ledger, locking

ENV = {**{k: v for k, v in os.environ.items() if k != KEY_ENV}, "NO_MKDOCS_2_WARNING": "1"}
KNOWN = ["securite", "messagerie"]
COUNT = 8


def email(i: int) -> str:
    return f"Personne.{i}@Example.org"


def _award_at_once(path: str, i: int, barrier, results) -> None:
    """One process: wait for all the others, then award (the race without the lock)."""
    barrier.wait()
    try:
        award = ledger.award(path, "securite", email(i), KNOWN)
        results.put(("ok", award.id))
    except Exception as exc:  # reported to the parent, which fails the test
        results.put(("error", repr(exc)))


def assert_complete_ledger(path, ids):
    text = path.read_text(encoding="utf-8")
    book = ledger.parse(text)  # still a valid ledger
    assert len(book.awards) == COUNT, f"{COUNT - len(book.awards)} attribution(s) perdue(s)"
    assert len({a.id for a in book.awards}) == COUNT
    assert {a.id for a in book.awards} == set(ids)
    for i in range(COUNT):  # each person has exactly one award, found through the hash
        assert sum(a.matches(email(i)) for a in book.awards) == 1
    assert "example.org" not in text.lower() and "personne" not in text.lower()
    return book


def test_simultaneous_awards_in_processes_are_all_kept(tmp_path):
    path = tmp_path / "badges" / "registre.yml"
    ctx = multiprocessing.get_context("fork")
    barrier, results = ctx.Barrier(COUNT), ctx.Queue()
    workers = [ctx.Process(target=_award_at_once, args=(str(path), i, barrier, results))
               for i in range(COUNT)]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    assert [o for o in outcomes if o[0] != "ok"] == []
    assert_complete_ledger(path, [o[1] for o in outcomes])


def test_simultaneous_cli_awards_all_reach_the_ledger(tmp_path):
    """The issue's scenario: 8 `fichotheque badges award` started together."""
    project = make_project(tmp_path / "projet", small_corpus())
    path = project / LEDGER_PATH
    path.unlink(missing_ok=True)  # start from no ledger: the first writer creates it
    command = [sys.executable, "-m", "fichotheque", "--root", str(project), "badges", "award",
               "--badge", "securite", "--email"]
    runs = [subprocess.Popen([*command, email(i)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=ENV)
            for i in range(COUNT)]
    outputs = [run.communicate(timeout=300) for run in runs]
    for run, (_out, err) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, err
        assert "Traceback" not in err
    announced = [line.split("identifiant ")[1].rstrip(").") for out, _ in outputs
                 for line in out.splitlines() if "attribué (identifiant" in line]
    assert len(announced) == COUNT  # every command said it succeeded…
    assert_complete_ledger(path, announced)  # …and every award is really there
    # the lock file stays next to the ledger: empty, so it holds no e-mail
    lock = locking.lock_path(path)
    assert lock == project / "badges" / ".registre.lock"
    assert lock.is_file() and lock.read_bytes() == b""
    listing = fichotheque("--root", str(project), "badges", "list")
    assert listing.returncode == 0 and f"{COUNT} badges délivrés" in listing.stdout
    assert "@" not in listing.stdout + listing.stderr


def test_revocations_take_the_same_lock(tmp_path, monkeypatch):
    path = tmp_path / "badges" / "registre.yml"
    award = ledger.award(path, "securite", email(0), KNOWN)
    before = path.read_bytes()
    # another command is writing the ledger: this one gives up after the timeout, cleanly
    with monkeypatch.context() as patch:
        patch.setattr(locking, "TIMEOUT", 0.2)
        for attempt in (lambda: ledger.revoke(path, award.id, "Erreur"),
                        lambda: ledger.award(path, "securite", email(1), KNOWN)):
            busy = r"registre des badges est occupé.*réessayez"
            with locking.locked(path), pytest.raises(BadgeError, match=busy):
                attempt()
    assert path.read_bytes() == before
    # award and revoke wait for the lock (a child process holds it briefly)
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from fichotheque.badges import locking\n"
        "with locking.locked(sys.argv[1]):\n"
        "    print('pris', flush=True); time.sleep(1.5)\n"), str(path)],
        stdout=subprocess.PIPE, text=True, env=ENV)
    assert holder.stdout.readline().strip() == "pris"
    start = time.monotonic()
    ledger.revoke(path, award.id, "Erreur de saisie")  # waits, then appends
    assert time.monotonic() - start > 1.0
    holder.wait(timeout=30)
    assert ledger.load(path).revocation(award.id) is not None


def test_a_symlinked_lock_file_is_refused(tmp_path):
    path = tmp_path / "badges" / "registre.yml"
    path.parent.mkdir()
    target = tmp_path / "ailleurs.txt"
    target.write_text("ne pas toucher", encoding="utf-8")
    locking.lock_path(path).symlink_to(target)
    with pytest.raises(BadgeError, match="lien symbolique"):
        ledger.award(path, "securite", email(1), KNOWN)
    assert target.read_text(encoding="utf-8") == "ne pas toucher"
    assert not path.exists()


def test_lock_file_is_ignored_by_git():
    ignored = subprocess.run(["git", "-C", str(ROOT), "check-ignore", "-q",
                              "badges/.registre.lock"], capture_output=True)
    assert ignored.returncode == 0, ".gitignore doit ignorer badges/.registre.lock"
