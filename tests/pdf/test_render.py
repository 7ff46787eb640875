"""Printable fiches: learner and facilitator PDFs, module booklets, the cache, the build hook."""

from __future__ import annotations

import dataclasses
import logging
import re
import sys

import pytest
from conftest import ROOT, fiche_text, make_project, run_build, small_corpus
from pypdf import PdfReader

from fichotheque.cli import main
from fichotheque.content.loading import load_corpus
from fichotheque.pdf import document
from fichotheque.pdf import render as pdf
from fichotheque.web import pages, settings

A4 = (595.28, 841.89)  # points
SITE = "https://fichotheque.github.io/fichotheque/"
FICHE_URL = SITE + "fiches/securite/mots-de-passe/"
FACILITATOR_TEXT = "Prévoir 45 minutes"


def build_pdfs(project, workers=1):
    corpus = load_corpus(project)
    assert not corpus.errors, corpus.errors
    return pdf.build(corpus, settings.load(project), project / "site", workers=workers)


def text_of(reader: PdfReader) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def link_targets(page) -> set[str]:
    targets = set()
    for annot in page.get("/Annots") or []:
        action = annot.get_object().get("/A") or {}
        if "/URI" in action:
            targets.add(str(action["/URI"]))
    return targets


@pytest.fixture
def rendered(tmp_path):
    """The small corpus rendered once: (project, report)."""
    project = make_project(tmp_path / "projet", small_corpus())
    return project, build_pdfs(project)


def test_every_pdf_is_a_valid_tagged_a4_with_title_licence_footer_and_qr(rendered):
    project, report = rendered
    site = project / "site"
    expected = {
        "fiches/securite/mots-de-passe/mots-de-passe.pdf",
        "fiches/securite/mots-de-passe/mots-de-passe-animateur.pdf",
        "fiches/securite/hameconnage/hameconnage.pdf",
        "fiches/securite/hameconnage/hameconnage-animateur.pdf",
        "fiches/messagerie/pieces-jointes/pieces-jointes.pdf",
        "fiches/messagerie/pieces-jointes/pieces-jointes-animateur.pdf",
        "fiches/securite/securite.pdf",
        "fiches/messagerie/messagerie.pdf",
    }
    assert {r.job.output for r in report.results} == expected
    for output in expected:
        reader = PdfReader(site / output)
        assert reader.trailer["/Root"]["/Lang"] == "fr"
        assert "/StructTreeRoot" in reader.trailer["/Root"], "PDF non balisé"
        assert reader.metadata.title
        for number, page in enumerate(reader.pages, 1):
            box = page.mediabox
            assert (round(float(box.width), 2), round(float(box.height), 2)) == A4
            footer = " ".join((page.extract_text() or "").split())
            booklet = output.endswith(("securite.pdf", "messagerie.pdf"))
            if booklet and number > 2 and not footer:
                continue  # a blank verso, so that each fiche starts on a recto
            # The footer a reuser needs, on every page: licence, version date, structure, page.
            assert "CC BY-SA 4.0" in footer and "Collectif Fichothèque" in footer, output
            assert "Version du 1er novembre 2026" in footer, output
            if booklet and number > 2:  # a booklet's fiches keep their own footer (1 / 1)
                assert footer.replace("\u2009", " ").endswith(" 1 / 1"), output
            else:  # a fiche's pages; a booklet's cover and contents count the whole booklet
                assert f"{number} / {len(reader.pages)}" in footer.replace("\u2009", " "), output

    reader = PdfReader(site / "fiches/securite/mots-de-passe/mots-de-passe.pdf")
    assert reader.metadata.title == "Créer un mot de passe solide"
    text = text_of(reader)
    assert "Créer un mot de passe solide" in text and "Savoir créer un mot de passe" in text
    assert "contact@fichotheque.example.org" in text
    assert FICHE_URL in text.replace(" ", "")  # in the attribution line (may wrap)
    assert FICHE_URL in link_targets(reader.pages[0])  # the QR code is a link too
    assert "Débutant" in text and "45 min" in text and "Pix 4.1" in text


def test_learner_handout_lacks_the_facilitator_notes(rendered):
    project, _ = rendered
    folder = project / "site/fiches/securite/mots-de-passe"
    learner = text_of(PdfReader(folder / "mots-de-passe.pdf"))
    facilitator = text_of(PdfReader(folder / "mots-de-passe-animateur.pdf"))
    assert FACILITATOR_TEXT not in learner and "Pour l'animateur" not in learner
    assert FACILITATOR_TEXT in facilitator and "Pour l'animateur" in facilitator
    # v2: the answers are printed for the facilitator only, and the plan comes first
    assert "girafe-tambour-orange" in facilitator and "girafe-tambour-orange" not in learner
    assert facilitator.index(FACILITATOR_TEXT) < facilitator.index("Choisir quatre mots")
    assert "version animateur" in facilitator.lower()
    assert "version animateur" not in learner.lower()
    assert "Choisir quatre mots au hasard" in learner  # the steps are kept


def test_booklet_holds_the_module_fiches_in_order_after_cover_and_contents(rendered):
    project, report = rendered
    reader = PdfReader(project / "site/fiches/securite/securite.pdf")
    text = text_of(reader)
    assert "Sommaire" in text and "Sécurité numérique" in text
    first = text.index("Créer un mot de passe solide", text.index("Sommaire") + 10)
    assert "Reconnaître l'hameçonnage" in text[first:]
    assert "Envoyer une pièce jointe" not in text  # another module's fiche
    assert FACILITATOR_TEXT not in text  # the booklet is for learners
    assert SITE + "fiches/securite/" in link_targets(reader.pages[0])
    # Cover, contents, then each fiche on its own sheet.
    assert len(reader.pages) >= 4
    pages_by_output = {r.job.output: r.pages for r in report.results}
    assert pages_by_output["fiches/securite/securite.pdf"] == len(reader.pages)


def test_cache_renders_only_what_changed(tmp_path):
    project = make_project(tmp_path / "projet", small_corpus())
    assert len(build_pdfs(project).rendered) == 8
    assert build_pdfs(project).rendered == []  # nothing changed: nothing rendered
    assert (project / ".cache/pdf/manifest.json").is_file()

    fiche = project / "fiches/securite/hameconnage.md"
    fiche.write_text(fiche.read_text(encoding="utf-8").replace(
        "Savoir créer", "Savoir vraiment créer"), encoding="utf-8")
    report = build_pdfs(project)
    assert sorted(report.rendered) == [
        "fiches/securite/hameconnage/hameconnage-animateur.pdf",
        "fiches/securite/hameconnage/hameconnage.pdf",
        "fiches/securite/securite.pdf",
    ]
    assert "Savoir vraiment créer" in text_of(
        PdfReader(project / "site/fiches/securite/hameconnage/hameconnage.pdf"))

    # The structure's identity is printed on every page: changing it re-renders everything.
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "name: Collectif Fichothèque", "name: EPN de Testville"), encoding="utf-8")
    report = build_pdfs(project, workers=2)  # through the process pool
    assert len(report.rendered) == 8
    booklet = PdfReader(project / "site/fiches/messagerie/messagerie.pdf")
    assert "EPN de Testville" in text_of(booklet)


def test_links_become_absolute_and_nothing_is_fetched_from_the_network(tmp_path):
    body = """
    ## Objectif

    Voir [la fiche voisine](hameconnage.md#objectif), [un module](../messagerie/pieces-jointes.md),
    [un piège](javascript:alert(1)) et <a href="autre.md">du HTML</a>.

    ![distante](http://127.0.0.1:9/espion.png) ![locale](images/schema.png)
    ![hors du dossier](../../mkdocs.yml)
    """
    project = make_project(tmp_path / "projet", {**small_corpus(),
                                                 "fiches/securite/images/schema.png": b"png"})
    corpus = load_corpus(project)
    fiche = corpus.fiche("securite", "mots-de-passe")
    fiche = dataclasses.replace(fiche, body=fiche_text(body).split("---\n", 2)[2])
    html, images = document.body_html(fiche, settings.load(project), facilitator=False)
    assert f'href="{SITE}fiches/securite/hameconnage/#objectif"' in html
    assert f'href="{SITE}fiches/messagerie/pieces-jointes/"' in html
    assert f'href="{SITE}fiches/securite/autre/"' in html
    assert "javascript" not in html
    assert "127.0.0.1:9" not in html and "mkdocs.yml" not in html
    assert 'src="images/schema.png"' in html
    assert images == {(project / "fiches/securite/images/schema.png").resolve()}
    assert 'id="mots-de-passe-objectif"' in html  # ids stay unique inside a booklet


def test_a_fiche_longer_than_two_pages_is_reported(tmp_path, caplog):
    steps = "\n".join(f"{n}. Étape numéro {n} : " + "une consigne assez longue " * 8
                      for n in range(1, 60))
    body = fiche_text().replace("1. Choisir quatre mots au hasard.", steps)
    project = make_project(tmp_path / "projet", {
        "fiches/securite/_module.yml": small_corpus()["fiches/securite/_module.yml"],
        "fiches/securite/trop-longue.md": body,
    })
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.fichotheque.pdf"):
        report = build_pdfs(project)
    [long] = report.too_long
    assert long.pages > 2
    assert f"fiches/securite/trop-longue.md : la fiche imprimée fait {long.pages} pages A4" \
        in caplog.text


def test_downloads_links_work_with_and_without_directory_urls():
    corpus = load_corpus(ROOT)
    fiche = corpus.fiche("securite", "mots-de-passe")
    site = settings.load(ROOT)
    online = pages.fiche_header(fiche, site, corpus.module("securite"), True)
    offline = pages.fiche_header(fiche, site, corpus.module("securite"), False)
    assert 'href="mots-de-passe.pdf"' in online and "Télécharger la fiche (PDF)" in online
    assert 'href="mots-de-passe-animateur.pdf"' in online and 'href="mots-de-passe.md"' in online
    assert 'href="mots-de-passe/mots-de-passe.pdf"' in offline
    assert 'href="mots-de-passe/mots-de-passe.md"' in offline


def test_mkdocs_build_renders_pdfs_only_when_asked(tmp_path):
    project = make_project(tmp_path / "projet", small_corpus())
    folder = project / "site/fiches/securite/mots-de-passe"
    result = run_build(project, env={pdf.ENV_SWITCH: "0"})  # no PDF, the source is there
    assert result.returncode == 0, result.stderr
    assert not (folder / "mots-de-passe.pdf").exists()
    assert 'href="mots-de-passe.pdf"' not in (folder / "index.html").read_text(encoding="utf-8")
    assert (folder / "mots-de-passe.md").read_bytes() == \
        (project / "fiches/securite/mots-de-passe.md").read_bytes()

    result = run_build(project, env={pdf.ENV_SWITCH: "1"})
    assert result.returncode == 0, result.stderr
    assert "8 PDF prêts" in result.stderr
    page = (folder / "index.html").read_text(encoding="utf-8")
    for name in ("mots-de-passe.pdf", "mots-de-passe-animateur.pdf", "mots-de-passe.md"):
        assert f'href="{name}"' in page and (folder / name).is_file()
    module_page = (project / "site/fiches/securite/index.html").read_text(encoding="utf-8")
    assert 'href="securite.pdf"' in module_page and "Télécharger le livret du module" in module_page
    assert (project / "site/fiches/securite/securite.pdf").is_file()
    assert "assets/fichotheque-print.css" in page


def test_pdf_command_renders_into_a_built_site(tmp_path, capsys):
    project = make_project(tmp_path / "projet", small_corpus())
    site = tmp_path / "ailleurs"
    assert main(["--root", str(project), "pdf", "--site-dir", str(site)]) == 1
    assert "le site n'est pas construit" in capsys.readouterr().err
    assert run_build(project, site).returncode == 0
    assert main(["--root", str(project), "pdf", "--site-dir", str(site), "--workers", "2"]) == 0
    output = capsys.readouterr()
    assert "8 PDF prêts (8 rendus, 0 repris du cache)" in output.out
    assert "PDF 8/8" in output.err
    assert PdfReader(site / "fiches/messagerie/pieces-jointes/pieces-jointes.pdf").pages


def test_missing_pango_is_one_actionable_line(tmp_path, monkeypatch, capsys):
    project = make_project(tmp_path / "projet", small_corpus())
    site = tmp_path / "site"
    (site / "fiches").mkdir(parents=True)
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as when Pango cannot be loaded
    assert main(["--root", str(project), "pdf", "--site-dir", str(site)]) == 1
    err = capsys.readouterr().err
    assert "Pango" in err and "sudo apt-get install -y libpango-1.0-0" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not list(site.rglob("*.pdf"))


# Learner handouts that still spill onto a third page (only their « Pour aller plus loin »):
# the build warns about them too. To trim by a trainer; the list may only shrink.
SPILL_TO_TRIM: set[str] = set()  # fiches whose learner PDF still spills (may only shrink)


def test_real_corpus_has_both_pdfs_per_fiche_within_two_pages(built_site):
    corpus = load_corpus(ROOT)
    assert corpus.fiches
    for fiche in corpus.fiches:
        folder = built_site / fiche.url
        learner = PdfReader(folder / f"{fiche.slug}.pdf")
        limit = 3 if fiche.slug in SPILL_TO_TRIM else 2
        assert len(learner.pages) <= limit, f"{fiche.rel_path} : {len(learner.pages)} pages"
        if fiche.slug in SPILL_TO_TRIM:  # trimmed? take it off the list
            assert len(learner.pages) == 3, f"{fiche.slug} tient en 2 pages : retirez-la"
        assert PdfReader(folder / f"{fiche.slug}-animateur.pdf").pages
        assert (folder / f"{fiche.slug}.md").is_file()
    for module in corpus.modules:
        text = text_of(PdfReader(built_site / module.url / f"{module.slug}.pdf"))
        for fiche in module.fiches:
            assert re.sub(r"\s+", " ", fiche.title) in text, fiche.title


def test_a_numbered_list_after_a_paragraph_keeps_its_numbers_on_paper(tmp_path):
    """« 8. » after a bold sub-heading prints 8 (WeasyPrint ignores `start` by itself)."""
    body = fiche_text().replace(
        "2. Les assembler en une phrase de passe.\n",
        "2. Les assembler en une phrase de passe.\n\n**Sur un ordinateur**\n\n"
        "8. Ouvrir le coffre numéroté huit.\n9. Fermer le coffre numéroté neuf.\n")
    files = {**small_corpus(), "fiches/securite/mots-de-passe.md": body}
    project = make_project(tmp_path / "projet", files)
    build_pdfs(project)
    reader = PdfReader(project / "site/fiches/securite/mots-de-passe/mots-de-passe.pdf")
    # the layout mode reads list markers too
    text = " ".join(" ".join(page.extract_text(extraction_mode="layout").split())
                    for page in reader.pages)
    assert "8. Ouvrir le coffre" in text and "9. Fermer le coffre" in text
    assert "1. Ouvrir le coffre" not in text
