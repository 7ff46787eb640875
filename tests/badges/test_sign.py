"""Signing key and JWS: keygen outside the project only, sign/verify round trip."""

from __future__ import annotations

import base64
import json
import stat

import pytest
from badges_fixtures import fichotheque
from conftest import make_project, small_corpus
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from fichotheque.badges import BadgeError, sign


def test_sign_verify_round_trip(tmp_path):
    key = sign.load_private_key(sign.keygen(tmp_path / "cle.pem", tmp_path / "projet"))
    payload = {"id": "urn:uuid:1", "name": "Sécurité numérique"}
    token = sign.sign(payload, key)
    assert sign.is_jws(token)
    assert sign.verify(token, sign.public_pem(key)) == payload
    assert sign.sign(payload, key) == token  # RS256 (PKCS#1 v1.5) is deterministic
    other = sign.load_private_key(sign.keygen(tmp_path / "autre.pem", tmp_path / "projet"))
    with pytest.raises(ValueError):
        sign.verify(token, sign.public_pem(other))


def test_keygen_writes_a_private_file(tmp_path):
    path = sign.keygen(tmp_path / "cles" / "cle.pem", tmp_path / "projet")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    with pytest.raises(BadgeError, match="existe déjà"):
        sign.keygen(path, tmp_path / "projet")


def test_keygen_refuses_a_path_inside_the_project(tmp_path):
    root = make_project(tmp_path / "projet", small_corpus())  # keygen needs mkdocs.yml
    result = fichotheque("--root", str(root), "badges", "keygen", str(root / "badges" / "k.pem"))
    assert result.returncode == 1
    assert result.stderr.startswith("Erreur : ") and "est dans le projet" in result.stderr
    assert not (root / "badges" / "k.pem").exists()
    result = fichotheque("--root", str(root), "badges", "keygen", str(tmp_path / "k.pem"))
    assert result.returncode == 0, result.stderr
    assert f"export FICHOTHEQUE_BADGE_KEY={tmp_path / 'k.pem'}" in result.stdout


def test_bad_key_file_is_explained(tmp_path):
    (tmp_path / "cle.pem").write_text("bonjour")
    with pytest.raises(BadgeError, match="n'est pas une clé privée PEM"):
        sign.load_private_key(tmp_path / "cle.pem")
    with pytest.raises(BadgeError, match="illisible"):
        sign.load_private_key(tmp_path / "absente.pem")


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cles")
    return [sign.load_private_key(sign.keygen(folder / f"{n}.pem", folder / "projet"))
            for n in ("a", "b")]


def test_tokens_are_byte_identical_to_plain_rs256(keys):
    """joserfc writes what the code before it wrote: already issued tokens do not change."""
    key = keys[0]
    payload = {"id": "urn:uuid:1", "name": "Sécurité numérique"}
    header = base64.urlsafe_b64encode(b'{"alg":"RS256"}').rstrip(b"=")
    body = base64.urlsafe_b64encode(json.dumps(payload, ensure_ascii=False,
                                               separators=(",", ":")).encode()).rstrip(b"=")
    signature = key.sign(header + b"." + body, padding.PKCS1v15(), hashes.SHA256())
    expected = b".".join([header, body, base64.urlsafe_b64encode(signature).rstrip(b"=")])
    assert sign.sign(payload, key) == expected.decode()


def test_public_jwk_never_holds_a_private_member(keys):
    jwk = sign.public_jwk(keys[0])
    assert set(jwk) == {"kty", "n", "e", "alg", "use", "kid"}
    assert not set(jwk) & set(sign.PRIVATE_MEMBERS)
    assert jwk["alg"] == "RS256" and jwk["use"] == "sig"
    assert jwk["kid"] == sign.key_id(keys[0]) == sign.key_id(sign.public_pem(keys[0]))
    assert sign.key_id(keys[0]) != sign.key_id(keys[1])
    assert sign.public_pem(jwk) == sign.public_pem(keys[0])


def test_verify_with_keys_picks_the_key_by_kid(keys):
    a, b = keys
    table = {sign.key_id(a): sign.public_pem(a), sign.key_id(b): sign.public_jwk(b)}
    payload = {"id": "urn:uuid:2"}
    assert sign.verify_with_keys(sign.sign(payload, b, kid=sign.key_id(b)), table) == payload
    # A DID URL as kid: the part after "#" names the key.
    token = sign.sign(payload, a, kid=f"did:web:exemple.org:badges#{sign.key_id(a)}")
    assert sign.verify_with_keys(token, table) == payload
    assert sign.verify_with_keys(sign.sign(payload, b), table) == payload  # no kid: try each
    with pytest.raises(ValueError, match="unknown key id"):
        sign.verify_with_keys(sign.sign(payload, a, kid="inconnue"), table)
    with pytest.raises(ValueError):  # the kid of one key, the signature of the other
        sign.verify_with_keys(sign.sign(payload, a, kid=sign.key_id(b)), table)
    with pytest.raises(ValueError):
        sign.verify_with_keys(sign.sign(payload, a), {sign.key_id(b): sign.public_pem(b)})


def test_verify_refuses_other_algorithms_and_bad_keys(keys):
    key = keys[0]
    token = sign.sign({"id": "urn:uuid:3"}, key)
    _, body, signature = token.split(".")
    for alg in ("none", "HS256", "RS512"):
        header = base64.urlsafe_b64encode(json.dumps({"alg": alg}).encode()).rstrip(b"=")
        with pytest.raises(ValueError):
            sign.verify(f"{header.decode()}.{body}.{signature}", sign.public_pem(key))
    for bad_key in ("", "bonjour", {"kty": "EC"}, {"kty": "RSA"}):
        with pytest.raises(ValueError):
            sign.verify(token, bad_key)
    with pytest.raises(ValueError):
        sign.verify("pas.un.jeton", sign.public_pem(key))
