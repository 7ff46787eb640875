"""Printed documents of a parcours (plan, booklet, carnet, attestation) and of a quiz (paper
questions, mediator's grid): pdf/parcours_docs.py, rendered for real by WeasyPrint."""

from __future__ import annotations

import pytest
from conftest import make_project
from pypdf import PdfReader

from fichotheque.content.loading import load_corpus
from fichotheque.pdf import render as pdf
from fichotheque.web import settings
from tests.web.test_parcours_pages import project_files


def text_of(reader: PdfReader) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("p") / "projet", project_files())
    corpus = load_corpus(project)
    assert not corpus.errors, corpus.errors
    report = pdf.build(corpus, settings.load(project), project / "site", workers=1)
    return project / "site", report


def test_every_parcours_and_quiz_document_is_rendered(built):
    site, report = built
    outputs = {r.job.output for r in report.results}
    folder = "parcours/se-proteger/"
    for kind in ("plan", "livret", "carnet", "attestation"):
        assert f"{folder}se-proteger-{kind}.pdf" in outputs
        assert (site / folder / f"se-proteger-{kind}.pdf").stat().st_size > 1000
    for kind in ("questionnaire", "grille"):
        assert (site / "positionnement/securite" / f"securite-{kind}.pdf").is_file()


def test_carnet_and_attestation_fit_on_one_page_and_print_no_personal_data(built):
    site, _ = built
    folder = site / "parcours/se-proteger"
    carnet = PdfReader(folder / "se-proteger-carnet.pdf")
    attestation = PdfReader(folder / "se-proteger-attestation.pdf")
    assert len(carnet.pages) == 1 and len(attestation.pages) == 1
    text = text_of(carnet)
    assert "Mon prénom :" in text and "Tampon" in text.title()
    assert "Séance" in text and "Des mots de passe solides" in text
    text = text_of(attestation)
    assert "atteste que" in text and "Pix 4.2" in text and "CléA Numérique —" in text
    assert "CléA Numérique 4" not in text  # CléA has no official codes: none is printed
    assert "ni un diplôme ni une certification" in text
    contact = settings.load(site.parent).structure.contact
    # No e-mail but the publishing place's own contact; no name: filled in by hand.
    assert "@" not in (text_of(carnet) + text).replace(contact, "")


def test_plan_gives_each_session_its_timed_phases_and_material(built):
    site, _ = built
    text = text_of(PdfReader(site / "parcours/se-proteger/se-proteger-plan.pdf"))
    assert "Séance 1 — Des mots de passe solides" in text
    assert "Séance 2 — Les faux messages" in text
    assert "Apportez des exemples." in text
    assert "Accueil" in text and "10 min" in text and "Pratique" in text
    assert "Matériel" in text and "Un ordinateur." in text
    assert "Envoyer une pièce jointe" in text  # « assumes », to revise first


def test_learner_booklet_holds_the_fiches_in_parcours_order(built):
    site, _ = built
    reader = PdfReader(site / "parcours/se-proteger/se-proteger-livret.pdf")
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert outline[-2:] == ["Créer un mot de passe solide", "Reconnaître l'hameçonnage"]
    text = text_of(reader)
    assert "Prévoir 45 minutes" not in text  # learner versions only
    assert "Séance 1 — Des mots de passe solides" in text


def test_paper_quiz_has_no_answers_and_the_grid_has_them(built):
    site, _ = built
    folder = site / "positionnement/securite"
    paper = text_of(PdfReader(folder / "securite-questionnaire.pdf"))
    assert paper.count("Je ne sais pas") >= 8
    assert "Question 8" in paper and "Parce que" not in paper and "Bonne réponse" not in paper
    grid = text_of(PdfReader(folder / "securite-grille.pdf"))
    assert "Bonne réponse" in grid
    assert "B — Non" in grid  # question 1: answer 2
    assert "Reconnaître l'hameçonnage" in grid and "Se protéger & bien écrire" in grid


def test_every_real_carnet_and_attestation_fits_on_one_page(built_site):
    from conftest import ROOT

    corpus = load_corpus(ROOT)
    assert corpus.parcours
    for parcours in corpus.parcours:
        for kind in ("carnet", "attestation"):
            path = built_site / parcours.url / f"{parcours.slug}-{kind}.pdf"
            assert len(PdfReader(path).pages) == 1, f"{path.name} : plus d'une page"
