"""Write the badges of a project into a built site (`site/badges/`), at the stable URLs.

Called once the site is built (`hooks/badges.py`, on_post_build). Everything written is a pure
function of the project files (ids and dates come from the ledger), so rebuilding gives the
same bytes. The private key, when configured, is only used to sign; it is never written.
"""

from __future__ import annotations

import io
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import segno

from fichotheque.badges import BADGES_DIR, LEDGER_PATH, BadgeError, bake, images, ledger, sign
from fichotheque.badges import openbadges as ob
from fichotheque.content.loading import load_corpus
from fichotheque.content.model import Corpus
from fichotheque.files import write_atomic
from fichotheque.web.settings import SiteConfig

log = logging.getLogger("mkdocs.plugins.fichotheque.badges")

CLAIM_INDEX = "assertions/index.json"


@dataclass(frozen=True)
class Published:
    """What `publish` wrote, for the build log and the tests."""

    badges: int
    assertions: int
    revoked: int
    signed: bool
    files: tuple[str, ...]


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


def claim_index(defs: ob.Definitions, book: ledger.Ledger, signed: bool) -> dict:
    """What the claim page needs to find someone's badges from their e-mail, in the browser.

    Only values already public in the hosted assertions (salt and salted hash).
    """
    urls = ob.Urls(defs.site)
    entries = []
    for award in book.awards:
        revocation = book.revocation(award.id)
        entry = {"id": award.id, "badge": award.badge, "salt": award.salt,
                 "identity": award.recipient, "issuedOn": award.issued_on,
                 "signed": signed}
        if award.expires:
            entry["expires"] = award.expires
        if revocation:
            entry["revoked"] = True
            entry["revocationReason"] = revocation.reason
        entries.append(entry)
    badges = {b.id: {"name": b.name, "description": b.description, "module": b.module_title,
                     "criteria": [{"title": f.title, "url": f.url} for f in b.fiches],
                     "narrative": b.narrative}
              for b in defs.badges}
    return {"issuer": {"id": urls.issuer, "name": defs.issuer.name},
            "base": urls.base, "badges": badges, "assertions": entries}


IMAGE_CACHE = Path(".cache") / "badges"  # drawn badge images, by hash of what they show


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
    key = sign.load_private_key(key_path) if key_path else None
    urls = ob.Urls(site)
    files: dict[str, bytes] = {}
    files["emetteur.json"] = to_json(ob.profile_json(defs, signed=key is not None))
    if defs.issuer.image:  # the logo of the repository (a PNG, checked by load_definitions)
        files["emetteur.png"] = (root / defs.issuer.image).read_bytes()
    else:
        files["emetteur.png"] = images.cached_badge_png(root / IMAGE_CACHE, defs.issuer.name,
                                                        "#3F51B5", "", caption="Émetteur")
    pngs = {}
    for badge in defs.badges:
        pngs[badge.id] = images.cached_badge_png(root / IMAGE_CACHE, badge.name, badge.colour,
                                                 badge.module)
        files[f"{badge.id}.png"] = pngs[badge.id]
        files[f"{badge.id}.json"] = to_json(ob.badgeclass_json(defs, badge))
    if key is not None:
        files["cle-publique.json"] = to_json(ob.public_key_json(defs, sign.public_pem(key)))
    for award in book.awards:
        hosted = ob.assertion_json(defs, book, award)
        text = to_json(hosted)
        files[f"assertions/{award.id}.json"] = text
        files[f"assertions/{award.id}.png"] = bake.bake(pngs[award.badge], text.decode("utf-8"))
        files[f"assertions/{award.id}.qr.svg"] = qr_svg(urls.verify_page(award.id))
        if key is not None:
            token = sign.sign(ob.assertion_json(defs, book, award, signed=True), key)
            files[f"assertions/{award.id}.signed.png"] = bake.bake(pngs[award.badge], token)
    files["revocations.json"] = to_json(ob.revocation_list_json(defs, book))
    files[CLAIM_INDEX] = to_json(claim_index(defs, book, signed=key is not None))
    for rel, data in files.items():
        write_bytes(out / rel, data)
    return Published(len(defs.badges), len(book.awards), len(book.revocations),
                     key is not None, tuple(sorted(files)))
