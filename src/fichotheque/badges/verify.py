"""Checking a badge PNG against the site that issued it (what the verify page does, in Python).

The reference validator only re-fetches the hosted copy and ignores `revoked`; here the copy
baked in the image is compared with the hosted one (a changed recipient or badge is caught),
a JWS is checked against the published key, and revocation and expiry are checked.
Verdicts are French sentences for the person who holds or checks the badge.
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

from fichotheque.badges import BADGES_DIR, bake, ledger, sign

VALID = "valide"
REVOKED = "révoqué"
EXPIRED = "expiré"
TAMPERED = "modifié"
FOREIGN = "inconnu"
NOT_BADGE = "pas un badge"
WRONG_RECIPIENT = "autre titulaire"

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
# Fields the issuer may add to the hosted copy after baking (revocation).
MUTABLE = ("revoked", "revocationReason")
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre")


@dataclass(frozen=True)
class Verdict:
    status: str
    message: str
    details: tuple[tuple[str, str], ...] = ()
    assertion_id: str = ""

    @property
    def ok(self) -> bool:
        return self.status == VALID

    def format(self) -> str:
        lines = [self.message]
        lines += [f"  {label} : {value}" for label, value in self.details]
        return "\n".join(lines)


class SiteSource:
    """The published badge files of one site, read from a folder or over HTTP."""

    def __init__(self, base: str, read: Callable[[str], bytes | None]):
        self.base = base  # absolute URL of `badges/`, ends with "/"
        self._read = read

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
            except (urllib.error.URLError, OSError, ValueError):
                return None

        return cls(base, read)

    def relative(self, url: str) -> str | None:
        return url[len(self.base):] if isinstance(url, str) and url.startswith(self.base) else None

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
    try:
        date = ledger.parse_datetime(value).date()
    except (ValueError, TypeError):
        return str(value)
    day = "1er" if date.day == 1 else str(date.day)
    return f"{day} {MONTHS[date.month - 1]} {date.year}"


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
    """The verdict on a badge image: valid, revoked, expired, tampered, foreign or not a badge."""
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
    hosted = source.json(f"assertions/{award_id}.json")
    if hosted is None:
        return Verdict(FOREIGN, "Ce site n'a jamais délivré ce badge : son identifiant est "
                                "inconnu ici.", assertion_id=award_id)
    if signed:
        verification = embedded.get("verification") or {}
        key_doc = source.json("cle-publique.json")
        if (not isinstance(verification, dict) or key_doc is None
                or verification.get("creator") != source.base + "cle-publique.json"):
            return _foreign(embedded, source)
        try:
            sign.verify(text, str(key_doc.get("publicKeyPem", "")))
        except ValueError:
            return Verdict(TAMPERED, "La signature du badge ne correspond pas : l'image a été "
                                     "modifiée après sa délivrance.", assertion_id=award_id)
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
    return check_hosted(hosted, award_id, source, email, now)


def _foreign(embedded: dict, source: SiteSource) -> Verdict:
    badge = embedded.get("badge")
    origin = badge if isinstance(badge, str) else str(embedded.get("id", ""))
    where = f" (il renvoie à {origin})" if origin.startswith(("https://", "http://")) else ""
    return Verdict(FOREIGN, f"Ce badge n'a pas été délivré par ce site{where}.")


def check_hosted(hosted: dict, award_id: str, source: SiteSource, email: str = "",
                 now: dt.datetime | None = None) -> Verdict:
    """Revocation, expiry and recipient checks on the published assertion."""
    badge = source.json(str(hosted.get("badge", ""))) or {}
    issuer = source.json(str(badge.get("issuer", ""))) or {}
    details = [("Badge", str(badge.get("name", "?"))),
               ("Émetteur", str(issuer.get("name", "?"))),
               ("Délivré le", french_date(str(hosted.get("issuedOn", ""))))]
    if hosted.get("expires"):
        details.append(("Expire le", french_date(str(hosted["expires"]))))
    criteria = badge.get("criteria") or {}
    if isinstance(criteria, dict) and criteria.get("id"):
        details.append(("Critères", str(criteria["id"])))
    details.append(("Vérification", source.base + f"verifier/?id={award_id}"))
    details_t = tuple(details)
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
        return Verdict(REVOKED, f"Ce badge a été révoqué par son émetteur.{why}", details_t,
                       award_id)
    if hosted.get("expires"):
        try:
            expired = ledger.parse_datetime(hosted["expires"]) < (
                now or dt.datetime.now(dt.UTC))
        except (ValueError, TypeError):
            expired = True
        if expired:
            return Verdict(EXPIRED, f"Ce badge a expiré le {french_date(hosted['expires'])}.",
                           details_t, award_id)
    if email:
        recipient = hosted.get("recipient") or {}
        salt = str(recipient.get("salt", ""))
        if ledger.hash_email(email, salt) != recipient.get("identity"):
            return Verdict(WRONG_RECIPIENT, f"Ce badge est authentique mais n'a pas été délivré "
                                            f"à l'adresse {ledger.normalise_email(email)}.",
                           details_t, award_id)
    return Verdict(VALID, "Badge valide : il a bien été délivré par ce site et n'a pas été "
                          "modifié.", details_t, award_id)


def verify_id(award_id: str, source: SiteSource, email: str = "",
              now: dt.datetime | None = None) -> Verdict:
    """The verdict on a hosted assertion known by its id (the verify page's `?id=`)."""
    award_id = award_id.strip().lower()
    hosted = source.json(f"assertions/{award_id}.json") if UUID_RE.match(award_id) else None
    if hosted is None:
        return Verdict(FOREIGN, "Ce site n'a jamais délivré de badge avec cet identifiant.")
    return check_hosted(hosted, award_id, source, email, now)
