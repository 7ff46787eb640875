"""Untrusted fiches: `check` reports every attack of the hostile corpus, and even when the
check is bypassed, the built site ships no active content (src/fichotheque/sanitize.py)."""

from __future__ import annotations

import glob
import html
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import markdown
import pytest
import yaml
from conftest import FIXTURES, ROOT, fiche_text, make_project, run_build

from fichotheque.content import lint
from fichotheque.content.frontmatter import split
from fichotheque.web import settings
from fichotheque.web.sanitize import sanitize_html

HOSTILE = FIXTURES / "hostile"
UNSAFE_SCHEMES = ("javascript", "vbscript", "data")
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "data", "xlink:href", "srcset",
                  "poster", "background", "content")
ACTIVE_TAGS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "style",
               "form", "input", "button", "textarea", "select", "base", "link", "meta", "math",
               "noscript", "template"}
EXTERNAL = re.compile(r"\s*(?:[a-z]+:|//)", re.I)

# Every attack of the corpus, by the text of its line: `check` must report an error there.
ATTACKS = {
    "scripts.md": ['<script>alert("corps")', "<SCRIPT SRC", "<scr<script>", 'type="module"'],
    "gestionnaires.md": ["onerror=\"alert('img')", "onclick=\"alert('a')",
                         "onmouseover=\"alert('abbr')", "{: onclick=", "{: onmouseover=",
                         "ontoggle=", "onload=\"alert('multiligne')", "<kbd/onfocus"],
    "adresses.md": ["(javascript:alert('lien'))", "JaVaScRiPt:", "jav&#x09;ascript",
                    "<javascript:alert('chevrons')>", "vbscript:", "(data:text/html",
                    "<javascript:alert('autolien')>", "&#106;avascript", "javascript&colon;",
                    "[piege]: javascript:"],
    "images.md": ["![](images/ok.png)", "https://evil.example/pixel.png", "data:image/svg+xml",
                  "onerror=\"alert('alt')", "(javascript:alert('image'))", "onerror=alert('brut')",
                  ":smile:"],
    "integres.md": ["<iframe", "<object", "<embed", "<style>", "<form", "<svg onload", "<math>",
                    "<meta", "<base", "<link"],
    "jinja.md": ["{{ 7 * 7 }}", "__mro__", "{{ config.site_name }}", "{% for x", "{# caché #}"],
    "metadonnees.md": ["title:", "description:", "authors:", "tags:"],
}


def line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


# -- check reports each attempt ------------------------------------------------------------------

def test_check_reports_every_attack_of_the_hostile_corpus(tmp_path):
    copy = shutil.copytree(HOSTILE, tmp_path / "hostile")  # check writes .cache/lint/ there
    corpus, problems = lint.check(copy)
    # the schema is fine (these fixtures have no session plan): only the content rules catch them
    assert [p for p in corpus.errors if p.rule != "facilitator"] == []
    assert {f.slug for f in corpus.fiches} == {Path(name).stem for name in ATTACKS}
    errors = {(p.path, p.line) for p in problems if p.is_error}
    missed = []
    for name, needles in ATTACKS.items():
        path = copy / "fiches/securite" / name
        for needle in needles:
            if (f"fiches/securite/{name}", line_of(path, needle)) not in errors:
                missed.append(f"{name}: {needle}")
    assert missed == []


# -- the sanitizer on its own ------------------------------------------------------------

def markdown_renderer():
    from mkdocs.config import load_config

    config = load_config(str(ROOT / "mkdocs.yml"))
    return lambda text: markdown.Markdown(extensions=config.markdown_extensions,
                                          extension_configs=config.mdx_configs).convert(text)


class Events(HTMLParser):
    """Start tags with sorted attributes, and text, to compare two HTML fragments."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.events = []

    def handle_starttag(self, tag, attrs):
        norm = [(k, re.sub(r"\s|;$", "", v or "") if k == "style" else v) for k, v in attrs]
        self.events.append((tag, tuple(sorted(norm))))

    def handle_data(self, data):
        if data.strip():
            self.events.append(("#text", data.strip()))


def events(fragment: str) -> list:
    parser = Events()
    parser.feed(fragment)
    return parser.events


LEGIT = """
## Titre {#ancre}

| Gauche | Centre | Droite |
|:-------|:------:|-------:|
| a      | b      | c      |

```python
print("bonjour")
```

??? note "Détails"
    Contenu replié.

!!! tip "Astuce"
    Un conseil.

*[CAF]: Caisse d'allocations familiales

La CAF verse les aides. :material-shield-lock: icône locale.

Terme
:   définition

![Une capture d'écran](images/capture.png "Accueil"){ width="300" }

[Un lien](https://www.service-public.fr "Service public"){ .md-button } et
[une fiche](../securite/mots-de-passe.md#a-retenir), [courriel](mailto:a@b.fr).

Appuyez sur <kbd>Ctrl</kbd>, H<sub>2</sub>O, m<sup>2</sup><br>
"""


def test_everything_our_markdown_produces_survives():
    render = markdown_renderer()
    fiches = sorted(glob.glob(str(ROOT / "fiches/*/*.md")))
    for source in [LEGIT, *(split(Path(p).read_text(encoding="utf-8")).body for p in fiches)]:
        rendered = render(source)
        assert events(sanitize_html(rendered)) == events(rendered)


@pytest.mark.parametrize("payload", [
    '<script>alert(1)</script>', '<img src=x onerror=alert(1)>',
    '<a href="javascript:alert(1)">x</a>', '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="data:text/html,<script>x</script>">x</a>',
    '<iframe src="https://evil.example"></iframe>', '<object data="x"></object>', '<embed src="x">',
    '<style>*{display:none}</style>', '<form action="https://evil.example"><input name="p"></form>',
    '<svg onload="alert(1)"><a xlink:href="javascript:alert(1)">x</a></svg>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<div id="__config">{"search": "data:,alert(1)"}</div>', '<p style="position:fixed">x</p>',
    '<img src="https://evil.example/pixel.png" alt="pisteur">', '<img src="//evil.example/p.png">',
    '<details ontoggle="alert(1)" open>x</details>', '<meta http-equiv="refresh" content="0">',
])
def test_hostile_fragments_lose_their_active_parts(payload):
    clean = sanitize_html(payload)
    found = Page()
    found.feed(clean)
    assert found.active() == [], clean
    assert "__config" not in clean and "position" not in clean


# -- a forced build of the hostile corpus ships no active content --------------------

class Page(HTMLParser):
    """Collects what could run in a browser; `article` marks the fiche's own content."""

    def __init__(self, fiche: bool = True):
        super().__init__(convert_charrefs=True)
        self.fiche = fiche  # fiche pages: no form, media or style in the article either
        self.scripts = []  # (attrs, text)
        self.found = []  # problems
        self.depth = 0  # > 0 inside the article
        self.title = ""
        self.description = None
        self._in = None
        self.text = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self.depth:
            self.depth += tag not in ("img", "br", "hr", "input", "meta", "link", "embed", "wbr")
            if tag in ACTIVE_TAGS and self.fiche:
                self.found.append(f"<{tag}> dans la fiche")
            if self.fiche and tag == "img" and EXTERNAL.match(a.get("src") or ""):
                self.found.append(f"image externe {a['src']}")
        elif tag == "article":
            self.depth = 1
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.found.append(f"{tag} {name}=")
            unsafe = lint.url_scheme(value or "") in UNSAFE_SCHEMES
            if name.lower() in URL_ATTRIBUTES and unsafe and not (
                    tag == "meta" and name == "content" and not self.depth):
                self.found.append(f"{tag} {name}={value}")
        if tag == "script":
            self.scripts.append([a, ""])
        if tag == "meta" and a.get("name") == "description":
            self.description = a.get("content")
        self._in = tag

    def handle_endtag(self, tag):
        if self.depth and tag not in ("img", "br", "hr", "input", "meta", "link", "embed", "wbr"):
            self.depth -= 1
        self._in = None

    def handle_data(self, data):
        if self._in == "script" and self.scripts:
            self.scripts[-1][1] += data
        elif self._in == "title":
            self.title += data
        if self.depth:
            self.text.append(data)

    def active(self) -> list[str]:
        return self.found + [f"<script> {a}" for a, _ in self.scripts]


def script_signature(page: Page, site: Path, page_path: Path) -> list:
    """Scripts of a page, with what legitimately differs from page to page taken out."""
    signature = []
    for attrs, text in page.scripts:
        src = attrs.get("src")
        if src:
            assert not re.match(r"\s*(?:[a-z]+:|//)", src, re.I), src
            # 404.html uses absolute paths under the site_url path (`/fichotheque/…`).
            local = site / src.lstrip("/").split("/", 1)[1] if src.startswith("/") else (
                page_path.parent / src)
            assert local.resolve().is_file(), src
            signature.append(("src", Path(src).name))
        elif attrs.get("type") in ("application/json", "application/ld+json"):
            json.loads(text)  # data, not code
            assert "</script" not in text.lower() and "<!--" not in text
            signature.append(("json", attrs.get("id")))
        else:
            signature.append(("inline", re.sub(r'new URL\("[^"]*",location\)', "", text)))
    return signature


def build_hostile_site(base: Path) -> Path:
    """The hostile corpus plus a benign witness fiche, built with the check bypassed."""
    files = {f"fiches/{p.parent.name}/_module.yml": p.read_text(encoding="utf-8")
             for p in sorted(ROOT.glob("fiches/*/_module.yml"))}
    files["fiches/securite/temoin.md"] = fiche_text(title="Fiche témoin", module="securite")
    project = make_project(base / "projet", files)
    for path in (HOSTILE / "fiches/securite").rglob("*"):
        if path.is_file():
            target = project / "fiches/securite" / path.relative_to(HOSTILE / "fiches/securite")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target)
    blocked = run_build(project, base / "refus")
    assert blocked.returncode != 0 and "interdite" in blocked.stdout + blocked.stderr
    result = run_build(project, base / "site", env={lint.SKIP_ENV: "1"})
    assert result.returncode == 0, result.stdout + result.stderr
    return base / "site"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    return build_hostile_site(tmp_path_factory.mktemp("hostile"))


def is_fiche(path: Path) -> bool:
    return path.parent.parent.name == "securite" and path.parent.parent.parent.name == "fiches"


def parse(path: Path) -> Page:
    page = Page(fiche=is_fiche(path))
    page.feed(path.read_text(encoding="utf-8"))
    return page


def test_no_page_of_the_forced_build_has_active_content(hostile_site):
    witness_path = hostile_site / "fiches/securite/temoin/index.html"
    witness = script_signature(parse(witness_path), hostile_site, witness_path)
    pages = sorted(hostile_site.rglob("*.html"))
    assert len(pages) > 10
    for path in pages:
        page = parse(path)
        assert page.found == [], path
        signature = script_signature(page, hostile_site, path)
        if is_fiche(path):
            assert signature == witness, path  # no script beyond Material's own
    for name in ATTACKS:
        assert (hostile_site / "fiches/securite" / Path(name).stem / "index.html").is_file()


def test_front_matter_is_text_everywhere(hostile_site):
    title = "<script>alert('titre')</script> Titre piégé"
    description = "\"><img src=x onerror=alert('description')> Description piégée"
    page = parse(hostile_site / "fiches/securite/metadonnees/index.html")
    assert page.title.startswith(title)  # shown as text, not parsed as a tag
    assert page.description == description
    assert title in "".join(page.text)
    for listing in ("fiches/securite/index.html", "catalogue/index.html"):
        assert title in "".join(parse(hostile_site / listing).text), listing

    index = json.loads((hostile_site / "search/search_index.json").read_text(encoding="utf-8"))
    docs = [d for d in index["docs"] if d["location"].startswith("fiches/securite/metadonnees")]
    assert docs
    for doc in index["docs"]:
        for field in ("title", "text"):
            fragment = Page()
            fragment.feed(doc.get(field, ""))
            assert fragment.active() == [], (doc["location"], field)
        for tag in doc.get("tags", []):
            assert "<" not in tag, tag
    assert html.unescape(docs[0]["title"]) == title


def test_the_feed_shows_front_matter_as_text(hostile_site):
    root = ElementTree.parse(hostile_site / "feed.xml").getroot()
    assert "Titre piégé" in ElementTree.tostring(root, encoding="unicode")
    for element in root.iter():
        if element.text and "<" in element.text:
            assert element.get("type", "text") == "text", (element.tag, element.text)


def test_macros_never_render_fiches_by_configuration():
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"),
                       Loader=settings._TolerantLoader)
    [macros] = [p["macros"] for p in config["plugins"] if isinstance(p, dict) and "macros" in p]
    assert macros["render_by_default"] is False
    assert macros["on_error_fail"] is True


def test_jinja_in_a_fiche_is_never_rendered(hostile_site):
    text = "".join(parse(hostile_site / "fiches/securite/jinja/index.html").text)
    assert "Calcul : {{ 7 * 7 }}" in text and "49" not in text
    # Markdown makes `__class__` bold; what matters is that Jinja never evaluated it.
    assert "{{ ''.class.mro[1].subclasses() }}" in text
    assert "{{ config.site_name }}" in text and "<class" not in text
    assert "{% for x in range(3) %}{{ x }}{% endfor %}" in text
