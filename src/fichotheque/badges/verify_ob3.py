"""Checking an Open Badges 3.0 badge (VC-JWT baked as `openbadgecredential`) and reading keys
given by the user (`fichotheque badges verify --cle FICHIER|URL`).

The credential's signature is checked with the key its header names (`<did>#<kid>`): a key
given by the user, or the site's published keys (`badges/cles/jwks.json`). Its revocation is
read in the site's signed Bitstring Status List, and the hosted Open Badges 2.0 assertion of the
same award gives the details shown (badge, issuer, criteria) — one wording for both formats.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import urllib.error
import urllib.request
from pathlib import Path

from fichotheque.badges import BadgeError, bake, credential, ledger, sign
from fichotheque.badges.verdicts import (
    EXPIRED,
    FOREIGN,
    REVOKED,
    REVOKED_MESSAGE,
    TAMPERED,
    WRONG_RECIPIENT,
    SiteSource,
    Unreachable,
    Verdict,
    check_hosted,
    french_date,
    unreachable,
)

UUID_RE = re.compile(r"^urn:uuid:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$")
MAX_KEY_BYTES = 200_000


# -- keys given by the user --------------------------------------------------------------------

def _pems_of(data) -> list[str]:
    """Public keys in a key document: our record, an OB 2.0 CryptographicKey, a JWK(S), PEM."""
    if isinstance(data, str):
        return [data] if "BEGIN PUBLIC KEY" in data else []
    if isinstance(data, dict):
        if isinstance(data.get("publicKeyPem"), str):
            return [data["publicKeyPem"]]
        if data.get("kty") == "RSA":
            return [sign.public_pem(data)]
        if isinstance(data.get("keys"), list):
            return [p for item in data["keys"] for p in _pems_of(item)]
        if isinstance(data.get("verificationMethod"), list):  # a did.json
            return [p for item in data["verificationMethod"] if isinstance(item, dict)
                    for p in _pems_of(item.get("publicKeyJwk"))]
    return []


def load_key_argument(value: str, timeout: float = 15) -> dict[str, str]:
    """{kid: public PEM} from a file or an https:// URL; BadgeError in French otherwise."""
    if value.startswith(("https://", "http://")):
        try:
            with urllib.request.urlopen(value, timeout=timeout) as response:
                raw = response.read(MAX_KEY_BYTES + 1)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise BadgeError(f"impossible de lire la clé à l'adresse {value}") from exc
    else:
        try:
            raw = Path(value).expanduser().read_bytes()[:MAX_KEY_BYTES + 1]
        except OSError as exc:
            raise BadgeError(f"impossible de lire le fichier de clé {value} : "
                             f"{exc.strerror}") from exc
    text = raw.decode("utf-8", "replace")
    try:
        data = json.loads(text)
    except ValueError:
        data = text
    pems = _pems_of(data)
    if "PRIVATE KEY" in text or (isinstance(data, dict) and "d" in data):
        raise BadgeError(f"{value} contient une clé privée : donnez seulement la clé publique "
                         "(badges/cles/<…>.json du dépôt, ou son adresse sur le site)")
    found = {}
    for pem in pems:
        try:
            found[sign.key_id(pem)] = pem if pem.endswith("\n") else pem + "\n"
        except ValueError:
            continue
    if not found:
        raise BadgeError(f"{value} ne contient aucune clé publique RSA lisible")
    return found


# -- Open Badges 3.0 ---------------------------------------------------------------------------

def _published_keys(source: SiteSource) -> dict[str, str]:
    data = source.json(credential.JWKS_PATH) or {}
    return {kid: pem for pem in _pems_of(data) for kid in [sign.key_id(pem)]}


def verify_credential_png(png: bytes, source: SiteSource, email: str = "",
                          now: dt.datetime | None = None) -> Verdict:
    if bake.baked_count(png, keyword=bake.OB3_KEYWORD) > 1:
        return Verdict(TAMPERED, "L'image contient plusieurs badges Open Badges 3.0 : elle a été "
                                 "modifiée après sa délivrance, ce badge n'est donc pas valide.")
    token = (bake.unbake(png, keyword=bake.OB3_KEYWORD) or "").strip()
    return verify_token(token, source, email, now)


def verify_token(token: str, source: SiteSource, email: str = "",
                 now: dt.datetime | None = None) -> Verdict:
    """The verdict on an OpenBadgeCredential in VC-JWT form."""
    try:
        kid = str(sign.unverified_header(token).get("kid", ""))
        claimed = sign.unverified_payload(token)
    except ValueError:
        return Verdict(TAMPERED, "Les données du badge Open Badges 3.0 sont illisibles : "
                                 "l'image a été modifiée.")
    did = credential.did_of_base(source.base)
    if kid.rpartition("#")[0] != did or claimed.get("iss") != did:
        issuer = claimed.get("iss") or ""
        where = f" (il renvoie à {issuer})" if isinstance(issuer, str) and issuer else ""
        return Verdict(FOREIGN, f"Ce badge n'a pas été délivré par ce site{where}.")
    match = UUID_RE.match(str(claimed.get("id", "")))
    award_id = match.group(1) if match else ""
    keys = dict(source.keys)
    try:
        if kid.rpartition("#")[2] not in keys:
            keys.update(_published_keys(source))
    except Unreachable as exc:
        return unreachable(str(exc), award_id=award_id)
    if kid.rpartition("#")[2] not in keys:
        return Verdict(FOREIGN, "La clé qui a signé ce badge n'est pas publiée par ce site.",
                       assertion_id=award_id)
    try:
        document = credential.verify_credential(token, keys)
    except ValueError:
        return Verdict(TAMPERED, "La signature du badge ne correspond pas : l'image a été "
                                 "modifiée après sa délivrance.", assertion_id=award_id)
    signature = (f"badge Open Badges 3.0 signé : signature contrôlée avec la clé "
                 f"{kid.rpartition('#')[2]}")
    try:
        hosted = source.json(f"assertions/{award_id}.json") if award_id else None
        if hosted is None:
            return Verdict(FOREIGN, "Ce site n'a jamais délivré ce badge : son identifiant est "
                                    "inconnu ici.", assertion_id=award_id)
        status = _status(document, source, keys)
    except Unreachable as exc:
        return unreachable(str(exc), signature, award_id)
    subject = document.get("credentialSubject") or {}
    identifiers = subject.get("identifier") or [{}]
    identity = identifiers[0] if isinstance(identifiers[0], dict) else {}
    recipient = hosted.get("recipient") or {}
    if identity.get("identityHash") != recipient.get("identity"):
        return Verdict(TAMPERED, "Ce badge a été modifié : titulaire ne correspond pas à "
                                 "l'original publié par le site.", assertion_id=award_id)
    verdict = check_hosted(hosted, award_id, source, email, now, signature)
    if status is True and verdict.status != REVOKED:
        return Verdict(REVOKED, REVOKED_MESSAGE, verdict.details, award_id, verdict.competences,
                       signature)
    if status is None and verdict.status not in (REVOKED, EXPIRED, WRONG_RECIPIENT):
        return Verdict(TAMPERED, "La liste des badges révoqués de ce site est illisible ou "
                                 "n'est pas signée par lui : le badge ne peut pas être déclaré "
                                 "valide.", verdict.details, award_id, verdict.competences,
                       signature)
    until = document.get("validUntil")
    if until and verdict.status not in (REVOKED, EXPIRED):
        try:
            expired = ledger.parse_datetime(until) < (now or dt.datetime.now(dt.UTC))
        except (ValueError, TypeError):
            expired = True
        if expired:
            return Verdict(EXPIRED, f"Ce badge a expiré le {french_date(until)}.",
                           verdict.details, award_id, verdict.competences, signature)
    return verdict


def _status(document: dict, source: SiteSource, keys: dict[str, str]) -> bool | None:
    """True if the status list marks the credential revoked, False if not, None if unusable."""
    entry = document.get("credentialStatus") or {}
    if not isinstance(entry, dict) or source.relative(
            str(entry.get("statusListCredential", ""))) != credential.STATUS_LIST_PATH:
        return None
    raw = source.read(credential.STATUS_LIST_PATH)
    if raw is None:
        return None
    token = raw.decode("ascii", "replace").strip()
    try:
        status = credential.verify_status_list(token, keys)
    except ValueError:  # signed by a key not given by the user: the site's keys
        try:
            status = credential.verify_status_list(token, {**keys, **_published_keys(source)})
        except ValueError:
            return None
    if status.get("issuer") != credential.did_of_base(source.base):
        return None
    try:
        return credential.is_revoked(status, entry.get("statusListIndex"))
    except ValueError:
        return None
