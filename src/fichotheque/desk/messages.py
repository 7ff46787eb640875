"""The claim messages: a kind French text per person, a `mailto:` link, a CSV for a mail merge.

Everything here is built in memory for one page or one download; nothing is written to disk.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from urllib.parse import quote

SUBJECT = "Votre Open Badge « {badge} »"


@dataclass(frozen=True)
class Message:
    name: str
    email: str
    badge_name: str
    link: str
    subject: str
    text: str

    @property
    def mailto(self) -> str:
        """A `mailto:` link that opens the person's message in the mail program."""
        return (f"mailto:{quote(self.email, safe='@')}?subject={quote(self.subject)}"
                f"&body={quote(self.text)}")


def claim_text(name: str, email: str, badge_name: str, issuer_name: str, link: str,
               evidence: str = "", expires_label: str = "") -> str:
    greeting = f"Bonjour {name}," if name else "Bonjour,"
    lines = [
        greeting,
        "",
        f"Félicitations : {issuer_name} vous délivre le badge « {badge_name} »"
        + (f" ({evidence})." if evidence else "."),
        "",
        "Un Open Badge est une image numérique qui atteste ce que vous avez appris, et que "
        "n'importe quel employeur ou organisme peut vérifier en ligne.",
        "",
        "Pour récupérer votre badge, ouvrez ce lien :",
        link,
        "",
        f"Sur cette page, saisissez la même adresse e-mail que celle-ci : {email}",
        "C'est elle qui permet de retrouver votre badge : elle reste dans votre navigateur et "
        "n'est envoyée à personne. Vous pourrez ensuite télécharger l'image du badge et "
        "imprimer une attestation.",
    ]
    if expires_label:
        lines += ["", f"Ce badge est valable jusqu'au {expires_label}."]
    lines += ["", "Bravo encore, et belle continuation !", issuer_name]
    return "\n".join(lines)


def build(name: str, email: str, badge_name: str, issuer_name: str, link: str,
          evidence: str = "", expires_label: str = "") -> Message:
    return Message(name, email, badge_name, link, SUBJECT.format(badge=badge_name),
                   claim_text(name, email, badge_name, issuer_name, link, evidence,
                              expires_label))


def mail_merge_csv(messages: list[Message]) -> bytes:
    """`nom;e-mail;lien;objet;message` with a BOM, as spreadsheets and mail merges read it."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["nom", "e-mail", "lien", "objet", "message"])
    for message in messages:
        writer.writerow([_cell(message.name), message.email, message.link, message.subject,
                         message.text])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _cell(value: str) -> str:
    """A spreadsheet must not run a name as a formula (=, +, -, @ at the start)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value
