"""Open Badges 3.0 beside 2.0: each award as an OpenBadgeCredential signed as a VC-JWT.

The issuer is a `did:web` DID for the site's `badges/` folder, so its DID document is a plain
file of the site (`badges/did.json`) listing every published public key; a credential's JWT
header names its key as `<did>#<kid>` (kid: RFC 7638 thumbprint, see `sign.key_id`).
Revocation is a Bitstring Status List (`statuslist.py`) whose bit i is award i of the ledger.

Pure functions of the ledger and the definitions (dates come from the ledger, never the clock),
so the same inputs give the same bytes and rebuilding the site changes nothing. Files, under
the site's `badges/` folder (see the *_PATH constants and the *_url helpers):

- `did.json`: `did_document(urls, [public_jwk…])`; `cles/jwks.json`: `jwks([public_jwk…])`
- `assertions/<award-id>.jwt`: `sign_credential(credential_json(…), key)` (the spec's
  File Format: a VC-JWT credential file SHOULD end in `.jwt` or `.jws`)
- `statut/revocations.jwt`: `sign_status_list(status_list_credential(defs, book), key)`
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote, urlsplit

from fichotheque.badges import sign, statuslist
from fichotheque.badges.ledger import Award, Ledger, parse_datetime
from fichotheque.badges.openbadges import BadgeClass, Definitions, Urls

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
# Defines the term 1EdTechJsonSchemaValidator2019 used in `credentialSchema` (the spec's own
# example "Sample OpenBadgeCredential file contents" lists these three contexts).
OB3_EXTENSIONS_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
CONTEXTS = (VC_CONTEXT, OB3_CONTEXT, OB3_EXTENSIONS_CONTEXT)
SCHEMA_URL = ("https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
              "ob_v3p0_achievementcredential_schema.json")
SCHEMA_TYPE = "1EdTechJsonSchemaValidator2019"
# What the badge attests: the module's workshops were followed (AchievementType vocabulary).
ACHIEVEMENT_TYPE = "Badge"
DID_CONTEXTS = ("https://www.w3.org/ns/did/v1", "https://w3id.org/security/suites/jws-2020/v1")
VERIFICATION_METHOD_TYPE = "JsonWebKey2020"
STATUS_PURPOSE = "revocation"
JWT_CLAIMS = ("iss", "jti", "nbf", "exp", "sub", "iat", "aud")

DID_PATH = "did.json"
JWKS_PATH = "cles/jwks.json"
STATUS_LIST_PATH = "statut/revocations.jwt"


def credential_path(award_id: str) -> str:
    """Where the signed credential of an award lives, under `badges/`."""
    return f"assertions/{award_id}.jwt"


def credential_url(urls: Urls, award_id: str) -> str:
    return urls.base + credential_path(award_id)


def status_list_url(urls: Urls) -> str:
    return urls.base + STATUS_LIST_PATH


def jwks_url(urls: Urls) -> str:
    return urls.base + JWKS_PATH


def did_document_url(urls: Urls) -> str:
    return urls.base + DID_PATH


# -- issuer identity: did:web and its keys -----------------------------------------------------

def issuer_did(urls: Urls) -> str:
    """The `did:web` DID of the badges folder: it resolves to `<badges folder>/did.json`."""
    return did_of_base(urls.base)


def did_of_base(base: str) -> str:
    """The `did:web` DID of a badges folder's address (what a verifier knows of a site).

    `https://host:8000/a/b/` gives `did:web:host%3A8000:a:b:badges` (did:web method: path
    segments joined with `:`, the port's colon percent-encoded).
    """
    parts = urlsplit(base)
    host = (parts.hostname or "").lower()
    if not host:
        raise ValueError(f"no host in {base}")
    if parts.port:
        host += f"%3A{parts.port}"
    segments = [quote(s, safe="%-._~!$&'()*+,;=@") for s in parts.path.split("/") if s]
    return ":".join(["did:web", host, *segments])


def verification_method_id(did: str, kid: str) -> str:
    return f"{did}#{kid}"


def did_document(urls: Urls, public_keys: list) -> dict:
    """The DID document (`badges/did.json`): every published key may sign credentials.

    Ids are absolute (`<did>#<kid>`) and `assertionMethod` lists them as strings: the 1EdTech
    validator looks the JWT `kid` up in both by exact match, and reads `controller`.
    """
    did = issuer_did(urls)
    methods, seen = [], set()
    for jwk in public_keys:
        jwk = _public_only(jwk)
        if jwk["kid"] in seen:
            continue
        seen.add(jwk["kid"])
        methods.append({"id": verification_method_id(did, jwk["kid"]),
                        "type": VERIFICATION_METHOD_TYPE, "controller": did,
                        "publicKeyJwk": jwk})
    return {"@context": list(DID_CONTEXTS), "id": did, "verificationMethod": methods,
            "assertionMethod": [m["id"] for m in methods]}


def jwks(public_keys: list) -> dict:
    """A JWK Set of the published keys (public JWKs or PEM texts) for `badges/cles/jwks.json`."""
    keys, seen = [], set()
    for jwk in public_keys:
        jwk = _public_only(jwk)
        if jwk["kid"] not in seen:
            seen.add(jwk["kid"])
            keys.append(jwk)
    return {"keys": keys}


def _public_only(key) -> dict:
    """The public JWK (kid = thumbprint) of a JWK or PEM; a private JWK is a bug: refuse it."""
    if isinstance(key, dict) and set(key) & set(sign.PRIVATE_MEMBERS):
        raise ValueError("a private key member must never be published")
    return sign.public_jwk(key)


# -- the credential ----------------------------------------------------------------------------

def issuer_profile(defs: Definitions) -> dict:
    urls = Urls(defs.site)
    issuer = defs.issuer
    profile = {"id": issuer_did(urls), "type": ["Profile"], "name": issuer.name,
               "url": issuer.url}
    if issuer.email:
        profile["email"] = issuer.email
    if issuer.description:
        profile["description"] = issuer.description
    profile["image"] = {"id": urls.issuer_image, "type": "Image"}
    return profile


def achievement_json(defs: Definitions, badge: BadgeClass) -> dict:
    """The badge as an OB 3.0 Achievement; its id is the OB 2.0 BadgeClass URL."""
    urls = Urls(defs.site)
    data = {
        "id": urls.badge(badge.id),
        "type": ["Achievement"],
        "achievementType": ACHIEVEMENT_TYPE,
        "name": badge.name,
        "description": badge.description,
        "criteria": {"id": badge.module_url, "narrative": badge.criteria_markdown},
        "image": {"id": urls.badge_image(badge.id), "type": "Image", "caption": badge.name},
    }
    if badge.alignments:
        data["alignment"] = [{"type": ["Alignment"], **a.as_json()} for a in badge.alignments]
    if badge.tags:
        data["tag"] = list(badge.tags)
    return data


def status_entry(urls: Urls, index: int) -> dict:
    """The credential's BitstringStatusListEntry: its bit in the revocation list."""
    url = status_list_url(urls)
    return {"id": f"{url}#{index}", "type": "BitstringStatusListEntry",
            "statusPurpose": STATUS_PURPOSE, "statusListIndex": str(index),
            "statusListCredential": url}


def award_index(book: Ledger, award_id: str) -> int:
    """The award's position in the ledger (append-only: it never moves); ValueError if absent."""
    for index, award in enumerate(book.awards):
        if award.id == award_id:
            return index
    raise ValueError(f"award {award_id} is not in the ledger")


def credential_json(defs: Definitions, book: Ledger, award: Award,
                    index: int | None = None) -> dict:
    """The unsigned OpenBadgeCredential of an award (1EdTech OB 3.0 JSON schema, VC 2.0)."""
    if index is None:
        index = award_index(book, award.id)
    elif not (0 <= index < len(book.awards) and book.awards[index].id == award.id):
        raise ValueError(f"award {award.id} is not at index {index} of the ledger")
    badge = defs.badge(award.badge)
    if badge is None:
        raise ValueError(f"unknown badge {award.badge}")
    urls = Urls(defs.site)
    data = {
        "@context": list(CONTEXTS),
        "id": f"urn:uuid:{award.id}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer_profile(defs),
        "validFrom": award.issued_on,
    }
    if award.expires:
        data["validUntil"] = award.expires
    data["name"] = badge.name
    data["credentialSubject"] = {
        "type": ["AchievementSubject"],
        "identifier": [{"type": "IdentityObject", "identityHash": award.recipient,
                        "identityType": "emailAddress", "hashed": True, "salt": award.salt}],
        "achievement": achievement_json(defs, badge),
    }
    if award.evidence:
        data["evidence"] = [{"type": ["Evidence"], "narrative": award.evidence}]
    data["credentialStatus"] = status_entry(urls, index)
    data["credentialSchema"] = [{"id": SCHEMA_URL, "type": SCHEMA_TYPE}]
    return data


# -- VC-JWT ------------------------------------------------------------------------------------

def _numeric_date(value: str) -> int:
    return int(parse_datetime(value).timestamp())


def _issuer_id(credential: dict) -> str:
    issuer = credential.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if not isinstance(issuer_id, str) or not issuer_id:
        raise ValueError("credential without issuer id")
    return issuer_id


def jwt_payload(credential: dict) -> dict:
    """The credential with the JWT claims OB 3.0 "JWT Payload Format" (spec section
    "JSON Web Token Proof Format", #jwt-proof) lists.

    OB 3.0 (VC 2.0 version): "The JWT Payload is the JSON object of the OpenBadgeCredential
    with the following properties (JWT Claims)": `exp` (= validUntil, when set), `iss`
    (= issuer.id), `jti` (= id), `nbf` (= validFrom), `sub` (= credentialSubject.id). Our
    recipients are only known by a salted hash (`identifier`), so there is no
    credentialSubject.id and no `sub` to match it.
    """
    payload = dict(credential)
    payload["iss"] = _issuer_id(credential)
    payload["jti"] = credential["id"]
    if credential.get("validFrom"):
        payload["nbf"] = _numeric_date(credential["validFrom"])
    if credential.get("validUntil"):
        payload["exp"] = _numeric_date(credential["validUntil"])
    subject = credential.get("credentialSubject")
    if isinstance(subject, dict) and subject.get("id"):
        payload["sub"] = subject["id"]
    return payload


def _sign(credential: dict, key, kid: str | None) -> str:
    kid = kid or sign.key_id(key)
    # OB 3.0 #jwt-proof "Create the JOSE Header": alg RS256, kid a URI dereferenced to the JWK
    # (here the DID URL of the key in did.json), typ "JWT" if present; no other header.
    return sign.sign(jwt_payload(credential), key,
                     kid=verification_method_id(_issuer_id(credential), kid), typ="JWT")


def sign_credential(credential: dict, key, kid: str | None = None) -> str:
    """The credential as a compact VC-JWT (RS256); `kid` defaults to the key's thumbprint."""
    return _sign(credential, key, kid)


def _verified(token: str, keys: Mapping[str, object]) -> tuple[dict, dict]:
    """(JWT payload, credential) once the signature and the key's issuer are checked."""
    payload = sign.verify_with_keys(token, keys)
    # Credentials made following VC 1.1 carry the credential in a `vc` claim (the spec
    # tells verifiers to accept them).
    if isinstance(payload.get("vc"), dict):
        credential = payload["vc"]
    else:
        credential = {k: v for k, v in payload.items() if k not in JWT_CLAIMS}
    kid = sign.unverified_header(token).get("kid")
    if isinstance(kid, str) and "#" in kid and kid.rpartition("#")[0] != _issuer_id(credential):
        raise ValueError("signed with a key of another issuer")
    return payload, credential


def verify_credential(token: str, keys: Mapping[str, object]) -> dict:
    """The credential of a VC-JWT signed by one of `keys` ({kid: PEM or JWK}), else ValueError.

    Checks the signature, that the key belongs to the credential's issuer (`<issuer>#<kid>`)
    and that the JWT claims match the credential (OB 3.0 #jwt-verify "Verify a Credential"). Expiry
    and revocation are statuses, left to the caller (`validUntil`, `is_revoked`).
    """
    payload, credential = _verified(token, keys)
    issuer_id = _issuer_id(credential)
    if payload.get("iss") != issuer_id or payload.get("jti") != credential.get("id"):
        raise ValueError("JWT claims do not match the credential")
    try:
        valid_from = _numeric_date(credential.get("validFrom") or credential["issuanceDate"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError("credential without a readable validFrom") from exc
    if payload.get("nbf") != valid_from:
        raise ValueError("JWT nbf does not match validFrom")
    valid_until = credential.get("validUntil") or credential.get("expirationDate")
    if valid_until and payload.get("exp") != _numeric_date(valid_until):
        raise ValueError("JWT exp does not match validUntil")
    subject = credential.get("credentialSubject")
    if isinstance(subject, dict) and subject.get("id") and payload.get("sub") != subject["id"]:
        raise ValueError("JWT sub does not match credentialSubject.id")
    return credential


# -- revocation: the Bitstring Status List credential ------------------------------------------

def status_list_credential(defs: Definitions, book: Ledger, urls: Urls | None = None) -> dict:
    """The BitstringStatusListCredential: bit i is 1 when the award at index i is revoked.

    No `validFrom`: the list changes with each revocation and must never claim a date the
    ledger does not give (a date in the future would make verifiers reject it).
    """
    urls = urls or Urls(defs.site)
    revoked = {r.revoked for r in book.revocations}
    indexes = [i for i, award in enumerate(book.awards) if award.id in revoked]
    url = status_list_url(urls)
    return {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_did(urls),
        "credentialSubject": {
            "id": f"{url}#liste",
            "type": "BitstringStatusList",
            "statusPurpose": STATUS_PURPOSE,
            "encodedList": statuslist.encoded_list(indexes, len(book.awards)),
        },
    }


def sign_status_list(status_credential: dict, key, kid: str | None = None) -> str:
    """The status list credential as a compact VC-JWT, like a badge credential."""
    return _sign(status_credential, key, kid)


def verify_status_list(token: str, keys: Mapping[str, object]) -> dict:
    """The status list credential of a VC-JWT signed by one of `keys`, else ValueError."""
    return _verified(token, keys)[1]


def is_revoked(status_credential: dict, index: int | str) -> bool:
    """Whether the status list credential marks `index` revoked; ValueError if unreadable."""
    subject = status_credential.get("credentialSubject")
    if not isinstance(subject, dict) or subject.get("statusPurpose") != STATUS_PURPOSE:
        raise ValueError("not a revocation status list")
    try:
        position = int(index)
    except (TypeError, ValueError) as exc:
        raise ValueError("unreadable status list index") from exc
    return statuslist.bit(statuslist.decode(subject.get("encodedList")), position)
