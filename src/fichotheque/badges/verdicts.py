"""Verdicts on badges and the sources they are checked against (shared by both formats).

A verdict is a French sentence for the person who holds or checks the badge, with its details;
a `SiteSource` reads the published badge files of one site, from a folder or over HTTP, and
raises `Unreachable` when it cannot tell (so no verdict ever turns a network failure into
« not issued »). `check_hosted` applies revocation, expiry and recipient checks to the hosted
Open Badges 2.0 assertion, which both formats share.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from fichotheque.badges import BADGES_DIR, ledger
from fichotheque.web import pages

VALID = "valide"
REVOKED = "révoqué"
EXPIRED = "expiré"
TAMPERED = "modifié"
FOREIGN = "inconnu"
NOT_BADGE = "pas un badge"
WRONG_RECIPIENT = "autre titulaire"
UNREACHABLE = "site injoignable"
REVOKED_MESSAGE = "Ce badge a été révoqué par la structure qui l'a délivré."
# Exit codes of `fichotheque badges verify`: 0 valid, 1 not valid, 3 could not be checked.
EXIT_CODES = {VALID: 0, UNREACHABLE: 3}
HOLDER_NOTE = ("Le badge est lié à une adresse e-mail, pas à un nom : pour savoir s'il "
               "appartient bien à la personne qui le présente, saisissez son adresse e-mail. "
               "Un nom imprimé sur une attestation a été saisi par la personne elle-même.")

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
# Fields the issuer may add to the hosted copy after baking (revocation).


class Unreachable(Exception):
    """The issuer's site could not be read (network, server error): no verdict is possible."""


@dataclass(frozen=True)
class Verdict:
    status: str
    message: str
    details: tuple[tuple[str, str], ...] = ()
    assertion_id: str = ""
    competences: tuple[str, ...] = ()
    signature: str = ""  # how authenticity was checked, in French

    @property
    def ok(self) -> bool:
        return self.status == VALID

    @property
    def exit_code(self) -> int:
        return EXIT_CODES.get(self.status, 1)

    def format(self) -> str:
        lines = [self.message]
        lines += [f"  {label} : {value}" for label, value in self.details]
        if self.signature:
            lines.append(f"  Authenticité : {self.signature}")
        if self.competences:
            lines.append("  Compétences visées :")
            lines += [f"    - {c}" for c in self.competences]
        if self.status in (VALID, WRONG_RECIPIENT, EXPIRED):
            lines.append(f"  À savoir : {HOLDER_NOTE}")
        return "\n".join(lines)

    def as_json(self) -> dict:
        return {"statut": self.status, "valide": self.ok, "message": self.message,
                "identifiant": self.assertion_id, "details": dict(self.details),
                "authenticite": self.signature, "competences": list(self.competences),
                "a_savoir": HOLDER_NOTE}


def unreachable(where: str, signature: str = "", award_id: str = "") -> Verdict:
    checked = (f" La signature a pu être contrôlée : {signature}. Mais" if signature
               else " On ne peut donc pas dire si")
    tail = (" la révocation n'a pas pu être vérifiée." if signature
            else " ce badge est valide, révoqué ou inconnu.")
    return Verdict(UNREACHABLE, f"Impossible de joindre le site qui a délivré ce badge "
                                f"({where}).{checked}{tail} Réessayez plus tard ou avec une "
                                "autre connexion.", assertion_id=award_id, signature=signature)


class SiteSource:
    """The published badge files of one site, read from a folder or over HTTP."""

    def __init__(self, base: str, read: Callable[[str], bytes | None],
                 keys: dict[str, str] | None = None):
        self.base = base  # absolute URL of `badges/`, ends with "/"
        self._read = read  # None when absent; raises Unreachable when it cannot tell
        self.keys = dict(keys or {})  # kid -> public PEM given by the user (--cle)

    @classmethod
    def from_dir(cls, site_dir: Path) -> SiteSource:
        site_dir = Path(site_dir)
        folder = site_dir / BADGES_DIR

        def read(rel: str) -> bytes | None:
            path = (folder / rel).resolve()
            if folder.resolve() not in path.parents or not path.is_file():
                return None
            return path.read_bytes()

        profile = read("emetteur.json")
        if profile is None:
            raise FileNotFoundError(folder / "emetteur.json")
        issuer_id = json.loads(profile)["id"]
        return cls(issuer_id.rsplit("/", 1)[0] + "/", read)

    @classmethod
    def from_url(cls, site_url: str, timeout: float = 15) -> SiteSource:
        base = site_url.rstrip("/") + f"/{BADGES_DIR}/"

        def read(rel: str) -> bytes | None:
            try:
                with urllib.request.urlopen(base + rel, timeout=timeout) as response:
                    return response.read()
            except urllib.error.HTTPError as exc:
                if exc.code in (404, 410):  # the site answered: no such file
                    return None
                raise Unreachable(f"{urlsplit(base).netloc} répond « erreur {exc.code} »"
                                  ) from exc
            except (urllib.error.URLError, OSError, ValueError) as exc:
                raise Unreachable(urlsplit(base).netloc or base) from exc

        return cls(base, read)

    def with_keys(self, keys: dict[str, str]) -> SiteSource:
        return SiteSource(self.base, self._read, {**self.keys, **keys})

    def key_pem(self, creator: str) -> str | None:
        """The public key a signed badge names (`verification.creator`): given, or published."""
        rel = self.relative(creator) or ""
        match = re.fullmatch(r"cles/([A-Za-z0-9_-]{43})\.json", rel)
        if match and match.group(1) in self.keys:
            return self.keys[match.group(1)]
        if rel == "cle-publique.json" and len(self.keys) == 1:
            pem = next(iter(self.keys.values()))
            try:
                document = self.json(rel)
            except Unreachable:
                return pem  # offline: the one key given is the one to try
            return str((document or {}).get("publicKeyPem", pem))
        if not match and rel != "cle-publique.json":
            return None
        document = self.json(rel)
        pem = (document or {}).get("publicKeyPem")
        return pem if isinstance(pem, str) else None

    def relative(self, url: str) -> str | None:
        return url[len(self.base):] if isinstance(url, str) and url.startswith(self.base) else None

    def read(self, rel: str) -> bytes | None:
        """The bytes of a published file (None if absent; `Unreachable` if it cannot tell)."""
        return self._read(rel)

    def json(self, url_or_rel: str) -> dict | None:
        rel = self.relative(url_or_rel) if "://" in url_or_rel else url_or_rel
        data = self._read(rel) if rel else None
        if data is None:
            return None
        try:
            value = json.loads(data.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return None
        return value if isinstance(value, dict) else None


def french_date(value: str) -> str:
    """An ISO date or date-time of a badge as « 14 mars 2026 » (the text itself if unreadable)."""
    try:
        date = ledger.parse_datetime(value).date()
    except (ValueError, TypeError):
        return str(value)
    return pages.french_date(date)


def competences_of(badge: dict) -> tuple[str, ...]:
    """« Pix 4.1 — Sécuriser l'environnement numérique » for each alignment of a BadgeClass."""
    found = []
    for item in badge.get("alignment") or []:
        if isinstance(item, dict) and item.get("targetName"):
            code = f" {item['targetCode']}" if item.get("targetCode") else ""
            found.append(f"{item.get('targetFramework', '')}{code} — {item['targetName']}"
                         .strip())
    return tuple(found)


def check_hosted(hosted: dict, award_id: str, source: SiteSource, email: str = "",
                 now: dt.datetime | None = None, signature: str = "") -> Verdict:
    """Revocation, expiry and recipient checks on the published assertion."""
    badge = source.json(str(hosted.get("badge", ""))) or {}
    issuer = source.json(str(badge.get("issuer", ""))) or {}
    details = [("Badge", str(badge.get("name", "?"))),
               ("Délivré par", str(issuer.get("name", "?"))),
               ("Délivré le", french_date(str(hosted.get("issuedOn", ""))))]
    if hosted.get("expires"):
        details.append(("Expire le", french_date(str(hosted["expires"]))))
    criteria = badge.get("criteria") or {}
    if isinstance(criteria, dict) and criteria.get("id"):
        details.append(("Critères", str(criteria["id"])))
    evidence = hosted.get("evidence")
    if isinstance(evidence, dict) and evidence.get("narrative"):
        details.append(("Preuve", str(evidence["narrative"])))
    details.append(("Vérification", source.base + f"verifier/?id={award_id}"))
    details_t = tuple(details)
    extra = {"competences": competences_of(badge),
             "signature": signature or "badge hébergé : lu sur le site qui l'a délivré"}
    revocations = source.json("revocations.json") or {}
    revoked_ids = {}
    for entry in revocations.get("revokedAssertions") or []:
        if isinstance(entry, dict):
            revoked_ids[entry.get("id")] = entry.get("revocationReason", "")
        else:
            revoked_ids[entry] = ""
    reason = None
    if hosted.get("revoked"):
        reason = str(hosted.get("revocationReason") or "")
    for candidate in (source.base + f"assertions/{award_id}.json", f"urn:uuid:{award_id}"):
        if reason is None and candidate in revoked_ids:
            reason = str(revoked_ids[candidate] or "")
    if reason is not None:
        why = f" Motif : {reason}" if reason else ""
        return Verdict(REVOKED, f"{REVOKED_MESSAGE}{why}", details_t, award_id, **extra)
    if hosted.get("expires"):
        try:
            expired = ledger.parse_datetime(hosted["expires"]) < (
                now or dt.datetime.now(dt.UTC))
        except (ValueError, TypeError):
            expired = True
        if expired:
            return Verdict(EXPIRED, f"Ce badge a expiré le {french_date(hosted['expires'])}.",
                           details_t, award_id, **extra)
    if email:
        recipient = hosted.get("recipient") or {}
        salt = str(recipient.get("salt", ""))
        if ledger.hash_email(email, salt) != recipient.get("identity"):
            return Verdict(WRONG_RECIPIENT, f"Ce badge est authentique mais n'a pas été délivré "
                                            f"à l'adresse {ledger.normalise_email(email)}.",
                           details_t, award_id, **extra)
    return Verdict(VALID, "Badge valide : il a bien été délivré par ce site et n'a pas été "
                          "modifié.", details_t, award_id, **extra)
