"""The Open Badges 2.0 documents: issuer Profile, BadgeClass, Assertion, RevocationList, key.

Definitions come from `badges/emetteur.yml` and `badges/<badge-id>.yml`, completed from
`mkdocs.yml` (site URL, `extra.structure`) and the corpus (each module's fiches are the
criteria; their Pix / CléA Numérique competences are the alignments). Builders are pure
functions returning dicts; `publish.py` writes them. URLs are the stable ones of DESIGN.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fichotheque.badges import BADGES_DIR, ISSUER_FILE, LEDGER_FILE, BadgeError
from fichotheque.badges.issuer import Issuer, load_issuer, read_yaml
from fichotheque.badges.ledger import Award, Ledger
from fichotheque.content import referentiels
from fichotheque.content.model import Corpus, Module
from fichotheque.web.settings import SiteConfig

CONTEXT = "https://w3id.org/openbadges/v2"
ALIGNED_FRAMEWORKS = ("pix", "clea")
UNCODED_FRAMEWORKS = ("clea",)  # our numbers follow the publication order, not an official code
BADGE_KEYS = ("name", "description", "criteria", "tags", "alignment")


@dataclass(frozen=True)
class Alignment:
    target_name: str
    target_url: str
    target_framework: str
    target_code: str
    target_description: str = ""

    def as_json(self) -> dict:
        data = {"targetName": self.target_name, "targetUrl": self.target_url,
                "targetFramework": self.target_framework}
        if self.target_code:  # CléA Numérique has no official codes: none is invented
            data["targetCode"] = self.target_code
        if self.target_description:
            data["targetDescription"] = self.target_description
        return data


@dataclass(frozen=True)
class CriteriaFiche:
    title: str
    url: str  # absolute


@dataclass(frozen=True)
class BadgeClass:
    """One module's badge, with everything needed for its JSON and its image."""

    id: str
    name: str
    description: str
    narrative: str
    module: str
    module_title: str
    module_url: str
    colour: str
    fiches: tuple[CriteriaFiche, ...] = ()
    tags: tuple[str, ...] = ()
    alignments: tuple[Alignment, ...] = ()

    @property
    def criteria_markdown(self) -> str:
        """The criteria narrative: the module's fiches, then what the holder can do."""
        lines = [f"Avoir suivi les ateliers du module « {self.module_title} » :", ""]
        lines += [f"- [{f.title}]({f.url})" for f in self.fiches]
        if self.narrative:
            lines += ["", self.narrative.strip()]
        return "\n".join(lines)


@dataclass(frozen=True)
class Definitions:
    site: SiteConfig
    issuer: Issuer
    badges: tuple[BadgeClass, ...]
    orphans: tuple[str, ...] = ()  # badge files no module refers to (ignored)

    def badge(self, badge_id: str) -> BadgeClass | None:
        return next((b for b in self.badges if b.id == badge_id), None)


# -- URLs (contract) ---------------------------------------------------------------------------

class Urls:
    """The stable URLs of the badge files under `site_url`."""

    def __init__(self, site: SiteConfig):
        self.site = site
        self.base = site.absolute_url(f"{BADGES_DIR}/")

    @property
    def issuer(self) -> str:
        return self.base + "emetteur.json"

    @property
    def issuer_image(self) -> str:
        return self.base + "emetteur.png"

    @property
    def revocations(self) -> str:
        return self.base + "revocations.json"

    @property
    def public_key(self) -> str:
        """The first URL of a key, kept for badges signed before keys were versioned."""
        return self.base + "cle-publique.json"

    def key(self, kid: str) -> str:
        """A signing key's own URL (OB 2.0 CryptographicKey), published for ever."""
        return self.base + f"cles/{kid}.json"

    @property
    def claim_page(self) -> str:
        return self.base + "obtenir/"

    def claim_link(self, award_id: str) -> str:
        """The link sent to the person: the claim page for that one award."""
        return self.claim_page + f"?id={award_id}"

    def verify_page(self, award_id: str = "") -> str:
        return self.base + "verifier/" + (f"?id={award_id}" if award_id else "")

    def badge(self, badge_id: str) -> str:
        return self.base + f"{badge_id}.json"

    def badge_image(self, badge_id: str) -> str:
        return self.base + f"{badge_id}.png"

    def assertion(self, award_id: str) -> str:
        return self.base + f"assertions/{award_id}.json"

    def assertion_image(self, award_id: str) -> str:
        return self.base + f"assertions/{award_id}.png"


def signed_id(award_id: str) -> str:
    return f"urn:uuid:{award_id}"


# -- loading definitions -----------------------------------------------------------------------

def _alignments(codes, module: Module, rel: str) -> tuple[Alignment, ...]:
    if codes is None:  # default: the Pix and CléA competences the module's fiches cover
        found = {c for f in module.fiches for c in f.competences}
        codes = sorted((c for c in found if c.split(":")[0] in ALIGNED_FRAMEWORKS),
                       key=lambda c: (c.split(":")[0] != "pix", c))
    if not isinstance(codes, list):
        raise BadgeError(f"{rel}: « alignment » doit être une liste de codes (pix:4.1, clea:4…)")
    result = []
    for code in codes:
        competence = referentiels.lookup(str(code))
        if competence is None:
            raise BadgeError(f"{rel}: compétence « {code} » inconnue dans « alignment »")
        official = "" if competence.framework in UNCODED_FRAMEWORKS else competence.code
        result.append(Alignment(competence.label, competence.framework_url,
                                competence.framework_name, official, competence.area))
    return tuple(result)


def load_definitions(root: Path, site: SiteConfig, corpus: Corpus) -> Definitions:
    """Issuer and BadgeClasses of the project; BadgeError naming the file on any problem."""
    root = Path(root)
    folder = root / BADGES_DIR
    if not site.site_url:
        raise BadgeError("mkdocs.yml: « site_url » est vide — les badges ont besoin de l'adresse "
                         "publique du site (par exemple https://exemple.org/fiches/)")
    issuer = load_issuer(root, site)
    modules = {m.badge: m for m in corpus.modules if m.badge}
    files = {p.stem: p for p in (sorted(folder.glob("*.yml")) if folder.is_dir() else [])
             if p.name not in (ISSUER_FILE, LEDGER_FILE)}
    # A badge file without its module (a fork that dropped a module) publishes nothing.
    orphans = tuple(sorted(p.relative_to(root).as_posix() for b, p in files.items()
                           if b not in modules))
    badges = []
    for badge_id, module in sorted(modules.items(), key=lambda item: item[1].order):
        path = files.get(badge_id, folder / f"{badge_id}.yml")
        rel = path.relative_to(root).as_posix()
        # A module without its badge file gets a badge made of its own title and description.
        entry = read_yaml(path, root) if path.exists() or path.is_symlink() else {}
        unknown = sorted(str(k) for k in set(entry) - set(BADGE_KEYS))
        if unknown:
            raise BadgeError(f"{rel}: clé « {unknown[0]} » inconnue — clés possibles : "
                             f"{', '.join(BADGE_KEYS)}")
        tags = entry.get("tags") or []
        if not isinstance(tags, list):
            raise BadgeError(f"{rel}: « tags » doit être une liste")
        badges.append(BadgeClass(
            id=badge_id,
            name=str(entry.get("name") or module.title),
            description=" ".join(str(entry.get("description") or module.description).split()),
            narrative=str(entry.get("criteria") or "").strip(),
            module=module.slug,
            module_title=module.title,
            module_url=site.absolute_url(module.url),
            colour=module.colour,
            fiches=tuple(CriteriaFiche(f.title, site.absolute_url(f.url)) for f in module.fiches),
            tags=tuple(str(t) for t in tags),
            alignments=_alignments(entry.get("alignment"), module, rel),
        ))
    return Definitions(site, issuer, tuple(badges), orphans)


# -- documents ---------------------------------------------------------------------------------

def profile_json(defs: Definitions, key_url: str = "") -> dict:
    urls = Urls(defs.site)
    issuer = defs.issuer
    data = {
        "@context": CONTEXT,
        "type": "Issuer",
        "id": urls.issuer,
        "name": issuer.name,
        "url": issuer.url,
    }
    if issuer.email:
        data["email"] = issuer.email
    if issuer.description:
        data["description"] = issuer.description
    data["image"] = urls.issuer_image  # the repository's logo, or the generated image
    data["revocationList"] = urls.revocations
    # Hosted assertions live under the site URL, which may be a sub-path (GitHub Pages).
    data["verification"] = {"type": "VerificationObject", "startsWith": urls.base}
    if key_url:  # the key that signs new badges (older ones stay published, see keys.py)
        data["publicKey"] = key_url
    return data


def badgeclass_json(defs: Definitions, badge: BadgeClass) -> dict:
    urls = Urls(defs.site)
    data = {
        "@context": CONTEXT,
        "type": "BadgeClass",
        "id": urls.badge(badge.id),
        "name": badge.name,
        "description": badge.description,
        "image": urls.badge_image(badge.id),
        "criteria": {"id": badge.module_url, "narrative": badge.criteria_markdown},
        "issuer": urls.issuer,
    }
    if badge.tags:
        data["tags"] = list(badge.tags)
    if badge.alignments:
        data["alignment"] = [a.as_json() for a in badge.alignments]
    return data


def assertion_json(defs: Definitions, ledger: Ledger, award: Award, signed_by: str = "") -> dict:
    """The hosted assertion (or, with `signed_by` = a key URL, the one a JWS carries)."""
    signed = bool(signed_by)
    urls = Urls(defs.site)
    data = {
        "@context": CONTEXT,
        "type": "Assertion",
        "id": signed_id(award.id) if signed else urls.assertion(award.id),
        "recipient": {"type": "email", "hashed": True, "salt": award.salt,
                      "identity": award.recipient},
        "badge": urls.badge(award.badge),
        "issuedOn": award.issued_on,
        "image": urls.assertion_image(award.id),
        "verification": ({"type": "signed", "creator": signed_by} if signed
                         else {"type": "hosted"}),
    }
    if award.expires:
        data["expires"] = award.expires
    if award.evidence:
        data["evidence"] = {"type": "Evidence", "narrative": award.evidence}
    revocation = ledger.revocation(award.id)
    if revocation and not signed:
        data["revoked"] = True
        data["revocationReason"] = revocation.reason
    return data


def revocation_list_json(defs: Definitions, ledger: Ledger) -> dict:
    urls = Urls(defs.site)
    revoked = []
    for revocation in ledger.revocations:
        for assertion_id in (urls.assertion(revocation.revoked), signed_id(revocation.revoked)):
            revoked.append({"id": assertion_id, "revocationReason": revocation.reason})
    return {
        "@context": CONTEXT,
        "type": "RevocationList",
        "id": urls.revocations,
        "issuer": urls.issuer,
        "revokedAssertions": revoked,
    }


def public_key_json(defs: Definitions, pem: str, url: str) -> dict:
    urls = Urls(defs.site)
    return {
        "@context": CONTEXT,
        "type": "CryptographicKey",
        "id": url,
        "owner": urls.issuer,
        "publicKeyPem": pem,
    }
