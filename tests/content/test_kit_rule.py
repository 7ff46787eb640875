"""`check` warns when an exercise names a material to hand out and the fiche has no kit."""

from __future__ import annotations

from conftest import VALID_BODY, fiche_text, make_project, small_corpus

from fichotheque.content import lint
from fichotheque.content.lint.rules.structure import MATERIAL_WORDS
from fichotheque.content.problems import WARNING

FICHE = "fiches/securite/mots-de-passe.md"
EXERCISE = "Créer une phrase de passe pour un compte fictif."


def kit_problems(tmp_path, exercise: str, files: dict | None = None):
    text = fiche_text(VALID_BODY.replace(EXERCISE, exercise))
    root = make_project(tmp_path / "p", {**small_corpus(), FICHE: text, **(files or {})},
                        with_site_files=False)
    problems = [p for p in lint.lint_project(root) if p.path == FICHE and p.rule == "kit"]
    return problems, text, root


def test_exercise_naming_a_material_without_kit_is_a_warning_with_its_line(tmp_path):
    exercise = ("Lisez le SMS d'exemple.\n\n1. Ouvrez le fichier « budget.csv ».\n"
                "2. Notez vos réponses sur la fiche.")
    problems, text, _ = kit_problems(tmp_path, exercise)
    lines = text.splitlines()
    assert [p.line for p in problems] == [
        lines.index("Lisez le SMS d'exemple.") + 1,
        lines.index("1. Ouvrez le fichier « budget.csv ».") + 1]
    assert all(p.severity == WARNING for p in problems)
    assert "SMS d'exemple" in problems[0].message and "budget.csv" in problems[1].message
    assert "fiches/securite/mots-de-passe/" in problems[0].hint


def test_a_kit_folder_silences_the_warning_and_the_cache_notices_it(tmp_path):
    exercise = "Prenez les trois documents du kit d'exercice."
    problems, _, root = kit_problems(tmp_path, exercise)
    assert len(problems) == 1
    kit = root / "fiches/securite/mots-de-passe"
    kit.mkdir()
    (kit / "documents.md").write_text("# Trois documents\n", encoding="utf-8")
    assert [p for p in lint.lint_project(root) if p.rule == "kit"] == []


def test_other_sections_and_code_are_not_read(tmp_path):
    body = VALID_BODY.replace("- Un ordinateur.", "- Le kit d'exercice, imprimé.")
    text = fiche_text(body.replace(EXERCISE, "Tapez `notes.txt` dans la recherche."))
    root = make_project(tmp_path / "p", {**small_corpus(), FICHE: text},
                        with_site_files=False)
    assert [p for p in lint.lint_project(root) if p.rule == "kit"] == []


def test_words_calibrated_on_the_fiches():
    names_material = [
        "Prenez les messages n° 1 à 5 du kit d'exercice.",
        "Lisez l'e-mail d'exemple.",
        "Remplissez la fiche d'exercice.",
        "Prenez le document fourni.",
        "Complétez le formulaire distribué par l'animateur.",
        "Copiez-y trois fichiers du dossier d'exemple.",
        "Ouvrez le fichier « liste-de-courses.txt ».",
        "Suivez la feuille d'entraînement.",
    ]
    for sentence in names_material:
        assert MATERIAL_WORDS.search(sentence), sentence
    everyday = [
        "Notez vos réponses sur la fiche.",
        "Retrouvez le fichier dans le dossier « Téléchargements ».",
        "Elle remplit le formulaire sur maprocuration.gouv.fr.",
        "Exportez-la en PDF et enregistrez-la en .odt.",
        "Cachez la feuille et récitez votre phrase.",
        "Lisez ce SMS : « Votre carte Vitale expire. »",
        "Ouvrez meteofrance.com dans un deuxième onglet.",
    ]
    for sentence in everyday:
        assert not MATERIAL_WORDS.search(sentence), sentence
