"""Signed badges kept as data: `badges/signatures/<award>.jws` (Open Badges 2.0) and `.jwt`
(Open Badges 3.0), committed beside the ledger.

A signature is made once, when the person who holds the private key awards the badge (or runs
`fichotheque badges signer`), and then never again: every later build publishes the stored
signature, with or without the key, and after the key was replaced. Signing is deterministic
(RS256), so signing the same award twice with the same key gives the same bytes.

Stored signatures are checked on every build: against the published keys (`keys.py`), and
against the ledger (the signed copy must be the award's, not another's).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from fichotheque.badges import (
    BADGES_DIR,
    KEY_ENV,
    LEDGER_PATH,
    BadgeError,
    credential,
    keys,
    ledger,
    sign,
)
from fichotheque.badges import openbadges as ob
from fichotheque.badges.ledger import Award, Ledger
from fichotheque.content.loading import load_corpus
from fichotheque.files import write_atomic
from fichotheque.web import settings

SIGNATURES_DIR = f"{BADGES_DIR}/signatures"
NAME_RE = re.compile(r"^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.(jws|jwt)$")
MAX_BYTES = 200_000
STATUS_NAME = "statut-revocations.jwt"  # the signed Open Badges 3.0 revocation list
STATUS_FILE = f"{SIGNATURES_DIR}/{STATUS_NAME}"
KEY_HINT = f"variable {KEY_ENV}"


@dataclass(frozen=True)
class Signed:
    """The signed forms of one award: OB 2.0 JWS and OB 3.0 VC-JWT."""

    award_id: str
    jws: str
    jwt: str

    def files(self) -> dict[str, str]:
        """Project files (relative paths) holding the signed forms."""
        return {f"{SIGNATURES_DIR}/{self.award_id}.jws": self.jws,
                f"{SIGNATURES_DIR}/{self.award_id}.jwt": self.jwt}


def _key_map(published: tuple[keys.PublicKey, ...]) -> dict[str, str]:
    return {k.kid: k.pem for k in published}


def sign_award(defs: ob.Definitions, book: Ledger, award: Award, private_key,
               record: keys.PublicKey) -> Signed:
    """Both signed forms of `award` with the configured key (in memory)."""
    urls = ob.Urls(defs.site)
    payload = ob.assertion_json(defs, book, award, signed_by=urls.key(record.kid))
    jws = sign.sign(payload, private_key, kid=record.kid)
    index = book.awards.index(award)
    document = credential.credential_json(defs, book, award, index)
    jwt = credential.sign_credential(document, private_key, record.kid)
    return Signed(award.id, jws, jwt)


def _check(award: Award, jws: str, jwt: str, defs: ob.Definitions,
           key_map: dict[str, str], rel: str) -> None:
    urls = ob.Urls(defs.site)
    if jws:
        try:
            payload = sign.verify_with_keys(jws, key_map)
        except ValueError as exc:
            raise BadgeError(f"{rel}.jws : signature invalide ou clé absente de "
                             f"{keys.KEYS_DIR}/ — ce fichier a-t-il été modifié ?") from exc
        recipient = payload.get("recipient") or {}
        if (payload.get("id") != ob.signed_id(award.id)
                or recipient.get("identity") != award.recipient
                or payload.get("badge") != urls.badge(award.badge)):
            raise BadgeError(f"{rel}.jws : la signature ne correspond pas à l'attribution "
                             f"{award.id} du registre")
    if jwt:
        try:
            document = credential.verify_credential(jwt, key_map)
        except ValueError as exc:
            raise BadgeError(f"{rel}.jwt : signature invalide ou clé absente de "
                             f"{keys.KEYS_DIR}/ — ce fichier a-t-il été modifié ?") from exc
        if document.get("id") != f"urn:uuid:{award.id}":
            raise BadgeError(f"{rel}.jwt : la signature ne correspond pas à l'attribution "
                             f"{award.id} du registre")


def load_signed(root: Path, defs: ob.Definitions, book: Ledger,
                published: tuple[keys.PublicKey, ...]) -> dict[str, Signed]:
    """The stored signatures, checked; BadgeError naming the file otherwise."""
    folder = Path(root) / SIGNATURES_DIR
    if not folder.is_dir():
        return {}
    texts: dict[str, dict[str, str]] = {}
    for path in sorted(folder.iterdir()):
        rel = f"{SIGNATURES_DIR}/{path.name}"
        match = NAME_RE.match(path.name)
        if path.name.startswith(".") or path.name in ("LISEZMOI.md", "README.md", STATUS_NAME):
            continue
        if not match or path.is_symlink() or not path.is_file():
            raise BadgeError(f"{rel} : fichier inattendu (seuls <identifiant>.jws et "
                             "<identifiant>.jwt, écrits par « fichotheque badges », vont ici)")
        data = path.read_bytes()
        if len(data) > MAX_BYTES:
            raise BadgeError(f"{rel} : fichier trop gros pour une signature")
        try:
            texts.setdefault(match.group(1), {})[match.group(2)] = data.decode("ascii").strip()
        except UnicodeDecodeError as exc:
            raise BadgeError(f"{rel} : une signature ne contient que des caractères ASCII") from exc
    key_map = _key_map(published)
    found = {}
    for award_id, forms in texts.items():
        rel = f"{SIGNATURES_DIR}/{award_id}"
        award = book.award(award_id)
        if award is None:
            raise BadgeError(f"{rel}.* : aucune attribution « {award_id} » dans le registre")
        _check(award, forms.get("jws", ""), forms.get("jwt", ""), defs, key_map, rel)
        found[award_id] = Signed(award_id, forms.get("jws", ""), forms.get("jwt", ""))
    return found


def store(root: Path, signed: Signed) -> list[str]:
    """Write the signed forms into the project (atomic); the files written."""
    written = []
    for rel, text in signed.files().items():
        if not text:
            continue
        path = Path(root) / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="ascii").strip() != text:
            write_atomic(path, (text + "\n").encode("ascii"))
            written.append(rel)
    return written


def status_list_token(root: Path, defs: ob.Definitions, book: Ledger,
                      published: tuple[keys.PublicKey, ...], private_key=None,
                      record: keys.PublicKey | None = None) -> str:
    """The signed revocation list of the Open Badges 3.0 credentials.

    Signed now with the configured key; without it, the stored one, provided it still says
    what the ledger says — a stale list would tell verifiers that a revoked badge is valid,
    so the build stops instead.
    """
    document = credential.status_list_credential(defs, book)
    if private_key is not None and record is not None:
        return credential.sign_status_list(document, private_key, record.kid)
    path = Path(root) / STATUS_FILE
    if not path.is_file() or path.is_symlink():
        raise BadgeError(f"{STATUS_FILE} absent : la liste des badges révoqués doit être signée. "
                         "Lancez « fichotheque badges signer » avec la clé de signature")
    token = path.read_text(encoding="ascii", errors="replace").strip()
    try:
        stored = credential.verify_status_list(token, _key_map(published))
    except ValueError as exc:
        raise BadgeError(f"{STATUS_FILE} : signature invalide — ce fichier a-t-il été "
                         "modifié ?") from exc
    if stored.get("credentialSubject") != document["credentialSubject"]:
        raise BadgeError(f"{STATUS_FILE} ne contient pas les dernières révocations du registre : "
                         "sans la clé de signature, le site dirait encore valides des badges "
                         "révoqués. Lancez « fichotheque badges signer » avec la clé "
                         f"({KEY_HINT}), puis ajoutez {SIGNATURES_DIR}/ dans git")
    return token


def sign_missing(root: Path, defs: ob.Definitions, book: Ledger, private_key) -> list[str]:
    """Sign and store what is not signed yet: awards (not revoked) and the revocation list.

    Records the key's public part in `badges/cles/` first. Returns the files written.
    """
    record = keys.record_public_key(root, private_key)
    published = keys.load_keys(root)
    done = load_signed(root, defs, book, published)
    written = []
    for award in book.awards:
        if award.id in done or book.revocation(award.id):
            continue
        written += store(root, sign_award(defs, book, award, private_key, record))
    if book.awards:
        token = status_list_token(root, defs, book, published, private_key, record)
        path = Path(root) / STATUS_FILE
        if not path.is_file() or path.read_text(encoding="ascii", errors="replace").strip() \
                != token:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, (token + "\n").encode("ascii"))
            written.append(STATUS_FILE)
    return written


def sign_project(root: Path, key_path: Path) -> list[str]:
    """`sign_missing` for a project folder with the key at `key_path` (CLI, desk)."""
    root = Path(root)
    private = sign.load_private_key(key_path)
    defs = ob.load_definitions(root, settings.load(root), load_corpus(root))
    return sign_missing(root, defs, ledger.load(root / LEDGER_PATH), private)
