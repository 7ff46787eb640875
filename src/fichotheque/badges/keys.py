"""Public signing keys as data: `badges/cles/<kid>.json`, committed, published, never removed.

A signed badge names the key that signed it (`verification.creator`, the JWT's `kid`). For it
to verify in ten years, that key must still be published then, at the same URL, whatever the
key used today. So the public part of every key ever used lives in the repository, one file
per key named by its RFC 7638 thumbprint (`kid`), and every build publishes all of them — with
or without the private key at hand. Rotating is adding a key: `fichotheque badges keygen`
writes the new private key outside the project and its public record here; old records stay.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

from fichotheque.badges import BADGES_DIR, BadgeError, sign
from fichotheque.files import write_atomic

KEYS_DIR = f"{BADGES_DIR}/cles"
KID_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")  # base64url of a SHA-256 thumbprint
MAX_BYTES = 20_000


@dataclass(frozen=True)
class PublicKey:
    """One published signing key: its thumbprint, the day it was added, its public PEM."""

    kid: str
    created: str
    pem: str

    @property
    def path(self) -> str:
        return f"{KEYS_DIR}/{self.kid}.json"

    def as_record(self) -> dict:
        return {"kid": self.kid, "created": self.created, "publicKeyPem": self.pem}


def _read(path: Path, rel: str) -> PublicKey:
    if path.is_symlink():
        raise BadgeError(f"{rel}: ce fichier est un lien symbolique — une clé publique doit être "
                         "un vrai fichier du dépôt")
    try:
        data = json.loads(path.read_bytes()[:MAX_BYTES + 1].decode("utf-8"))
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise BadgeError(f"{rel}: clé publique illisible (JSON attendu, écrit par "
                         "« fichotheque badges keygen »)") from exc
    if not isinstance(data, dict):
        raise BadgeError(f"{rel}: clé publique illisible (un objet JSON est attendu)")
    for key in ("kid", "created", "publicKeyPem"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise BadgeError(f"{rel}: clé « {key} » absente")
    try:
        kid = sign.key_id(data["publicKeyPem"])
    except ValueError as exc:
        raise BadgeError(f"{rel}: « publicKeyPem » n'est pas une clé publique RSA") from exc
    if kid != data["kid"] or path.stem != kid:
        raise BadgeError(f"{rel}: l'empreinte de la clé ({kid}) ne correspond pas au nom du "
                         "fichier ni à « kid » — ne modifiez pas ce fichier à la main")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", data["created"]):
        raise BadgeError(f"{rel}: « created » doit être une date AAAA-MM-JJ")
    return PublicKey(kid, data["created"], data["publicKeyPem"].strip() + "\n")


def load_keys(root: Path) -> tuple[PublicKey, ...]:
    """Every public key of the project, oldest first; BadgeError naming a bad file."""
    folder = Path(root) / KEYS_DIR
    if not folder.is_dir():
        return ()
    found = [_read(p, f"{KEYS_DIR}/{p.name}") for p in sorted(folder.glob("*.json"))]
    return tuple(sorted(found, key=lambda k: (k.created, k.kid)))


def find(keys: tuple[PublicKey, ...], kid: str) -> PublicKey | None:
    return next((k for k in keys if k.kid == kid), None)


def record_public_key(root: Path, private_key, today: dt.date | None = None) -> PublicKey:
    """Write the public record of `private_key` into `badges/cles/` (kept if already there)."""
    pem = sign.public_pem(private_key)
    kid = sign.key_id(pem)
    existing = find(load_keys(root), kid)
    if existing:
        return existing
    record = PublicKey(kid, (today or dt.date.today()).isoformat(), pem)
    path = Path(root) / record.path
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, (json.dumps(record.as_record(), ensure_ascii=False, indent=2) + "\n")
                 .encode("utf-8"))
    return record


def require_recorded(keys: tuple[PublicKey, ...], private_key) -> PublicKey:
    """The record of the configured private key; BadgeError if it was never committed."""
    kid = sign.key_id(sign.public_pem(private_key))
    record = find(keys, kid)
    if record is None:
        raise BadgeError(f"la clé de signature configurée ({kid}) n'est pas enregistrée dans "
                         f"{KEYS_DIR}/ : sans ce fichier publié, les badges qu'elle signe ne "
                         "pourraient plus être vérifiés un jour. Lancez « fichotheque badges "
                         f"signer » (qui l'enregistre), puis ajoutez {KEYS_DIR}/ dans git")
    return record
