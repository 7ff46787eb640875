"""Reading a fiche's Markdown as text: code masked, offsets to lines, URLs and anchors.

Shared by the content rules (`rules/`), the linter and the build; nothing here reports.
"""

from __future__ import annotations

import bisect
import html
import re
from functools import cache
from pathlib import Path

from fichotheque.content import facilitator as voices
from fichotheque.content.model import FACILITATOR_RE, FICHES_DIR, MODULE_FILE, scan_sections

ALLOWED_HTML = ("abbr", "kbd", "br", "sup", "sub")
UNSAFE_HTML = frozenset({
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "style", "link",
    "meta", "base", "form", "input", "button", "textarea", "select", "option", "svg", "math",
    "template", "noscript", "portal", "xmp", "plaintext",
})
UNSAFE_SCHEMES = frozenset({"javascript", "vbscript", "data"})
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
MARKDOWN_FOR = {
    "a": "écrivez le lien en Markdown : [texte](adresse)",
    "img": "insérez l'image en Markdown : ![description](images/fichier.png)",
    "b": "écrivez **texte** pour le gras", "strong": "écrivez **texte** pour le gras",
    "i": "écrivez *texte* pour l'italique", "em": "écrivez *texte* pour l'italique",
    "p": "séparez les paragraphes par une ligne vide",
}

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)
LINK = re.compile(
    r"(?P<bang>!?)\[(?P<text>(?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]"
    r"\(\s*(?P<url><[^>\n]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)"
    r"(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)"
)
REF_DEF = re.compile(r"^ {0,3}\[(?P<label>[^\]^][^\]]*)\]:[ \t]*(?P<url><[^>\n]*>|\S+)", re.M)
REF_IMAGE = re.compile(r"!\[(?P<text>[^\[\]\n]*)\]\[(?P<label>[^\[\]\n]*)\]")
TAG = re.compile(
    r"<(?P<close>/?)(?P<name>[a-zA-Z][a-zA-Z0-9-]*)(?=[\s/>])"
    r"(?P<attrs>(?:\"[^\"]*\"|'[^']*'|[^'\">])*)>?"
)
ATTR = re.compile(r"(?P<name>[^\s\"'>/=]+)(?:\s*=\s*(?P<value>\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?")
ATTR_LIST = re.compile(r"\{:?[ \t]*(?P<body>[^{}\n]*=[^{}\n]*)\}")
HANDLER = re.compile(r"(?:^|[\s\"'/])(?P<name>on[a-z]+)\s*=", re.I)
# `(?<![\w-])on…` and `(?<![\w:]):…` written with the look-behind after the first character (it
# then checks that character too): the same matches, found far faster from a literal start.
STRAY_HANDLER = re.compile(r"(?P<name>o(?<![\w-][oO])n[a-z]{3,})\s*=", re.I)
SCRIPT_URL = re.compile(r"(?:java|vb)script\s*:", re.I)
DATA_URL = re.compile(r"\bdata:[a-z]+/", re.I)
JINJA = re.compile(r"\{\{|\{%|\{#")
ATTR_LIST_ID = re.compile(r"\{#[A-Za-z][\w:.-]*(?:[ \t]+[^{}#\n]*)?\}")
EMOJI = re.compile(r":(?<![\w:]:)(?P<name>[a-z0-9_+-]+):(?![\w:])")
WORD = re.compile(r"\w+(?:['’-]\w+)*")
HEADING_ATTRS = re.compile(r"\s*\{[^{}]*\}\s*$")
HTML_TAG_IN_TEXT = re.compile(r"<\s*/?\s*[a-zA-Z!?]")
NEWLINE = re.compile("\n")


class Lines:
    """Turns offsets in the body into line numbers of the file."""

    def __init__(self, text: str, first_line: int):
        self.starts = [0] + [m.end() for m in NEWLINE.finditer(text)]
        self.first_line = first_line

    def line(self, offset: int) -> int:
        return self.first_line + bisect.bisect_right(self.starts, offset) - 1


def mask_code(body: str) -> str:
    """The body with fenced code blocks and code spans blanked (same offsets and lines).

    Code shows text, it is never interpreted: `<script>` in a code span is a lesson, not a risk.
    """
    out = []
    fence = None
    for line in body.splitlines(keepends=True):
        m = FENCE.match(line)
        if fence is None and m:
            fence = m.group(1)
            out.append(blank(line))
        elif fence is not None:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
            out.append(blank(line))
        else:
            out.append(line)
    text = "".join(out)
    return CODE_SPAN.sub(lambda m: blank(m.group(0)), text)


def decode(data: bytes) -> str:
    """File bytes as `Path.read_text(encoding="utf-8")` returns them (universal newlines)."""
    return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


def blank(text: str) -> str:
    return "".join(c if c == "\n" else " " for c in text)


def url_scheme(url: str) -> str:
    """The scheme a browser would see (`javascript`, `https`…), or "" for a relative URL.

    Browsers ignore entities, control characters, spaces and case in a scheme:
    `JaVa&#x09;script:` is `javascript:`.
    """
    text = html.unescape(html.unescape(url))
    text = re.sub(r"[\x00-\x20\x7f\\]", "", text).lower()
    m = re.match(r"([a-z][a-z0-9+.-]*):", text)
    return m.group(1) if m else ""


def strip_angle(url: str) -> str:
    url = url.strip()
    return url[1:-1].strip() if url.startswith("<") and url.endswith(">") else url


def heading_ids(body: str, body_line: int = 1) -> set[str]:
    """Anchors of a fiche's headings as the `toc` extension makes them (`{#id}` included)."""
    from markdown.extensions.toc import slugify

    ids: set[str] = set()
    for section in scan_sections(body, body_line):
        title = section.title
        attrs = HEADING_ATTRS.search(title)
        if attrs:
            explicit = re.search(r"#([\w:.-]+)", attrs.group(0))
            if explicit:
                ids.add(explicit.group(1))
                continue
            title = title[: attrs.start()]
        title = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", title)
        title = re.sub(r"<[^>]+>", "", title)
        title = re.sub(r"[*_`]", "", html.unescape(title))
        base = slugify(title, "-")
        candidate, n = base, 0
        while candidate in ids:
            n += 1
            candidate = f"{base}_{n}"
        ids.add(candidate)
    return ids


@cache
def twemoji_names() -> frozenset[str]:
    """Emoji shortcodes that Material renders as images from a CDN."""
    try:
        from pymdownx import twemoji_db
    except ImportError:  # pragma: no cover - pymdown-extensions comes with Material
        return frozenset()
    return frozenset(name.strip(":") for name in (*twemoji_db.emoji, *twemoji_db.aliases))


def fiche_files(root: Path) -> list[Path]:
    """The fiche files, chosen as `fiches.load_corpus` chooses them."""
    base = root / FICHES_DIR
    if not base.is_dir():
        return []
    found = []
    for folder in sorted(p for p in base.iterdir() if p.is_dir() and not p.is_symlink()
                         and not p.name.startswith((".", "_")) and p.name != "images"):
        markdown = sorted(p for p in folder.glob("*.md") if p.is_file() and not p.is_symlink())
        if markdown or (folder / MODULE_FILE).exists():
            found.extend(markdown)
    return found


def learner_lines(body: str):
    """(offset, line) of the learner part: the v2 facilitator section and the old
    `!!! note "Pour l'animateur"` block (its indented lines) left out."""
    body, _ = voices.split(body)  # v2: everything from `## Pour l'animateur` on
    skipping = False
    for offset, line in enumerate(body.splitlines()):
        if FACILITATOR_RE.match(line):
            skipping = True
            continue
        if skipping:
            if not line.strip() or line.startswith(("    ", "\t")):
                continue
            skipping = False
        yield offset, line


def count_words(body: str) -> int:
    """Words a learner reads: the facilitator block, URLs, code markers and tags excluded."""
    kept = [line for _, line in learner_lines(body)]
    text = "\n".join(kept)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    text = re.sub(r"(?:https?://|www\.)\S+", " ", text)
    text = re.sub(r"<[^>]+>", " ", text)
    return len(WORD.findall(text))


# -- the linter ------------------------------------------------------------------------------


def unescaped(text: str) -> str:
    """Entities decoded in place, keeping offsets when the decoded text has the same length."""
    decoded = html.unescape(text)
    return decoded if len(decoded) == len(text) else re.sub(
        r"&#?\w+;", lambda m: html.unescape(m.group(0)).ljust(len(m.group(0))), text)
