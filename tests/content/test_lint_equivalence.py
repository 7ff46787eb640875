"""The wording rules read each fiche once (shared views, one regex for a word list): they must
report exactly what one search per word and per line reported, at the same lines, in order."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import fiche_text, make_project, small_corpus
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fichotheque.content import lint
from fichotheque.content.frontmatter import split
from fichotheque.content.lint.linter import FicheText, Limits, Linter
from fichotheque.content.lint.rules import wording
from fichotheque.content.lint.text import Lines, learner_lines, mask_code

FICHE = "fiches/securite/mots-de-passe.md"
WORDING = ("english", "jargon", "tone", "sentence", "personal", "vague-link")
LONG = " ".join(["mot"] * 27) + "."  # one sentence of 28 words (« mot » ×27 and « Puis »)

BODY = f"""
## Objectif

Ouvrez le browser puis tapez votre password.
Le navigateur affiche la page.
Notez votre identifiant sur un papier.
Encore un browser ici.
Faites un update : download puis upload.
C'est TRES TRES IMPORTANT de le faire.
Attention !! Vraiment ?
On dit « NE PAS TOUCHER » ici.
Écrivez à jean.dupont@gmail.com ou au 06 12 34 56 78.
Le numéro 01 99 00 12 34 est fictif, x@exemple.fr aussi.
Le code `download` et l'adresse https://example.org/login ne comptent pas.
Lisez la newsletter et acceptez les cookies.
Voir [ici](hameconnage.md) et les URL.
Puis {LONG}
Une phrase courte de six mots. {" ".join(["Deux"] * 20)} mots.

### Le login du settings

!!! tip "Le feedback"

    Le checker compte.

```
Un mail dans du code.
```

## Vocabulaire

- **Identifiant** : le nom qui vous désigne.
- **QR code / RIB** : un carré à photographier, un relevé.

## Pour l'animateur

### Accueil — 10 min

Le mail du browser, ses settings, le navigateur !!

### Adapter

- Lire à voix haute.
"""

TEXT = fiche_text(BODY)


def line_of(needle: str) -> int:
    return next(i for i, line in enumerate(TEXT.splitlines(), 1) if needle in line)


EXPECTED = [
    ("english", line_of("tapez votre password"), "mot anglais « browser »"),
    ("english", line_of("tapez votre password"), "mot anglais « password »"),
    ("jargon", line_of("Le navigateur affiche"), "mot technique « navigateur » non expliqué"),
    ("english", line_of("Faites un update"), "mot anglais « update »"),
    ("english", line_of("Faites un update"), "mot anglais « download »"),
    ("english", line_of("Faites un update"), "mot anglais « upload »"),
    ("tone", line_of("TRES TRES"), "mots en capitales « TRES TRES IMPORTANT »"),
    ("tone", line_of("Attention !!"), "points d'exclamation ou d'interrogation répétés"),
    ("personal", line_of("jean.dupont"), "adresse e-mail « jean.dupont@gmail.com »"),
    ("personal", line_of("jean.dupont"), "numéro de téléphone « 06 12 34 56 78 »"),
    ("english", line_of("Lisez la newsletter"), "mot anglais « newsletter »"),
    ("jargon", line_of("Lisez la newsletter"), "mot technique « cookie » non expliqué"),
    ("jargon", line_of("Voir [ici]"), "mot technique « url » non expliqué"),
    ("vague-link", line_of("Voir [ici]"), "texte de lien « ici » vague"),
    ("sentence", line_of("Puis mot"), "phrase de 28 mots (25 au plus pour une lecture facile)"),
    ("english", line_of("Le checker compte"), "mot anglais « checker »"),
]


def _sorted(found):
    """Rule order first (as the linter runs them), then each rule's own order."""
    order = {rule: i for i, rule in enumerate(
        ["sentence", "vague-link", "tone", "personal", "jargon", "english"])}
    return sorted(found, key=lambda item: order[item[0]])


def test_each_wording_rule_reports_the_known_lines_in_order(tmp_path):
    root = make_project(tmp_path / "p", {**small_corpus(), FICHE: TEXT}, with_site_files=False)
    found = [(p.rule, p.line, p.message) for p in lint.lint_project(root)
             if p.path == FICHE and p.rule in WORDING]
    assert found == _sorted(EXPECTED)


# -- the rules against one search per word and per line (the reading they replace) ---------

_ADMONITION = re.compile(r"^\s*(?:!!!|\?\?\?)")
_MARKUP = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|`[^`]*`|<[^>]+>|https?://\S+|\*\*|__|[*_#>]")


def _plain(line: str) -> str:
    return _MARKUP.sub(lambda m: m.group(1) or " ", line)


def _reference(fiche: FicheText) -> list[tuple[str, int, str]]:
    """english, jargon, tone and long sentences as they were written before being sped up."""
    plain_lines = []
    for offset, line in learner_lines(fiche.masked):
        if line.lstrip().startswith("#") or _ADMONITION.match(line):
            continue
        plain_lines.append((fiche.doc.body_line + offset, _plain(line)))
    out = []
    for number, plain in plain_lines:
        for sentence in re.split(r"(?<=[.!?…])\s+(?=[A-ZÀ-ÖØ-Þ«\"(0-9])", plain):
            words = len(re.findall(r"\w+(?:['’-]\w+)*", sentence))
            if words > wording.MAX_SENTENCE_WORDS:
                out.append(("sentence", number, f"phrase de {words} mots"))
                break
    for number, plain in plain_lines:
        if re.search(r"(?<![!\[])[!?]{2,}|!\s!", plain):
            out.append(("tone", number, "!"))
        shout = re.search(r"\b(?:[A-ZÀ-ÖØ-Þ]{2,}[\s,’'-]+){2,}[A-ZÀ-ÖØ-Þ]{2,}\b",
                          re.sub(r"«[^»]*»|\"[^\"]*\"", " ", plain))
        if shout:
            out.append(("tone", number, shout.group(0).strip()))
    known, seen = wording._vocabulary(fiche), set()
    for number, plain in plain_lines:
        for word in wording.JARGON:
            if word in seen or word.rstrip("s") in known:
                continue
            if re.search(r"(?<!\w)" + re.escape(word) + r"s?(?!\w)", plain.lower()):
                seen.add(word)
                out.append(("jargon", number, word))
    seen = set()
    for number, plain in plain_lines:
        for word in wording.ENGLISH:
            if word not in seen and re.search(r"(?<![\w@.-])" + re.escape(word) + r"(?![\w-])",
                                              plain.lower()):
                seen.add(word)
                out.append(("english", number, word))
    return out


def _run(fiche: FicheText, root: Path) -> list[tuple[str, int, str]]:
    linter = Linter(root, Limits())
    linter.rel = FICHE
    for rule in (wording.long_sentences, wording.tone, wording.jargon, wording.english):
        rule(fiche, linter)
    out = []
    for p in linter.problems:
        detail = {"sentence": lambda m: m.split(" (")[0],
                  "tone": lambda m: "!" if m.startswith("points") else m.split("« ")[1][:-2],
                  "jargon": lambda m: m.split("« ")[1].split(" »")[0],
                  "english": lambda m: m.split("« ")[1][:-2]}[p.rule](p.message)
        out.append((p.rule, p.line, detail))
    return out


def _fiche(text: str) -> FicheText:
    doc = split(text)
    return FicheText(Path(FICHE), text, doc, mask_code(doc.body), Lines(doc.body, doc.body_line))


WORDS = [*wording.ENGLISH, *wording.JARGON, "Browser", "LOGIN", "Url", "cookies", "ribs",
         "QR  code", "qr\tcode", "e-mail", "@mail", "mail.", ".mail", "mail-", "-mail", "_mail",
         "update2", "mots", "TRES", "IMPORTANT", "NE", "PAS", "«", "»", '"', "!!", "?!", "! !",
         "!", "?", ".", "…", "İ", "ß", "**", "`", "[ici](x.md)", "https://a.fr/login", "<b>",
         "## Pour l'animateur", "\n", "\n    ", "\n!!! note \"Pour l'animateur\"\n    ",
         "\n## Vocabulaire\n- **", "**", "\n```\n", "\n# ", "Puis", "mot", "de", "Le", "vous"]
separators = st.sampled_from(["", " ", " ", " ", "'", "’", "-", "(", ")", ",", ". ", "é"])


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(WORDS), separators), max_size=80))
def test_shared_views_and_one_regex_find_what_each_search_found(tmp_path, pieces):
    body = "\n## Objectif\n\n" + "".join(word + sep for word, sep in pieces) + "\n"
    fiche = _fiche(fiche_text(body))
    assert _run(fiche, tmp_path) == _reference(fiche)


def test_the_reference_sees_the_crafted_fiche_as_the_rules_do(tmp_path):
    fiche = _fiche(TEXT)
    expected = [(rule, line, message) for rule, line, message in _sorted(EXPECTED)
                if rule in ("english", "jargon", "tone", "sentence")]
    assert len(_run(fiche, tmp_path)) == len(expected) == len(_reference(fiche))
    assert _run(fiche, tmp_path) == _reference(fiche)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="oOnNeErRlLsm:-_= \n\té1+", max_size=60))
def test_patterns_with_the_look_behind_moved_match_the_same(text):
    from fichotheque.content.lint import text as patterns

    before = {
        patterns.STRAY_HANDLER: re.compile(r"(?<![\w-])(?P<name>on[a-z]{3,})\s*=", re.I),
        patterns.EMOJI: re.compile(r"(?<![\w:]):(?P<name>[a-z0-9_+-]+):(?![\w:])"),
    }
    for pattern, original in before.items():
        assert ([(m.span(), m["name"]) for m in pattern.finditer(text)]
                == [(m.span(), m["name"]) for m in original.finditer(text)])


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from([
    "## Pour l'animateur", "## Pour l’animateur", "##  Pour l'animateur ##", "## Pour l'animateur!",
    "### Pour l'animateur", "# Pour l'animateur", "##Pour l'animateur", "## Exercice", "```",
    "~~~", "  ```", "````", "texte animateur", "", "\t## Pour l'animateur", "## Pour\tl'animateur",
    "## Pour l'animateur\x0b", "\x85"]), max_size=12))
def test_section_start_finds_the_line_the_full_scan_finds(lines):
    from fichotheque.content import facilitator

    body = "\n".join(lines)
    expected = next((index for index, line, fenced in facilitator._scan(body) if not fenced
                     and (m := facilitator._H2.match(line))
                     and facilitator._normalise(m["title"]) == facilitator.FACILITATOR_SECTION),
                    None)
    assert facilitator.section_start(body) == expected
