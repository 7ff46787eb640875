"""The exercise kit: `<slug>-exercices.pdf` from `fiches/<module>/<slug>/*.md`, stamped on
every page, cached, listed in the facilitator PDF and on the fiche's page."""

from __future__ import annotations

import re

import pytest
from conftest import fiche_text, make_project, run_build, small_corpus
from pypdf import PdfReader

from fichotheque.content import facilitator
from fichotheque.content.loading import load_corpus
from fichotheque.pdf import document
from fichotheque.pdf import render as pdf
from fichotheque.pdf.jobs import KIT, PdfError, plan
from fichotheque.web import settings

KIT_PDF = "fiches/securite/hameconnage/hameconnage-exercices.pdf"
FACILITATOR_PDF = "fiches/securite/hameconnage/hameconnage-animateur.pdf"
LEARNER_PDF = "fiches/securite/hameconnage/hameconnage.pdf"

DRAWING = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 120" width="300" height="120">
<title>Un faux SMS</title>
<rect x="5" y="5" width="290" height="110" rx="12" fill="#eeeeee" stroke="#333333"/>
<text x="20" y="60" font-family="sans-serif" font-size="16">Colis bloque au depot</text>
</svg>
"""

KIT_FILES = {
    "fiches/securite/hameconnage/2-courriel.md":
        "# Le courriel de la fausse banque\n\nMadame, votre compte sera bloqué demain.\n\n"
        "Voir aussi [le SMS](1-sms.md).\n",
    "fiches/securite/hameconnage/1-sms.md":
        "# Le SMS du faux transporteur\n\n![Un SMS sur un colis bloqué](sms.svg)\n\n"
        "**Votre réponse** (entourez) : arnaque — normal\n",
    "fiches/securite/hameconnage/sms.svg": DRAWING,
    "fiches/securite/hameconnage/adresses.txt": "colis-suivi.exemple.com\n" * 60,
}


def text_of(path) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(path).pages]


def kit_project(base):
    return make_project(base, {**small_corpus(), **KIT_FILES})


def build_pdfs(project):
    corpus = load_corpus(project)
    assert not corpus.errors, corpus.errors
    return pdf.build(corpus, settings.load(project), project / "site", workers=1)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    project = kit_project(tmp_path_factory.mktemp("kit") / "projet")
    return project, build_pdfs(project)


def test_kit_pdf_is_built_at_its_stable_url_beside_the_fiche_pdfs(built):
    project, report = built
    kits = [r.job.output for r in report.results if r.job.kind == KIT]
    assert kits == [KIT_PDF]  # only the fiche with a kit folder gets one
    fiche = load_corpus(project).by_slug("hameconnage")
    assert document.kit_pdf_path(fiche).rsplit("/", 1)[0] == \
        document.fiche_pdf_path(fiche).rsplit("/", 1)[0]
    reader = PdfReader(project / "site" / KIT_PDF)
    assert reader.trailer["/Root"]["/Lang"] == "fr"
    assert "matériel pour l'exercice" in reader.metadata.title


def test_every_page_of_the_kit_is_stamped_and_documents_follow_file_names(built):
    project, _ = built
    pages = text_of(project / "site" / KIT_PDF)
    assert len(pages) == 2  # one document per page, in the order of their file names
    for number, text in enumerate(pages, 1):
        assert "EXEMPLE" in text.upper(), f"page {number} sans la mention EXEMPLE"
        assert "EXEMPLE — EXERCICE" in text.upper(), text
        assert "CC BY-SA 4.0" in text  # the footer a reuser needs, like every PDF
    assert "Le SMS du faux transporteur" in pages[0] and "courriel" not in pages[0]
    assert "Le courriel de la fausse banque" in pages[1]
    assert "Colis bloque au depot" in pages[0]  # the drawing beside the page was printed


def test_facilitator_pdf_lists_the_kit_and_the_learner_pdf_does_not(built):
    project, _ = built
    facilitator_text = " ".join(text_of(project / "site" / FACILITATOR_PDF))
    assert facilitator.MATERIAL_SECTION in facilitator_text
    assert "hameconnage-exercices.pdf" in facilitator_text
    assert "Le SMS du faux transporteur" in facilitator_text
    assert "adresses.txt" in facilitator_text and "1,4 ko" in facilitator_text
    learner_text = " ".join(text_of(project / "site" / LEARNER_PDF))
    assert facilitator.MATERIAL_SECTION not in learner_text
    assert "exercices.pdf" not in learner_text
    # The listing links to the kit at its published address.
    links = set()
    for page in PdfReader(project / "site" / FACILITATOR_PDF).pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A") or {}
            links.add(str(action.get("/URI", "")))
    assert any(link.endswith(KIT_PDF) for link in links), links


def test_kit_pdf_is_cached_and_rerendered_only_when_the_kit_changes(tmp_path):
    project = kit_project(tmp_path / "projet")
    first = build_pdfs(project)
    assert KIT_PDF in first.rendered
    assert build_pdfs(project).rendered == []
    page = project / "fiches/securite/hameconnage/2-courriel.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nSigné : le service client.\n",
                    encoding="utf-8")
    # The facilitator PDF only lists the documents' titles: it stays as it was.
    assert build_pdfs(project).rendered == [KIT_PDF]
    drawing = project / "fiches/securite/hameconnage/sms.svg"
    drawing.write_text(DRAWING.replace("Colis", "Paquet"), encoding="utf-8")
    assert build_pdfs(project).rendered == [KIT_PDF]
    assert "Paquet bloque" in text_of(project / "site" / KIT_PDF)[0]


def test_kit_images_stay_inside_the_fiches_folder(tmp_path):
    files = {**small_corpus(), **KIT_FILES,
             "fiches/securite/hameconnage/1-sms.md": "# SMS\n\n![secret](../../../secret.svg)\n",
             "secret.svg": DRAWING}
    project = make_project(tmp_path / "projet", files, with_site_files=False)
    corpus = load_corpus(project)
    fiche = corpus.by_slug("hameconnage")
    html, images = document.kit_document(fiche, corpus.module("securite"),
                                         settings.from_mapping({}, project))
    assert images == set() and "secret.svg" not in html


def test_unreadable_kit_page_is_a_french_error_naming_it(tmp_path):
    project = kit_project(tmp_path / "projet")
    (project / "fiches/securite/hameconnage/3-latin1.md").write_bytes("# Caf\xe9\n".encode(
        "latin-1"))
    with pytest.raises(PdfError, match=r"fiches/securite/hameconnage/ : 3-latin1\.md .*UTF-8"):
        plan(load_corpus(project), settings.load(project))


def test_fiche_page_lists_the_kit_and_kit_pages_are_not_site_pages(tmp_path):
    project = kit_project(tmp_path / "projet")
    result = run_build(project, env={"FICHOTHEQUE_PDF": "1"})  # as `mkdocs build` does
    assert result.returncode == 0, result.stderr
    site = project / "site"
    page = (site / "fiches/securite/hameconnage/index.html").read_text(encoding="utf-8")
    heading = page.index('<h3 id="materiel-pour-lexercice">Matériel pour l')
    # At the end of the exercise, before « À retenir ».
    assert page.index('id="exercice"') < heading < page.index('id="a-retenir"')
    assert 'href="hameconnage-exercices.pdf"' in page
    assert re.search(r'href="adresses\.txt">adresses\.txt</a>[^<]*1,4 ko', page)
    assert (site / "fiches/securite/hameconnage/adresses.txt").is_file()  # the link works
    assert "Matériel pour l" not in (site / "fiches/securite/mots-de-passe/index.html").read_text(
        encoding="utf-8")
    # The kit's Markdown pages are printed, never published as pages of the site.
    for name in ("1-sms", "2-courriel"):
        assert not (site / f"fiches/securite/hameconnage/{name}/index.html").exists()
        assert not (site / f"fiches/securite/hameconnage/{name}.html").exists()
    assert "Le SMS du faux transporteur" not in (site / "index.html").read_text(encoding="utf-8")
    assert "Le SMS du faux transporteur" not in (site / "search/search_index.json").read_text(
        encoding="utf-8")


def test_material_goes_to_the_exercise_or_after_the_preparation():
    body = fiche_text().split("---\n", 2)[2]
    learner = facilitator.add_to_exercise(body, "- kit")
    assert learner.index("### Matériel pour l'exercice") < learner.index("## À retenir")
    assert learner.index("## Exercice") < learner.index("### Matériel pour l'exercice")
    printed = facilitator.print_markdown(
        body.replace("### Accueil — 10 min", "### À préparer\n\nImprimer.\n\n### Accueil — 10 min"),
        facilitator=True, material="- kit")
    assert printed.index("### À préparer") < printed.index("### Matériel pour l'exercice") \
        < printed.index("### Accueil")
    assert "Matériel pour l'exercice" not in facilitator.print_markdown(body, False, "- kit")
