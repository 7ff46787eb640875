"""Content rules of `fichotheque check` beyond the fiche contract checked in `fiches.py`.

`fiches.py` validates the front matter schema, licences, sections and uniqueness; this module
reads the Markdown itself: links and images, raw HTML and unsafe URLs (contributor Markdown is
untrusted), Jinja syntax (fiches never render macros), length for two printed pages, and text
left over from the template. Every rule yields `Problem`s with a French message and a hint.

Rule ids (the `rule` field of `--format json`): `link-broken`, `link-anchor`, `image-missing`,
`image-alt`, `image-size`, `image-external`, `html`, `html-unsafe`, `unsafe-url`, `jinja`,
`length`, `template`.
"""

from __future__ import annotations

import bisect
import datetime as dt
import difflib
import html
import logging
import os
import posixpath
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import unquote

from fichotheque.fiches import (
    FACILITATOR_RE,
    FICHES_DIR,
    MODULE_FILE,
    Corpus,
    load_corpus,
    scan_sections,
)
from fichotheque.frontmatter import FrontMatterError, split
from fichotheque.problems import ERROR, WARNING, Problem, sort_key

log = logging.getLogger("mkdocs.plugins.fichotheque.lint")

TEMPLATE = f"{FICHES_DIR}/MODELE.md"
DOCS_DIR = "docs"

# Test-only switch: build a site even when the content rules fail, to prove that the sanitizer
# alone keeps hostile content out of the HTML. Never set it to publish a site.
SKIP_ENV = "FICHOTHEQUE_TESTS_SKIP_LINT"


@dataclass(frozen=True)
class Limits:
    """Thresholds of the length and image rules (two printed A4 pages, light pages)."""

    max_words: int = 1100
    min_words: int = 300
    max_image_bytes: int = 500 * 1024


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

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)
_LINK = re.compile(
    r"(?P<bang>!?)\[(?P<text>(?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]"
    r"\(\s*(?P<url><[^>\n]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)"
    r"(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)"
)
_REF_DEF = re.compile(r"^ {0,3}\[(?P<label>[^\]^][^\]]*)\]:[ \t]*(?P<url><[^>\n]*>|\S+)", re.M)
_REF_IMAGE = re.compile(r"!\[(?P<text>[^\[\]\n]*)\]\[(?P<label>[^\[\]\n]*)\]")
_TAG = re.compile(
    r"<(?P<close>/?)(?P<name>[a-zA-Z][a-zA-Z0-9-]*)(?=[\s/>])"
    r"(?P<attrs>(?:\"[^\"]*\"|'[^']*'|[^'\">])*)>?"
)
_ATTR = re.compile(r"(?P<name>[^\s\"'>/=]+)(?:\s*=\s*(?P<value>\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?")
_ATTR_LIST = re.compile(r"\{:?[ \t]*(?P<body>[^{}\n]*=[^{}\n]*)\}")
_HANDLER = re.compile(r"(?:^|[\s\"'/])(?P<name>on[a-z]+)\s*=", re.I)
_STRAY_HANDLER = re.compile(r"(?<![\w-])(?P<name>on[a-z]{3,})\s*=", re.I)
_SCRIPT_URL = re.compile(r"(?:java|vb)script\s*:", re.I)
_DATA_URL = re.compile(r"\bdata:[a-z]+/", re.I)
_JINJA = re.compile(r"\{\{|\{%|\{#")
_ATTR_LIST_ID = re.compile(r"\{#[A-Za-z][\w:.-]*(?:[ \t]+[^{}#\n]*)?\}")
_EMOJI = re.compile(r"(?<![\w:]):(?P<name>[a-z0-9_+-]+):(?![\w:])")
_WORD = re.compile(r"\w+(?:['’-]\w+)*")
_HEADING_ATTRS = re.compile(r"\s*\{[^{}]*\}\s*$")
_HTML_TAG_IN_TEXT = re.compile(r"<\s*/?\s*[a-zA-Z!?]")
_NEWLINE = re.compile("\n")


# -- helpers ---------------------------------------------------------------------------------

class _Lines:
    """Turns offsets in the body into line numbers of the file."""

    def __init__(self, text: str, first_line: int):
        self.starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]
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
        m = _FENCE.match(line)
        if fence is None and m:
            fence = m.group(1)
            out.append(_blank(line))
        elif fence is not None:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
            out.append(_blank(line))
        else:
            out.append(line)
    text = "".join(out)
    return _CODE_SPAN.sub(lambda m: _blank(m.group(0)), text)


def decode(data: bytes) -> str:
    """File bytes as `Path.read_text(encoding="utf-8")` returns them (universal newlines)."""
    return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


def _blank(text: str) -> str:
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


def _strip_angle(url: str) -> str:
    url = url.strip()
    return url[1:-1].strip() if url.startswith("<") and url.endswith(">") else url


def heading_ids(body: str, body_line: int = 1) -> set[str]:
    """Anchors of a fiche's headings as the `toc` extension makes them (`{#id}` included)."""
    from markdown.extensions.toc import slugify

    ids: set[str] = set()
    for section in scan_sections(body, body_line):
        title = section.title
        attrs = _HEADING_ATTRS.search(title)
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
def _twemoji_names() -> frozenset[str]:
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
    for folder in sorted(p for p in base.iterdir() if p.is_dir()
                         and not p.name.startswith((".", "_")) and p.name != "images"):
        markdown = sorted(folder.glob("*.md"))
        if markdown or (folder / MODULE_FILE).exists():
            found.extend(markdown)
    return found


def count_words(body: str) -> int:
    """Words a learner reads: the facilitator block, URLs, code markers and tags excluded."""
    kept = []
    skipping = False
    for line in body.splitlines():
        if FACILITATOR_RE.match(line):
            skipping = True
            continue
        if skipping:
            if not line.strip() or line.startswith(("    ", "\t")):
                continue
            skipping = False
        kept.append(line)
    text = "\n".join(kept)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    text = re.sub(r"(?:https?://|www\.)\S+", " ", text)
    text = re.sub(r"<[^>]+>", " ", text)
    return len(_WORD.findall(text))


# -- the linter ------------------------------------------------------------------------------

class _Linter:
    """Lints the fiche files of one project; caches what several fiches look up.

    Whatever a fiche's problems depend on outside its own text (does a linked file exist, the
    anchors of a linked fiche, an image's size…) is read through `fact` and noted in `deps`,
    so that a cached result can be reused only while every one of these facts still holds.
    """

    def __init__(self, root: Path, limits: Limits):
        self.root = root
        self.limits = limits
        self._facts: dict[tuple[str, str], object] = {}
        self._matches: dict[tuple[str, str], str | None] = {}
        self.template = self._template()
        self.rel = ""
        self.path: Path | None = None
        self.problems: list[Problem] = []
        self.deps: dict[tuple[str, str], object] = {}

    def _template(self) -> tuple[set[str], dict]:
        path = self.root / TEMPLATE
        try:
            doc = split(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, FrontMatterError):
            return set(), {}
        lines = {line.strip() for line in doc.body.splitlines()}
        lines = {line for line in lines if len(line) >= 12 and not line.startswith(("#", "!!!"))}
        meta = {key: doc.meta.get(key) for key in ("title", "description", "authors")}
        return lines, meta

    # -- facts read outside the fiche being linted (recorded for the cache) -----------------
    def key(self, path: Path) -> str:
        """A path as written relative to the project (`..` kept), absolute outside it."""
        text, root = str(path), str(self.root)
        if text == root:
            return "."
        return text[len(root) + 1:] if text.startswith(root + os.sep) else text

    def fact(self, kind: str, key: str) -> object:
        """The current value of one fact (JSON-compatible), computed once per run."""
        memo = (kind, key)
        if memo not in self._facts:
            self._facts[memo] = self._compute(kind, key)
        return self._facts[memo]

    def _compute(self, kind: str, key: str) -> object:
        path = self.root / key  # an absolute key replaces the root
        if kind == "file":
            return path.is_file()
        if kind == "dir":
            return path.is_dir()
        if kind == "size":
            try:
                return path.stat().st_size
            except OSError:
                return None
        if kind == "anchors":
            ids = self._anchor_ids(path)
            return None if ids is None else sorted(ids)
        if kind == "md-names":
            return sorted(p.name for p in path.glob("*.md")) if path.is_dir() else []
        if kind == "fiches":
            return [p.relative_to(self.root).as_posix() for p in fiche_files(self.root)]
        raise ValueError(f"unknown fact kind: {kind}")

    def _use(self, kind: str, path: Path) -> object:
        key = self.key(path)
        value = self.fact(kind, key)
        self.deps[(kind, key)] = value
        return value

    def still_holds(self, deps) -> bool:
        """Whether recorded facts (`[kind, key, value]` triples) are all still true."""
        try:
            return all(self.fact(kind, key) == value for kind, key, value in deps)
        except (TypeError, ValueError):  # a malformed cache entry
            return False

    def _anchor_ids(self, path: Path) -> set[str] | None:
        try:
            doc = split(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, FrontMatterError):
            return None
        ids = heading_ids(doc.body, doc.body_line)
        if path.parent.parent == self.root / FICHES_DIR:
            ids.add(path.stem)  # the fiche header's <h1 id="<slug>">
        return ids

    def anchors(self, path: Path) -> set[str] | None:
        if path == self.path:  # the fiche itself: its own text is part of the cache key
            ids = self.fact("anchors", self.key(path))
        else:
            ids = self._use("anchors", path)
        return None if ids is None else set(ids)

    def lint(self, path: Path, data: bytes | None = None) -> list[Problem]:
        """Problems of one fiche file; `data` is its content when already read."""
        self.rel = path.relative_to(self.root).as_posix()
        self.path = path
        self.problems = []
        self.deps = {}
        try:
            text = path.read_text(encoding="utf-8") if data is None else decode(data)
            doc = split(text)
        except (OSError, UnicodeDecodeError, FrontMatterError):
            return self.problems  # already reported by fiches.py
        report = self.report
        self._jinja(text, report)
        self._front_matter(doc, report)
        body = doc.body
        masked = mask_code(body)
        lines = _Lines(body, doc.body_line)
        self._links(path, body, masked, lines, doc, report)
        self._html(masked, lines, report)
        self._script_urls(masked, lines, report)
        self._stray_handlers(masked, lines, report)
        self._emoji(masked, lines, report)
        self._length(body, doc.body_line, report)
        self._leftovers(doc, report)
        return self.problems

    def report(self, severity, line, message, hint, rule) -> None:
        self.problems.append(Problem(self.rel, line, message, severity, hint, rule))

    # -- Jinja -------------------------------------------------------------------------------
    def _jinja(self, text: str, report) -> None:
        for number, line in enumerate(text.splitlines(), start=1):
            for m in _JINJA.finditer(line):
                if m.group(0) == "{#" and _ATTR_LIST_ID.match(line, m.start()):
                    continue  # `## Titre {#ancre}`: an anchor, not a Jinja comment
                report(ERROR, number, f"syntaxe de macro « {m.group(0)} » interdite dans une fiche",
                       "les fiches n'exécutent jamais de macros : retirez ces accolades "
                       "(écrivez par exemple « { { » avec une espace)", "jinja")
                break

    # -- front matter --------------------------------------------------------------------------
    def _front_matter(self, doc, report) -> None:
        def walk(value, key):
            if isinstance(value, dict):
                for sub in value.values():
                    yield from walk(sub, key)
            elif isinstance(value, list):
                for sub in value:
                    yield from walk(sub, key)
            elif isinstance(value, str):
                yield key, value

        for top, value in doc.meta.items():
            for key, text in walk(value, str(top)):
                line = doc.line_of(key)
                plain = html.unescape(text)
                if _HTML_TAG_IN_TEXT.search(plain):
                    report(ERROR, line, f"balise HTML dans « {key} »",
                           "les métadonnées sont du texte simple : retirez les « < … > »",
                           "html-unsafe")
                compact = re.sub(r"[\x00-\x20\x7f]", "", plain)
                if _SCRIPT_URL.search(compact) or _DATA_URL.search(compact):
                    report(ERROR, line, f"adresse javascript: ou data: dans « {key} »",
                           "retirez-la : seules les adresses https:// sont acceptées",
                           "unsafe-url")

    # -- links and images ----------------------------------------------------------------------
    def _links(self, path: Path, body: str, masked: str, lines: _Lines, doc, report) -> None:
        defs: dict[str, tuple[str, int]] = {}
        for m in _REF_DEF.finditer(masked):
            url = _strip_angle(body[m.start("url"):m.end("url")])
            defs[m.group("label").strip().lower()] = (url, lines.line(m.start()))
            self._url(url, lines.line(m.start()), path, doc, report, image=False)
        for m in _LINK.finditer(masked):
            line = lines.line(m.start())
            url = _strip_angle(body[m.start("url"):m.end("url")])
            if m.group("bang"):
                self._image(m.group("text"), url, line, path, report)
            else:
                self._url(url, line, path, doc, report, image=False)
        for m in _REF_IMAGE.finditer(masked):
            label = (m.group("label") or m.group("text")).strip().lower()
            if label in defs:
                self._image(m.group("text"), defs[label][0], lines.line(m.start()), path, report)

    def _once_per_line(self, pattern: re.Pattern, masked: str, lines: _Lines, report, rule: str,
                       problem) -> None:
        """Report each line where `pattern` matches the decoded text once, unless an earlier
        check already reported `rule` there; `problem(match)` gives (message, hint)."""
        done = {p.line for p in self.problems if p.rule == rule}
        for m in pattern.finditer(_unescaped(masked)):
            line = lines.line(m.start())
            if line not in done:
                done.add(line)
                report(ERROR, line, *problem(m), rule)

    def _script_urls(self, masked: str, lines: _Lines, report) -> None:
        """`javascript:` anywhere else (autolinks, attribute lists…), once per line."""
        self._once_per_line(_SCRIPT_URL, masked, lines, report, "unsafe-url", lambda m: (
            "adresse « javascript: » dans la fiche",
            "retirez-la : un lien doit commencer par https://"))

    def _stray_handlers(self, masked: str, lines: _Lines, report) -> None:
        """`onerror=` outside a tag we parsed (alt text, broken tags…), once per line."""
        self._once_per_line(_STRAY_HANDLER, masked, lines, report, "html-unsafe", lambda m: (
            f"attribut « {m.group('name')}= » interdit (code exécuté par le navigateur)",
            "retirez-le"))

    def _unsafe_scheme(self, url: str, line: int, report) -> bool:
        scheme = url_scheme(url)
        if scheme in UNSAFE_SCHEMES:
            _unsafe_url(scheme, line, report)
            return True
        if scheme and scheme not in SAFE_SCHEMES:
            report(WARNING, line,
                   f"adresse « {scheme}: » non prise en charge : le lien sera retiré",
                   "utilisez une adresse https://, mailto: ou tel:", "unsafe-url")
            return True
        return False

    def _url(self, url: str, line: int, path: Path, doc, report, image: bool) -> None:
        if self._unsafe_scheme(url, line, report) or url_scheme(url) or url.startswith("//"):
            return
        target, _, anchor = url.partition("#")
        target = unquote(target.split("?", 1)[0])
        if not target:
            if anchor and anchor not in (self.anchors(path) or set()):
                report(WARNING, line, f"ancre « #{anchor} » introuvable dans la fiche",
                       "vérifiez le titre de la section visée", "link-anchor")
            return
        if target.startswith("/") or target.endswith("/"):
            return  # site paths: MkDocs' own link validation reports them
        found = self._resolve(path, target)
        if target.endswith(".md"):
            if found is None:
                report(ERROR, line, f"lien vers « {target} » : fiche introuvable",
                       self._suggest(path, target), "link-broken")
            elif anchor and found.suffix == ".md":
                ids = self.anchors(found)
                if ids is not None and anchor not in ids:
                    report(WARNING, line, f"ancre « #{anchor} » introuvable dans « {target} »",
                           "vérifiez le titre de la section visée", "link-anchor")
        elif found is None and posixpath.splitext(target)[1]:
            report(ERROR, line, f"lien vers « {target} » : fichier introuvable",
                   "vérifiez le nom et le dossier du fichier (majuscules comprises)", "link-broken")

    def _resolve(self, path: Path, target: str) -> Path | None:
        """The file a relative link points at, beside the fiche or in docs/ (as MkDocs sees it)."""
        fiche_dir = path.parent
        candidates = [fiche_dir / target]
        src_dir = fiche_dir.relative_to(self.root).as_posix()  # fiches/<module>
        in_docs = posixpath.normpath(posixpath.join(src_dir, target))
        if not in_docs.startswith(".."):
            candidates.append(self.root / DOCS_DIR / in_docs)
        for candidate in candidates:
            if self._use("file", candidate):
                return candidate
        if in_docs == f"{FICHES_DIR}/index.md":
            return self.root / FICHES_DIR  # the modules overview, generated by the build
        if target.endswith("index.md") and self._use("dir", (fiche_dir / target).parent):
            module = (fiche_dir / target).parent
            if self._use("file", module / MODULE_FILE):
                return module / MODULE_FILE  # a module page, generated by the build
        return None

    def _by_name(self, name: str) -> Path | None:
        """The first fiche file with this file name (`mots-de-passe.md`), if any."""
        for rel in self._use("fiches", self.root):
            if posixpath.basename(rel) == name:
                return self.root / rel
        return None

    def _suggest(self, path: Path, target: str) -> str:
        """Where the fiche really is, or the closest name in the folder the link points at."""
        name = posixpath.basename(target)
        existing = self._by_name(name)
        if existing is not None:
            rel = os.path.relpath(existing, path.parent).replace(os.sep, "/")
            return f"la fiche existe ici : écrivez « {rel} »"
        folder = (path.parent / posixpath.dirname(target)).resolve()
        match = self._close_match(folder, name)
        if match:
            rel = os.path.relpath(folder / match, path.parent).replace(os.sep, "/")
            return f"vouliez-vous dire « {rel} » ?"
        return "vérifiez le nom du fichier ; pour un autre module, écrivez « ../module/fiche.md »"

    def _close_match(self, folder: Path, name: str) -> str | None:
        names = self._use("md-names", folder)
        memo = (str(folder), name)  # many links may share one typo
        if memo not in self._matches:
            match = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
            self._matches[memo] = match[0] if match else None
        return self._matches[memo]

    def _image(self, alt: str, url: str, line: int, path: Path, report) -> None:
        if not alt.strip():
            report(ERROR, line, "image sans texte alternatif",
                   "décrivez l'image entre les crochets : ![Capture de l'écran d'accueil](…)",
                   "image-alt")
        if self._unsafe_scheme(url, line, report):
            return
        if url_scheme(url) or url.startswith("//"):
            report(ERROR, line, f"image chargée depuis un autre site ({url})",
                   "le site ne doit appeler aucun autre site : enregistrez l'image dans "
                   "le dossier images/ du module (si sa licence le permet)", "image-external")
            return
        target = unquote(url.split("#", 1)[0].split("?", 1)[0])
        if not target:
            report(ERROR, line, "image sans adresse", "indiquez le fichier : ![…](images/x.png)",
                   "image-missing")
            return
        found = self._resolve(path, target)
        if found is None:
            report(ERROR, line, f"image « {target} » introuvable",
                   "vérifiez le nom et le dossier du fichier (majuscules comprises)",
                   "image-missing")
        elif (self._use("size", found) or 0) > self.limits.max_image_bytes:
            size = self._use("size", found) // 1024
            report(WARNING, line, f"image « {target} » trop lourde ({size} Ko, "
                   f"{self.limits.max_image_bytes // 1024} Ko au plus)",
                   "réduisez-la (largeur 1200 px suffit) ou enregistrez-la en JPEG ou WebP",
                   "image-size")

    # -- raw HTML ------------------------------------------------------------------------------
    def _html(self, masked: str, lines: _Lines, report) -> None:
        for m in _TAG.finditer(masked):
            if m.group("close"):
                continue
            name = m.group("name").lower()
            line = lines.line(m.start())
            attrs = m.group("attrs") or ""
            if name in UNSAFE_HTML:
                report(ERROR, line, f"balise « <{name}> » interdite dans une fiche",
                       "pas de script, de formulaire ni de contenu intégré : décrivez-le "
                       "en texte ou mettez un lien https://", "html-unsafe")
            elif name not in ALLOWED_HTML:
                report(WARNING, line, f"HTML brut « <{name}> » : préférez la syntaxe Markdown",
                       MARKDOWN_FOR.get(name, "balises HTML acceptées : "
                                        + ", ".join(f"<{t}>" for t in ALLOWED_HTML)), "html")
            self._attributes(name, attrs, line, report)
        for m in _ATTR_LIST.finditer(masked):
            self._attributes("{…}", m.group("body"), lines.line(m.start()), report)

    def _attributes(self, where: str, attrs: str, line: int, report) -> None:
        for handler in _HANDLER.finditer(attrs):
            report(ERROR, line, f"attribut « {handler.group('name')}= » interdit "
                   "(code exécuté par le navigateur)", "retirez cet attribut", "html-unsafe")
        for m in _ATTR.finditer(attrs):
            name = m.group("name").lower().lstrip(":.#")
            value = (m.group("value") or "").strip("\"'")
            if name == "style":
                report(WARNING, line, "attribut « style= » ignoré à la publication",
                       "la mise en forme vient du thème du site", "html")
            elif name in ("href", "src", "action", "formaction", "xlink:href", "srcset",
                          "poster", "background") and url_scheme(value) in UNSAFE_SCHEMES:
                _unsafe_url(url_scheme(value), line, report)
            elif where == "img" and name == "src" and (url_scheme(value) or value.startswith("//")):
                report(ERROR, line, f"image chargée depuis un autre site ({value})",
                       "enregistrez l'image dans le dossier images/ du module", "image-external")

    # -- emoji -----------------------------------------------------------------------------------
    def _emoji(self, masked: str, lines: _Lines, report) -> None:
        names = _twemoji_names()
        for m in _EMOJI.finditer(masked):
            if m.group("name") in names:
                report(ERROR, lines.line(m.start()),
                       f"émoticône « :{m.group('name')}: » chargée depuis un autre site",
                       "collez directement le caractère (par exemple 🙂) ou utilisez une icône "
                       "« :material-…: »", "image-external")

    # -- length and leftovers --------------------------------------------------------------------
    def _length(self, body: str, body_line: int, report) -> None:
        words = count_words(body)
        if words > self.limits.max_words:
            report(WARNING, body_line, f"fiche trop longue pour deux pages A4 ({words} mots, "
                   f"{self.limits.max_words} au plus hors bloc « Pour l'animateur »)",
                   "raccourcissez les étapes ou découpez la fiche en deux", "length")
        elif words < self.limits.min_words:
            report(WARNING, body_line, f"fiche très courte ({words} mots, "
                   f"{self.limits.min_words} au moins hors bloc « Pour l'animateur »)",
                   "détaillez le déroulé et ajoutez un exercice", "length")

    def _leftovers(self, doc, report) -> None:
        template_lines, template_meta = self.template
        found = [doc.body_line + i for i, line in enumerate(doc.body.splitlines())
                 if line.strip() in template_lines]
        if len(found) < 3:
            found = []  # a few stock phrases (« À la fin de l'atelier, vous savez : ») are fine
        found += [doc.line_of(key) for key, value in template_meta.items()
                  if value and doc.meta.get(key) == value]
        if found:
            report(WARNING, min(found), f"fiche à compléter : {len(found)} ligne"
                   f"{'s' if len(found) > 1 else ''} du modèle encore présente"
                   f"{'s' if len(found) > 1 else ''}",
                   "remplacez le texte d'exemple du modèle par le vôtre", "template")


def _unsafe_url(scheme: str, line: int, report) -> None:
    if scheme == "data":
        report(ERROR, line, "adresse « data: » interdite",
               "enregistrez le fichier dans le dossier images/ du module et pointez vers lui",
               "unsafe-url")
    else:
        report(ERROR, line, f"adresse « {scheme}: » interdite (code exécuté par le navigateur)",
               "retirez-la : un lien doit commencer par https://", "unsafe-url")


def _unescaped(text: str) -> str:
    """Entities decoded in place, keeping offsets when the decoded text has the same length."""
    decoded = html.unescape(text)
    return decoded if len(decoded) == len(text) else re.sub(
        r"&#?\w+;", lambda m: html.unescape(m.group(0)).ljust(len(m.group(0))), text)


def lint_project(root: Path | str, limits: Limits | None = None,
                 cache: bool = False, refresh: bool = False) -> list[Problem]:
    """Problems of every fiche file of the project under the content rules.

    With `cache`, a fiche whose bytes, linter code and outside facts (link targets, their
    anchors, image sizes…) are unchanged since the last run is not linted again: its problems
    come from `.cache/lint/` (see `lintcache.py`). The result is the same either way.
    With `refresh` too, every fiche is linted and the cache only written (`fichotheque check`,
    so that the build that follows it, as in `make test` then `make site`, finds it warm).
    """
    root = Path(root).resolve()
    limits = limits or Limits()
    linter = _Linter(root, limits)
    if not cache:
        problems: list[Problem] = []
        for path in fiche_files(root):
            problems.extend(linter.lint(path))
        return problems

    from fichotheque.lintcache import LintCache

    store = LintCache.open(root, limits)
    problems = []
    kept = set()
    for path in fiche_files(root):
        rel = path.relative_to(root).as_posix()
        try:
            data = path.read_bytes()
        except OSError:
            problems.extend(linter.lint(path))  # unreadable: reported by fiches.py
            continue
        digest = LintCache.digest(data)
        kept.add(rel)
        cached = None if refresh else store.get(rel, digest, linter.still_holds)
        if cached is None:
            cached = linter.lint(path, data)
            store.put(rel, digest, linter.deps, cached)
        problems.extend(cached)
    store.save(kept)
    return problems


def check(root: Path | str, today: dt.date | None = None) -> tuple[Corpus, list[Problem]]:
    """Everything `fichotheque check` reports: the contract (`fiches.py`) and the content rules."""
    corpus = load_corpus(root, today)
    problems = [*corpus.problems, *lint_project(root, cache=True, refresh=True)]
    return corpus, sorted(problems, key=sort_key)


def for_build(root: Path | str) -> list[Problem]:
    """Content problems for the MkDocs build; errors stop it unless the test-only switch is on."""
    problems = lint_project(root, cache=True)
    if os.environ.get(SKIP_ENV) != "1":
        return problems
    log.warning("%s=1 : règles de contenu non bloquantes (réservé aux tests, ne publiez pas "
                "ce site)", SKIP_ENV)
    return [Problem(p.path, p.line, p.message, WARNING, p.hint, p.rule) for p in problems]
