"""PDFs a screen reader can read: the structure-tree checker (pdf/tags.py) finds each problem on
small bad PDFs, and the real documents (fiches, facilitator versions, kits, a module booklet, a
parcours' plan, carnet and booklet, quizzes) pass it."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pikepdf
import pytest
import weasyprint
from conftest import ROOT

from fichotheque.content.loading import load_corpus
from fichotheque.pdf import jobs, retag, tags
from fichotheque.pdf import render as pdf
from fichotheque.web import settings

GOOD_BODY = ('<h1>Créer un mot de passe</h1><p>Un texte.</p>'
             '<p><a href="https://example.org/"><strong>Un lien</strong> en gras</a></p>')


def tagged(tmp_path: Path, body: str = GOOD_BODY, css: str = "", name: str = "doc.pdf",
           fix: bool = True) -> Path:
    """A small PDF/UA document rendered by WeasyPrint, corrected by retag.py when `fix`."""
    html = (f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Essai</title>'
            f'<style>@page {{ size: A4; margin: 12mm 13mm 24mm; }} {css}</style></head>'
            f'<body>{body}</body></html>')
    data = weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
    path = tmp_path / name
    path.write_bytes(retag.fix(data) if fix else data)
    return path


def edited(path: Path, change) -> Path:
    with pikepdf.open(path) as doc:
        change(doc)
        out = path.with_name("modifie-" + path.name)
        doc.save(out)
    return out


def test_a_good_small_document_passes(tmp_path):
    assert tags.problems(tagged(tmp_path)) == []


def test_an_untagged_pdf_is_reported(tmp_path):
    path = tmp_path / "plat.pdf"
    with pikepdf.new() as doc:
        doc.add_blank_page()
        doc.save(path)
    found = tags.problems(path)
    assert any("MarkInfo" in p for p in found)
    assert any("pas d'arbre de structure" in p for p in found)


def test_missing_language_and_title_are_reported(tmp_path):
    def strip(doc):
        del doc.Root["/Lang"]
        del doc.Root["/ViewerPreferences"]
        del doc.Root["/Metadata"]
        del doc.trailer["/Info"]

    found = tags.problems(edited(tagged(tmp_path), strip))
    assert any("langue du document" in p for p in found)
    assert any("pas de titre (DocInfo" in p for p in found)
    assert any("DisplayDocTitle" in p for p in found)


def test_a_link_outside_a_link_element_is_reported(tmp_path):
    """WeasyPrint hangs the annotation of a link's <strong> on its Span: retag.py moves it."""
    raw = tagged(tmp_path, fix=False, name="brut.pdf")
    found = tags.problems(raw)
    assert any("n'est pas sous un élément Link" in p and "example.org" in p for p in found)
    assert tags.measure(raw)["links_tagged"] < tags.measure(raw)["links"]
    fixed = tagged(tmp_path)
    assert tags.measure(fixed)["links_tagged"] == tags.measure(fixed)["links"] >= 1

    def unlink(doc):  # the parent tree points the link at the tree's root element
        [annot] = [a for page in doc.pages for a in page.Annots][:1]
        nums = doc.Root.StructTreeRoot.ParentTree.Nums
        for i in range(0, len(nums), 2):
            if int(nums[i]) == int(annot.StructParent):
                nums[i + 1] = doc.Root.StructTreeRoot.K[0]

    assert any("n'est pas sous un élément Link" in p for p in
               tags.problems(edited(fixed, unlink)))


FOOTER_CSS = ('@page { @bottom-left { content: "Fiche sous licence CC BY-SA 4.0"; } '
              '@bottom-right { content: counter(page) " / " counter(pages); } }')


def test_running_footer_read_as_content_is_reported_and_fixed(tmp_path):
    raw = tagged(tmp_path, css=FOOTER_CSS, fix=False, name="brut.pdf")
    found = tags.problems(raw)
    assert any(re.search(r"page 1 : « Fiche sous licence.*dans la marge.*/Artifact", p)
               for p in found), found
    assert tags.measure(raw)["margin_artifacts"] == 0
    fixed = tagged(tmp_path, css=FOOTER_CSS)
    assert tags.problems(fixed) == []
    figures = tags.measure(fixed)
    assert figures["margin_text"] == figures["margin_artifacts"] == 2
    assert figures["untagged_text"] == 0


def test_text_in_the_margin_band_must_be_an_artifact_even_when_tagged(tmp_path):
    """Body text pushed into the bottom band (a badly made footer) is caught by position."""
    body = GOOD_BODY + '<p style="position: absolute; bottom: -18mm">Pied de page maison</p>'
    found = tags.problems(tagged(tmp_path, body=body))
    assert any("Pied de page maison" in p and "dans la marge" in p for p in found), found


def test_leader_dots_read_aloud_are_reported(tmp_path):
    body = ('<h1>Livret</h1><ol><li><a href="#f">Une fiche</a> '
            '<span class="pages">page 3</span></li></ol><p id="f">Fiche</p>')
    css = ".pages::before { content: leader('.') ' '; }"
    found = tags.problems(tagged(tmp_path, body=body, css=css))
    assert any("points de conduite sont lus" in p for p in found), found
    assert tags.measure(tagged(tmp_path, body=body, css=css))["dots_read"] >= 20


def test_headings_are_required(tmp_path):
    assert any("titre de niveau 1" in p for p in
               tags.problems(tagged(tmp_path, body="<p>Pas de titre</p>")))
    facilitator = '<div class="note"><p>Pour l\u2019animateur</p><p>Prévoir 45 min.</p></div>'
    found = tags.problems(tagged(tmp_path, body=GOOD_BODY + facilitator))
    assert any("« Pour l\u2019animateur » n'est pas un titre" in p for p in found), found
    as_heading = GOOD_BODY + "<h2>Pour l'animateur</h2><p>Prévoir 45 min.</p>"
    assert tags.problems(tagged(tmp_path, body=as_heading)) == []


SQUARE = ("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='10' "
          "height='10'%3E%3Crect width='10' height='10'/%3E%3C/svg%3E")


def test_figures_need_alternative_text_and_the_title_comes_first(tmp_path):
    no_alt = GOOD_BODY + f'<p><img src="{SQUARE}" style="width: 20mm"></p>'
    assert any("texte de remplacement" in p for p in tags.problems(tagged(tmp_path, no_alt)))
    qr_first = (f'<a href="https://example.org/"><img src="{SQUARE}" alt="Code QR" '
                f'style="width: 20mm; float: right"></a>' + GOOD_BODY)
    found = tags.problems(tagged(tmp_path, qr_first))
    assert "la lecture commence par une image et non par le titre (H1)" in found
    assert tags.problems(tagged(tmp_path, qr_first), title_first=False) == []


def test_a_list_cut_by_a_page_break_stays_one_list(tmp_path):
    """WeasyPrint tags page by page; retag.py joins the pieces of one HTML element again."""
    pdf.check_available()  # installs retag's note of the HTML element of each tag
    items = "".join(f"<li>Étape numéro {n} de la liste</li>" for n in range(1, 80))
    path = tagged(tmp_path, body=f"<h1>Liste</h1><article><ol>{items}</ol></article>")
    with pikepdf.open(path) as doc:
        assert len(doc.pages) >= 2
        elements = tags._walk(doc.Root.StructTreeRoot)
        lists = [e for e in elements if e.role == "/L"]
        articles = [e for e in elements if e.role == "/Art"]
        assert len(lists) == len(articles) == 1
        assert sum(1 for kid in lists[0].kids if isinstance(kid, tags._Element)) == 79
        assert not any(retag.SOURCE in e.obj for e in elements)  # the notes are gone
    assert tags.problems(path) == []


# -- the real documents ----------------------------------------------------------------------

MODULE, PARCOURS = "sante", "sante-en-ligne"


@pytest.fixture(scope="module")
def real(tmp_path_factory) -> Path:
    """A few real documents of the repository: module « sante » (fiches, facilitator versions,
    kits, booklet, quiz and grid) and parcours « sante-en-ligne » (plan, carnet, attestation,
    booklet and the learner PDFs it is made of)."""
    corpus = load_corpus(ROOT)
    planned = jobs.plan(corpus, settings.load(ROOT))
    chosen = [job for job in planned if job.output.startswith(f"fiches/{MODULE}/")
              or job.source.startswith(f"fiches/{MODULE}/_positionnement")
              or f"parcours/{PARCOURS}" in job.source]
    keys = {key for job in chosen for _, key in job.parts}
    chosen += [job for job in planned if job.key in keys and job not in chosen]
    out = tmp_path_factory.mktemp("balises")
    pdf.render_all(chosen, out / "site", out / "cache", workers=1)
    return out / "site"


def test_real_fiche_pdfs_read_well(real):
    paths = sorted((real / "fiches" / MODULE).glob("*/*.pdf"))
    kinds = {re.sub(r"^[a-z-]+?(-animateur|-exercices)?$", r"\1", p.stem) for p in paths}
    assert kinds == {"", "-animateur", "-exercices"}, kinds
    for path in paths:
        assert tags.problems(path) == [], path.name
        figures = tags.measure(path)
        assert figures["links"] == figures["links_tagged"] > 0, path.name
        assert figures["margin_text"] == figures["margin_artifacts"] > 0, path.name
        assert figures["untagged_text"] == figures["dots_read"] == 0, path.name


def test_real_facilitator_part_is_a_heading(real):
    path = next((real / "fiches" / MODULE).glob("*/*-animateur.pdf"))
    with pikepdf.open(path) as doc:
        roles = {str(e.role) for e in tags._walk(doc.Root.StructTreeRoot)}
    assert "/H1" in roles and "/H2" in roles
    assert tags.problems(path) == []


def test_real_booklets_keep_links_tags_and_read_no_dots(real):
    booklets = [real / "fiches" / MODULE / f"{MODULE}.pdf",
                real / "parcours" / PARCOURS / f"{PARCOURS}-livret.pdf"]
    for path in booklets:
        assert tags.problems(path) == [], path.name
        figures = tags.measure(path)
        assert figures["links"] == figures["links_tagged"] > 5, path.name
        assert figures["margin_text"] == figures["margin_artifacts"] > 10, path.name
        assert figures["dots_read"] == 0, path.name


def test_real_parcours_and_quiz_documents_read_well(real):
    paths = [*sorted((real / "parcours" / PARCOURS).glob("*.pdf")),
             *sorted((real / "positionnement" / MODULE).glob("*.pdf"))]
    assert len(paths) == 6
    for path in paths:
        assert tags.problems(path) == [], path.name


def test_every_pdf_of_the_built_site_reads_well(built_site):
    """The whole site, as `make site` builds it (the session's shared build)."""
    paths = sorted(built_site.rglob("*.pdf"))
    assert len(paths) > 100
    found = {str(p.relative_to(built_site)): tags.problems(p) for p in paths}
    assert {k: v for k, v in found.items() if v} == {}


def test_the_checker_is_fast_enough_for_every_build(real):
    """A fraction of a second for a fiche: the suite checks every PDF of the site."""
    path = next((real / "fiches" / MODULE).glob("*/*-animateur.pdf"))
    start = time.perf_counter()
    tags.problems(path)
    assert time.perf_counter() - start < 2.0
