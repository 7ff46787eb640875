"""What a screen reader meets in a PDF: a checker over its structure tree (pikepdf).

`problems(path)` lists, in French, what breaks the reading of a tagged PDF: no tags, no
language or title, links outside `Link` elements, running headers and footers read as
content (text in the margin bands, or marked content the tree does not reach, that is not an
`/Artifact`), runs of dots read aloud (contents leaders, lines to fill in), no `H1`, the
facilitator part (« Pour l'animateur ») not a heading, figures without alternative text, and
(`title_first`, the default) a document whose reading starts elsewhere than its `H1`.
`measure(path)` gives the figures behind them (links, artifacts, dots). The content streams are
read with a small interpreter: text position (to find the page margins), marked content (to
know what is an artifact and what the tree reaches) and ToUnicode maps (to know the text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name

MM = 72 / 25.4
TOP_BAND = 10 * MM  # text whose baseline sits this close to the top edge is a running header
BOTTOM_BAND = 19 * MM  # the footer's band (body text ends 21 mm above the bottom edge)
DOTS = re.compile(r"(?:\.\s?){5,}|(?:\u2026\s?){2,}")
FACILITATOR = re.compile(r"^\s*Pour l['\u2019]animat", re.IGNORECASE)
HEADINGS = {"/H", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6"}
IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _mul(m, n):
    """The matrix product m × n (PDF order: m applied first)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


@dataclass
class Run:
    """One piece of text drawn on a page."""

    page: int  # from 1
    text: str
    y: float  # baseline, in points from the bottom edge
    artifact: bool  # inside an /Artifact marked-content sequence
    mcid: int | None  # the innermost marked-content identifier around it


# -- text: fonts and content streams ---------------------------------------------------------

_HEX = re.compile(rb"<([0-9A-Fa-f]*)>")
_BF = re.compile(rb"beginbf(char|range)(.*?)endbf\1", re.S)


def _utf16(hexa: bytes) -> str:
    return bytes.fromhex(hexa.decode()).decode("utf-16-be", "replace")


class _Font:
    def __init__(self, font):
        self.width = 2 if font.get("/Subtype") == "/Type0" else 1
        self.map: dict[int, str] = {}
        if isinstance(font.get("/ToUnicode"), pikepdf.Stream):
            for kind, body in _BF.findall(font.ToUnicode.read_bytes()):
                items = _HEX.findall(body)
                if kind == b"char":
                    for src, dst in zip(items[::2], items[1::2], strict=False):
                        self.map[int(src, 16)] = _utf16(dst)
                        self.width = max(1, len(src) // 2)
                    continue
                for lo, hi, dst in re.findall(rb"<(\w+)>\s*<(\w+)>\s*(<\w*>|\[[^\]]*\])", body):
                    if dst.startswith(b"["):
                        for code, one in zip(range(int(lo, 16), int(hi, 16) + 1),
                                             _HEX.findall(dst), strict=False):
                            self.map[code] = _utf16(one)
                        continue
                    first = bytes.fromhex(dst[1:-1].decode())
                    for i in range(int(hi, 16) - int(lo, 16) + 1):
                        last = int.from_bytes(first[-2:], "big") + i
                        self.map[int(lo, 16) + i] = (first[:-2] + last.to_bytes(2, "big")).decode(
                            "utf-16-be", "replace")
                    self.width = max(1, len(lo) // 2)

    def decode(self, data: bytes) -> str:
        if not self.map:
            return data.decode("latin-1")
        w = self.width
        return "".join(self.map.get(int.from_bytes(data[i:i + w], "big"), "")
                       for i in range(0, len(data) - w + 1, w))


class _Reader:
    """Walks the content streams of one page: text, its position and its marked content."""

    def __init__(self, number: int, fonts: dict):
        self.number = number
        self.fonts = fonts  # objgen: _Font, shared by the pages
        self.runs: list[Run] = []
        self.marks: list[tuple[str, int | None]] = []
        self.mcids_seen: set[int] = set()

    def _font(self, resources, name):
        font = resources.get("/Font", {}).get(name) if resources is not None else None
        if font is None:
            return _Font(Dictionary())
        key = font.objgen if font.is_indirect else id(font)
        if key not in self.fonts:
            self.fonts[key] = _Font(font)
        return self.fonts[key]

    def _show(self, text: str, tm, ctm) -> None:
        y = _mul(tm, ctm)[5]
        artifact = any(tag == "/Artifact" for tag, _ in self.marks)
        mcid = next((m for _, m in reversed(self.marks) if m is not None), None)
        self.runs.append(Run(self.number, text, y, artifact, mcid))

    def read(self, stream, resources, ctm=IDENTITY, depth=0) -> None:
        stack, font, leading = [], _Font(Dictionary()), 0.0
        tm = tlm = IDENTITY
        for operands, operator in pikepdf.parse_content_stream(stream):
            op = str(operator)
            if op == "q":
                stack.append(ctm)
            elif op == "Q" and stack:
                ctm = stack.pop()
            elif op == "cm":
                ctm = _mul(tuple(float(x) for x in operands), ctm)
            elif op == "BT":
                tm = tlm = IDENTITY
            elif op == "Tf":
                font = self._font(resources, operands[0])
            elif op == "TL":
                leading = float(operands[0])
            elif op in ("Td", "TD"):
                tm = tlm = _mul((1, 0, 0, 1, float(operands[0]), float(operands[1])), tlm)
                if op == "TD":
                    leading = -float(operands[1])
            elif op == "Tm":
                tm = tlm = tuple(float(x) for x in operands)
            elif op in ("T*", "'", '"'):
                tm = tlm = _mul((1, 0, 0, 1, 0, -leading), tlm)
            if op in ("Tj", "'", '"'):
                self._show(font.decode(bytes(operands[-1])), tm, ctm)
            elif op == "TJ":
                self._show("".join(font.decode(bytes(item)) for item in operands[0]
                                   if isinstance(item, pikepdf.String)), tm, ctm)
            elif op in ("BMC", "BDC"):
                props = operands[1] if len(operands) > 1 else None
                if isinstance(props, Name) and resources is not None:
                    props = resources.get("/Properties", {}).get(props)
                mcid = int(props.MCID) if isinstance(props, Dictionary) and "/MCID" in props \
                    else None
                if mcid is not None:
                    self.mcids_seen.add(mcid)
                self.marks.append((str(operands[0]), mcid))
            elif op == "EMC" and self.marks:
                self.marks.pop()
            elif op == "Do" and depth < 8 and resources is not None:
                xobject = resources.get("/XObject", {}).get(operands[0])
                if xobject is not None and xobject.get("/Subtype") == "/Form":
                    matrix = tuple(float(x) for x in xobject.get("/Matrix", IDENTITY))
                    self.read(xobject, xobject.get("/Resources", resources),
                              _mul(matrix, ctm), depth + 1)


# -- the structure tree ----------------------------------------------------------------------

def _number_tree(node, seen=None) -> dict[int, object]:
    found, seen = {}, seen if seen is not None else set()
    if node is None or (node.objgen in seen and node.objgen != (0, 0)):
        return found
    seen.add(node.objgen)
    nums = node.get("/Nums", Array())
    for i in range(0, len(nums) - 1, 2):
        found[int(nums[i])] = nums[i + 1]
    for kid in node.get("/Kids", []):
        found.update(_number_tree(kid, seen))
    return found


@dataclass
class _Element:
    obj: Dictionary
    role: str  # the standard structure type (through the RoleMap)
    ancestors: tuple[str, ...]
    mcids: list[tuple[tuple[int, int], int]] = field(default_factory=list)  # (page objgen, mcid)
    annots: list[tuple[int, int]] = field(default_factory=list)  # objgens of OBJR targets
    kids: list[object] = field(default_factory=list)  # its MCIDs and child elements, in order


def _walk(root: Dictionary) -> list[_Element]:
    """The structure elements in reading order (depth first), with their content."""
    roles = root.get("/RoleMap", Dictionary())
    elements, seen = [], set()

    def role(s) -> str:
        s = str(s)
        for _ in range(5):
            if Name(s) in roles and str(roles[Name(s)]) != s:
                s = str(roles[Name(s)])
        return s

    def visit(obj, ancestors, page):
        if not isinstance(obj, Dictionary) or obj.objgen in seen:
            return None
        seen.add(obj.objgen)
        element = _Element(obj, role(obj.get("/S", "/NonStruct")), ancestors)
        elements.append(element)
        page = obj.Pg.objgen if "/Pg" in obj else page
        kids = obj.get("/K")
        for kid in kids if isinstance(kids, Array) else [] if kids is None else [kids]:
            if isinstance(kid, int):
                element.mcids.append((page, int(kid)))
                element.kids.append(element.mcids[-1])
            elif isinstance(kid, Dictionary) and kid.get("/Type") == "/MCR":
                element.mcids.append((kid.Pg.objgen if "/Pg" in kid else page, int(kid.MCID)))
                element.kids.append(element.mcids[-1])
            elif isinstance(kid, Dictionary) and kid.get("/Type") == "/OBJR":
                element.annots.append(kid.Obj.objgen)
            else:
                child = visit(kid, (*ancestors, element.role), page)
                if child is not None:
                    element.kids.append(child)
        return element

    kids = root.get("/K")
    for kid in kids if isinstance(kids, Array) else [] if kids is None else [kids]:
        visit(kid, (), None)
    return elements


# -- the checks ------------------------------------------------------------------------------

def _title(pdf: pikepdf.Pdf) -> str:
    title = str(pdf.docinfo.get("/Title", "")).strip() if pdf.trailer.get("/Info") else ""
    if not title:
        try:
            title = str(pdf.open_metadata().get("dc:title", "") or "").strip()
        except Exception:  # damaged XMP: as if none
            title = ""
    return title


def _short(text: str, size: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[:size - 1] + "…"


def _analyse(pdf: pikepdf.Pdf, title_first: bool) -> tuple[list[str], dict]:
    problems: list[str] = []
    figures = {"links": 0, "links_tagged": 0, "margin_text": 0, "margin_artifacts": 0,
               "untagged_text": 0, "dots_read": 0}
    root = pdf.Root
    if not bool(root.get("/MarkInfo", {}).get("/Marked", False)):
        problems.append("le PDF n'est pas déclaré balisé (MarkInfo/Marked)")
    if "/StructTreeRoot" not in root:
        problems.append("le PDF n'a pas d'arbre de structure (StructTreeRoot) : rien n'est lu "
                        "dans l'ordre")
        return problems, figures
    if not str(root.get("/Lang", "")).strip():
        problems.append("la langue du document n'est pas indiquée (/Lang)")
    if not _title(pdf):
        problems.append("le document n'a pas de titre (DocInfo /Title ou XMP dc:title)")
    if not bool(root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False)):
        problems.append("le lecteur n'affiche pas le titre du document "
                        "(ViewerPreferences/DisplayDocTitle)")
    tree = root.StructTreeRoot
    parents = _number_tree(tree.get("/ParentTree"))
    elements = _walk(tree)
    reached = {(page, mcid) for e in elements for page, mcid in e.mcids}
    by_objgen = {e.obj.objgen: e for e in elements}

    fonts: dict = {}
    text_of: dict[tuple[tuple[int, int], int], str] = {}
    real_text: list[str] = []
    for number, page in enumerate(pdf.pages, 1):
        reader = _Reader(number, fonts)
        reader.read(page.obj, page.obj.get("/Resources"))
        height = float(page.mediabox[3]) - float(page.mediabox[1])
        page_id = page.obj.objgen
        reported = 0
        for run in reader.runs:
            if not run.text.strip():
                continue
            in_margin = run.y < BOTTOM_BAND or run.y > height - TOP_BAND
            figures["margin_text"] += in_margin
            figures["margin_artifacts"] += in_margin and run.artifact
            if run.artifact:
                continue
            key = (page_id, run.mcid)
            if run.mcid is not None and key in reached:
                text_of[key] = text_of.get(key, "") + run.text
                real_text.append(run.text)
            else:
                figures["untagged_text"] += 1
            if reported < 3 and (in_margin or key not in reached):
                reported += 1
                where = "dans la marge" if in_margin else "hors de l'arbre de structure"
                problems.append(f"page {number} : « {_short(run.text)} » ({where}) est lu comme "
                                "du contenu : marquez-le comme artefact (/Artifact)")
        for annot in page.obj.get("/Annots", []):
            if annot.get("/Subtype") != "/Link":
                continue
            figures["links"] += 1
            owner = parents.get(int(annot.StructParent)) if "/StructParent" in annot else None
            element = by_objgen.get(owner.objgen) if isinstance(owner, Dictionary) else None
            if element is not None and element.role == "/Link" \
                    and annot.objgen in element.annots:
                figures["links_tagged"] += 1
            else:
                uri = annot.get("/A", {}).get("/URI", annot.get("/Dest", ""))
                problems.append(f"page {number} : le lien vers « {_short(str(uri))} » n'est pas "
                                "sous un élément Link de l'arbre de structure")
    text = " ".join(real_text)
    figures["dots_read"] = sum(len(m.group().replace(" ", "")) for m in DOTS.finditer(text))
    if figures["dots_read"]:
        problems.append(f"{figures['dots_read']} points de conduite sont lus à voix haute "
                        "(sommaire) : dessinez-les sans texte")
    _check_elements(elements, text_of, title_first, problems)
    return problems, figures


def _check_elements(elements: list[_Element], text_of: dict, title_first: bool,
                    problems: list[str]) -> None:
    def own_text(element: _Element) -> str:
        return "".join(text_of.get(key, "") for key in element.mcids)

    def full_text(element: _Element, depth: int = 0) -> str:
        return "".join(full_text(kid, depth + 1) if isinstance(kid, _Element) and depth < 30
                       else text_of.get(kid, "") if not isinstance(kid, _Element) else ""
                       for kid in element.kids)

    roles = [e.role for e in elements]
    if "/H1" not in roles and "/H" not in roles:
        problems.append("le document n'a pas de titre de niveau 1 (H1)")
    for element in elements:
        if element.role == "/Figure" and not str(element.obj.get("/Alt", "")).strip() \
                and not str(element.obj.get("/ActualText", "")).strip():
            problems.append("une image (Figure) n'a pas de texte de remplacement (/Alt)")
    # The facilitator part (« Pour l'animateur ») must be reachable by the headings.
    titles = [text for e in elements if e.role not in HEADINGS
              and len(text := full_text(e).strip()) < 40 and FACILITATOR.match(text)]
    if titles and not any(FACILITATOR.match(full_text(e).strip())
                          for e in elements if e.role in HEADINGS):
        title = _short(min(titles, key=len))
        problems.append(f"« {title} » n'est pas un titre (H2, H3…) : on ne peut pas y aller "
                        "par les titres")
    if title_first:
        first = next((e for e in elements if (e.role == "/Figure") or own_text(e).strip()),
                     None)
        if first is not None and first.role not in HEADINGS \
                and not HEADINGS & set(first.ancestors):
            what = "une image" if first.role == "/Figure" else f"« {_short(own_text(first))} »"
            problems.append(f"la lecture commence par {what} et non par le titre (H1)")


def problems(path: str | Path, title_first: bool = True) -> list[str]:
    """What a screen reader meets badly in the PDF at `path` (empty: nothing found)."""
    with pikepdf.open(path) as pdf:
        return _analyse(pdf, title_first)[0]


def measure(path: str | Path) -> dict[str, int]:
    """Links (all, under a Link element), text in the page margins (all, as artifacts), text
    outside both the tree and the artifacts, and leader dots read aloud."""
    with pikepdf.open(path) as pdf:
        return _analyse(pdf, False)[1]
