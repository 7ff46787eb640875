"""Contributor drawings (SVG) reduced to a safe subset: what `check` reports, what the site gets.

An SVG opened on the site's origin runs like a page: `<script>`, `on…=` handlers,
`<foreignObject>` HTML, `javascript:` links and external references (a request to another site,
a stylesheet…) must not reach it. `examine(data)` parses the drawing without any DTD (no
DOCTYPE, no entity: no XXE, no "billion laughs"), keeps only an allowlist of SVG elements and
attributes, and returns what it found plus the re-serialised safe drawing, which is what the
build publishes. Findings that are a risk are errors; harmless leftovers (editor metadata) are
only dropped from the published copy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.parsers import expat

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
MAX_SVG_BYTES = 1024 * 1024
MAX_ELEMENTS = 50_000
MAX_DEPTH = 100  # the cleaner and the serialiser recurse

ELEMENTS = frozenset("""
svg g defs title desc symbol use path rect circle ellipse line polyline polygon text tspan
textPath marker pattern linearGradient radialGradient stop clipPath mask image style filter
feGaussianBlur feOffset feBlend feFlood feComposite feMerge feMergeNode feColorMatrix
feDropShadow feMorphology feComponentTransfer feFuncR feFuncG feFuncB feFuncA
""".split())
# Elements that run code, embed another document, change attributes over time or link away.
UNSAFE_ELEMENTS = frozenset("""
script foreignObject iframe embed object applet a animate set animateMotion animateTransform
animateColor handler listener feImage html body
""".split())
ATTRIBUTES = frozenset("""
id class style lang role tabindex focusable
aria-label aria-labelledby aria-describedby aria-hidden
version baseProfile viewBox preserveAspectRatio width height x y x1 y1 x2 y2 cx cy r rx ry
fx fy fr d points dx dy rotate textLength lengthAdjust pathLength transform startOffset method
spacing side
refX refY markerWidth markerHeight markerUnits orient marker-start marker-mid marker-end
patternUnits patternContentUnits patternTransform gradientUnits gradientTransform spreadMethod
offset stop-color stop-opacity clip-path clip-rule clipPathUnits mask maskUnits
maskContentUnits filter filterUnits primitiveUnits in in2 result stdDeviation mode operator
k1 k2 k3 k4 values type tableValues slope intercept amplitude exponent radius flood-color
flood-opacity lighting-color color-interpolation color-interpolation-filters
fill fill-opacity fill-rule stroke stroke-width stroke-linecap stroke-linejoin
stroke-miterlimit stroke-dasharray stroke-dashoffset stroke-opacity opacity color display
visibility overflow font-family font-size font-weight font-style font-variant font-stretch
text-anchor dominant-baseline alignment-baseline baseline-shift text-decoration
letter-spacing word-spacing writing-mode direction unicode-bidi paint-order vector-effect
shape-rendering text-rendering image-rendering mix-blend-mode isolation
href
""".split())
XLINK_ATTRIBUTES = frozenset({"href", "title"})
XML_ATTRIBUTES = frozenset({"space", "lang"})
DATA_IMAGE = re.compile(r"data:image/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*\Z")
URL_REF = re.compile(r"url\(\s*(['\"]?)(?P<target>[^)'\"]*)\1\s*\)", re.I)
SCRIPT_SCHEME = re.compile(r"(?:java|vb|live)script:", re.I)
CSS_DANGER = re.compile(r"@import|expression\s*\(|-moz-binding|behavior\s*:|\\", re.I)

HINT_EDITOR = ("enregistrez le dessin en « SVG simple » depuis votre logiciel, ou retirez "
               "cette partie du fichier")


class SvgRefused(ValueError):
    """A file that cannot be read as a safe drawing at all (message in French)."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass
class Node:
    ns: str
    name: str
    attrs: list[tuple[str, str, str]]  # (namespace, local name, value)
    line: int
    children: list[Node | str] = field(default_factory=list)
    prefixes: dict[str, str] = field(default_factory=dict)  # on the root: namespace → prefix


@dataclass(frozen=True)
class Finding:
    line: int | None
    message: str
    hint: str


@dataclass(frozen=True)
class Examined:
    """What is unsafe in a drawing (errors), what was only dropped, and the safe drawing."""

    unsafe: tuple[Finding, ...]
    dropped: tuple[str, ...]
    safe: bytes


def _split(name: str) -> tuple[str, str]:
    ns, _, local = name.rpartition(" ")
    return ns, local


def parse(data: bytes) -> Node:
    """The drawing's tree; refuses DOCTYPE, entities and unreadable XML (`SvgRefused`)."""
    if len(data) > MAX_SVG_BYTES:
        raise SvgRefused(f"dessin trop lourd ({len(data) // 1024} Ko, "
                         f"{MAX_SVG_BYTES // 1024} Ko au plus)")
    if re.search(rb"<!\s*(?:DOCTYPE|ENTITY)", data, re.I):
        raise SvgRefused("déclaration <!DOCTYPE> ou <!ENTITY> interdite dans un dessin")
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.ordered_attributes = True
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    stack: list[Node] = []
    roots: list[Node] = []
    prefixes: dict[str, str] = {}
    count = 0

    def refuse(*_args):
        raise SvgRefused("déclaration <!DOCTYPE> ou <!ENTITY> interdite dans un dessin",
                         parser.CurrentLineNumber)

    def start(name, attrs):
        nonlocal count
        count += 1
        if count > MAX_ELEMENTS:
            raise SvgRefused(f"dessin trop complexe (plus de {MAX_ELEMENTS} éléments)")
        if len(stack) >= MAX_DEPTH:
            raise SvgRefused(f"dessin trop imbriqué (plus de {MAX_DEPTH} niveaux)",
                             parser.CurrentLineNumber)
        ns, local = _split(name)
        pairs = [(*_split(attrs[i]), attrs[i + 1]) for i in range(0, len(attrs), 2)]
        node = Node(ns, local, pairs, parser.CurrentLineNumber)
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)

    def end(_name):
        stack.pop()

    def text(data):
        if stack:
            stack[-1].children.append(data)

    def namespace(prefix, uri):
        prefixes.setdefault(uri or "", prefix or "")

    def instruction(target, _data):
        raise SvgRefused(f"instruction « <?{target} …?> » interdite dans un dessin",
                         parser.CurrentLineNumber)

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.ProcessingInstructionHandler = instruction
    parser.StartNamespaceDeclHandler = namespace
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise SvgRefused(f"dessin illisible ({expat.errors.messages.get(exc.code, exc)})",
                         exc.lineno) from None
    if not roots or roots[0].ns != SVG_NS or roots[0].name != "svg":
        raise SvgRefused("ce fichier n'est pas un dessin SVG (balise <svg> avec "
                         f"xmlns=\"{SVG_NS}\" attendue)")
    roots[0].prefixes = prefixes
    return roots[0]


def _attr_name(ns: str, name: str) -> str:
    return {XLINK_NS: "xlink:", XML_NS: "xml:"}.get(ns, "") + name


def _allowed_attr(ns: str, name: str) -> bool:
    if ns == "":
        return name in ATTRIBUTES
    return name in {XLINK_NS: XLINK_ATTRIBUTES, XML_NS: XML_ATTRIBUTES}.get(ns, ())


def css_problem(css: str) -> str | None:
    """Why a piece of CSS (a `style` attribute or element) is unsafe, or None."""
    compact = re.sub(r"[\x00-\x20\x7f]", "", css)
    if CSS_DANGER.search(css) or SCRIPT_SCHEME.search(compact):
        return "CSS avec @import, expression, échappement « \\ » ou adresse javascript:"
    return _url_problem(css)


def _url_problem(value: str) -> str | None:
    for m in URL_REF.finditer(value):
        if not m.group("target").strip().startswith("#"):
            return f"référence externe « {m.group(0)} » (seul « url(#…) » est permis)"
    if re.search(r"url\s*\(", value, re.I) and not URL_REF.search(value):
        return "« url( » mal formé"
    return None


def _attr_problem(node: Node, ns: str, name: str, value: str) -> str | None:
    shown = _attr_name(ns, name)
    if name.lower().startswith("on"):
        return f"attribut « {shown}= » interdit (code exécuté par le navigateur)"
    compact = re.sub(r"[\x00-\x20\x7f]", "", value)
    if SCRIPT_SCHEME.search(compact):
        return f"adresse javascript: dans « {shown}= »"
    if name == "href" and ns in ("", XLINK_NS):
        if compact.startswith("#") or (node.name == "image" and DATA_IMAGE.match(compact)):
            return None
        return (f"référence externe « {shown}=\"{value[:60]}\" » (seuls « #identifiant » et les "
                "images data:image/png, jpeg, gif ou webp sont permis)")
    if name == "style":
        problem = css_problem(value)
        return f"« style= » : {problem}" if problem else None
    problem = _url_problem(value)
    return f"« {shown}= » : {problem}" if problem else None


class _Cleaner:
    def __init__(self, prefixes: dict[str, str]):
        self.unsafe: list[Finding] = []
        self.dropped: set[str] = set()
        self.prefixes = prefixes

    def shown(self, ns: str, name: str) -> str:
        """A name as the author wrote it (`inkscape:label`), for messages."""
        prefix = self.prefixes.get(ns, "") if ns not in ("", SVG_NS) else ""
        return f"{prefix}:{name}" if prefix else _attr_name(ns, name)

    def node(self, node: Node) -> Node | None:
        """The safe copy of `node` (None when dropped); unsafe parts are noted on the way."""
        unsafe = node.name in UNSAFE_ELEMENTS
        if unsafe:
            self.unsafe.append(Finding(node.line, f"élément « <{node.name}> » interdit dans un "
                                       "dessin (code, contenu intégré, animation ou lien)",
                                       "retirez-le : un dessin du site reste une image fixe"))
        keep = not unsafe and node.ns == SVG_NS and node.name in ELEMENTS
        if not keep and not unsafe:
            self.dropped.add(f"<{self.shown(node.ns, node.name)}>")
        attrs = []
        for ns, name, value in node.attrs:
            problem = _attr_problem(node, ns, name, value)
            if problem:
                self.unsafe.append(Finding(node.line, problem, "retirez-le du dessin"))
            elif _allowed_attr(ns, name):
                attrs.append((ns, name, value))
            elif keep:
                self.dropped.add(self.shown(ns, name) + "=")
        children: list[Node | str] = []
        for child in node.children:  # dropped parts are read too: their risks are reported
            if isinstance(child, str):
                children.append(child)
            elif (kept := self.node(child)) is not None:
                children.append(kept)
        if not keep:
            return None
        if node.name == "style":
            css = "".join(c for c in children if isinstance(c, str))
            problem = css_problem(css)
            if problem:
                self.unsafe.append(Finding(node.line, f"« <style> » : {problem}",
                                           "mettez les couleurs dans les attributs fill et "
                                           "stroke des formes"))
                return None
            children = [css]
        return Node(node.ns, node.name, attrs, node.line, children)


def _escape(text: str, quote: bool = False) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if quote:
        text = text.replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")
    return text


def _uses_xlink(node: Node) -> bool:
    return any(ns == XLINK_NS for ns, _, _ in node.attrs) or any(
        _uses_xlink(c) for c in node.children if isinstance(c, Node))


def serialize(node: Node, top: bool = True) -> str:
    parts = [f"<{node.name}"]
    if top:
        parts.append(f' xmlns="{SVG_NS}"')
        if _uses_xlink(node):
            parts.append(f' xmlns:xlink="{XLINK_NS}"')
    for ns, name, value in node.attrs:
        parts.append(f' {_attr_name(ns, name)}="{_escape(value, quote=True)}"')
    if not node.children:
        return "".join(parts) + "/>"
    parts.append(">")
    for child in node.children:
        parts.append(_escape(child) if isinstance(child, str) else serialize(child, False))
    parts.append(f"</{node.name}>")
    return "".join(parts)


def examine(data: bytes) -> Examined:
    """Unsafe constructs of a drawing and its safe copy; `SvgRefused` if it is no drawing."""
    root = parse(data)
    cleaner = _Cleaner(root.prefixes)
    safe = cleaner.node(root)
    if safe is None:  # pragma: no cover - the root is an <svg> element, always kept
        raise SvgRefused("ce fichier n'est pas un dessin SVG")
    return Examined(tuple(cleaner.unsafe), tuple(sorted(cleaner.dropped)),
                    (serialize(safe) + "\n").encode("utf-8"))


def sanitize(data: bytes) -> bytes:
    """The safe copy of a drawing, as published (`SvgRefused` if it is no drawing)."""
    return examine(data).safe
