"""Module booklets assembled from the PDFs of their fiches, without laying anything out twice.

A booklet is a cover with its table of contents (laid out by WeasyPrint, see `render.py`) followed
by the learner PDF of each fiche exactly as it was already rendered and cached. Laying out every
fiche a second time inside one long document cost as much as all the fiche PDFs together and
made a one-word edit re-render the whole module (benchmarks/RESULTS.md); copying pages is cheap.

The copy keeps the booklet accessible (PDF/UA): the structure tree of each fiche becomes an
`Art` element of the booklet's `Document`, the parent-tree keys of its pages and links are
shifted past those already used, and the named destinations (anchors such as `fiche-<slug>`, which
the table of contents points to) are merged, so tags, reading order and links survive.
pikepdf (qpdf) copies each source's objects once, whichever path reaches them, and writes
compressed object streams: a booklet weighs about the sum of its fiches.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, String

FICHE_ROLE = Name.Art  # each fiche is a self-contained article of the booklet


class BookletError(Exception):
    """A part could not be merged (not a tagged PDF, or damaged)."""


@dataclass(frozen=True)
class Part:
    """One fiche of a booklet: its title (for the bookmarks) and its rendered learner PDF."""

    title: str
    path: Path


def page_counts(parts: Sequence[Part]) -> list[int]:
    """Number of pages of each part, in order (the table of contents needs them first)."""
    counts = []
    for part in parts:
        with pikepdf.open(part.path) as pdf:
            counts.append(len(pdf.pages))
    return counts


def first_pages(cover_pages: int, counts: Sequence[int]) -> list[int]:
    """Page number (from 1) where each part starts: always a recto (an odd page), so that a
    duplex print gives each fiche its own sheets; `assemble` adds the blank versos."""
    starts, page = [], cover_pages + 1
    for count in counts:
        page += (page + 1) % 2  # move to the next odd page
        starts.append(page)
        page += count
    return starts


def _tree_pairs(node, entries: str, key) -> list[tuple[object, object]]:
    """The (key, value) pairs of a PDF number tree (`/Nums`, `key=int`) or name tree
    (`/Names`, `key=str`), leaves and kids alike."""
    if node is None:
        return []
    pairs = []
    if entries in node:
        items = node[entries]
        pairs.extend((key(items[i]), items[i + 1]) for i in range(0, len(items), 2))
    for kid in node.get("/Kids", []):
        pairs.extend(_tree_pairs(kid, entries, key))
    return pairs


def _number_tree(node) -> list[tuple[int, object]]:
    return sorted(_tree_pairs(node, "/Nums", int), key=lambda pair: pair[0])


def _name_tree(node) -> list[tuple[str, object]]:
    return _tree_pairs(node, "/Names", str)


def _dests(pdf: pikepdf.Pdf):
    return pdf.Root.Names.get("/Dests") if "/Names" in pdf.Root else None


def _tree(pdf: pikepdf.Pdf, name: str):
    """The structure tree root of a tagged PDF and its single `Document` element."""
    try:
        tree = pdf.Root.StructTreeRoot
        [document] = list(tree.K) if isinstance(tree.K, Array) else [tree.K]
        tree.ParentTree  # noqa: B018 - must exist
    except (AttributeError, KeyError, ValueError) as exc:
        raise BookletError(f"{name} n'est pas un PDF balisé (PDF/UA)") from exc
    return tree, document


class _Assembly:
    """A booklet being built: the cover's document, to which fiches are appended."""

    def __init__(self, cover: bytes, link_prefix: str):
        self.pdf = pikepdf.open(io.BytesIO(cover))
        self.tree, self.document = _tree(self.pdf, "la couverture du livret")
        if not isinstance(self.document.get("/K"), Array):
            kids = self.document.get("/K")
            self.document.K = Array([] if kids is None else [kids])
        self.parent_tree = _number_tree(self.tree.ParentTree)
        self.next_key = max((key for key, _ in self.parent_tree), default=-1) + 1
        self.dests = _name_tree(_dests(self.pdf))
        self.targets = self._point_links(link_prefix)
        self.sources: list[pikepdf.Pdf] = []  # kept open until saved: qpdf reads lazily

    def _point_links(self, prefix: str) -> set[str]:
        """Turn the cover's links to `<prefix><anchor>` into links to the named destination
        `<anchor>` (a fiche appended later); return the anchors so pointed at."""
        targets = set()
        for page in self.pdf.pages:
            for annot in page.obj.get("/Annots", []):
                uri = str(annot.get("/A", {}).get("/URI", ""))
                if uri.startswith(prefix):
                    anchor = uri[len(prefix):]
                    del annot["/A"]
                    annot.Dest = String(anchor)
                    targets.add(anchor)
        return targets

    def _copy(self, obj):
        """A foreign object in this PDF (direct containers are rebuilt around their items)."""
        if isinstance(obj, Array | Dictionary) and obj.is_indirect:
            return self.pdf.copy_foreign(obj)
        if isinstance(obj, Array):
            return Array([self._copy(item) for item in obj])
        if isinstance(obj, Dictionary):
            return Dictionary({key: self._copy(value) for key, value in obj.items()})
        return obj

    def append(self, part: Part) -> int:
        """Copy the pages of one fiche and graft its structure tree; return its first page."""
        try:
            source = pikepdf.open(part.path)
        except (OSError, pikepdf.PdfError) as exc:
            raise BookletError(f"{part.path.name} est illisible ({exc})") from exc
        self.sources.append(source)
        tree, document = _tree(source, part.path.name)
        pairs = _number_tree(tree.ParentTree)
        offset = self.next_key
        if len(self.pdf.pages) % 2:  # start on a recto: a blank verso before
            box = self.pdf.pages[-1].mediabox
            self.pdf.add_blank_page(page_size=(float(box[2]), float(box[3])))
        first = len(self.pdf.pages)
        # Pages first, so that the structure elements copied next point at the copies.
        self.pdf.pages.extend(source.pages)
        for page in self.pdf.pages[first:]:
            if "/StructParents" in page.obj:
                page.obj.StructParents = int(page.obj.StructParents) + offset
            for annot in page.obj.get("/Annots", []):
                if "/StructParent" in annot:
                    annot.StructParent = int(annot.StructParent) + offset
        del document["/P"]  # do not drag the part's tree root along
        article = self.pdf.copy_foreign(document)
        article.S = FICHE_ROLE
        article.P = self.document
        self.document.K.append(article)
        self.parent_tree.extend((key + offset, self._copy(value)) for key, value in pairs)
        self.next_key = offset + max((key for key, _ in pairs), default=-1) + 1
        self.dests.extend((name, self._copy(dest)) for name, dest in _name_tree(_dests(source)))
        with self.pdf.open_outline() as outline:
            outline.root.append(pikepdf.OutlineItem(part.title, first))
        return first

    def finish(self) -> bytes:
        missing = self.targets - {name for name, _ in self.dests}
        if missing:
            raise BookletError(f"le sommaire renvoie à des fiches absentes : {sorted(missing)}")
        nums = Array()
        for key, value in self.parent_tree:
            nums.extend([key, value])
        self.tree.ParentTree = self.pdf.make_indirect(Dictionary(Nums=nums))
        self.tree.ParentTreeNextKey = self.next_key
        names = Array()
        for name, dest in sorted(self.dests, key=lambda pair: pair[0]):
            names.extend([String(name), dest])
        if "/Names" not in self.pdf.Root:
            self.pdf.Root.Names = Dictionary()
        self.pdf.Root.Names.Dests = self.pdf.make_indirect(Dictionary(Names=names))
        self.pdf.Root.PageMode = Name.UseOutlines
        out = io.BytesIO()
        # Same inputs, same bytes (the trailer /ID is derived from the content).
        self.pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate,
                      deterministic_id=True)
        for source in self.sources:
            source.close()
        return out.getvalue()


def assemble(cover: bytes, parts: Sequence[Part], link_prefix: str) -> tuple[bytes, int]:
    """The booklet: `cover` (a tagged PDF) then every part; its bytes and page count.

    Links of the cover whose URL is `link_prefix` + an anchor lead to that anchor in the parts
    (the contents: `…#fiche-<slug>`, the id of each fiche's article)."""
    assembly = _Assembly(cover, link_prefix)
    for part in parts:
        assembly.append(part)
    return assembly.finish(), len(assembly.pdf.pages)
