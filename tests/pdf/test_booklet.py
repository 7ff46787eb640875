"""Module booklets assembled from the fiches' PDFs: pages, tags, links, bookmarks, determinism."""

from __future__ import annotations

import re

import pikepdf
import pytest
from conftest import make_project, small_corpus
from pypdf import PdfReader

from fichotheque.content.loading import load_corpus
from fichotheque.pdf import booklet, document, jobs
from fichotheque.pdf import render as pdf
from fichotheque.web import settings


def test_each_fiche_starts_on_a_recto():
    assert booklet.first_pages(2, [2, 1, 2, 2]) == [3, 5, 7, 9]
    assert booklet.first_pages(1, [1, 1]) == [3, 5]
    assert booklet.first_pages(3, [2]) == [5]
    assert booklet.first_pages(2, []) == []


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("livret") / "projet", small_corpus())
    corpus = load_corpus(project)
    report = pdf.build(corpus, settings.load(project), project / "site", workers=1)
    return project, report


@pytest.fixture(scope="module")
def titles(built):
    """The security module's fiches, in the module's order."""
    project, _ = built
    found = [fiche.title for fiche in load_corpus(project).module("securite").fiches]
    assert sorted(found) == ["Créer un mot de passe solide", "Reconnaître l'hameçonnage"]
    return found


def _reaches(element, root, limit=200) -> bool:
    """Whether the /P chain of a structure element leads to `root` (the tree's Document).

    By the parent links, not by walking /K: WeasyPrint leaves the elements of running
    footers out of their parent's /K (its own output; the booklet must not make it worse)."""
    for _ in range(limit):
        if element.objgen == root.objgen:
            return True
        if "/P" not in element:
            return False
        element = element.P
    return False


def structure_problems(path) -> list[str]:
    """What breaks the tags of a PDF: the checks a PDF/UA validator makes on the structure."""
    problems = []
    with pikepdf.open(path) as doc:
        pages = {page.obj.objgen: number for number, page in enumerate(doc.pages, 1)}
        tree = doc.Root.StructTreeRoot
        [document] = list(tree.K)
        parent_tree = {}
        nums = tree.ParentTree.Nums
        for i in range(0, len(nums), 2):
            key = int(nums[i])
            if key in parent_tree:
                problems.append(f"clé {key} en double dans ParentTree")
            parent_tree[key] = nums[i + 1]
        if parent_tree and int(tree.get("/ParentTreeNextKey", max(parent_tree) + 1)) \
                <= max(parent_tree):
            problems.append("ParentTreeNextKey trop petit")
        for entry in parent_tree.values():
            for element in entry if isinstance(entry, pikepdf.Array) else [entry]:
                if isinstance(element, pikepdf.Dictionary) and "/Pg" in element \
                        and element.Pg.objgen not in pages:
                    problems.append(f"{element.S} pointe vers une page absente")
        for number, page in enumerate(doc.pages, 1):
            marked = set()
            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) == "BDC" and isinstance(operands[1], pikepdf.Dictionary) \
                        and "/MCID" in operands[1]:
                    marked.add(int(operands[1].MCID))
            if not marked:
                continue
            if "/StructParents" not in page.obj:
                problems.append(f"page {number} balisée sans StructParents")
                continue
            entry = parent_tree.get(int(page.obj.StructParents))
            if entry is None:
                problems.append(f"page {number} absente de ParentTree")
                continue
            for mcid in marked:
                owner = entry[mcid] if mcid < len(entry) else None
                if owner is None or not _reaches(owner, document):
                    problems.append(f"page {number}, MCID {mcid} sans élément dans l'arbre")
                    continue
                kids = owner.K if isinstance(owner.K, pikepdf.Array) else [owner.K]
                ids = {int(k) for k in kids if isinstance(k, int)} | {
                    int(k.MCID) for k in kids if isinstance(k, pikepdf.Dictionary)
                    and "/MCID" in k and k.get("/Pg", page.obj).objgen == page.obj.objgen}
                if mcid not in ids:
                    problems.append(f"page {number}, MCID {mcid} : l'élément ne le contient pas")
            for annot in page.obj.get("/Annots", []):
                if "/StructParent" not in annot:
                    problems.append(f"page {number} : lien sans StructParent")
                    continue
                owner = parent_tree.get(int(annot.StructParent))
                # (WeasyPrint points the links of a QR code at its Figure and Span children.)
                if owner is None or not _reaches(owner, document):
                    problems.append(f"page {number} : lien hors de l'arbre de structure")
        page_objects = [obj for obj in doc.objects
                        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Page"]
        if len(page_objects) != len(doc.pages):
            problems.append(f"{len(page_objects)} objets page pour {len(doc.pages)} pages")
    return problems


def test_fiche_pdfs_pass_the_structure_checks(built):
    """The checker itself agrees with WeasyPrint's own output (and so could fail on ours)."""
    project, _ = built
    assert structure_problems(
        project / "site/fiches/securite/mots-de-passe/mots-de-passe.pdf") == []


def test_booklet_keeps_every_tag_and_link_of_its_fiches(built, titles):
    project, _report = built
    path = project / "site/fiches/securite/securite.pdf"
    assert structure_problems(path) == []
    with pikepdf.open(path) as doc:
        [document] = list(doc.Root.StructTreeRoot.K)
        articles = [kid for kid in document.K if kid.get("/S") == "/Art"]
        assert len(articles) == 2
        assert doc.Root.Lang == "fr" and doc.Root.MarkInfo.Marked
        assert b"pdfuaid:part=\"1\"" in bytes(doc.Root.Metadata.read_bytes())
        outline_titles = []
        with doc.open_outline() as outline:
            outline_titles = [item.title for item in outline.root]
        assert outline_titles[-2:] == titles


def test_contents_give_the_right_pages_and_link_to_them(built, titles):
    project, report = built
    path = project / "site/fiches/securite/securite.pdf"
    reader = PdfReader(path)
    contents = " ".join((reader.pages[1].extract_text() or "").split())
    assert "Sommaire" in contents
    learner = [r.pages for r in report.results if r.job.kind == document.FICHE
               and r.job.output.startswith("fiches/securite/")]
    assert learner == [1, 1]  # the small corpus' fiches fit on one page
    # Cover (1), contents (2), then each fiche on a recto: 3, (blank verso 4), 5.
    for title, first in zip(titles, [3, 5], strict=True):
        assert re.search(re.escape(title) + rf".*?page {first}\b", contents), contents
        assert title in " ".join((reader.pages[first - 1].extract_text() or "").split())
    assert (reader.pages[3].extract_text() or "").strip() == ""  # the blank verso
    targets = []
    for annot in reader.pages[1].get("/Annots") or []:
        annot = annot.get_object()
        assert "/A" not in annot or "livret.invalid" not in str(annot["/A"])
        if "/Dest" in annot:
            dest = reader.named_destinations[str(annot["/Dest"])]
            targets.append(reader.get_destination_page_number(dest) + 1)
    assert list(dict.fromkeys(targets)) == [3, 5]  # (one annotation per line box)
    assert "livret.invalid" not in path.read_bytes().decode("latin-1")
    pages_by_output = {r.job.output: r.pages for r in report.results}
    assert pages_by_output["fiches/securite/securite.pdf"] == len(reader.pages) == 5


def test_assembling_twice_gives_the_same_bytes(built):
    project, report = built
    [job] = [r.job for r in report.results if r.job.output == "fiches/securite/securite.pdf"]
    store = project / jobs.CACHE_DIR
    parts = tuple(str(store / f"{key}.pdf") for _, key in job.parts)
    first, second = project / "un.pdf", project / "deux.pdf"
    assert pdf.render_job(job, str(first), parts) == pdf.render_job(job, str(second), parts)
    assert first.read_bytes() == second.read_bytes()


def test_a_part_that_is_not_tagged_is_refused(built, tmp_path):
    project, _ = built
    cover = (project / "site/fiches/securite/securite.pdf").read_bytes()
    untagged = tmp_path / "plat.pdf"
    with pikepdf.new() as plain:
        plain.add_blank_page()
        plain.save(untagged)
    with pytest.raises(booklet.BookletError, match=r"plat\.pdf n'est pas un PDF balisé"):
        booklet.assemble(cover, [booklet.Part("Plate", untagged)], document.BOOKLET_LINK)


def test_the_structure_checks_catch_a_broken_merge(built, tmp_path):
    """What a naive page copy does (pypdf's append drops /StructParents) is caught."""
    project, _ = built
    broken = tmp_path / "casse.pdf"
    with pikepdf.open(project / "site/fiches/securite/securite.pdf") as doc:
        del doc.pages[-1].obj["/StructParents"]
        doc.save(broken)
    assert any("sans StructParents" in p for p in structure_problems(broken))
