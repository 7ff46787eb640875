"""Loading fiches and modules, and every validation rule (one bad fixture per rule)."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import fiche_text, make_project, module_yml, small_corpus

from fichotheque.content.loading import load_corpus

TODAY = dt.date(2026, 11, 22)


def corpus_with(tmp_path, files, base=True):
    files = {**(small_corpus() if base else {}), **files}
    root = make_project(tmp_path / "p", files, with_site_files=False)
    return load_corpus(root, today=TODAY)


def only_error(corpus, path):
    found = [p for p in corpus.errors if p.path == path]
    assert found, f"no error for {path}: {[p.format() for p in corpus.problems]}"
    return found


def test_valid_corpus_loads_every_fiche_in_module_order(tmp_path):
    corpus = corpus_with(tmp_path, {})
    assert corpus.problems == ()
    assert [m.slug for m in corpus.modules] == ["securite", "messagerie"]
    fiche = corpus.fiche("securite", "mots-de-passe")
    assert fiche.title == "Créer un mot de passe solide"
    assert fiche.level_label == "Débutant"
    assert fiche.audience == ("grand-public",)
    assert fiche.updated == dt.date(2026, 11, 1)
    assert fiche.url == "fiches/securite/mots-de-passe/"
    assert [c.display for c in fiche.competence_objects] == [
        "Pix 4.1 — Sécuriser l'environnement numérique",
        "CléA Numérique 4 — Appliquer les règles et bonnes pratiques de la sécurité numérique",
    ]
    assert fiche.has_facilitator_notes
    assert [s.title for s in fiche.sections if s.level == 2][:3] == [
        "Objectif", "Matériel", "Déroulé"]


def test_repository_corpus_is_valid_and_complete():
    from conftest import ROOT

    corpus = load_corpus(ROOT)
    assert corpus.errors == [], [p.format() for p in corpus.errors]
    modules = {m.slug: len(m.fiches) for m in corpus.modules}
    assert set(modules) >= {"securite", "bureautique", "messagerie", "services-publics"}
    assert all(count >= 2 for count in modules.values()), modules


@pytest.mark.parametrize(
    ("meta", "line", "expected"),
    [
        ({"licence": "CC-BY-NC-4.0"}, 8, "licence « CC-BY-NC-4.0 » non libre"),
        ({"licence": "GPL-9"}, 8, "licence « GPL-9 » inconnue"),
        ({"title": None}, 12, "clé obligatoire « title » absente"),
        ({"description": '""'}, 3, "clé obligatoire « description » absente"),
        ({"description": "x" * 201}, 3, "description trop longue"),
        ({"module": "bureautique"}, 4, "module « bureautique » différent du dossier « securite »"),
        ({"level": "expert"}, 5, "niveau « expert » inconnu"),
        ({"duration": "une heure"}, 6, "durée « une heure » invalide"),
        ({"duration": 0}, 6, "durée « 0 » invalide"),
        ({"audience": "[enfants]"}, 7, "public « enfants » inconnu"),
        ({"authors": "[]"}, 9, "clé obligatoire « authors » absente"),
        ({"updated": "22/11/2026"}, 10, "date « 22/11/2026 » invalide"),
        ({"updated": "2030-01-01"}, 10, "dans le futur"),
        ({"competences": "[pix:9.9]"}, 11, "compétence « pix:9.9 » inconnue"),
        ({"competences": "[pix4.1]"}, 11, "code de compétence « pix4.1 » mal formé"),
        ({"competences": "[abc:1]"}, 11, "code de compétence « abc:1 » mal formé"),
        ({"competences": "[clea:7]"}, 11, "compétence « clea:7 » inconnue"),
        ({"colour": "red"}, 13, "clé « colour » inconnue"),
        ({"render_macros": "true"}, 13, "clé « render_macros » inconnue"),
        ({"tags": "{a: b}"}, 12, "les mots-clés doivent être une liste"),
    ],
)
def test_front_matter_rule(tmp_path, meta, line, expected):
    corpus = corpus_with(tmp_path, {"fiches/securite/mots-de-passe.md": fiche_text(**meta)})
    problems = only_error(corpus, "fiches/securite/mots-de-passe.md")
    messages = [p.format() for p in problems]
    assert any(expected in m for m in messages), messages
    assert any(p.line == line for p in problems if expected in p.message), messages
    assert corpus.fiche("securite", "mots-de-passe") is None


def test_non_free_licence_message_names_the_free_ones(tmp_path):
    corpus = corpus_with(tmp_path, {
        "fiches/securite/mots-de-passe.md": fiche_text(licence="CC-BY-NC-4.0")})
    [problem] = corpus.errors
    assert problem.format().startswith("fiches/securite/mots-de-passe.md:8: licence")
    for spdx in ("CC-BY-SA-4.0", "CC-BY-4.0", "CC0-1.0", "etalab-2.0"):
        assert spdx in problem.hint


def test_every_problem_is_collected_not_only_the_first(tmp_path):
    text = fiche_text(licence="CC-BY-NC-4.0", title=None, competences="[pix:8.8]")
    corpus = corpus_with(tmp_path, {"fiches/securite/mots-de-passe.md": text})
    messages = " | ".join(p.message for p in corpus.errors)
    assert "non libre" in messages
    assert "« title »" in messages
    assert "pix:8.8" in messages


def test_unreadable_front_matter(tmp_path):
    bad = "---\ntitle: [oops\n---\n## Objectif\n"
    corpus = corpus_with(tmp_path, {"fiches/securite/mots-de-passe.md": bad})
    [problem] = only_error(corpus, "fiches/securite/mots-de-passe.md")
    assert "métadonnées illisibles" in problem.message
    assert problem.line == 3 and problem.hint


def test_missing_front_matter(tmp_path):
    corpus = corpus_with(tmp_path, {"fiches/securite/mots-de-passe.md": "## Objectif\n"})
    [problem] = only_error(corpus, "fiches/securite/mots-de-passe.md")
    assert problem.line == 1 and "« --- »" in problem.message


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("## Objectif\n\n## Matériel\n\n## Déroulé\n\n1. a\n\n## À retenir\n",
         "section obligatoire « ## Pour aller plus loin » absente"),
        ("## Matériel\n\n## Objectif\n\n## Déroulé\n\n1. a\n\n## À retenir\n\n"
         "## Pour aller plus loin\n", "section « ## Objectif » mal placée"),
        ("## Objectif\n\n## Matériel\n\n## Déroulé\n\nFaire ceci.\n\n## À retenir\n\n"
         "## Pour aller plus loin\n", "« Déroulé » doit contenir des étapes numérotées"),
        ("## Objectif\n\n## Matos\n\n## Matériel\n\n## Déroulé\n\n1. a\n\n## À retenir\n\n"
         "## Pour aller plus loin\n", "section « ## Matos » inconnue"),
        ("# Titre\n\n## Objectif\n\n## Matériel\n\n## Déroulé\n\n1. a\n\n## À retenir\n\n"
         "## Pour aller plus loin\n", "titre de niveau 1"),
        ("## Objectif\n\n## Objectif\n\n## Matériel\n\n## Déroulé\n\n1. a\n\n## À retenir\n\n"
         "## Pour aller plus loin\n", "section « ## Objectif » en double"),
    ],
)
def test_section_rule(tmp_path, body, expected):
    corpus = corpus_with(tmp_path, {"fiches/securite/mots-de-passe.md": fiche_text(body=body)})
    messages = [p.message for p in only_error(corpus, "fiches/securite/mots-de-passe.md")]
    assert any(expected in m for m in messages), messages


def test_headings_inside_code_blocks_are_ignored(tmp_path):
    body = fiche_text().split("---\n", 2)[2].replace(
        "## Exercice", "```\n## Pas une section\n```\n\n## Exercice")
    corpus = corpus_with(tmp_path, {"fiches/securite/mots-de-passe.md": fiche_text(body=body)})
    assert corpus.errors == []


def test_section_line_numbers_point_at_the_heading(tmp_path):
    body = "## Objectif\n\n## Bazar\n"
    corpus = corpus_with(tmp_path, {"fiches/securite/mots-de-passe.md": fiche_text(body=body)})
    [unknown] = [p for p in corpus.errors if "Bazar" in p.message]
    text = (tmp_path / "p/fiches/securite/mots-de-passe.md").read_text().splitlines()
    assert text[unknown.line - 1] == "## Bazar"


def test_duplicate_slug_across_modules(tmp_path):
    corpus = corpus_with(tmp_path, {"fiches/messagerie/mots-de-passe.md": fiche_text(
        module="messagerie", title="Autre titre")})
    [problem] = [p for p in corpus.errors if p.rule == "unique"]
    assert "déjà utilisé par fiches/securite/mots-de-passe.md" in problem.message


def test_duplicate_title(tmp_path):
    corpus = corpus_with(tmp_path, {"fiches/securite/autre.md": fiche_text()})
    assert any("titre « Créer un mot de passe solide » déjà utilisé" in p.message
               for p in corpus.errors)


def test_bad_file_name(tmp_path):
    corpus = corpus_with(tmp_path, {"fiches/securite/Mot_de_Passe.md": fiche_text(title="X")})
    assert any("nom de fichier « Mot_de_Passe.md » invalide" in p.message for p in corpus.errors)


def test_module_without_module_file(tmp_path):
    corpus = corpus_with(tmp_path, {"fiches/divers/une-fiche.md": fiche_text(module="divers")})
    assert any(p.path == "fiches/divers/_module.yml" and "n'a pas de fichier" in p.message
               for p in corpus.errors)


@pytest.mark.parametrize(
    ("content", "expected", "line"),
    [
        (module_yml("securite").replace('"#B3261E"', "rouge"), "couleur « rouge » invalide", 4),
        (module_yml("securite").replace("order: 1", "order: premier"), "« order » doit être", 3),
        (module_yml("securite").replace("title: Securite\n", ""), "« title » absente", 1),
        (module_yml("securite") + "couleur: bleu\n", "clé « couleur » inconnue", 7),
        (module_yml("securite").replace("badge: securite", "badge: Mon Badge"),
         "identifiant de badge « Mon Badge » invalide", 6),
    ],
)
def test_module_rule(tmp_path, content, expected, line):
    corpus = corpus_with(tmp_path, {"fiches/securite/_module.yml": content})
    problems = only_error(corpus, "fiches/securite/_module.yml")
    assert any(expected in p.message and p.line == line for p in problems), \
        [p.format() for p in problems]


def test_source_licence_compatibility(tmp_path):
    by_sa_source = ("\n  title: Guide\n  author: Quelqu'un\n  url: https://example.org/g\n"
                    "  licence: CC-BY-SA-4.0")
    ok = corpus_with(tmp_path / "a", {"fiches/securite/mots-de-passe.md": fiche_text(
        source=by_sa_source)})
    assert ok.errors == []
    assert ok.fiche("securite", "mots-de-passe").source.licence == "CC-BY-SA-4.0"
    wrong_target = corpus_with(tmp_path / "b", {"fiches/securite/mots-de-passe.md": fiche_text(
        source=by_sa_source, licence="CC-BY-4.0")})
    assert any("ne peut pas être publiée sous « CC-BY-4.0 »" in p.message and
               "CC-BY-SA-4.0" in p.hint for p in wrong_target.errors)
    nc = corpus_with(tmp_path / "c", {"fiches/securite/mots-de-passe.md": fiche_text(
        source=by_sa_source.replace("CC-BY-SA-4.0", "CC-BY-NC-SA-4.0"))})
    assert any("non libre « CC-BY-NC-SA-4.0 »" in p.message for p in nc.errors)


def test_old_update_is_a_warning_not_an_error(tmp_path):
    corpus = corpus_with(tmp_path, {"fiches/securite/mots-de-passe.md": fiche_text(
        updated="2023-01-01")})
    assert corpus.errors == []
    [warning] = corpus.warnings
    assert "plus de deux ans" in warning.message
    assert corpus.fiche("securite", "mots-de-passe") is not None


def test_missing_fiches_folder(tmp_path):
    corpus = load_corpus(tmp_path)
    assert corpus.errors and "introuvable" in corpus.errors[0].message


def test_corpus_is_loaded_once_and_reloaded_after_a_change(tmp_path):
    import os

    root = make_project(tmp_path / "p", small_corpus(), with_site_files=False)
    first = load_corpus(root)
    assert load_corpus(root) is first
    path = root / "fiches/securite/mots-de-passe.md"
    path.write_text(fiche_text(title="Un autre titre"), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    second = load_corpus(root)
    assert second is not first
    assert second.fiche("securite", "mots-de-passe").title == "Un autre titre"
