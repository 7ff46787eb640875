"""Signed badges: an RSA key kept outside the repository, JWS (RS256) through joserfc.

The key path comes from the environment variable FICHOTHEQUE_BADGE_KEY; `keygen` creates a
key and refuses to write it inside the project (it would end up in git or in `site/`).
Only the public part is ever published: as PEM (`badges/cle-publique.json`, Open Badges 2.0)
and as a public JWK named by its RFC 7638 thumbprint (`key_id`), for Open Badges 3.0.

Signing is deterministic (RS256 is RSASSA-PKCS1-v1_5): the same payload and key give the same
token, so rebuilding the site does not change published files.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Mapping
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey

from fichotheque.badges import KEY_ENV, BadgeError
from fichotheque.files import write_atomic

KEY_SIZE = 2048
ALGORITHM = "RS256"
# Members of an RSA JWK that belong to the private key (RFC 7518 §6.3.2): never published.
PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "oth")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def key_path_from_env(environ=None) -> Path | None:
    value = (environ if environ is not None else os.environ).get(KEY_ENV, "").strip()
    return Path(value).expanduser() if value else None


def load_private_key(path: Path) -> rsa.RSAPrivateKey:
    """The RSA private key at `path` (PEM, no password), with a French error otherwise."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadgeError(f"clé de signature {path} illisible ({KEY_ENV}) : {exc.strerror} — "
                         "créez-en une avec « fichotheque badges keygen »") from exc
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise BadgeError(f"{path} n'est pas une clé privée PEM sans mot de passe — "
                         "créez-en une avec « fichotheque badges keygen »") from exc
    if not isinstance(key, rsa.RSAPrivateKey):
        raise BadgeError(f"{path} n'est pas une clé RSA (les badges signés utilisent RS256)")
    return key


def _rsa_key(key) -> RSAKey:
    """A joserfc RSA key from a cryptography key, a PEM text or a JWK dict (ValueError else)."""
    if isinstance(key, RSAKey):
        return key
    if isinstance(key, dict):
        if key.get("kty") != "RSA":
            raise ValueError("not an RSA JWK")
        # Only the public members: a published JWK must never carry a private one anyway.
        key = {k: v for k, v in key.items() if k in ("kty", "n", "e")}
    elif isinstance(key, str):
        key = key.encode("ascii", "replace")
    try:
        return RSAKey.import_key(key)
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        raise ValueError("unreadable RSA key") from exc


def public_pem(key) -> str:
    if isinstance(key, rsa.RSAPrivateKey):
        key = key.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        key = _rsa_key(key).public_key
    return key.public_bytes(serialization.Encoding.PEM,
                            serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")


def key_id(key) -> str:
    """The RFC 7638 JWK thumbprint (SHA-256, base64url) of the public key: a stable `kid`."""
    return _rsa_key(key).thumbprint()


def public_jwk(key) -> dict:
    """The public JWK of `key` with its `kid`, `alg` and `use`; never a private member."""
    members = _rsa_key(key).as_dict(private=False)
    return {"kty": "RSA", "n": members["n"], "e": members["e"], "alg": ALGORITHM, "use": "sig",
            "kid": key_id(key)}


def sign(payload: dict, key, kid: str | None = None, typ: str | None = None) -> str:
    """Compact JWS (RS256) of the JSON payload; header `alg` (+ `kid`, `typ` when given).

    The payload is serialised compactly in UTF-8, as the Open Badges 2.0 signed assertions
    published before joserfc were, so their bytes do not change.
    """
    header = {"alg": ALGORITHM}
    if kid:
        header["kid"] = kid
    if typ:
        header["typ"] = typ
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return jws.serialize_compact(header, body, _rsa_key(key), algorithms=[ALGORITHM])


def is_jws(text: str) -> bool:
    parts = text.strip().split(".")
    return len(parts) == 3 and all(p and set(p) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=") for p in parts)


def _json_part(token: str, index: int, what: str) -> dict:
    try:
        data = json.loads(_unb64(token.strip().split(".")[index]).decode("utf-8"))
    except (IndexError, ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"unreadable JWS {what}") from exc
    if not isinstance(data, dict):
        raise ValueError(f"JWS {what} is not an object")
    return data


def unverified_header(token: str) -> dict:
    """The JOSE header as a dict, without checking anything (ValueError if unreadable)."""
    return _json_part(token, 0, "header")


def unverified_payload(token: str) -> dict:
    """The JWS payload as a dict, without checking the signature (ValueError if unreadable)."""
    return _json_part(token, 1, "payload")


def verify(token: str, public_key_pem) -> dict:
    """The payload if the RS256 signature is valid for the key (PEM or JWK), else ValueError."""
    header = unverified_header(token)
    if header.get("alg") != ALGORITHM:
        raise ValueError("unsupported JWS algorithm")
    key = _rsa_key(public_key_pem)
    try:
        jws.deserialize_compact(token.strip(), key, algorithms=[ALGORITHM])
    except (JoseError, ValueError, TypeError) as exc:
        raise ValueError("bad signature") from exc
    return unverified_payload(token)


def verify_with_keys(token: str, keys: Mapping[str, object]) -> dict:
    """The payload if one of `keys` ({kid: PEM or JWK}) signed it, else ValueError.

    The key is chosen by the header's `kid`, compared whole and by its part after `#` (a DID
    URL such as `did:web:…#<kid>`); without a `kid`, each key is tried in turn.
    """
    header = unverified_header(token)
    kid = header.get("kid")
    if kid is not None:
        if not isinstance(kid, str):
            raise ValueError("unreadable JWS key id")
        key = keys.get(kid, keys.get(kid.rpartition("#")[2]) if "#" in kid else None)
        if key is None:
            raise ValueError(f"unknown key id {kid}")
        return verify(token, key)
    for key in keys.values():
        try:
            return verify(token, key)
        except ValueError:
            continue
    raise ValueError("no known key verifies this signature")


def keygen(path: Path, project_dir: Path) -> Path:
    """Write a new RSA private key (mode 600) at `path`, never inside the project."""
    path = Path(path).expanduser().resolve()
    project = Path(project_dir).resolve()
    if path == project or project in path.parents:
        raise BadgeError(f"{path} est dans le projet : la clé privée finirait dans git ou sur le "
                         "site — choisissez un chemin hors du dépôt, par exemple "
                         "~/.config/fichotheque/cle-badges.pem")
    if path.exists():
        raise BadgeError(f"{path} existe déjà : une clé n'est jamais écrasée (les badges signés "
                         "avec elle ne seraient plus vérifiables)")
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    return write_atomic(path, pem, mode=0o600)
