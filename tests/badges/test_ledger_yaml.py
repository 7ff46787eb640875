"""The ledger and the badge files go through the safe YAML loader: located French errors.

Impossible dates, alias bombs, duplicate keys and foreign tags in `badges/registre.yml` (or in
a badge file) stop every command with `Erreur : fichier:ligne: …`, exit 1, never a traceback,
and the ledger is left as it was. The append-only check reports the same place.
"""

from __future__ import annotations

import time

import pytest
from badges_fixtures import ALICE, fichotheque
from conftest import make_project, small_corpus

from fichotheque.badges import LEDGER_PATH, BadgeError, history, ledger

UUID = "2f0e2a4e-9a54-4d5e-8c58-6a4f7a1c2b3d"
HASH = "sha256$" + "ab" * 32


def entry(issued_on: str = '"2026-03-14T10:30:00+00:00"', extra: str = "") -> str:
    return (f'- id: "{UUID}"\n  badge: "securite"\n  recipient: "{HASH}"\n  salt: "00ff"\n'
            f"  issued_on: {issued_on}\n{extra}")


def bomb(levels: int = 9) -> str:
    lines = ['- &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"- &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def lines(line: int | tuple[int, ...]) -> tuple[int, ...]:
    return line if isinstance(line, tuple) else (line,)


def located(message: str, line: int | tuple[int, ...]) -> bool:
    return any(message.startswith(f"{LEDGER_PATH}:{n}: ") for n in lines(line))


BAD_LEDGERS = [
    pytest.param(entry("2026-02-30"), 5, "la date « 2026-02-30 » n'existe pas", id="30-fevrier"),
    pytest.param(entry("2026-13-45"), 5, "la date « 2026-13-45 » n'existe pas", id="mois-13"),
    pytest.param(entry(extra="  expires: 2027-02-29\n"), 6, "« 2027-02-29 » n'existe pas",
                 id="29-fevrier-non-bissextile"),
    # the place of the anchor (1) or of the first alias (2): both lead to the culprit
    pytest.param(bomb(), (1, 2), "ancres et renvois", id="bombe-alias"),
    pytest.param(entry(extra='  recipient: "alice.martin@example.org"\n'), 6,
                 "la clé « recipient » apparaît deux fois", id="cle-en-double"),
    pytest.param("- !!python/object/apply:os.system [\"echo pwned\"]\n", 1, "balise",
                 id="balise-python"),
    pytest.param(entry('"2026-02-30"'), 1, "date illisible", id="date-entre-guillemets"),
]


@pytest.mark.parametrize(("text", "line", "message"), BAD_LEDGERS)
def test_bad_ledger_text_is_located(text, line, message):
    start = time.monotonic()
    with pytest.raises(BadgeError) as caught:
        ledger.parse(text, LEDGER_PATH)
    assert time.monotonic() - start < 2  # an alias bomb is refused, not expanded
    assert located(str(caught.value), line)
    assert message in str(caught.value)


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path / "projet", small_corpus())


@pytest.mark.parametrize(("text", "line", "message"), BAD_LEDGERS)
def test_every_command_refuses_a_bad_ledger_without_traceback(project, text, line, message):
    path = project / LEDGER_PATH
    path.write_text(text, encoding="utf-8")
    for args in (("list",), ("award", "--badge", "securite", "--email", ALICE),
                 ("revoke", UUID, "--reason", "Erreur")):
        result = fichotheque("--root", str(project), "badges", *args)
        assert result.returncode == 1, (args, result.stdout)
        assert located(result.stderr.removeprefix("Erreur : "), line), result.stderr
        assert message in result.stderr
        assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1
        assert path.read_text(encoding="utf-8") == text  # nothing appended
    [problem] = history.check_append_only(project)  # what `fichotheque check` reports
    assert problem.path == LEDGER_PATH and problem.line in lines(line)
    assert message in problem.message


def test_symlinked_ledger_is_refused(project, tmp_path):
    outside = tmp_path / "ailleurs.yml"
    outside.write_text(entry(), encoding="utf-8")
    path = project / LEDGER_PATH
    path.unlink()
    path.symlink_to(outside)
    with pytest.raises(BadgeError, match=f"{LEDGER_PATH}: ce fichier est un lien symbolique"):
        ledger.load(path)
    with pytest.raises(BadgeError, match="lien symbolique"):
        ledger.award(path, "securite", ALICE, ["securite"])
    assert outside.read_text(encoding="utf-8") == entry()


def test_ledger_that_is_not_utf8_is_refused(project):
    path = project / LEDGER_PATH
    path.write_bytes("# Registre écrit en Latin-1\n".encode("latin-1"))
    with pytest.raises(BadgeError, match="UTF-8"):
        ledger.load(path)


def test_append_only_check_still_works_with_the_safe_loader(project):
    path = project / LEDGER_PATH
    path.unlink()
    first = ledger.award(path, "securite", ALICE, ["securite"])
    assert history.check_append_only(project) == []  # not a git repository: nothing to compare
    ledger.parse(path.read_text(encoding="utf-8"))
    assert ledger.load(path).awards == (first,)


@pytest.mark.parametrize(("text", "line", "message"), [
    ("name: Sécurité\nname: Autre nom\n", 2, "la clé « name » apparaît deux fois"),
    ("name: &n Sécurité\ndescription: *n\n", (1, 2), "ancres et renvois"),
    ("name: !!python/name:os.system x\n", 1, "balise"),
])
def test_bad_badge_file_is_located(project, text, line, message):
    (project / "badges" / "securite.yml").write_text(text, encoding="utf-8")
    result = fichotheque("--root", str(project), "badges", "award", "--badge", "securite",
                         "--email", ALICE)
    assert result.returncode == 1
    assert any(result.stderr.startswith(f"Erreur : badges/securite.yml:{n}: ")
               for n in lines(line)), result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
