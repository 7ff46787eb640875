"""Write the badges of a project into a built site (`site/badges/`), at the stable URLs.

Called once the site is built (`hooks/badges.py`, on_post_build). Everything written is a pure
function of the project files (ids and dates come from the ledger), so rebuilding gives the
same bytes. The private key, when configured, is only used to sign; it is never written.
Signed forms come from `badges/signatures/` (kept in git) and every public key ever recorded
in `badges/cles/` is published, so a build without the key never drops a signed badge.
"""

from __future__ import annotations

import io
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import segno

from fichotheque.badges import (
    BADGES_DIR,
    LEDGER_PATH,
    BadgeError,
    bake,
    credential,
    images,
    keys,
    ledger,
    sign,
    signatures,
)
from fichotheque.badges import openbadges as ob
from fichotheque.content.loading import load_corpus
from fichotheque.content.model import Corpus
from fichotheque.files import write_atomic
from fichotheque.web.identity import IdentityError, colours_from
from fichotheque.web.settings import SiteConfig

log = logging.getLogger("mkdocs.plugins.fichotheque.badges")

IMAGE_CACHE = Path(".cache") / "badges"  # drawn badge images, by hash of what they show
DEFAULT_COLOUR = "#3F51B5"


@dataclass(frozen=True)
class Published:
    """What `publish` wrote, for the build log and the tests."""

    badges: int
    assertions: int
    revoked: int
    signed: int  # awards published with their signed forms
    files: tuple[str, ...]
    unsaved: int = 0  # signed by this build only: not in badges/signatures/ yet


def to_json(data) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write_bytes(path: Path, data: bytes) -> None:
    """Write through a temp file + rename; skip when the bytes are already there."""
    if path.exists() and path.read_bytes() == data:
        return
    write_atomic(path, data)


def qr_svg(url: str) -> bytes:
    """A QR code (SVG) pointing at `url`, for the printable certificate."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=4, border=2, xmldecl=False,
                                    title="Code QR vers la page de vérification du badge")
    return out.getvalue()


def claim_json(defs: ob.Definitions, book: ledger.Ledger, award: ledger.Award,
               files: dict[str, bytes]) -> dict:
    """What the claim page needs for one award (`assertions/<id>.obtenir.json`).

    Only values already public in that award's hosted assertion and badge: no file lists the
    salts of every award (such a list would let anyone test addresses against all awards).
    """
    urls = ob.Urls(defs.site)
    badge = defs.badge(award.badge)
    revocation = book.revocation(award.id)
    entry = {"id": award.id, "badge": award.badge, "salt": award.salt,
             "identity": award.recipient, "issuedOn": award.issued_on,
             "badgeInfo": {"name": badge.name, "description": badge.description,
                           "module": badge.module_title,
                           "criteria": [{"title": f.title, "url": f.url} for f in badge.fiches],
                           "narrative": badge.narrative,
                           "alignments": [a.as_json() for a in badge.alignments]},
             "issuer": {"name": defs.issuer.name},
             "verify": urls.verify_page(award.id),
             "files": {kind: f"{award.id}{suffix}" for kind, suffix in
                       (("signed", ".signed.png"), ("ob3", ".ob3.png"),
                        ("credential", ".jwt"))
                       if f"assertions/{award.id}{suffix}" in files}}
    if award.expires:
        entry["expires"] = award.expires
    if award.evidence:
        entry["evidence"] = award.evidence
    if revocation:
        entry["revoked"] = True
        entry["revocationReason"] = revocation.reason
    return entry


def key_files(defs: ob.Definitions, published: tuple[keys.PublicKey, ...]) -> dict[str, bytes]:
    """Every key ever recorded at its own URL, the first one also at the historical URL."""
    urls = ob.Urls(defs.site)
    files = {f"cles/{k.kid}.json": to_json(ob.public_key_json(defs, k.pem, urls.key(k.kid)))
             for k in published}
    if published:
        files["cle-publique.json"] = to_json(ob.public_key_json(defs, published[0].pem,
                                                                urls.public_key))
        jwks = [sign.public_jwk(k.pem) for k in published]
        files[credential.JWKS_PATH] = to_json(credential.jwks(jwks))
        files[credential.DID_PATH] = to_json(credential.did_document(urls, jwks))
    return files


def signed_forms(root: Path, defs: ob.Definitions, book: ledger.Ledger,
                 published: tuple[keys.PublicKey, ...], key_path: Path | None):
    """Stored signatures, completed with the configured key.

    Returns (signed forms by award, those made by this build only, the signed revocation list
    of the Open Badges 3.0 credentials or "" when there is none).
    """
    stored = signatures.load_signed(root, defs, book, published)
    fresh: dict[str, signatures.Signed] = {}
    private = record = None
    if key_path:
        private = sign.load_private_key(key_path)
        record = keys.require_recorded(published, private)
        for award in book.awards:
            if award.id not in stored and not book.revocation(award.id):
                fresh[award.id] = signatures.sign_award(defs, book, award, private, record)
    every = {**fresh, **stored}
    status = ""
    if any(forms.jwt for forms in every.values()):
        status = signatures.status_list_token(root, defs, book, published, private, record)
    return every, fresh, status


def brand_colour(site: SiteConfig) -> str:
    try:
        return colours_from(site).primary or DEFAULT_COLOUR
    except IdentityError:  # reported by `fichotheque check` and the theme
        return DEFAULT_COLOUR


ISSUER_IMAGE = ""  # key of the issuer's drawn image in `image_requests` (no badge id is empty)


def image_requests(defs: ob.Definitions, site: SiteConfig) -> dict[str, tuple[str, str, str, str]]:
    """The images to draw, by badge id ("" for the issuer without a logo): the arguments of
    `images.cached_badge_png` after its cache folder."""
    caption = defs.issuer.name  # the place that awards the badges, not the project
    wanted = {badge.id: (badge.name, badge.colour, badge.module, caption)
              for badge in defs.badges}
    if not defs.issuer.image:
        wanted[ISSUER_IMAGE] = (defs.issuer.name, brand_colour(site), "", "Badges numériques")
    return wanted


def publish(site_dir: Path, root: Path, site: SiteConfig, corpus: Corpus | None = None,
            key_path: Path | None = None) -> Published:
    """Write every badge file into `site_dir/badges/`; BadgeError on bad project files."""
    root, out = Path(root), Path(site_dir) / BADGES_DIR
    corpus = corpus or load_corpus(root)
    defs = ob.load_definitions(root, site, corpus)
    book = ledger.load(root / LEDGER_PATH)
    known = {b.id for b in defs.badges}
    for award in book.awards:
        if award.badge not in known:
            raise BadgeError(f"{LEDGER_PATH}: l'attribution {award.id} porte sur le badge "
                             f"« {award.badge} », qui n'existe pas dans {BADGES_DIR}/")
    published = keys.load_keys(root)
    signed, fresh, status = signed_forms(root, defs, book, published, key_path)
    urls = ob.Urls(site)
    files: dict[str, bytes] = key_files(defs, published)
    # One key in the profile (the reference validator refuses a list): the newest. Older keys
    # stay published at their URLs, each naming this issuer as its owner (see keys.py).
    files["emetteur.json"] = to_json(ob.profile_json(
        defs, urls.key(published[-1].kid) if published else ""))
    drawn = {name: images.cached_badge_png(root / IMAGE_CACHE, *request)
             for name, request in image_requests(defs, site).items()}
    if defs.issuer.image:  # the logo of the repository (a PNG, checked by load_definitions)
        files["emetteur.png"] = (root / defs.issuer.image).read_bytes()
    else:
        files["emetteur.png"] = drawn[ISSUER_IMAGE]
    pngs = {}
    for badge in defs.badges:
        pngs[badge.id] = drawn[badge.id]
        files[f"{badge.id}.png"] = pngs[badge.id]
        files[f"{badge.id}.json"] = to_json(ob.badgeclass_json(defs, badge))
    shown = 0
    for award in book.awards:
        text = to_json(ob.assertion_json(defs, book, award))
        files[f"assertions/{award.id}.json"] = text
        files[f"assertions/{award.id}.png"] = bake.bake(pngs[award.badge], text.decode("utf-8"))
        files[f"assertions/{award.id}.qr.svg"] = qr_svg(urls.verify_page(award.id))
        forms = signed.get(award.id)  # never made for an award already revoked when signing
        if forms is not None:  # once published, kept at its URL: revocation is checked apart
            shown += 1
            if forms.jws:
                files[f"assertions/{award.id}.signed.png"] = bake.bake(pngs[award.badge],
                                                                       forms.jws)
            if forms.jwt:  # Open Badges 3.0: the VC-JWT, and baked in its own image
                files[credential.credential_path(award.id)] = (forms.jwt + "\n").encode()
                files[f"assertions/{award.id}.ob3.png"] = bake.bake(
                    pngs[award.badge], forms.jwt, keyword=bake.OB3_KEYWORD)
        files[f"assertions/{award.id}.obtenir.json"] = to_json(
            claim_json(defs, book, award, files))
    files["revocations.json"] = to_json(ob.revocation_list_json(defs, book))
    if status:
        files[credential.STATUS_LIST_PATH] = (status + "\n").encode("ascii")
    for rel, data in files.items():
        write_bytes(out / rel, data)
    return Published(len(defs.badges), len(book.awards), len(book.revocations), shown,
                     tuple(sorted(files)), len(fresh))
