"""Rules against active content: contributor Markdown is untrusted.

No macro syntax, no script, event handler or `javascript:`/`data:` URL, no raw HTML beyond a
few harmless tags, no emoji shortcode that Material would load from a CDN.
"""

from __future__ import annotations

import html
import re

from fichotheque.content.lint.linter import FicheText, Linter
from fichotheque.content.lint.text import (
    ALLOWED_HTML,
    ATTR,
    ATTR_LIST,
    ATTR_LIST_ID,
    DATA_URL,
    EMOJI,
    HANDLER,
    HTML_TAG_IN_TEXT,
    JINJA,
    MARKDOWN_FOR,
    SAFE_SCHEMES,
    SCRIPT_URL,
    STRAY_HANDLER,
    TAG,
    UNSAFE_HTML,
    UNSAFE_SCHEMES,
    twemoji_names,
    url_scheme,
)
from fichotheque.content.problems import ERROR, WARNING


def jinja(fiche: FicheText, ctx: Linter) -> None:
    """`{{`, `{%` and `{#` anywhere: fiches never render macros."""
    for number, line in enumerate(fiche.text.splitlines(), start=1):
        for m in JINJA.finditer(line):
            if m.group(0) == "{#" and ATTR_LIST_ID.match(line, m.start()):
                continue  # `## Titre {#ancre}`: an anchor, not a Jinja comment
            ctx.report(ERROR, number, f"syntaxe de macro « {m.group(0)} » interdite dans une fiche",
                       "les fiches n'exécutent jamais de macros : retirez ces accolades "
                       "(écrivez par exemple « { { » avec une espace)", "jinja")
            break


def _strings(value, key):
    if isinstance(value, dict):
        for sub in value.values():
            yield from _strings(sub, key)
    elif isinstance(value, list):
        for sub in value:
            yield from _strings(sub, key)
    elif isinstance(value, str):
        yield key, value


def front_matter_markup(fiche: FicheText, ctx: Linter) -> None:
    """Front-matter values are plain text: no tag, no script or data URL."""
    doc = fiche.doc
    for top, value in doc.meta.items():
        for key, text in _strings(value, str(top)):
            line = doc.line_of(key)
            plain = html.unescape(text)
            if HTML_TAG_IN_TEXT.search(plain):
                ctx.report(ERROR, line, f"balise HTML dans « {key} »",
                           "les métadonnées sont du texte simple : retirez les « < … > »",
                           "html-unsafe")
            compact = re.sub(r"[\x00-\x20\x7f]", "", plain)
            if SCRIPT_URL.search(compact) or DATA_URL.search(compact):
                ctx.report(ERROR, line, f"adresse javascript: ou data: dans « {key} »",
                           "retirez-la : seules les adresses https:// sont acceptées",
                           "unsafe-url")


def raw_html(fiche: FicheText, ctx: Linter) -> None:
    """Raw tags: unsafe ones are errors, others a nudge towards Markdown."""
    for m in TAG.finditer(fiche.masked):
        if m.group("close"):
            continue
        name = m.group("name").lower()
        line = fiche.lines.line(m.start())
        attrs = m.group("attrs") or ""
        if name in UNSAFE_HTML:
            ctx.report(ERROR, line, f"balise « <{name}> » interdite dans une fiche",
                       "pas de script, de formulaire ni de contenu intégré : décrivez-le "
                       "en texte ou mettez un lien https://", "html-unsafe")
        elif name not in ALLOWED_HTML:
            ctx.report(WARNING, line, f"HTML brut « <{name}> » : préférez la syntaxe Markdown",
                       MARKDOWN_FOR.get(name, "balises HTML acceptées : "
                                        + ", ".join(f"<{t}>" for t in ALLOWED_HTML)), "html")
        _attributes(ctx, name, attrs, line)
    for m in ATTR_LIST.finditer(fiche.masked):
        _attributes(ctx, "{…}", m.group("body"), fiche.lines.line(m.start()))


def _attributes(ctx: Linter, where: str, attrs: str, line: int) -> None:
    for handler in HANDLER.finditer(attrs):
        ctx.report(ERROR, line, f"attribut « {handler.group('name')}= » interdit "
                   "(code exécuté par le navigateur)", "retirez cet attribut", "html-unsafe")
    for m in ATTR.finditer(attrs):
        name = m.group("name").lower().lstrip(":.#")
        value = (m.group("value") or "").strip("\"'")
        if name == "style":
            ctx.report(WARNING, line, "attribut « style= » ignoré à la publication",
                       "la mise en forme vient du thème du site", "html")
        elif name in ("href", "src", "action", "formaction", "xlink:href", "srcset",
                      "poster", "background") and url_scheme(value) in UNSAFE_SCHEMES:
            unsafe_url(ctx, url_scheme(value), line)
        elif where == "img" and name == "src" and (url_scheme(value) or value.startswith("//")):
            ctx.report(ERROR, line, f"image chargée depuis un autre site ({value})",
                       "enregistrez l'image dans le dossier images/ du module", "image-external")


def _once_per_line(fiche: FicheText, ctx: Linter, pattern: re.Pattern, rule: str,
                   problem) -> None:
    """Report each line where `pattern` matches the decoded text once, unless an earlier
    rule already reported `rule` there; `problem(match)` gives (message, hint)."""
    done = ctx.reported_lines(rule)
    for m in pattern.finditer(fiche.unescaped_masked):
        line = fiche.lines.line(m.start())
        if line not in done:
            done.add(line)
            ctx.report(ERROR, line, *problem(m), rule)


def script_urls(fiche: FicheText, ctx: Linter) -> None:
    """`javascript:` anywhere else (autolinks, attribute lists…), once per line."""
    _once_per_line(fiche, ctx, SCRIPT_URL, "unsafe-url", lambda m: (
        "adresse « javascript: » dans la fiche",
        "retirez-la : un lien doit commencer par https://"))


def stray_handlers(fiche: FicheText, ctx: Linter) -> None:
    """`onerror=` outside a tag we parsed (alt text, broken tags…), once per line."""
    _once_per_line(fiche, ctx, STRAY_HANDLER, "html-unsafe", lambda m: (
        f"attribut « {m.group('name')}= » interdit (code exécuté par le navigateur)",
        "retirez-le"))


def emoji(fiche: FicheText, ctx: Linter) -> None:
    """`:smile:` shortcodes that Material renders as images from a CDN."""
    names = twemoji_names()
    for m in EMOJI.finditer(fiche.masked):
        if m.group("name") in names:
            ctx.report(ERROR, fiche.lines.line(m.start()),
                       f"émoticône « :{m.group('name')}: » chargée depuis un autre site",
                       "collez directement le caractère (par exemple 🙂) ou utilisez une icône "
                       "« :material-…: »", "image-external")


def unsafe_scheme(ctx: Linter, url: str, line: int) -> bool:
    """Report a URL whose scheme a page must not carry; True when reported."""
    scheme = url_scheme(url)
    if scheme in UNSAFE_SCHEMES:
        unsafe_url(ctx, scheme, line)
        return True
    if scheme and scheme not in SAFE_SCHEMES:
        ctx.report(WARNING, line,
                   f"adresse « {scheme}: » non prise en charge : le lien sera retiré",
                   "utilisez une adresse https://, mailto: ou tel:", "unsafe-url")
        return True
    return False


def unsafe_url(ctx: Linter, scheme: str, line: int) -> None:
    if scheme == "data":
        ctx.report(ERROR, line, "adresse « data: » interdite",
                   "enregistrez le fichier dans le dossier images/ du module et pointez vers lui",
                   "unsafe-url")
    else:
        ctx.report(ERROR, line, f"adresse « {scheme}: » interdite (code exécuté par le navigateur)",
                   "retirez-la : un lien doit commencer par https://", "unsafe-url")
