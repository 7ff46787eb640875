"""schema.org `LearningResource` description of a fiche, embedded as JSON-LD in its page.

Search engines and educational resource directories read it: level, duration, licence,
competences taught. Fiche metadata is untrusted, so `script_text` makes the JSON safe inside
`<script type="application/ld+json">`: no `<` can survive, hence no `</script>`.
"""

from __future__ import annotations

import json
import re

from fichotheque.content.model import Fiche, Module
from fichotheque.web.catalogue import fiche_paths, iso_duration
from fichotheque.web.settings import SiteConfig

ORGANISATION_WORDS = re.compile(
    r"\b(collectif|association|réseau|reseau|centre|mairie|ville|commune|france|epn|"
    r"médiathèque|mediatheque|bibliothèque|bibliotheque|fondation|coopérative|cooperative)\b",
    re.IGNORECASE)


def _url(site: SiteConfig, path: str) -> str:
    return site.absolute_url(path) if site.site_url else path


def agent(name: str, structure_name: str = "") -> dict:
    """An author as schema.org Person or Organization (by a cautious guess on the name)."""
    kind = ("Organization" if name == structure_name or ORGANISATION_WORDS.search(name)
            else "Person")
    return {"@type": kind, "name": name}


def learning_resource(fiche: Fiche, module: Module | None, site: SiteConfig) -> dict:
    paths = fiche_paths(fiche)
    s = site.structure
    publisher = {"@type": "Organization", "name": s.name}
    if s.url:
        publisher["url"] = s.url
    if s.email:
        publisher["email"] = s.email
    lic = fiche.licence_info
    data = {
        "@context": "https://schema.org",
        "@type": "LearningResource",
        "@id": _url(site, paths["page"]),
        "url": _url(site, paths["page"]),
        "name": fiche.title,
        "description": fiche.description,
        "inLanguage": "fr",
        "learningResourceType": "Fiche pratique",
        "educationalLevel": fiche.level_label,
        "timeRequired": iso_duration(fiche.duration),
        "license": lic.url if lic else fiche.licence,
        "isAccessibleForFree": True,
        "datePublished": fiche.updated.isoformat(),
        "dateModified": fiche.updated.isoformat(),
        "author": [agent(a, s.name) for a in fiche.authors],
        "publisher": publisher,
        "audience": [{"@type": "EducationalAudience", "educationalRole": label}
                     for label in fiche.audience_labels],
        "associatedMedia": {"@type": "MediaObject", "encodingFormat": "application/pdf",
                            "contentUrl": _url(site, paths["pdf"])},
    }
    competences = fiche.competence_objects
    if competences:
        data["teaches"] = [c.display for c in competences]
        data["educationalAlignment"] = [
            {
                "@type": "AlignmentObject",
                "alignmentType": "teaches",
                "educationalFramework": c.framework_name,
                "targetName": f"{c.code} — {c.label}",
                "targetUrl": c.framework_url,
            }
            for c in competences
        ]
    if fiche.tags:
        data["keywords"] = ", ".join(fiche.tags)
    if module is not None:
        data["isPartOf"] = {"@type": "LearningResource", "name": module.title,
                            "url": _url(site, module.url)}
    if fiche.source:
        based_on = {"@type": "CreativeWork", "name": fiche.source.title}
        if fiche.source.url:
            based_on["url"] = fiche.source.url
        if fiche.source.author:
            based_on["author"] = fiche.source.author
        data["isBasedOn"] = based_on
    return data


def script_text(data: dict) -> str:
    """JSON for a `<script>` element: `<`, `>`, `&` and line separators escaped."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text
