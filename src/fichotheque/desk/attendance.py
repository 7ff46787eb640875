"""Read an attendance list (pasted text or a spreadsheet's CSV export) into people to award.

Accepted: one person a line, `nom;e-mail` or `nom,e-mail` or tab-separated, a header line or
not, `Prénom Nom <adresse>` as mail programs copy it, UTF-8 (with or without BOM), UTF-16
(Excel's « texte Unicode ») and Windows-1252 / Latin-1 (older Excel). Every line that cannot
be used is reported with its number and a reason in plain French; nothing is ever written.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass

from fichotheque.badges.ledger import normalise_email, valid_email

MAX_LINES = 5000
HEADER_WORDS = ("nom", "name", "prénom", "prenom", "mail", "courriel", "adresse", "email")
ANGLE_RE = re.compile(r"^(?P<name>[^<>]*)<(?P<email>[^<>]+)>\s*$")


@dataclass(frozen=True)
class Row:
    """One line of the list: the person, or why the line cannot be used."""

    line: int
    name: str
    email: str
    problem: str = ""  # plain French; empty when the line is usable

    @property
    def ok(self) -> bool:
        return not self.problem


def decode(data: bytes) -> str:
    """The text of an uploaded file, whatever encoding a spreadsheet gave it."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # Latin-1 and its Windows superset


def _delimiter(lines: list[str]) -> str:
    sample = [line for line in lines if line.strip()][:20]
    for candidate in (";", "\t"):
        if any(candidate in line for line in sample):
            return candidate
    return ","


def _is_header(cells: list[str]) -> bool:
    if any("@" in cell for cell in cells):
        return False
    words = " ".join(cells).lower()
    return any(word in words for word in HEADER_WORDS)


def _split_cells(cells: list[str]) -> tuple[str, str, str]:
    """(name, email, problem) of one line's cells."""
    cells = [" ".join(c.split()) for c in cells]
    cells = [c for c in cells if c]
    with_at = [c for c in cells if "@" in c]
    if not with_at:
        return " ".join(cells), "", ("pas d'adresse e-mail sur cette ligne (une adresse "
                                     "contient « @ », par exemple prenom.nom@exemple.fr)")
    if len(with_at) > 1:
        return " ".join(c for c in cells if "@" not in c), "", (
            "deux adresses e-mail sur la même ligne : gardez-en une seule par personne")
    raw = with_at[0]
    names = [c for c in cells if c is not raw]
    angle = ANGLE_RE.match(raw)
    if angle:
        raw = angle["email"]
        if angle["name"].strip():
            names.append(angle["name"].strip().strip('"'))
    email = normalise_email(raw.strip("<>\"' "))
    name = " ".join(names)
    if not valid_email(email):
        return name, email, (f"l'adresse « {email} » est incomplète ou contient un caractère "
                             "qui n'a rien à faire dans une adresse (espace, virgule…) ; "
                             "exemple d'adresse correcte : prenom.nom@exemple.fr")
    return name, email, ""


def parse(text: str) -> list[Row]:
    """Every non-empty line of `text`, in order, each usable or with its problem."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if len(lines) > MAX_LINES:
        raise ValueError(f"la liste a plus de {MAX_LINES} lignes : découpez-la en plusieurs "
                         "envois")
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(lines))
    rows: list[Row] = []
    seen: dict[str, int] = {}
    first = True
    start = 1
    for cells in reader:
        line = start
        start = reader.line_num + 1
        if not any(cell.strip() for cell in cells):
            continue
        if first and _is_header(cells):
            first = False
            continue
        first = False
        name, email, problem = _split_cells(cells)
        if not problem and email in seen:
            problem = f"cette adresse figure déjà à la ligne {seen[email]} de la liste"
        elif not problem:
            seen[email] = line
        rows.append(Row(line, name, email, problem))
    return rows


def parse_bytes(data: bytes) -> list[Row]:
    return parse(decode(data))
