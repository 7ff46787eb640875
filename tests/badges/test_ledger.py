"""The awards ledger: award/revoke rules, salted hashes, append-only file, CLI messages."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import subprocess

import pytest
import yaml
from badges_fixtures import ALICE, BOB, ISSUED, fichotheque, write_ledger
from conftest import make_project, small_corpus

from fichotheque.badges import LEDGER_PATH, BadgeError, ledger

KNOWN = ["securite", "messagerie"]


@pytest.fixture
def book(tmp_path):
    return tmp_path / "registre.yml"


def test_hash_is_sha256_of_lowercased_email_plus_salt():
    expected = hashlib.sha256(b"alice.martin@example.orgdeadbeef").hexdigest()
    assert ledger.hash_email("  Alice.Martin@Example.ORG ", "deadbeef") == f"sha256${expected}"


def test_award_appends_an_entry_without_the_email(book):
    award = ledger.award(book, "securite", ALICE, KNOWN, evidence="Ateliers  de\nmars",
                         now=ISSUED)
    text = book.read_text(encoding="utf-8")
    assert "example.org" not in text.lower() and "alice" not in text.lower()
    assert text.startswith("# Registre des Open Badges")
    [entry] = yaml.safe_load(text)
    assert entry == {"id": award.id, "badge": "securite", "recipient": award.recipient,
                     "salt": award.salt, "issued_on": "2026-03-14T10:30:00+00:00",
                     "evidence": "Ateliers de mars"}
    assert award.matches(ALICE.upper()) and not award.matches(BOB)
    assert ledger.load(book).awards == (award,)


def test_each_award_gets_a_fresh_salt_and_uuid(book):
    a = ledger.award(book, "securite", ALICE, KNOWN)
    b = ledger.award(book, "messagerie", ALICE, KNOWN)
    assert a.salt != b.salt and a.id != b.id and a.recipient != b.recipient
    assert len(a.salt) >= 32


def test_round_trip_keeps_existing_text(book):
    write_ledger(book.parent)  # writes book.parent / badges/registre.yml
    path = book.parent / LEDGER_PATH
    before = path.read_text(encoding="utf-8")
    loaded = ledger.load(path)
    new = ledger.award(path, "securite", BOB, KNOWN)
    after = path.read_text(encoding="utf-8")
    assert after.startswith(before)  # append only: the old text is untouched
    assert ledger.load(path).awards == (*loaded.awards, new)
    assert ledger.load(path).revocations == loaded.revocations


@pytest.mark.parametrize(("badge", "email", "expires", "message"), [
    ("inconnu", ALICE, "", "badge « inconnu » inconnu — badges disponibles : messagerie, securite"),
    ("securite", "alice.example.org", "", "adresse e-mail « alice.example.org » mal formée"),
    ("securite", "alice@example", "", "mal formée"),
    ("securite", ALICE, "2020-01-01", "la date d'expiration « 2020-01-01 » est déjà passée"),
    ("securite", ALICE, "31/12/2030", "date d'expiration « 31/12/2030 » illisible"),
])
def test_bad_award_is_refused_and_ledger_untouched(book, badge, email, expires, message):
    ledger.award(book, "messagerie", BOB, KNOWN)
    before = book.read_bytes()
    with pytest.raises(BadgeError, match=message):
        ledger.award(book, badge, email, KNOWN, expires=expires)
    assert book.read_bytes() == before


def test_duplicate_award_is_refused_unless_revoked(book):
    first = ledger.award(book, "securite", ALICE, KNOWN)
    with pytest.raises(BadgeError, match="cette personne a déjà le badge « securite »"):
        ledger.award(book, "securite", ALICE.lower(), KNOWN)
    ledger.award(book, "messagerie", ALICE, KNOWN)  # another badge is fine
    ledger.revoke(book, first.id, "Erreur de saisie")
    again = ledger.award(book, "securite", ALICE, KNOWN)  # re-issued after a revocation
    assert again.id != first.id


def test_revoke_rules(book):
    award = ledger.award(book, "securite", ALICE, KNOWN)
    with pytest.raises(BadgeError, match="aucune attribution « 0000 »"):
        ledger.revoke(book, "0000", "motif")
    with pytest.raises(BadgeError, match="motif"):
        ledger.revoke(book, award.id, "  ")
    revocation = ledger.revoke(book, award.id, "Délivré par erreur",
                               now=dt.datetime(2026, 4, 1, tzinfo=dt.UTC))
    assert revocation == ledger.Revocation(award.id, "Délivré par erreur", "2026-04-01")
    before = book.read_bytes()
    with pytest.raises(BadgeError, match="déjà révoquée"):
        ledger.revoke(book, award.id, "encore")
    assert book.read_bytes() == before
    loaded = ledger.load(book)
    assert loaded.status(award) == "révoqué" and loaded.awards == (award,)


def test_expired_status(book):
    award = ledger.award(book, "securite", ALICE, KNOWN, expires="2026-06-30", now=ISSUED)
    assert award.expires == "2026-06-30T23:59:59+00:00"
    loaded = ledger.load(book)
    assert loaded.status(award, now=dt.datetime(2026, 6, 1, tzinfo=dt.UTC)) == "valide"
    assert loaded.status(award, now=dt.datetime(2026, 7, 1, tzinfo=dt.UTC)) == "expiré"


@pytest.mark.parametrize(("text", "message"), [
    ("- id: x\n  badge: securite\n", "registre.yml:1: clé « recipient » absente"),
    ("- id: 1\n  badge: b\n  recipient: r\n  salt: s\n  issued_on: 2026-01-01\n",
     "un UUID est attendu"),
    ("- id: 2f0e2a4e-9a54-4d5e-8c58-6a4f7a1c2b3d\n  badge: b\n  recipient: alice@example.org\n"
     "  salt: s\n  issued_on: 2026-01-01\n", "jamais une adresse e-mail"),
    ("- revoked: 2f0e2a4e-9a54-4d5e-8c58-6a4f7a1c2b3d\n  reason: x\n",
     "révocation d'une attribution inconnue"),
    ("id: x\n", "doit être une liste"),
    ("- [unclosed\n", r"registre\.yml:\d+: .*YAML"),
])
def test_unreadable_ledger_is_reported_with_its_place(text, message):
    with pytest.raises(BadgeError, match=message):
        ledger.parse(text, "badges/registre.yml")


# -- CLI ---------------------------------------------------------------------------------------

@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path / "projet", small_corpus())


def test_cli_award_list_revoke(project):
    result = fichotheque("--root", str(project), "badges", "award", "--badge", "securite",
                         "--email", ALICE)
    assert result.returncode == 0, result.stderr
    assert "https://fichotheque.github.io/fichotheque/badges/obtenir/" in result.stdout
    assert ALICE.lower() not in (project / LEDGER_PATH).read_text().lower()
    [award] = ledger.load(project / LEDGER_PATH).awards
    listing = fichotheque("--root", str(project), "badges", "list")
    assert award.id in listing.stdout and "valide" in listing.stdout
    assert "@" not in listing.stdout
    result = fichotheque("--root", str(project), "badges", "revoke", award.id, "--reason",
                         "Erreur")
    assert result.returncode == 0, result.stderr
    assert "révoqué" in fichotheque("--root", str(project), "badges", "list").stdout


@pytest.mark.parametrize("args", [
    ("award", "--badge", "nope", "--email", ALICE),
    ("award", "--badge", "securite", "--email", "pas-une-adresse"),
    ("revoke", "2f0e2a4e-9a54-4d5e-8c58-6a4f7a1c2b3d", "--reason", "x"),
])
def test_cli_refuses_bad_input_in_one_french_line(project, args):
    path = project / LEDGER_PATH
    before = path.read_bytes()
    result = fichotheque("--root", str(project), "badges", *args)
    assert result.returncode == 1
    assert result.stderr.startswith("Erreur : ") and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert path.read_bytes() == before


def test_repository_ledger_holds_no_email():
    from conftest import ROOT

    text = (ROOT / LEDGER_PATH).read_text(encoding="utf-8")
    entries = yaml.safe_load(text) or []
    assert "@" not in "".join(line for line in text.splitlines() if not line.startswith("#"))
    ledger.parse(text)  # and it is readable
    assert isinstance(entries, list)


# -- append-only check against the ledger's whole git history -----------------------------------

def git(root, *args):
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                          text=True,
                          env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                               "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
                               "HOME": str(root), "PATH": "/usr/bin:/bin"}).stdout


def check(root, **env):
    """`fichotheque check`, outside a pull request unless GITHUB_BASE_REF is given."""
    return fichotheque("--root", str(root), "check", env={"GITHUB_BASE_REF": "", **env})


def commit(root, message):
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)
    return git(root, "rev-parse", "--short=10", "HEAD").strip()


def test_check_fails_when_an_award_is_edited_or_removed(project):
    assert check(project).returncode == 0  # not a git repository: skipped gracefully
    path = project / LEDGER_PATH
    first = ledger.award(path, "securite", ALICE, KNOWN)
    ledger.award(path, "messagerie", BOB, KNOWN)
    git(project, "init", "-q")
    recorded = commit(project, "init")
    assert check(project).returncode == 0
    ledger.revoke(path, first.id, "Erreur")  # appending is fine
    assert check(project).returncode == 0, check(project).stderr

    committed = path.read_text(encoding="utf-8")
    path.write_text(committed.replace('"securite"', '"messagerie"', 1), encoding="utf-8")
    result = check(project)
    assert result.returncode == 1
    assert (f"badges/registre.yml: attribution {first.id} modifiée (enregistrée dans le commit "
            f"{recorded}") in result.stderr
    assert "fichotheque badges revoke" in result.stderr

    kept = [e for e in yaml.safe_load(committed) if first.id not in (e.get("id"),
                                                                         e.get("revoked"))]
    path.write_text(yaml.safe_dump(kept, allow_unicode=True), encoding="utf-8")
    result = check(project)
    assert result.returncode == 1
    assert f"attribution {first.id} supprimée (enregistrée dans le commit {recorded}" \
        in result.stderr


def test_a_committed_deletion_still_fails_until_the_entry_is_restored(project):
    """Committing the loss does not make it good: every version ever committed counts."""
    path = project / LEDGER_PATH
    first = ledger.award(path, "securite", ALICE, KNOWN)
    ledger.revoke(path, first.id, "Badge remis par erreur")
    git(project, "init", "-q")
    commit(project, "award and revoke")
    whole = path.read_text(encoding="utf-8")

    # un-revoke by a commit (what a pull request could try)
    path.write_text(whole[:whole.index('- revoked:')], encoding="utf-8")
    assert ledger.load(path).revocation(first.id) is None
    commit(project, "oops")
    result = check(project)
    assert result.returncode == 1
    assert f"révocation de {first.id} supprimée ou modifiée" in result.stderr
    commit_more = ledger.award(path, "messagerie", BOB, KNOWN)  # later commits do not hide it
    commit(project, f"award {commit_more.id}")
    assert check(project).returncode == 1

    # restoring the entry (appended again) makes the ledger whole
    path.write_text(path.read_text(encoding="utf-8")
                    + whole[whole.index('- revoked:'):], encoding="utf-8")
    commit(project, "restore")
    assert check(project).returncode == 0, check(project).stderr


def test_a_pull_request_is_compared_with_its_base_branch(project):
    """In CI the PR's base branch (GITHUB_BASE_REF) counts, even if the PR rewrote history."""
    path = project / LEDGER_PATH
    first = ledger.award(path, "securite", ALICE, KNOWN)
    git(project, "init", "-q", "-b", "main")
    commit(project, "award")
    git(project, "update-ref", "refs/remotes/origin/main", "HEAD")
    # a branch whose history never held the award: it starts from scratch
    git(project, "checkout", "-q", "--orphan", "proposition")
    path.write_text(ledger.HEADER, encoding="utf-8")
    commit(project, "history rewritten")
    assert check(project).returncode == 0  # its own history is consistent
    result = check(project, GITHUB_BASE_REF="main")
    assert result.returncode == 1
    assert f"attribution {first.id} supprimée" in result.stderr


def test_history_is_read_in_a_few_processes(project, monkeypatch):
    """Fifty commits of the ledger are read with one git log and one cat-file."""
    from fichotheque.badges import history
    path = project / LEDGER_PATH
    git(project, "init", "-q")
    for i in range(50):
        ledger.award(path, "securite", f"personne{i}@exemple.fr", KNOWN)
        commit(project, f"award {i}")
    calls = []
    real = history._git
    monkeypatch.setattr(history, "_git", lambda *a, **k: calls.append(a[1]) or real(*a, **k))
    assert history.check_append_only(project, extra=[]) == []
    assert calls.count("log") == 1 and calls.count("cat-file") == 1
    assert len(history.versions(project)) == 50


def test_a_fork_published_elsewhere_starts_its_own_ledger(project):
    """The original site's awards are not the fork's: once site_url changes (a fork must),
    emptying the ledger is allowed; with the same site_url it is not."""
    path = project / LEDGER_PATH
    ledger.award(path, "securite", ALICE, KNOWN)
    git(project, "init", "-q")
    commit(project, "the original site's ledger")
    path.write_text(ledger.HEADER, encoding="utf-8")
    assert check(project).returncode == 1  # same site: an award was deleted
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    old = re.search(r"^site_url:.*$", text, re.M).group(0)
    config.write_text(text.replace(old, "site_url: https://epn.testville.fr/fiches/"),
                      encoding="utf-8")
    result = check(project)
    assert result.returncode == 0, result.stderr
    commit(project, "fork: our own site, our own ledger")
    assert check(project).returncode == 0
