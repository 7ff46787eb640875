"""The catalogue: every fiche in one filterable page, and the same data as open data.

`catalogue.json` (at the site root, contract of DESIGN.md) lists every fiche with its
metadata, stable URLs, licence and competences, plus the publishing structure. Its format is
versioned (`schema_version`) and described by `catalogue.schema.json`, published beside it.
Bump `SCHEMA_VERSION` (minor: fields added; major: fields renamed or removed) when the format
changes, and update the schema and `docs/donnees-ouvertes.md`.
"""

from __future__ import annotations

import json
import unicodedata
from functools import cache
from importlib import resources
from pathlib import Path

from fichotheque.content import licences, referentiels
from fichotheque.content.model import AUDIENCES, LEVELS, Corpus, Fiche, Module
from fichotheque.files import write_atomic
from fichotheque.web import pages
from fichotheque.web.settings import SiteConfig

SCHEMA_VERSION = "1.1"
CATALOGUE_JSON = "catalogue.json"
SCHEMA_JSON = "catalogue.schema.json"
CATALOGUE_URI = "catalogue/index.md"
SCRIPT = "assets/javascripts/fichotheque-site.js"
# Rows shown at first when JavaScript runs; the others come with « Afficher les … autres
# fiches ». Laying out a thousand-row table is most of a phone's loading time (Lighthouse TBT
# 2.1 s at N = 1,000); without JavaScript, and when printing, every row is shown.
FIRST_ROWS = 50


# -- open data -------------------------------------------------------------------------------

def site_url(site: SiteConfig, path: str) -> str:
    """Absolute URL under `site_url` (relative to the site root if there is none)."""
    return site.absolute_url(path) if site.site_url else path


def iso_duration(minutes: int) -> str:
    """ISO 8601 duration: 45 → `PT45M`, 90 → `PT1H30M`."""
    hours, rest = divmod(int(minutes), 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{rest}M" if rest or not hours else "")


def fiche_paths(fiche: Fiche) -> dict[str, str]:
    """Stable URLs of a fiche (DESIGN.md), relative to the site root."""
    return {
        "page": fiche.url,
        "pdf": f"{fiche.url}{fiche.slug}.pdf",
        "facilitator_pdf": f"{fiche.url}{fiche.slug}-animateur.pdf",
        "source": f"{fiche.url}{fiche.slug}.md",
    }


def licence_record(spdx: str) -> dict:
    lic = licences.get(spdx)
    if lic is None:
        return {"spdx": spdx, "name": spdx, "url": None}
    return {"spdx": lic.spdx, "name": lic.short_name, "url": lic.url}


def competence_record(code: str) -> dict:
    comp = referentiels.lookup(code)
    if comp is None:
        return {"code": code, "framework": code.split(":", 1)[0], "framework_name": None,
                "label": None}
    return {"code": comp.key, "framework": comp.framework,
            "framework_name": comp.framework_name, "label": comp.label}


def fiche_record(fiche: Fiche, site: SiteConfig, corpus: Corpus | None = None) -> dict:
    urls = {key: site_url(site, path) for key, path in fiche_paths(fiche).items()}
    source = None
    if fiche.source:
        source = {"title": fiche.source.title, "author": fiche.source.author or None,
                  "url": fiche.source.url or None, "licence": fiche.source.licence or None}
    return {
        "id": f"{fiche.module}/{fiche.slug}",
        "slug": fiche.slug,
        "module": fiche.module,
        "title": fiche.title,
        "description": fiche.description,
        "level": fiche.level,
        "level_label": fiche.level_label,
        "duration": fiche.duration,
        "duration_iso": iso_duration(fiche.duration),
        "audience": list(fiche.audience),
        "audience_labels": list(fiche.audience_labels),
        "authors": list(fiche.authors),
        "updated": fiche.updated.isoformat(),
        "licence": licence_record(fiche.licence),
        "competences": [competence_record(code) for code in fiche.competences],
        "tags": list(fiche.tags),
        "source": source,
        "urls": urls,
        "parcours": [p.slug for p in corpus.parcours_of(fiche.slug)] if corpus else [],
    }


def module_record(module: Module, site: SiteConfig) -> dict:
    return {
        "slug": module.slug,
        "title": module.title,
        "description": module.description,
        "colour": module.colour,
        "icon": module.icon,
        "badge": module.badge,
        "fiches": len(module.fiches),
        "total_duration": module.total_duration,
        "url": site_url(site, module.url),
        "booklet_pdf": site_url(site, f"{module.url}{module.slug}.pdf"),
        "quiz_url": site_url(site, module.quiz.url) if module.quiz else None,
    }


PARCOURS_DOCUMENTS = {"plan": "plan", "booklet": "livret", "carnet": "carnet",
                      "attestation": "attestation"}


def parcours_record(parcours, corpus: Corpus, site: SiteConfig) -> dict:
    ids = {f.slug: f"{f.module}/{f.slug}" for f in corpus.fiches}
    return {
        "slug": parcours.slug,
        "title": parcours.title,
        "goal": parcours.goal,
        "audience": list(parcours.audience),
        "level": parcours.level,
        "pass_numerique": parcours.pass_numerique,
        "total_duration": parcours.total_duration,
        "updated": parcours.updated.isoformat(),
        "prerequisites": list(parcours.prerequisites),
        "url": site_url(site, parcours.url),
        "documents": {key: site_url(site, f"{parcours.url}{parcours.slug}-{suffix}.pdf")
                      for key, suffix in PARCOURS_DOCUMENTS.items()},
        "sessions": [{"number": s.number, "title": s.title, "duration": s.duration,
                      "fiches": [ids[slug] for slug in s.fiches]} for s in parcours.sessions],
    }


def document(corpus: Corpus, site: SiteConfig) -> dict:
    """The whole catalogue as plain data; deterministic (module order, then fiche order)."""
    s = site.structure
    latest = max((f.updated for f in corpus.fiches), default=None)
    return {
        "$schema": site_url(site, SCHEMA_JSON),
        "schema_version": SCHEMA_VERSION,
        "name": f"Catalogue des fiches — {site.site_name}",
        "site": {"name": site.site_name, "url": site.site_url or None},
        "structure": {
            "name": s.name,
            "url": s.url or None,
            "email": s.email or None,
            "logo": site_url(site, s.logo) if s.logo else None,
        },
        "updated": latest.isoformat() if latest else None,
        "count": len(corpus.fiches),
        "modules": [module_record(m, site) for m in corpus.modules],
        "fiches": [fiche_record(f, site, corpus) for f in corpus.fiches],
        "parcours": [parcours_record(p, corpus, site) for p in corpus.parcours],
    }


@cache
def _schema_text() -> str:
    path = resources.files("fichotheque") / "data" / SCHEMA_JSON
    return path.read_text(encoding="utf-8")


def schema() -> dict:
    """The JSON Schema (draft 2020-12) of `catalogue.json`."""
    return json.loads(_schema_text())


def dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def write_text_atomic(path: Path, text: str) -> None:
    """Write through a temporary file in the same folder, then rename."""
    write_atomic(path, text)


def published_schema(site: SiteConfig) -> dict:
    """The schema as published on a site, with its own address as `$id`."""
    data = schema()
    data["$id"] = site_url(site, SCHEMA_JSON)
    return data


def write(site_dir: Path, corpus: Corpus, site: SiteConfig) -> Path:
    """Write `catalogue.json` and its schema at the root of a built site."""
    site_dir = Path(site_dir)
    write_text_atomic(site_dir / SCHEMA_JSON, dumps(published_schema(site)))
    target = site_dir / CATALOGUE_JSON
    write_text_atomic(target, dumps(document(corpus, site)))
    return target


def read(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


# -- the catalogue page ----------------------------------------------------------------------

def fold(text: str) -> str:
    """Lower case without accents, for sorting and filtering in the page."""
    decomposed = unicodedata.normalize("NFD", str(text).lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tag_key(tag: str) -> str:
    return "-".join(fold(tag).split())


def page_href(fiche: Fiche, use_directory_urls: bool) -> str:
    """Link from `catalogue/` to a fiche page, with or without directory URLs."""
    return "../" + (fiche.url if use_directory_urls else f"fiches/{fiche.module}/{fiche.slug}.html")


def competence_short(code: str) -> str:
    comp = referentiels.lookup(code)
    return f"{comp.framework_name} {comp.code}" if comp else code


def competence_order(code: str) -> tuple:
    """Pix, then DigComp, then CléA; numerically inside each (`pix:1.10` after `pix:1.9`)."""
    framework, _, number = code.partition(":")
    frameworks = list(referentiels.FRAMEWORKS)
    rank = frameworks.index(framework) if framework in frameworks else len(frameworks)
    return rank, [int(p) if p.isdigit() else 0 for p in number.split(".")]


def filter_options(corpus: Corpus) -> dict:
    """Choices offered by the filters, in a stable order, only those that are used."""
    fiches = corpus.fiches
    used_levels = {f.level for f in fiches}
    used_audiences = {a for f in fiches for a in f.audience}
    codes = sorted({c for f in fiches for c in f.competences}, key=competence_order)
    groups: dict[str, list] = {}
    for code in codes:
        comp = referentiels.lookup(code)
        if comp is None:
            continue
        groups.setdefault(comp.framework_name, []).append((code, f"{comp.code} — {comp.label}"))
    tags: dict[str, str] = {}
    for f in fiches:
        for t in f.tags:
            tags.setdefault(tag_key(t), t)
    durations = [f.duration for f in fiches] or [0]
    return {
        "modules": [(m.slug, m.title) for m in corpus.modules if m.fiches],
        "parcours": [(p.slug, p.title) for p in corpus.parcours],
        "levels": [(k, v) for k, v in LEVELS.items() if k in used_levels],
        "audiences": [(k, v) for k, v in AUDIENCES.items() if k in used_audiences],
        "competences": list(groups.items()),
        "tags": sorted(tags.items(), key=lambda kv: fold(kv[1])),
        "min_duration": min(durations),
        "max_duration": max(durations),
    }


def rows(corpus: Corpus, use_directory_urls: bool) -> list[dict]:
    result = []
    for module in corpus.modules:
        for f in module.fiches:
            result.append({
                "fiche": f,
                "module": module,
                "href": page_href(f, use_directory_urls),
                "sort_title": fold(f.title),
                "competences": [competence_short(c) for c in f.competences],
                "tag_keys": "|".join(tag_key(t) for t in f.tags),
                "parcours": " ".join(p.slug for p in corpus.parcours_of(f.slug)),
            })
    return result


def catalogue_markdown(corpus: Corpus, site: SiteConfig, use_directory_urls: bool = True,
                       late: bool = False) -> str:
    """The `catalogue/` page: the full list in HTML (works without JavaScript) + filters.

    With `late`, slot 0 of `pages.split_late` stands for the list and filters (`table_html`),
    which the build puts in once search has read the page: that raw HTML, excluded from search
    and a thousand rows long at N = 1,000, would only be parsed by Markdown and the search
    indexer to be passed on unchanged.
    """
    if late:
        return pages.render("catalogue.md", site=site, late_slot=pages.late_slot(0))
    return pages.render("catalogue.md", corpus=corpus, site=site, late_slot="",
                        rows=rows(corpus, use_directory_urls), options=filter_options(corpus),
                        first_rows=FIRST_ROWS)


def table_html(corpus: Corpus, site: SiteConfig, use_directory_urls: bool = True) -> str:
    """The list and its filters, as `catalogue_markdown` includes them."""
    return pages.render("catalogue_table.html", corpus=corpus, site=site,
                        rows=rows(corpus, use_directory_urls), options=filter_options(corpus),
                        first_rows=FIRST_ROWS)
