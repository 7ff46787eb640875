"""Signed badges: an RSA key kept outside the repository, JWS (RS256) of the assertion.

The key path comes from the environment variable FICHOTHEQUE_BADGE_KEY; `keygen` creates a
key and refuses to write it inside the project (it would end up in git or in `site/`).
Only the public part is ever published (`badges/cle-publique.json`).
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from fichotheque.badges import KEY_ENV, BadgeError
from fichotheque.files import write_atomic

KEY_SIZE = 2048


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


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


def public_pem(key: rsa.RSAPrivateKey | rsa.RSAPublicKey) -> str:
    public = key.public_key() if isinstance(key, rsa.RSAPrivateKey) else key
    return public.public_bytes(serialization.Encoding.PEM,
                               serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")


def sign(payload: dict, key: rsa.RSAPrivateKey) -> str:
    """Compact JWS (RS256) of the JSON payload; deterministic (PKCS#1 v1.5)."""
    header = _b64(json.dumps({"alg": "RS256"}, separators=(",", ":")).encode())
    body = _b64(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    signing_input = f"{header}.{body}".encode("ascii")
    signature = key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    return f"{header}.{body}.{_b64(signature)}"


def is_jws(text: str) -> bool:
    parts = text.strip().split(".")
    return len(parts) == 3 and all(p and set(p) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=") for p in parts)


def unverified_payload(token: str) -> dict:
    """The JWS payload as a dict, without checking the signature (ValueError if unreadable)."""
    try:
        data = json.loads(_unb64(token.strip().split(".")[1]).decode("utf-8"))
    except (IndexError, ValueError, UnicodeDecodeError) as exc:
        raise ValueError("unreadable JWS payload") from exc
    if not isinstance(data, dict):
        raise ValueError("JWS payload is not an object")
    return data


def verify(token: str, public_key_pem: str) -> dict:
    """The payload if the RS256 signature is valid for the key, else ValueError."""
    try:
        header_b64, body_b64, sig_b64 = token.strip().split(".")
        header = json.loads(_unb64(header_b64))
        key = serialization.load_pem_public_key(public_key_pem.encode("ascii"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError("unreadable JWS or key") from exc
    if header.get("alg") != "RS256" or not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("unsupported JWS algorithm")
    try:
        key.verify(_unb64(sig_b64), f"{header_b64}.{body_b64}".encode("ascii"),
                   padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature as exc:
        raise ValueError("bad signature") from exc
    return unverified_payload(token)


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
