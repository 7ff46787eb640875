"""Competence frameworks (Pix, DigComp 2.2, CléA Numérique) shipped as data with the package.

The YAML files are copies of `shared/referentiels/` (sources listed in each file's header).
A competence is referred to by a code `<framework>:<code>`, e.g. `pix:4.1`, `digcomp:4.2`,
`clea:4` (CléA Numérique has no official codes: its domains are numbered in publication order).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

FRAMEWORKS = {
    "pix": "Pix",
    "digcomp": "DigComp 2.2",
    "clea": "CléA Numérique",
}

FRAMEWORK_URLS = {
    "pix": "https://pix.fr/",
    # the DigComp 2.2 publication itself (JRC128415, 2022), not the programme's home page
    "digcomp": "https://publications.jrc.ec.europa.eu/repository/handle/JRC128415",
    "clea": "https://www.certificat-clea.fr/",
}


@dataclass(frozen=True)
class Competence:
    """One competence of a framework, as a fiche or a badge refers to it."""

    framework: str
    code: str
    label: str
    area: str

    @property
    def key(self) -> str:
        return f"{self.framework}:{self.code}"

    @property
    def framework_name(self) -> str:
        return FRAMEWORKS[self.framework]

    @property
    def framework_url(self) -> str:
        return FRAMEWORK_URLS[self.framework]

    @property
    def display(self) -> str:
        """Human label, e.g. `Pix 4.1 — Sécuriser l'environnement numérique`."""
        return f"{self.framework_name} {self.code} — {self.label}"


def load_data(name: str):
    """Load one of the packaged reference YAML files (`licences`, `pix`, …)."""
    path = resources.files("fichotheque") / "data" / "referentiels" / f"{name}.yml"
    # libyaml when available: these files are read by every build and every `check`.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)


@cache
def competences() -> dict[str, Competence]:
    """Every known competence, by key."""
    found: dict[str, Competence] = {}
    for domain in load_data("pix")["domains"]:
        for comp in domain["competences"]:
            c = Competence("pix", str(comp["code"]), comp["label"], domain["label"])
            found[c.key] = c
    for area in load_data("digcomp")["areas"]:
        area_title = area.get("title_fr_unofficial") or area.get("title_en", "")
        for comp in area["competences"]:
            # French readers see our working translation (the JRC publishes none)
            label = comp.get("title_fr") or comp["title_en"]
            c = Competence("digcomp", str(comp["code"]), label, area_title)
            found[c.key] = c
    for domain in load_data("clea-numerique")["domains"]:
        c = Competence("clea", str(domain["order"]), domain["label"], domain["label"])
        found[c.key] = c
    return found


def lookup(key: str) -> Competence | None:
    return competences().get(key)


def known_codes(framework: str) -> list[str]:
    return [c.code for c in competences().values() if c.framework == framework]
