"""Content-rule results cached between builds (content/lint/cache.py, content/lint/).

The cache must never change what is reported: every test compares the cached run with a fresh,
uncached lint of the same files, after changing the fiche itself or only what it points at.
"""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import FIXTURES, VALID_BODY, fiche_text, make_project, small_corpus

from fichotheque.content import lint
from fichotheque.content.lint.cache import FOLDER, MANIFEST

FICHE = "fiches/securite/mots-de-passe.md"
OTHER = "fiches/messagerie/pieces-jointes.md"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa75\x81"
       b"\x84\x00\x00\x00\x00IEND\xaeB`\x82")


def with_extra(extra: str) -> str:
    return fiche_text(VALID_BODY.replace("- Demander conseil en médiathèque.\n",
                                         "- Demander conseil en médiathèque.\n" + extra + "\n"))


def formatted(problems) -> list[str]:
    return [p.format() for p in problems]


def cached(root) -> list[str]:
    """A cached run, checked against a fresh lint of the same files."""
    result = formatted(lint.lint_project(root, cache=True))
    assert result == formatted(lint.lint_project(root)), "le cache a changé le résultat"
    return result


def manifest(root):
    return root / FOLDER / MANIFEST


@pytest.fixture
def root(tmp_path):
    return make_project(tmp_path / "p", small_corpus(), with_site_files=False)


def test_a_warm_run_lints_nothing_and_reports_the_same(tmp_path, monkeypatch):
    root = tmp_path / "hostile"
    shutil.copytree(FIXTURES / "hostile", root)
    first = cached(root)
    assert first and manifest(root).is_file()

    def refuse(self, path, data=None):
        raise AssertionError(f"{path} relinted although nothing changed")

    monkeypatch.setattr(lint.Linter, "lint", refuse)
    assert formatted(lint.lint_project(root, cache=True)) == first


def test_a_changed_fiche_is_linted_again(root):
    (root / FICHE).write_text(with_extra("- [Voir](hameconnage.md)"), encoding="utf-8")
    assert not [p for p in cached(root) if "introuvable" in p]
    (root / FICHE).write_text(with_extra("- [Voir](hamconnage.md)"), encoding="utf-8")
    after = cached(root)
    assert any(p.startswith(f"{FICHE}:") and "« hamconnage.md » : fiche introuvable" in p
               for p in after), after


def test_a_link_target_removed_in_another_fiche_is_still_reported(root):
    (root / FICHE).write_text(with_extra("- [PJ](../messagerie/pieces-jointes.md#a-retenir)\n"
                                         "- [Voir](hameconnage.md)"), encoding="utf-8")
    assert not [p for p in cached(root) if p.startswith(FICHE) and "lien" in p]
    # Only the other fiche changes: its « À retenir » section is renamed.
    other = root / OTHER
    other.write_text(other.read_text(encoding="utf-8").replace("## À retenir", "## L'essentiel"),
                     encoding="utf-8")
    after = cached(root)
    assert any(p.startswith(f"{FICHE}:") and "ancre « #a-retenir » introuvable" in p
               for p in after), after
    # Then the linked fiche disappears.
    (root / "fiches/securite/hameconnage.md").unlink()
    after = cached(root)
    assert any(p.startswith(f"{FICHE}:") and "« hameconnage.md » : fiche introuvable" in p
               for p in after), after


def test_a_new_fiche_changes_the_hint_of_a_broken_link(root):
    (root / FICHE).write_text(with_extra("- [Budget](budget.md)"), encoding="utf-8")
    assert any("budget.md" in p and "vérifiez le nom du fichier" in p for p in cached(root))
    (root / "fiches/messagerie/budget.md").write_text(fiche_text(module="messagerie"),
                                                       encoding="utf-8")
    assert any("budget.md" in p and "la fiche existe ici : écrivez « ../messagerie/budget.md »"
               in p for p in cached(root))


def test_an_image_that_grows_gets_its_warning(root):
    (root / FICHE).write_text(with_extra("![Écran](images/ecran.png)"), encoding="utf-8")
    image = root / "fiches/securite/images/ecran.png"
    image.parent.mkdir()
    image.write_bytes(PNG)
    assert not [p for p in cached(root) if "trop lourde" in p]
    image.write_bytes(PNG + b"\0" * (lint.Limits().max_image_bytes + 1))
    assert [p for p in cached(root) if "trop lourde" in p]
    image.unlink()
    assert [p for p in cached(root) if "image « images/ecran.png » introuvable" in p]


def test_a_changed_template_relints_every_fiche(root):
    cached(root)
    (root / lint.TEMPLATE).write_text(fiche_text(), encoding="utf-8")  # the fiche is the model
    assert any("fiche à compléter" in p for p in cached(root))


@pytest.mark.parametrize("content", [
    b"\x00\xff not json",
    b"[1, 2, 3]",
    b'{"format": 1, "context": "x", "entries": []}',
])
def test_a_corrupt_cache_is_ignored_and_replaced(root, content):
    (root / FICHE).write_text(with_extra("- [Typo](hamconnage.md)"), encoding="utf-8")
    manifest(root).parent.mkdir(parents=True)
    manifest(root).write_bytes(content)
    assert any("hamconnage.md" in p for p in cached(root))
    assert json.loads(manifest(root).read_text(encoding="utf-8"))["format"] == 1


def test_tampered_entries_are_ignored(root):
    (root / FICHE).write_text(with_extra("- [Typo](hamconnage.md)"), encoding="utf-8")
    expected = cached(root)
    data = json.loads(manifest(root).read_text(encoding="utf-8"))
    entry = data["entries"][FICHE]
    entry["problems"] = [{"unexpected": True}]
    entry["deps"] = [["no-such-fact", "x", 1], "garbage"]
    data["entries"][OTHER] = "not an entry"
    manifest(root).write_text(json.dumps(data), encoding="utf-8")
    assert cached(root) == expected


def test_an_unwritable_cache_does_not_stop_anything(root):
    (root / ".cache").mkdir()
    (root / FOLDER).write_text("a file where the folder should be", encoding="utf-8")
    (root / FICHE).write_text(with_extra("- [Typo](hamconnage.md)"), encoding="utf-8")
    assert any("hamconnage.md" in p for p in cached(root))


def test_the_build_uses_the_cache(project):
    from conftest import run_build

    assert run_build(project, project / "site").returncode == 0
    entries = json.loads(manifest(project).read_text(encoding="utf-8"))["entries"]
    assert set(entries) == {FICHE, OTHER, "fiches/securite/hameconnage.md"}
    # A broken link added after a cached build still stops the next one.
    (project / FICHE).write_text(with_extra("<script>alert(1)</script>"), encoding="utf-8")
    result = run_build(project, project / "site2")
    assert result.returncode != 0
    assert "balise « <script> » interdite" in result.stdout + result.stderr


def test_check_lints_everything_and_leaves_the_cache_warm_for_the_build(root, monkeypatch):
    stale = root / FICHE
    cached(root)  # a cache from an earlier run…
    body = stale.read_text(encoding="utf-8")
    stale.write_text(body.replace("Demander conseil", "Demander [conseil](absente.md)"),
                     encoding="utf-8")
    calls = []
    real = lint.Linter.lint

    def counting(self, path, data=None):
        calls.append(path.relative_to(root).as_posix())
        return real(self, path, data)

    monkeypatch.setattr(lint.Linter, "lint", counting)
    _, problems = lint.check(root)
    assert len(calls) == len(lint.fiche_files(root))  # check trusts no cache
    assert any("absente.md" in p.message for p in problems)
    calls.clear()
    in_build = formatted(lint.for_build(root))
    assert calls == []  # the build that follows relints nothing…
    assert in_build == formatted(lint.lint_project(root))  # …and reports the same
