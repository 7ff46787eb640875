"""Checking a badge PNG against the site that issued it (what the verify page does, in Python).

The reference validator only re-fetches the hosted copy and ignores `revoked`; here the copy
baked in the image is compared with the hosted one (a changed recipient or badge is caught),
a JWS is checked against the key named in the badge (every key the site ever used stays
published; a key file can also be given, to check a signature without the site), and
revocation and expiry are checked. When the site cannot be reached, the verdict says so: it
never claims a badge was not issued because the network failed. Open Badges 3.0 credentials
(VC-JWT) are checked by `verify_ob3.py`. Verdicts are French sentences for the person who
holds or checks the badge.
"""


from __future__ import annotations

import datetime as dt
import json
import re

from fichotheque.badges import bake, sign, verify_ob3
from fichotheque.badges.verdicts import (  # noqa: F401 (the verdicts, for callers of verify)
    EXIT_CODES,
    EXPIRED,
    FOREIGN,
    HOLDER_NOTE,
    NOT_BADGE,
    REVOKED,
    TAMPERED,
    UNREACHABLE,
    UUID_RE,
    VALID,
    WRONG_RECIPIENT,
    SiteSource,
    Unreachable,
    Verdict,
    check_hosted,
    competences_of,
    french_date,
    unreachable,
)

MUTABLE = ("revoked", "revocationReason")  # fields the issuer may add after baking

def _comparable(data: dict) -> dict:
    return {k: v for k, v in data.items() if k not in MUTABLE}


def _differences(embedded: dict, hosted: dict) -> list[str]:
    a, b = _comparable(embedded), _comparable(hosted)
    return sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))


FIELD_LABELS = {"recipient": "titulaire", "badge": "badge", "issuedOn": "date",
                "expires": "date d'expiration", "id": "identifiant", "evidence": "preuve"}


def _award_id(assertion_id: str, source: SiteSource) -> str | None:
    if assertion_id.startswith("urn:uuid:"):
        candidate = assertion_id[len("urn:uuid:"):]
    else:
        rel = source.relative(assertion_id) or ""
        match = re.fullmatch(r"assertions/([0-9a-f-]{36})\.json", rel)
        candidate = match.group(1) if match else ""
    return candidate if UUID_RE.match(candidate) else None


def verify_png(png: bytes, source: SiteSource, email: str = "",
               now: dt.datetime | None = None) -> Verdict:
    """The verdict on a badge image: valid, revoked, expired, tampered, foreign, not a badge,
    or « site injoignable » when the issuer's site could not be read."""
    if bake.is_png(png) and bake.unbake(png, keyword=bake.OB3_KEYWORD):
        return verify_ob3.verify_credential_png(png, source, email, now)
    try:
        return _verify_png(png, source, email, now)
    except Unreachable as exc:
        return unreachable(str(exc))


def _verify_png(png: bytes, source: SiteSource, email: str = "",
                now: dt.datetime | None = None) -> Verdict:
    if not bake.is_png(png):
        return Verdict(NOT_BADGE, "Ce fichier n'est pas une image PNG : ce n'est pas un badge.")
    if bake.baked_count(png) > 1:
        return Verdict(TAMPERED, "L'image contient plusieurs assertions Open Badges : on ne peut "
                                 "pas savoir laquelle a été délivrée. Elle a été modifiée après "
                                 "sa délivrance, ce badge n'est donc pas valide.")
    text = bake.unbake(png)
    if not text or not text.strip():
        return Verdict(NOT_BADGE, "Cette image ne contient pas de badge (aucune donnée "
                                  "Open Badges à l'intérieur).")
    text = text.strip()
    signed = sign.is_jws(text)
    if signed:
        try:
            embedded = sign.unverified_payload(text)
        except ValueError:
            return Verdict(TAMPERED, "Les données du badge signé sont illisibles : l'image a été "
                                     "modifiée.")
    else:
        try:
            embedded = json.loads(text)
        except ValueError:
            embedded = text if text.startswith(("https://", "http://")) else None
        if isinstance(embedded, str):  # a badge may bake only the URL of its assertion
            embedded = {"id": embedded}
        if not isinstance(embedded, dict) or not isinstance(embedded.get("id"), str):
            return Verdict(NOT_BADGE, "Les données cachées dans cette image ne sont pas celles "
                                      "d'un Open Badge.")
    award_id = _award_id(str(embedded.get("id", "")), source)
    if award_id is None:
        return _foreign(embedded, source)
    signature = "badge hébergé : comparé à l'original publié par le site"
    if signed:
        verification = embedded.get("verification") or {}
        creator = str(verification.get("creator", "")) if isinstance(verification, dict) else ""
        try:
            pem = source.key_pem(creator)
        except Unreachable as exc:
            return unreachable(str(exc), award_id=award_id)
        if pem is None:
            return _foreign(embedded, source)
        try:
            sign.verify(text, pem)
        except ValueError:
            return Verdict(TAMPERED, "La signature du badge ne correspond pas : l'image a été "
                                     "modifiée après sa délivrance.", assertion_id=award_id)
        signature = f"badge signé : signature contrôlée avec la clé {creator}"
        try:
            hosted = source.json(f"assertions/{award_id}.json")
        except Unreachable as exc:
            return unreachable(str(exc), signature, award_id)
    else:
        hosted = source.json(f"assertions/{award_id}.json")
    if hosted is None:
        return Verdict(FOREIGN, "Ce site n'a jamais délivré ce badge : son identifiant est "
                                "inconnu ici.", assertion_id=award_id)
    if signed:
        comparable_embedded = {k: v for k, v in embedded.items() if k not in ("id", "verification")}
        comparable_hosted = {k: v for k, v in hosted.items() if k not in ("id", "verification")}
        differences = _differences(comparable_embedded, comparable_hosted)
    elif len(embedded) == 1:  # only the URL was baked: the hosted copy is the badge
        differences = []
    else:
        differences = _differences(embedded, hosted)
    if differences:
        labels = ", ".join(FIELD_LABELS.get(k, k) for k in differences)
        return Verdict(TAMPERED, f"Ce badge a été modifié : {labels} ne correspond pas à "
                                 "l'original publié par le site.", assertion_id=award_id)
    return check_hosted(hosted, award_id, source, email, now, signature)


def _foreign(embedded: dict, source: SiteSource) -> Verdict:
    badge = embedded.get("badge")
    origin = badge if isinstance(badge, str) else str(embedded.get("id", ""))
    where = f" (il renvoie à {origin})" if origin.startswith(("https://", "http://")) else ""
    return Verdict(FOREIGN, f"Ce badge n'a pas été délivré par ce site{where}.")


def verify_id(award_id: str, source: SiteSource, email: str = "",
              now: dt.datetime | None = None) -> Verdict:
    """The verdict on a hosted assertion known by its id (the verify page's `?id=`)."""
    award_id = award_id.strip().lower()
    try:
        hosted = source.json(f"assertions/{award_id}.json") if UUID_RE.match(award_id) else None
        if hosted is None:
            return Verdict(FOREIGN, "Ce site n'a jamais délivré de badge avec cet identifiant.")
        return check_hosted(hosted, award_id, source, email, now)
    except Unreachable as exc:
        return unreachable(str(exc), award_id=award_id)
