"""The claim messages: what the person reads, the mailto link, the mail-merge table."""

from __future__ import annotations

import csv
import io
from urllib.parse import parse_qs, unquote, urlsplit

from fichotheque.desk import messages

LINK = "https://exemple.org/fiches/badges/obtenir/?id=0b6c6c0e-5b1f-4b8a-9c43-3d6a1f0e2a11"


def test_message_is_kind_complete_and_in_french():
    m = messages.build("Alice Martin", "alice@exemple.org", "Sécurité numérique",
                       "Médiathèque de Nulle-Part", LINK, "Ateliers de mars", "31 décembre 2027")
    assert m.text.startswith("Bonjour Alice Martin,")
    assert "Un Open Badge est" in m.text
    assert LINK in m.text.splitlines()
    assert "la même adresse e-mail que celle-ci : alice@exemple.org" in m.text
    assert "31 décembre 2027" in m.text and "Ateliers de mars" in m.text
    assert m.subject == "Votre Open Badge « Sécurité numérique »"
    assert messages.build("", "x@exemple.org", "B", "I", LINK).text.startswith("Bonjour,")


def test_mailto_round_trips():
    m = messages.build("Zoé & Co", "zoe+atelier@exemple.org", "Messagerie", "EPN", LINK)
    parts = urlsplit(m.mailto)
    assert parts.scheme == "mailto" and unquote(parts.path) == "zoe+atelier@exemple.org"
    query = parse_qs(parts.query)
    assert query["subject"] == [m.subject] and query["body"] == [m.text]


def test_mail_merge_table_opens_in_a_spreadsheet():
    items = [messages.build("=HYPERLINK(1)", "a@exemple.org", "B", "I", LINK),
             messages.build("Bob", "b@exemple.org", "B", "I", LINK + "x")]
    data = messages.mail_merge_csv(items)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["nom", "e-mail", "lien", "objet", "message"]
    assert rows[1][0] == "'=HYPERLINK(1)"  # never run as a formula
    assert rows[2][1:3] == ["b@exemple.org", LINK + "x"]
    assert rows[2][4] == items[1].text  # multi-line message kept whole
