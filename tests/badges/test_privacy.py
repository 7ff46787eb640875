"""A recipient's e-mail is never written anywhere: ledger, lock file, caches, site, command output.

Only the salted hash (`sha256$…`) is kept. Every file of the project after award, list, revoke
and publishing (hidden files and caches included) is searched for the address.
"""

from __future__ import annotations

from badges_fixtures import fichotheque
from conftest import make_project, small_corpus

from fichotheque.badges import LEDGER_PATH, ledger, locking
from fichotheque.badges.publish import publish
from fichotheque.web import settings

EMAIL = "Zoe.Privee-7@Exemple-Secret.org"


def secrets_in(data: bytes) -> list[str]:
    lowered = data.lower()
    return [part for part in (EMAIL.lower(), "zoe.privee-7", "exemple-secret")
            if part.encode() in lowered]


def test_email_never_reaches_a_file_or_the_output(tmp_path):
    root = make_project(tmp_path / "projet", small_corpus())
    outputs = []
    award = fichotheque("--root", str(root), "badges", "award", "--badge", "securite",
                        "--email", EMAIL, "--evidence", "Ateliers de mai")
    assert award.returncode == 0, award.stderr
    outputs.append(award)
    again = fichotheque("--root", str(root), "badges", "award", "--badge", "securite",
                        "--email", EMAIL.upper())  # refused: already awarded (found by hash)
    assert again.returncode == 1 and "déjà le badge" in again.stderr
    outputs.append(again)
    [issued] = [a for a in ledger.load(root / LEDGER_PATH).awards if a.matches(EMAIL)]
    outputs.append(fichotheque("--root", str(root), "badges", "list"))
    outputs.append(fichotheque("--root", str(root), "badges", "revoke", issued.id,
                               "--reason", "Erreur de saisie"))
    assert all(o.returncode == 0 for o in outputs[2:]), [o.stderr for o in outputs]
    publish(root / "site", root, settings.load(root))

    lock = locking.lock_path(root / LEDGER_PATH)
    assert lock.is_file() and lock.stat().st_size == 0  # the lock file holds nothing
    assert (root / "site" / "badges" / "assertions" / f"{issued.id}.json").is_file()
    assert list((root / ".cache" / "badges").glob("*.png"))  # the image cache was written
    scanned = 0
    for path in root.rglob("*"):  # hidden files, caches, lock, site: everything
        if path.is_file():
            assert secrets_in(path.read_bytes()) == [], path.relative_to(root)
            scanned += 1
    assert scanned > 20
    for output in outputs:
        assert secrets_in((output.stdout + output.stderr).encode()) == [], output.args
