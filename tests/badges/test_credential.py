"""Open Badges 3.0: OpenBadgeCredential as VC-JWT, did:web issuer, Bitstring Status List.

Built from small domain objects (no site build): the credential must validate against the
1EdTech JSON schemas (stored copies, see `spec_file`), sign and verify through joserfc, and
read as revoked (or not) from the decoded status list.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from pathlib import Path
from urllib.parse import unquote

import jsonschema
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from fichotheque.badges import bake, credential, images, sign, statuslist
from fichotheque.badges.issuer import Issuer
from fichotheque.badges.ledger import Award, Ledger, Revocation, hash_email
from fichotheque.badges.openbadges import (
    Alignment,
    BadgeClass,
    CriteriaFiche,
    Definitions,
    Urls,
)
from fichotheque.web.settings import SiteConfig, Structure

# Spec files (JSON schemas, JSON-LD contexts): the tests' own copies in tests/fixtures/openbadges,
# found through its `index.json` (URL -> file). Never skipped: the copies are in the repository.
SPEC_FOLDERS = (Path(__file__).resolve().parent.parent / "fixtures" / "openbadges",)
SCHEMA_URL = ("https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
              "ob_v3p0_achievementcredential_schema.json")
SCHEMA_LD_URL = SCHEMA_URL.replace("/schema/json/", "/schema/json-ld/")


def spec_file(kind: str, url: str) -> Path | None:
    """The stored copy of a context (`kind` "contexts") or schema ("schemas"), if any."""
    for folder in SPEC_FOLDERS:
        index = folder / "index.json"
        if index.is_file():
            rel = json.loads(index.read_text(encoding="utf-8")).get(kind, {}).get(url)
            if rel and (folder / rel).is_file():
                return folder / rel
    return None


SITE_URL = "https://fichotheque.github.io/fichotheque/"
BASE = SITE_URL + "badges/"
DID = "did:web:fichotheque.github.io:fichotheque:badges"
ALICE = "alice.martin@example.org"
IDS = ("0b0f1c4e-8c8e-4a53-9a51-4d0a3b1f2e01", "1c1f2d5f-9d9f-4b64-8b62-5e1b4c2f3f12",
       "2d2a3e6a-ae0a-4c75-9c73-6f2c5d3a4a23")


def site(url: str = SITE_URL) -> SiteConfig:
    return SiteConfig(Path("/tmp/projet"), "Fichothèque", url, Structure("Collectif"))


def definitions(url: str = SITE_URL) -> Definitions:
    config = site(url)
    badge = BadgeClass(
        id="securite", name="Sécurité numérique", description="Se protéger en ligne.",
        narrative="La personne titulaire sait créer un mot de passe solide.",
        module="securite", module_title="Sécurité", module_url=url + "fiches/securite/",
        colour="#B3261E",
        fiches=(CriteriaFiche("Créer un mot de passe solide",
                              url + "fiches/securite/mots-de-passe/"),),
        tags=("sécurité",),
        alignments=(Alignment("Sécuriser l'environnement numérique", "https://pix.fr/", "Pix",
                              "4.1", "Protection et sécurité"),),
    )
    issuer = Issuer("Collectif Fichothèque", url, "contact@fichotheque.example.org",
                    "Réseau de médiation numérique.")
    return Definitions(config, issuer, (badge,))


def ledger_book() -> Ledger:
    awards = (
        Award(IDS[0], "securite", hash_email(ALICE, "sel-a"), "sel-a",
              "2026-03-14T10:30:00+00:00", evidence="Ateliers de mars 2026"),
        Award(IDS[1], "securite", hash_email("bob@example.net", "sel-b"), "sel-b",
              "2026-03-14T10:30:00+00:00"),
        Award(IDS[2], "securite", hash_email("claire@example.com", "sel-c"), "sel-c",
              "2026-03-14T10:30:00+00:00", expires="2026-06-30T23:59:59+00:00"),
    )
    return Ledger(awards, (Revocation(IDS[1], "Délivré par erreur", "2026-03-16"),))


@pytest.fixture(scope="module")
def key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def other_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def b64(data: dict) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


# -- the credential document -------------------------------------------------------------------

@pytest.mark.parametrize("schema_url", [SCHEMA_URL, SCHEMA_LD_URL], ids=["strict", "json-ld"])
def test_credential_validates_against_the_1edtech_schema(schema_url):
    schema_file = spec_file("schemas", schema_url)
    assert schema_file is not None, f"no stored copy of {schema_url} in tests/fixtures"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    assert validator_class is jsonschema.Draft201909Validator  # what the schema declares
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    defs, book = definitions(), ledger_book()
    for index, award in enumerate(book.awards):
        document = credential.credential_json(defs, book, award, index)
        errors = [e.message for e in validator.iter_errors(document)]
        assert errors == [], errors
        # format "date-time" is only checked with an optional package: check it here.
        for value in (document["validFrom"], document.get("validUntil")):
            assert value is None or dt.datetime.fromisoformat(value).tzinfo is not None
    # The validator does bite: the same document without validFrom, or with a lone string
    # where the strict schema wants an array, is refused.
    broken = credential.credential_json(defs, book, book.awards[0])
    del broken["validFrom"]
    assert not validator.is_valid(broken)
    broken = credential.credential_json(defs, book, book.awards[0])
    broken["credentialSubject"]["identifier"][0]["email"] = ALICE
    assert not validator.is_valid(broken)  # IdentityObject takes no other member


def test_contexts_are_the_stored_ones():
    assert spec_file("contexts", credential.OB3_CONTEXT) is not None
    defs, book = definitions(), ledger_book()
    document = credential.credential_json(defs, book, book.awards[0])
    assert document["credentialSchema"][0]["id"] == SCHEMA_URL
    status = credential.status_list_credential(defs, book)
    texts = {}
    for url in [*document["@context"], *status["@context"]]:
        path = spec_file("contexts", url)
        assert path is not None, url
        texts[url] = path.read_text(encoding="utf-8")
    assert document["@context"][:2] == ["https://www.w3.org/ns/credentials/v2",
                                        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
    ob3 = texts[credential.OB3_CONTEXT]
    for term in ("OpenBadgeCredential", "AchievementSubject", "IdentityObject", "Achievement",
                 "Alignment", "Evidence", "Profile", "identityHash", "achievementType"):
        assert f'"{term}"' in ob3, term
    vc = texts[credential.VC_CONTEXT]
    for term in ("BitstringStatusListEntry", "BitstringStatusListCredential", "encodedList",
                 "validFrom", "validUntil"):
        assert f'"{term}"' in vc, term
    assert f'"{credential.SCHEMA_TYPE}"' in texts[credential.OB3_EXTENSIONS_CONTEXT]


def test_credential_carries_the_award():
    defs, book = definitions(), ledger_book()
    urls = Urls(defs.site)
    first = credential.credential_json(defs, book, book.awards[0])
    assert first["id"] == f"urn:uuid:{IDS[0]}"
    assert first["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert first["issuer"]["id"] == DID and first["issuer"]["type"] == ["Profile"]
    assert first["issuer"]["email"] == "contact@fichotheque.example.org"
    assert first["validFrom"] == "2026-03-14T10:30:00+00:00" and "validUntil" not in first
    identity = first["credentialSubject"]["identifier"][0]
    assert identity["identityHash"] == hash_email(ALICE.upper(), identity["salt"])
    assert identity["identityType"] == "emailAddress" and identity["hashed"] is True
    assert ALICE not in json.dumps(first)  # never the address itself
    achievement = first["credentialSubject"]["achievement"]
    assert achievement["id"] == BASE + "securite.json"  # the OB 2.0 BadgeClass
    assert achievement["criteria"]["narrative"] == defs.badges[0].criteria_markdown
    assert achievement["image"] == {"id": BASE + "securite.png", "type": "Image",
                                    "caption": "Sécurité numérique"}
    assert achievement["alignment"][0]["type"] == ["Alignment"]
    assert achievement["alignment"][0]["targetCode"] == "4.1"
    assert first["evidence"] == [{"type": ["Evidence"], "narrative": "Ateliers de mars 2026"}]
    status = first["credentialStatus"]
    assert status["statusListIndex"] == "0" and status["statusPurpose"] == "revocation"
    assert status["statusListCredential"] == BASE + "statut/revocations.jwt"
    assert status["id"] == status["statusListCredential"] + "#0"
    third = credential.credential_json(defs, book, book.awards[2])
    assert third["validUntil"] == "2026-06-30T23:59:59+00:00"
    assert third["credentialStatus"]["statusListIndex"] == "2"
    assert "evidence" not in third
    assert credential.credential_url(urls, IDS[0]) == BASE + f"assertions/{IDS[0]}.jwt"
    with pytest.raises(ValueError):  # the index is the ledger position, nothing else
        credential.credential_json(defs, book, book.awards[0], 1)


def test_same_inputs_give_the_same_bytes(key):
    defs, book = definitions(), ledger_book()
    one = credential.sign_credential(credential.credential_json(defs, book, book.awards[0]), key)
    two = credential.sign_credential(credential.credential_json(definitions(), ledger_book(),
                                                                ledger_book().awards[0]), key)
    assert one == two
    assert credential.status_list_credential(defs, book) == \
        credential.status_list_credential(definitions(), ledger_book())


# -- VC-JWT ------------------------------------------------------------------------------------

def test_sign_verify_round_trip(key):
    defs, book = definitions(), ledger_book()
    document = credential.credential_json(defs, book, book.awards[2])
    token = credential.sign_credential(document, key)
    kid = sign.key_id(key)
    assert sign.unverified_header(token) == {"alg": "RS256", "kid": f"{DID}#{kid}",
                                             "typ": "JWT"}
    payload = sign.unverified_payload(token)
    assert payload["iss"] == DID and payload["jti"] == document["id"]
    assert payload["nbf"] == 1773484200  # 2026-03-14T10:30:00Z
    assert payload["exp"] == 1782863999  # 2026-06-30T23:59:59Z
    assert "sub" not in payload  # the subject has no id, only a hashed identifier
    assert credential.verify_credential(token, {kid: sign.public_pem(key)}) == document
    assert credential.verify_credential(token, {kid: sign.public_jwk(key)}) == document


def test_tampered_credential_fails(key):
    defs, book = definitions(), ledger_book()
    token = credential.sign_credential(credential.credential_json(defs, book, book.awards[0]), key)
    keys = {sign.key_id(key): sign.public_pem(key)}
    header, _payload, signature = token.split(".")
    payload = sign.unverified_payload(token)
    payload["name"] = "Badge contrefait"
    with pytest.raises(ValueError):
        credential.verify_credential(f"{header}.{b64(payload)}.{signature}", keys)
    assert credential.verify_credential(token, keys)["name"] == "Sécurité numérique"


def test_unknown_key_fails(key, other_key):
    defs, book = definitions(), ledger_book()
    token = credential.sign_credential(credential.credential_json(defs, book, book.awards[0]), key)
    with pytest.raises(ValueError, match="unknown key id"):
        credential.verify_credential(token, {sign.key_id(other_key): sign.public_pem(other_key)})
    # The right kid bound to the wrong key is no better.
    with pytest.raises(ValueError):
        credential.verify_credential(token, {sign.key_id(key): sign.public_pem(other_key)})


def test_key_of_another_issuer_or_mismatched_claims_fail(key):
    defs, book = definitions(), ledger_book()
    document = credential.credential_json(defs, book, book.awards[0])
    keys = {sign.key_id(key): sign.public_pem(key)}
    foreign = sign.sign(credential.jwt_payload(document), key,
                        kid=f"did:web:ailleurs.example#{sign.key_id(key)}", typ="JWT")
    with pytest.raises(ValueError, match="another issuer"):
        credential.verify_credential(foreign, keys)
    payload = credential.jwt_payload(document)
    payload["nbf"] += 86400
    wrong_date = sign.sign(payload, key, kid=f"{DID}#{sign.key_id(key)}", typ="JWT")
    with pytest.raises(ValueError, match="nbf"):
        credential.verify_credential(wrong_date, keys)


# -- revocation --------------------------------------------------------------------------------

def test_revoked_award_reads_revoked_from_the_status_list(key):
    defs, book = definitions(), ledger_book()
    status = credential.status_list_credential(defs, book)
    assert status["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert status["id"] == BASE + "statut/revocations.jwt" and status["issuer"] == DID
    subject = status["credentialSubject"]
    assert subject["type"] == "BitstringStatusList" and subject["statusPurpose"] == "revocation"
    assert subject["encodedList"].startswith("u")
    token = credential.sign_status_list(status, key)
    read = credential.verify_status_list(token, {sign.key_id(key): sign.public_pem(key)})
    for award in book.awards:
        entry = credential.credential_json(defs, book, award)["credentialStatus"]
        assert credential.is_revoked(read, entry["statusListIndex"]) is (award.id == IDS[1])
    assert not credential.is_revoked(read, statuslist.MIN_BITS - 1)
    with pytest.raises(ValueError):
        credential.is_revoked(read, statuslist.MIN_BITS)
    # Without revocations nothing reads as revoked.
    clean = credential.status_list_credential(defs, Ledger(book.awards, ()))
    assert not any(credential.is_revoked(clean, i) for i in range(len(book.awards)))


def test_bitstring_size_order_and_encoding():
    bits = statuslist.decode(statuslist.encoded_list([1]))
    assert len(bits) >= 16 * 1024 and len(bits) * 8 >= 131_072  # before compression
    assert bits[0] == 0b0100_0000 and not any(bits[1:])  # index 0 is the left-most bit
    assert statuslist.bitstring([9])[1] == 0b0100_0000
    big = statuslist.bitstring([200_000])
    assert len(big) * 8 == 2 * statuslist.MIN_BITS and statuslist.bit(big, 200_000)
    assert statuslist.encoded_list([3, 7]) == statuslist.encoded_list([7, 3])  # no timestamp
    raw = base64.urlsafe_b64decode(statuslist.encoded_list([])[1:] + "==")
    assert raw[:2] == b"\x1f\x8b"  # GZIP
    for bad in ("", "zabc", "u!!!", "u" + base64.urlsafe_b64encode(b"pas du gzip").decode()):
        with pytest.raises(ValueError):
            statuslist.decode(bad)


# -- issuer identity ---------------------------------------------------------------------------

def did_web_url(did: str) -> str:
    """Resolve a did:web DID to its document URL, as the did:web method reads it."""
    parts = did.split(":")[2:]
    return "https://" + "/".join(unquote(p) for p in parts) + "/did.json"


@pytest.mark.parametrize(("url", "did"), [
    (SITE_URL, DID),  # a sub-path site (GitHub Pages)
    ("https://exemple.org/", "did:web:exemple.org:badges"),
    ("https://Exemple.org:8443/a/b/", "did:web:exemple.org%3A8443:a:b:badges"),
])
def test_issuer_did_resolves_to_the_published_did_document(url, did):
    urls = Urls(site(url))
    assert credential.issuer_did(urls) == did
    assert did_web_url(did).lower() == credential.did_document_url(urls).lower()


def test_did_document_and_jwks_publish_public_keys_only(key, other_key):
    urls = Urls(site())
    keys = [sign.public_jwk(key), sign.public_jwk(other_key), sign.public_pem(key)]
    document = credential.did_document(urls, keys)
    assert document["id"] == DID and len(document["verificationMethod"]) == 2  # deduplicated
    method = document["verificationMethod"][0]
    assert method["id"] == f"{DID}#{sign.key_id(key)}" and method["controller"] == DID
    assert document["assertionMethod"] == [m["id"] for m in document["verificationMethod"]]
    text = json.dumps(document) + json.dumps(credential.jwks(keys))
    for member in sign.PRIVATE_MEMBERS:
        assert f'"{member}"' not in text
    private = sign.public_jwk(key) | {"d": "c2VjcmV0"}
    with pytest.raises(ValueError):
        credential.did_document(urls, [private])
    assert [k["kid"] for k in credential.jwks(keys)["keys"]] == [sign.key_id(key),
                                                                 sign.key_id(other_key)]
    # A verifier following the header kid into did.json finds the key that verifies.
    defs, book = definitions(), ledger_book()
    token = credential.sign_credential(credential.credential_json(defs, book, book.awards[0]), key)
    kid = sign.unverified_header(token)["kid"]
    assert kid in document["assertionMethod"]
    found = next(m for m in document["verificationMethod"] if m["id"] == kid)
    assert sign.verify(token, found["publicKeyJwk"])["iss"] == DID


def test_key_id_is_the_rfc7638_thumbprint(key):
    jwk = sign.public_jwk(key)
    canonical = json.dumps({"e": jwk["e"], "kty": "RSA", "n": jwk["n"]}, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode()).digest()
    assert jwk["kid"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert sign.key_id(sign.public_pem(key)) == sign.key_id(jwk) == jwk["kid"]


# -- baking ------------------------------------------------------------------------------------

def test_credential_baked_beside_the_2_0_assertion(key):
    png = images.badge_png("Sécurité numérique", "#B3261E", "securite")
    defs, book = definitions(), ledger_book()
    token = credential.sign_credential(credential.credential_json(defs, book, book.awards[0]), key)
    hosted = '{"id": "https://exemple.org/badges/assertions/1.json"}'
    both = bake.bake(bake.bake(png, hosted), token, keyword=bake.OB3_KEYWORD)
    assert bake.unbake(both, keyword="openbadgecredential") == token
    assert bake.unbake(both) == hosted  # the 2.0 chunk is untouched
    assert bake.baked_count(both) == 1 and bake.baked_count(both, keyword=bake.OB3_KEYWORD) == 1
    again = bake.bake(both, token, keyword=bake.OB3_KEYWORD)  # replaces, never duplicates
    assert again == both
    assert bake.unbake(bake.bake(png, hosted), keyword=bake.OB3_KEYWORD) is None
