"""The awards ledger: award/revoke rules, salted hashes, append-only file, CLI messages."""

from __future__ import annotations

import datetime as dt
import hashlib
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


# -- append-only check against git HEAD --------------------------------------------------------

def git(root, *args):
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
                        "HOME": str(root), "PATH": "/usr/bin:/bin"})


def check(root):
    return fichotheque("--root", str(root), "check")


def test_check_fails_when_an_award_is_edited_or_removed(project):
    assert check(project).returncode == 0  # not a git repository: skipped gracefully
    path = project / LEDGER_PATH
    first = ledger.award(path, "securite", ALICE, KNOWN)
    ledger.award(path, "messagerie", BOB, KNOWN)
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "init")
    assert check(project).returncode == 0
    ledger.revoke(path, first.id, "Erreur")  # appending is fine
    assert check(project).returncode == 0, check(project).stderr

    committed = path.read_text(encoding="utf-8")
    path.write_text(committed.replace('"securite"', '"messagerie"', 1), encoding="utf-8")
    result = check(project)
    assert result.returncode == 1
    assert f"badges/registre.yml: attribution {first.id} modifiée depuis le dernier commit" \
        in result.stderr
    assert "fichotheque badges revoke" in result.stderr

    kept = [e for e in yaml.safe_load(committed) if first.id not in (e.get("id"),
                                                                         e.get("revoked"))]
    path.write_text(yaml.safe_dump(kept, allow_unicode=True), encoding="utf-8")
    result = check(project)
    assert result.returncode == 1
    assert f"attribution {first.id} supprimée depuis le dernier commit" in result.stderr
