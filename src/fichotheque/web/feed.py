"""The updates feed: an Atom feed (`feed.xml`) of new and updated fiches, newest first.

Entries come from each fiche's `updated` date; the feed is deterministic (same fiches, same
bytes): ties are broken by module order then fiche order, and no build time is written.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

from fichotheque.content.model import Corpus, Fiche
from fichotheque.web.catalogue import fiche_paths, write_text_atomic
from fichotheque.web.settings import SiteConfig

FEED_XML = "feed.xml"
ATOM = "http://www.w3.org/2005/Atom"
MAX_ENTRIES = 50
MEDIA_TYPE = "application/atom+xml"


def feed_title(site: SiteConfig) -> str:
    return f"{site.site_name} — fiches nouvelles et mises à jour"


def _timestamp(date: dt.date) -> str:
    return f"{date.isoformat()}T00:00:00Z"


def _url(site: SiteConfig, path: str) -> str:
    if site.site_url:
        return site.absolute_url(path)
    return path


def _id(site: SiteConfig, path: str) -> str:
    """Atom ids must be absolute IRIs; without `site_url`, a tag URI stands in."""
    return site.absolute_url(path) if site.site_url else f"tag:fichotheque,2026:{path}"


def entries(corpus: Corpus, limit: int = MAX_ENTRIES) -> list:
    """Fiches and parcours by `updated`, newest first; stable order for those of the same day
    (fiches in module order, then parcours by name)."""
    items = [*corpus.fiches, *corpus.parcours]
    ranked = sorted(enumerate(items), key=lambda pair: (-pair[1].updated.toordinal(), pair[0]))
    return [item for _, item in ranked[:limit]]


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: v for k, v in attrs.items() if v})
    if text is not None:
        el.text = text
    return el


def build(corpus: Corpus, site: SiteConfig, limit: int = MAX_ENTRIES) -> str:
    """The Atom document as text."""
    ET.register_namespace("", ATOM)
    chosen = entries(corpus, limit)
    root = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "fr"})
    _sub(root, "title", feed_title(site))
    _sub(root, "subtitle", f"Les fiches publiées ou mises à jour par {site.structure.name}.")
    _sub(root, "id", _id(site, FEED_XML))
    _sub(root, "link", rel="self", type=MEDIA_TYPE, href=_url(site, FEED_XML))
    _sub(root, "link", rel="alternate", type="text/html", href=_url(site, "") or "./")
    latest = max((f.updated for f in (*corpus.fiches, *corpus.parcours)),
                 default=dt.date(2026, 1, 1))
    _sub(root, "updated", _timestamp(latest))
    author = _sub(root, "author")
    _sub(author, "name", site.structure.name)
    if site.structure.url:
        _sub(author, "uri", site.structure.url)
    _sub(root, "generator", "Fichothèque")
    modules = {m.slug: m for m in corpus.modules}
    for fiche in chosen:
        if not isinstance(fiche, Fiche):
            _parcours_entry(root, fiche, site)
            continue
        paths = fiche_paths(fiche)
        entry = _sub(root, "entry")
        _sub(entry, "title", fiche.title)
        _sub(entry, "id", _id(site, paths["page"]))
        _sub(entry, "link", rel="alternate", type="text/html", href=_url(site, paths["page"]))
        _sub(entry, "link", rel="enclosure", type="application/pdf",
             href=_url(site, paths["pdf"]), title="Fiche à imprimer (PDF)")
        _sub(entry, "updated", _timestamp(fiche.updated))
        _sub(entry, "summary", fiche.description)
        module = modules.get(fiche.module)
        _sub(entry, "category", term=fiche.module, label=module.title if module else None)
        for name in fiche.authors:
            _sub(_sub(entry, "author"), "name", name)
        lic = fiche.licence_info
        _sub(entry, "rights", f"{lic.short_name} — {lic.url}" if lic else fiche.licence)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _parcours_entry(root: ET.Element, parcours, site: SiteConfig) -> None:
    entry = _sub(root, "entry")
    _sub(entry, "title", f"Parcours : {parcours.title}")
    _sub(entry, "id", _id(site, parcours.url))
    _sub(entry, "link", rel="alternate", type="text/html", href=_url(site, parcours.url))
    _sub(entry, "link", rel="enclosure", type="application/pdf",
         href=_url(site, f"{parcours.url}{parcours.slug}-plan.pdf"),
         title="Plan du parcours pour l'animateur (PDF)")
    _sub(entry, "updated", _timestamp(parcours.updated))
    _sub(entry, "summary", parcours.goal)
    _sub(entry, "category", term="parcours", label="Parcours")
    _sub(_sub(entry, "author"), "name", site.structure.name)


def write(site_dir: Path, corpus: Corpus, site: SiteConfig) -> Path:
    target = Path(site_dir) / FEED_XML
    write_text_atomic(target, build(corpus, site))
    return target


def read(path: Path) -> list[dict]:
    """Entries of a written feed (title, id, updated, link), for checks and tests."""
    root = ET.parse(path).getroot()
    ns = {"a": ATOM}
    return [
        {
            "title": e.findtext("a:title", namespaces=ns),
            "id": e.findtext("a:id", namespaces=ns),
            "updated": e.findtext("a:updated", namespaces=ns),
            "link": e.find("a:link[@rel='alternate']", ns).get("href"),
        }
        for e in root.findall("a:entry", ns)
    ]
