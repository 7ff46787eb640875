"""Three corrections to the tags WeasyPrint writes, made on its PDF before it is cached.

- Running headers and footers (the page margin boxes: the footer with the licence and the
  version, the page number, the kit's band) get marked content whose structure elements are
  kept out of the tree: a screen reader meets them as untagged text on every page. They become
  `/Artifact` (pagination) marked content, and leave the parent tree.
- A link annotation is attached to the structure element of each box the link covers (the
  image of a QR code, a span inside a link…), not always to a `Link` element. Each goes to the
  nearest `Link` element above, as PDF/UA asks.
- WeasyPrint tags page by page: an element cut by a page break (the article, a list, a
  paragraph) or by a line break (a list shown inline) becomes two elements, and a screen reader
  announces two lists. `install` makes WeasyPrint note on each element which HTML element it
  comes from (`SOURCE`); neighbours from the same HTML element are merged back into one.

`tags.py` checks the result (and the tests run it over the real documents).
"""

from __future__ import annotations

import io

import pikepdf
from pikepdf import Array, Dictionary, Name

ARTIFACT = Dictionary(Type=Name.Pagination)
SOURCE = "/FichothequeSource"  # which HTML element a structure element comes from (removed)


def install() -> None:
    """Have WeasyPrint's tagging note the HTML element of each structure element (`SOURCE`).

    It wraps WeasyPrint's recursive tree builder, a private function: when a WeasyPrint
    version lacks it, nothing is noted and the split elements stay split (`tags.py` tells)."""
    try:
        from weasyprint.pdf import tags as weasy_tags

        original = weasy_tags._build_box_tree
    except (ImportError, AttributeError):  # pragma: no cover - another WeasyPrint
        return
    if getattr(original, "fichotheque", False):
        return

    def build(box, *args, **kwargs):
        source = getattr(box, "_box", box).element  # (an absolute box's placeholder)
        for element in original(box, *args, **kwargs):
            if source is not None:
                element[SOURCE[1:]] = id(source)
            yield element

    build.fichotheque = True
    weasy_tags._build_box_tree = build


def _kids(element) -> list:
    kids = element.get("/K")
    return list(kids) if isinstance(kids, Array) else [] if kids is None else [kids]


def _reached(root) -> tuple[set[tuple[tuple[int, int], int]], set[tuple[int, int]]]:
    """(page objgen, MCID) of the marked content the tree reaches, and its elements' objgens."""
    mcids, seen = set(), set()
    todo = [(kid, None) for kid in _kids(root)]
    while todo:
        obj, page = todo.pop()
        if isinstance(obj, int):
            if page is not None:
                mcids.add((page, int(obj)))
            continue
        if not isinstance(obj, Dictionary):
            continue
        if obj.get("/Type") == "/MCR":
            mcids.add((obj.Pg.objgen if "/Pg" in obj else page, int(obj.MCID)))
            continue
        if obj.get("/Type") == "/OBJR" or obj.objgen in seen:
            continue
        seen.add(obj.objgen)
        page = obj.Pg.objgen if "/Pg" in obj else page
        todo.extend((kid, page) for kid in _kids(obj))
    return mcids, seen


def _parent_tree(tree) -> dict[int, object]:
    found = {}
    todo = [tree.ParentTree]
    while todo:
        node = todo.pop()
        nums = node.get("/Nums", Array())
        for i in range(0, len(nums) - 1, 2):
            found[int(nums[i])] = nums[i + 1]
        todo.extend(node.get("/Kids", []))
    return found


def _artifacts(pdf: pikepdf.Pdf, reached: set, parents: dict) -> int:
    """Turn the marked content the tree does not reach into artifacts; return how many."""
    count = 0
    for page in pdf.pages:
        page_id = page.obj.objgen
        instructions = pikepdf.parse_content_stream(page)
        changed, here = [], 0
        for operands, operator in instructions:
            props = operands[1] if str(operator) == "BDC" and len(operands) > 1 else None
            if isinstance(props, Dictionary) and "/MCID" in props \
                    and (page_id, int(props.MCID)) not in reached:
                mcid = int(props.MCID)
                entry = parents.get(int(page.obj.get("/StructParents", -1)))
                if isinstance(entry, Array) and mcid < len(entry):
                    entry[mcid] = None
                changed.append(pikepdf.ContentStreamInstruction(
                    [Name.Artifact, ARTIFACT], pikepdf.Operator("BDC")))
                here += 1
            else:
                changed.append(pikepdf.ContentStreamInstruction(operands, operator))
        if here:
            count += here
            page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(changed))
    return count


def _links(pdf: pikepdf.Pdf, parents: dict, elements: set) -> int:
    """Attach each link annotation to the nearest `Link` element; return how many moved."""
    moved = 0
    for page in pdf.pages:
        for annot in page.obj.get("/Annots", []):
            if annot.get("/Subtype") != "/Link" or "/StructParent" not in annot:
                continue
            owner = parents.get(int(annot.StructParent))
            if not isinstance(owner, Dictionary) or owner.get("/S") == "/Link":
                continue
            link = owner.get("/P")
            for _ in range(20):
                if not isinstance(link, Dictionary) or link.get("/S") == "/Link":
                    break
                link = link.get("/P")
            if not isinstance(link, Dictionary) or link.get("/S") != "/Link" \
                    or link.objgen not in elements:
                continue
            kept = Array([kid for kid in _kids(owner) if not (
                isinstance(kid, Dictionary) and kid.get("/Type") == "/OBJR"
                and kid.Obj.objgen == annot.objgen)])
            owner.K = kept
            link.K = Array([*_kids(link), pdf.make_indirect(Dictionary(
                Type=Name.OBJR, Obj=annot, Pg=page.obj))])
            parents[int(annot.StructParent)] = link
            moved += 1
    return moved


def _same(a, b) -> bool:
    return isinstance(a, Dictionary) and isinstance(b, Dictionary) and SOURCE in a \
        and SOURCE in b and a.get("/S") == b.get("/S") and int(a[SOURCE]) == int(b[SOURCE])


def _absorb(keep, gone) -> None:
    """Move the content of `gone` (the next piece of the same HTML element) into `keep`."""
    page = keep.get("/Pg")
    other = gone.get("/Pg")
    moved = []
    for kid in _kids(gone):
        if isinstance(kid, int) and other is not None and (page is None
                                                          or other.objgen != page.objgen):
            kid = Dictionary(Type=Name.MCR, MCID=kid, Pg=other)
        elif isinstance(kid, Dictionary) and kid.get("/Type") == "/MCR" and "/Pg" not in kid \
                and other is not None:
            kid.Pg = other
        elif isinstance(kid, Dictionary) and "/S" in kid:
            kid.P = keep
        moved.append(kid)
    keep.K = Array([*_kids(keep), *moved])


def _merge(pdf: pikepdf.Pdf, tree, parents: dict) -> int:
    """Merge neighbouring pieces of one HTML element, and drop the `SOURCE` notes; return how
    many elements changed."""
    replaced: dict[tuple[int, int], object] = {}
    cleaned = 0
    todo, seen = [tree], set()
    while todo:
        element = todo.pop()
        if element.objgen in seen:
            continue
        seen.add(element.objgen)
        merged = []
        for kid in _kids(element):
            if merged and _same(merged[-1], kid):
                _absorb(merged[-1], kid)
                replaced[kid.objgen] = merged[-1]
            else:
                merged.append(kid)
        if len(merged) != len(_kids(element)):
            element.K = Array(merged)
        todo.extend(kid for kid in merged if isinstance(kid, Dictionary) and "/S" in kid)
        if SOURCE in element:
            del element[SOURCE]
            cleaned += 1

    def survivor(obj):
        while isinstance(obj, Dictionary) and obj.objgen in replaced:
            obj = replaced[obj.objgen]
        return obj

    if replaced:
        for key, value in parents.items():
            if isinstance(value, Array):
                parents[key] = Array([survivor(item) for item in value])
            else:
                parents[key] = survivor(value)
    return len(replaced) + cleaned


def fix(data: bytes) -> bytes:
    """The PDF `data` (tagged by WeasyPrint) with the corrections above."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        tree = pdf.Root.get("/StructTreeRoot")
        if tree is None or "/ParentTree" not in tree:
            return data
        reached, elements = _reached(tree)
        parents = _parent_tree(tree)
        changed = _artifacts(pdf, reached, parents) + _links(pdf, parents, elements)
        changed += _merge(pdf, tree, parents)
        if not changed:
            return data
        nums = Array()
        for key in sorted(parents):
            nums.extend([key, parents[key]])
        tree.ParentTree = pdf.make_indirect(Dictionary(Nums=nums))
        out = io.BytesIO()
        pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate,
                 compress_streams=True, deterministic_id=True)
        return out.getvalue()
