"""Reading attendance lists as coordinators have them: separators, headers, encodings."""

from __future__ import annotations

import codecs

import pytest

from fichotheque.desk import attendance


def people(rows):
    return [(r.line, r.name, r.email) for r in rows if r.ok]


@pytest.mark.parametrize("text", [
    "Alice Martin;alice@exemple.org\nBob Durand;bob@exemple.org\n",
    "Alice Martin,alice@exemple.org\nBob Durand,bob@exemple.org\n",
    "Alice Martin\talice@exemple.org\nBob Durand\tbob@exemple.org\n",
    "nom;e-mail\r\nAlice Martin;alice@exemple.org\r\nBob Durand;bob@exemple.org\r\n",
    "Nom,Courriel\nAlice Martin,Alice@Exemple.ORG\n\n\nBob Durand,bob@exemple.org",
    '"Alice Martin";"alice@exemple.org"\n"Bob Durand";"bob@exemple.org"\n',
    "Alice Martin <alice@exemple.org>\nBob Durand <bob@exemple.org>\n",
])
def test_separators_headers_and_quotes(text):
    found = people(attendance.parse(text))
    assert [(n, e) for _l, n, e in found] == [("Alice Martin", "alice@exemple.org"),
                                              ("Bob Durand", "bob@exemple.org")]


def test_first_name_last_name_in_two_columns():
    rows = attendance.parse("prénom;nom;e-mail\nAlice;Martin;alice@exemple.org\n")
    assert people(rows) == [(2, "Alice Martin", "alice@exemple.org")]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"])
def test_encodings_of_spreadsheets(encoding):
    data = "Nom;E-mail\nHélène Françoise Lœvenbrück;helene@exemple.org\n"
    if encoding == "latin-1":
        data = data.replace("œ", "oe")
    rows = attendance.parse_bytes(data.encode(encoding))
    assert people(rows)[0][1].startswith("Hélène Françoise L")
    assert "\ufeff" not in people(rows)[0][1]


def test_bom_is_not_part_of_the_first_name():
    rows = attendance.parse_bytes(codecs.BOM_UTF8 + "Émile;emile@exemple.org\n".encode())
    assert people(rows) == [(1, "Émile", "emile@exemple.org")]


def test_problems_name_the_line_and_say_why():
    text = ("Nom;E-mail\n"
            "Alice;alice@exemple.org\n"
            "\n"
            "Bob sans adresse;\n"
            "Claire;claire@exemple\n"
            "Deux;d@exemple.org;e@exemple.org\n"
            "Alice encore;ALICE@exemple.org\n"
            "Fred;fred @exemple.org\n")
    rows = attendance.parse(text)
    problems = {r.line: r.problem for r in rows if not r.ok}
    assert set(problems) == {4, 5, 6, 7, 8}
    assert "pas d'adresse e-mail" in problems[4]
    assert "« claire@exemple »" in problems[5] and "incomplète" in problems[5]
    assert "deux adresses" in problems[6]
    assert "déjà à la ligne 2" in problems[7]
    assert "fred @exemple.org" in problems[8]
    assert people(rows) == [(2, "Alice", "alice@exemple.org")]


def test_a_first_line_without_address_and_not_a_header_is_reported():
    rows = attendance.parse("Liste du 12 mars\nAlice;alice@exemple.org\n")
    assert not rows[0].ok and rows[0].line == 1
    assert rows[1].ok


def test_too_many_lines():
    with pytest.raises(ValueError, match="plus de"):
        attendance.parse("a;a@exemple.org\n" * (attendance.MAX_LINES + 5))
