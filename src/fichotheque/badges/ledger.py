"""The awards ledger `badges/registre.yml`: append-only list of awards and revocations.

Each award holds a salted hash of the recipient's e-mail (`sha256$<hex>` of the lower-cased
address followed by the salt, as Open Badges 2.0 defines it), never the address itself.
Revoking appends an entry `revoked: <uuid>`; nothing is ever edited or removed, which
`history.check_append_only` enforces against every committed version.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from fichotheque import safeyaml
from fichotheque.badges import LEDGER_PATH, BadgeError
from fichotheque.badges.locking import locked
from fichotheque.files import write_atomic

HEADER = """\
# Registre des Open Badges délivrés par ce site (ne s'écrit qu'à la suite).
#
# Ne modifiez pas ce fichier à la main : utilisez
#   fichotheque badges award --badge <badge> --email <adresse>
#   fichotheque badges revoke <identifiant> --reason "<motif>"
# Il ne contient aucune adresse e-mail : seulement une empreinte salée (sha256) de l'adresse.
# Une attribution n'est jamais effacée ni modifiée ; une révocation s'ajoute en fin de fichier.
"""

# A ledger grows by ~250 bytes an award: room for a few hundred thousand awards.
MAX_BYTES = 100_000_000
EMAIL_RE = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;.]+$")
HASH_RE = re.compile(r"^sha256\$[0-9a-f]{64}$")


@dataclass(frozen=True)
class Award:
    """One badge issued to one (hashed) recipient."""

    id: str
    badge: str
    recipient: str
    salt: str
    issued_on: str
    evidence: str = ""
    expires: str = ""

    def matches(self, email: str) -> bool:
        """Whether this award was issued to `email` (compared through the salted hash)."""
        return hash_email(email, self.salt) == self.recipient

    def as_entry(self) -> dict:
        entry = {"id": self.id, "badge": self.badge, "recipient": self.recipient,
                 "salt": self.salt, "issued_on": self.issued_on}
        if self.evidence:
            entry["evidence"] = self.evidence
        if self.expires:
            entry["expires"] = self.expires
        return entry


@dataclass(frozen=True)
class Revocation:
    """The withdrawal of an award, with the reason shown to verifiers."""

    revoked: str
    reason: str
    date: str

    def as_entry(self) -> dict:
        return {"revoked": self.revoked, "reason": self.reason, "date": self.date}


@dataclass(frozen=True)
class Ledger:
    awards: tuple[Award, ...] = ()
    revocations: tuple[Revocation, ...] = ()

    def award(self, award_id: str) -> Award | None:
        return next((a for a in self.awards if a.id == award_id), None)

    def revocation(self, award_id: str) -> Revocation | None:
        return next((r for r in self.revocations if r.revoked == award_id), None)

    def status(self, award: Award, now: dt.datetime | None = None) -> str:
        """`révoqué`, `expiré` or `valide` (French: shown as is by `badges list`)."""
        if self.revocation(award.id):
            return "révoqué"
        if award.expires and parse_datetime(award.expires) < (now or _now()):
            return "expiré"
        return "valide"


# -- values ------------------------------------------------------------------------------------

def normalise_email(email: str) -> str:
    return email.strip().lower()


def hash_email(email: str, salt: str) -> str:
    """`sha256$` + hex(sha256(lower-cased e-mail + salt)), the OB 2.0 hashed identity."""
    digest = hashlib.sha256((normalise_email(email) + salt).encode("utf-8")).hexdigest()
    return f"sha256${digest}"


def valid_email(email: str) -> bool:
    return bool(EMAIL_RE.match(normalise_email(email)))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def format_datetime(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).replace(microsecond=0).isoformat()


def parse_datetime(value) -> dt.datetime:
    """An ISO date or date-time from the ledger; dates mean the end of that day (UTC)."""
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, dt.date):
        parsed = dt.datetime.combine(value, dt.time(23, 59, 59))
    else:
        text = str(value).strip()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            parsed = dt.datetime.combine(dt.date.fromisoformat(text), dt.time(23, 59, 59))
        else:
            parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed


def iso_datetime(value) -> str:
    """The ledger value as an ISO 8601 date-time with a time zone (what OB 2.0 requires)."""
    return format_datetime(parse_datetime(value))


# -- reading -----------------------------------------------------------------------------------

def _yaml(text: str, label: str):
    """(node, data) of a ledger text through the safe loader (no alias, duplicate key, bad date)."""
    try:
        return safeyaml.load_text(text, label)
    except safeyaml.YamlError as exc:
        raise BadgeError(str(exc)) from None


def _entries_with_lines(text: str, label: str) -> list[tuple[dict, int]]:
    node, data = _yaml(text, label)
    if data is None:
        return []
    if not isinstance(data, list):
        raise BadgeError(f"{label}: le registre doit être une liste d'entrées commençant par « - »")
    lines = [item.start_mark.line + 1 for item in node.value]
    return list(zip(data, lines, strict=True))


def parse(text: str, label: str = LEDGER_PATH) -> Ledger:
    """Read a ledger's text; every problem raises BadgeError naming the line."""
    awards: list[Award] = []
    revocations: list[Revocation] = []
    for entry, line in _entries_with_lines(text, label):
        where = f"{label}:{line}"
        if not isinstance(entry, dict):
            raise BadgeError(f"{where}: entrée illisible (attendu : id, badge, recipient…)")
        if "revoked" in entry:
            target = str(entry.get("revoked") or "")
            if not any(a.id == target for a in awards):
                raise BadgeError(f"{where}: révocation d'une attribution inconnue « {target} »")
            if any(r.revoked == target for r in revocations):
                raise BadgeError(f"{where}: l'attribution « {target} » est révoquée deux fois")
            revocations.append(Revocation(target, str(entry.get("reason") or ""),
                                          str(entry.get("date") or "")))
            continue
        missing = [k for k in ("id", "badge", "recipient", "salt", "issued_on") if not entry.get(k)]
        if missing:
            raise BadgeError(f"{where}: clé « {missing[0]} » absente de l'attribution")
        try:
            award_id = str(uuid.UUID(str(entry["id"])))
        except ValueError as exc:
            raise BadgeError(f"{where}: identifiant « {entry['id']} » : un UUID est attendu"
                             ) from exc
        if any(a.id == award_id for a in awards):
            raise BadgeError(f"{where}: identifiant « {award_id} » déjà utilisé")
        if not HASH_RE.match(str(entry["recipient"])):
            raise BadgeError(f"{where}: « recipient » doit être une empreinte sha256$… "
                             "(jamais une adresse e-mail)")
        try:
            issued_on = iso_datetime(entry["issued_on"])
            expires = iso_datetime(entry["expires"]) if entry.get("expires") else ""
        except ValueError as exc:
            raise BadgeError(f"{where}: date illisible (format attendu : 2026-11-22T10:00:00+00:00)"
                             ) from exc
        awards.append(Award(award_id, str(entry["badge"]), str(entry["recipient"]),
                            str(entry["salt"]), issued_on, str(entry.get("evidence") or ""),
                            expires))
    return Ledger(tuple(awards), tuple(revocations))


def read_text(path: Path) -> str | None:
    """The ledger's text, None if absent; refused if a symlink, not UTF-8 or oversized."""
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        return None
    try:  # named from the project root: `badges/registre.yml`
        return safeyaml.read_text(path, path.absolute().parent.parent, max_bytes=MAX_BYTES)
    except safeyaml.YamlError as exc:
        raise BadgeError(str(exc)) from None


def load(path: Path) -> Ledger:
    """The ledger at `path` (an absent file is an empty ledger)."""
    text = read_text(path)
    return Ledger() if text is None else parse(text)


# -- writing (append only, atomic) -------------------------------------------------------------

def _entry_yaml(entry: dict) -> str:
    lines = []
    for i, (key, value) in enumerate(entry.items()):
        prefix = "- " if i == 0 else "  "
        # JSON string literals are valid YAML and keep dates as plain strings.
        lines.append(f"{prefix}{key}: {json.dumps(value, ensure_ascii=False)}")
    return "\n".join(lines) + "\n"


def _append(path: Path, entry: dict) -> None:
    """Append one entry to the ledger text: temp file in the same folder, then rename.

    Callers hold the ledger's lock (`locking.locked`) from reading it to this write.
    """
    old = read_text(path)
    old = HEADER if old is None else old
    if old and not old.endswith("\n"):
        old += "\n"
    new = old + _entry_yaml(entry)
    before = _yaml(old, str(path))[1] or []
    if _yaml(new, str(path))[1] != [*before, entry]:
        # e.g. a file holding `[]`: rewrite as a block list, keeping the entries.
        new = HEADER + "".join(_entry_yaml(e) for e in [*before, entry])
    parse(new, str(path))  # never write a ledger we could not read back
    write_atomic(path, new)


def parse_expiry(value: str, now: dt.datetime | None = None) -> str:
    try:
        expires = parse_datetime(value)
    except ValueError as exc:
        raise BadgeError(f"date d'expiration « {value} » illisible — écrivez-la AAAA-MM-JJ, "
                         "par exemple 2027-12-31") from exc
    if expires <= (now or _now()):
        raise BadgeError(f"la date d'expiration « {value} » est déjà passée")
    return format_datetime(expires)


def award(path: Path, badge: str, email: str, known_badges: Iterable[str],
          evidence: str = "", expires: str = "", now: dt.datetime | None = None) -> Award:
    """Append an award of `badge` to the person with `email`; refuse bad or duplicate input."""
    known = sorted(known_badges)
    if badge not in known:
        raise BadgeError(f"badge « {badge} » inconnu — badges disponibles : {', '.join(known)}")
    if not valid_email(email):
        raise BadgeError(f"adresse e-mail « {email} » mal formée — exemple : prenom.nom@exemple.fr")
    now = now or _now()
    expires = parse_expiry(expires, now) if expires else ""
    path = Path(path)
    with locked(path):  # from reading to writing: a simultaneous award waits its turn
        ledger = load(path)
        for previous in ledger.awards:
            if previous.badge == badge and previous.matches(email) and not ledger.revocation(
                    previous.id):
                raise BadgeError(f"cette personne a déjà le badge « {badge} » "
                                 f"(attribution {previous.id} du {previous.issued_on[:10]})")
        salt = secrets.token_hex(16)
        new = Award(
            id=str(uuid.uuid4()),
            badge=badge,
            recipient=hash_email(email, salt),
            salt=salt,
            issued_on=format_datetime(now),
            evidence=" ".join((evidence or "").split()),
            expires=expires,
        )
        _append(path, new.as_entry())
    return new


def revoke(path: Path, award_id: str, reason: str, now: dt.datetime | None = None) -> Revocation:
    """Append the revocation of an award; refuse unknown or already revoked awards."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise BadgeError("indiquez le motif de la révocation avec --reason \"…\"")
    path = Path(path)
    with locked(path):
        ledger = load(path)
        if ledger.award(award_id.strip()) is None:
            raise BadgeError(f"aucune attribution « {award_id} » dans le registre — "
                             "« fichotheque badges list » affiche les identifiants")
        award_id = award_id.strip()
        if ledger.revocation(award_id):
            raise BadgeError(f"l'attribution « {award_id} » est déjà révoquée")
        revocation = Revocation(award_id, reason, (now or _now()).date().isoformat())
        _append(path, revocation.as_entry())
    return revocation
