"""Sanitizing the HTML rendered from a fiche: contributor Markdown is untrusted.

`fichotheque check` refuses hostile content, but the build must stay safe even when a fiche
slips through (a bypassed check, a rule we did not think of). Whatever the Markdown says, the
HTML that reaches the site keeps only what Python-Markdown, our extensions and Material
legitimately produce: no `<script>`, `on*=` handler, `javascript:`/`data:` URL, `<iframe>`,
`<object>`, `<style>`, form, or image loaded from another site.
"""

from __future__ import annotations

import re

import nh3

# What our Markdown extensions produce (see `markdown_extensions` in mkdocs.yml): headings with
# headerlinks, admonitions, tables, code, abbr, def lists, details, images, emoji SVG icons.
TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details",
    "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "path", "pre", "q", "s", "samp",
    "small", "span", "strong", "sub", "summary", "sup", "svg", "table", "tbody", "td", "tfoot",
    "th", "thead", "time", "tr", "u", "ul", "var",
})

# Removed together with their content (the others are unwrapped: their text stays).
DROPPED_WITH_CONTENT = frozenset({"script", "style"})

ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height", "loading"},
    "th": {"style", "colspan", "rowspan", "align", "scope"},
    "td": {"style", "colspan", "rowspan", "align"},
    "ol": {"start", "type"},
    "details": {"open"},
    "time": {"datetime"},
    "svg": {"xmlns", "viewBox", "width", "height", "aria-hidden", "focusable"},
    "path": {"d", "fill", "fill-rule", "clip-rule"},
}

URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
STYLE_PROPERTIES = frozenset({"text-align"})  # tables' column alignment

_EXTERNAL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:|//|\\\\)", re.IGNORECASE)


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    """Drop what an allow-list cannot express; returning None removes the attribute."""
    if attribute == "id" and value.startswith("__"):
        # Material's own elements use `__…` ids (`__config`, `__search`…): no clobbering.
        return None
    if tag == "img" and attribute == "src" and _EXTERNAL.match(value):
        # An image from another site would make every reader's browser call it.
        return None
    return value


def sanitize_html(html: str) -> str:
    """The fragment with only safe tags, attributes and URLs left."""
    return nh3.clean(
        html,
        tags=set(TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        attribute_filter=_attribute_filter,
        url_schemes=set(URL_SCHEMES),
        filter_style_properties=set(STYLE_PROPERTIES),
        link_rel=None,
        strip_comments=True,
    )
