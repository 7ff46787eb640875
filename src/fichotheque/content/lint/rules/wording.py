"""Rules for plain French in the learner part: what a beginner can read alone.

All are warnings (a reviewer decides): long sentences, « cliquez ici », exclamation runs and
shouting capitals, personal e-mail addresses and phone numbers, jargon that the fiche's
Vocabulaire does not explain, English words that have a common French equivalent.
"""

from __future__ import annotations

import re

from fichotheque.content.lint.linter import FicheText, Linter
from fichotheque.content.problems import WARNING

MAX_SENTENCE_WORDS = 25
VAGUE_LINK_TEXTS = frozenset({"ici", "cliquez ici", "cliquer ici", "clique ici", "ce lien",
                              "lien", "en savoir plus", "là", "voir ici"})
# Words a beginner may not know: each must be explained in `## Vocabulaire` (singular form).
JARGON = ("navigateur", "application", "paramètre", "identifiant", "rib", "iban", "url",
          "qr code", "cookie", "authentification", "système d'exploitation")
ENGLISH = {"browser": "navigateur", "password": "mot de passe", "login": "identifiant",
           "update": "mise à jour", "download": "télécharger", "upload": "envoyer",
           "settings": "réglages", "feedback": "retour", "fake news": "fausse information",
           "scroller": "faire défiler", "checker": "vérifier", "newsletter":
           "lettre d'information", "forwarder": "transférer", "mail": "e-mail ou courriel"}
# Numbers and addresses that are never a private person's.
OFFICIAL_DOMAINS = (".gouv.fr", "exemple.fr", "exemple.com", "exemple.org", "example.com",
                    "example.org", "example.fr", ".invalid")
FICTIONAL_PHONE = re.compile(r"^0?1\s?99\s?00")  # range reserved for fiction (01 99 00 ..)

_WORD = re.compile(r"\w+(?:['’-]\w+)*")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[A-ZÀ-ÖØ-Þ«\"(0-9])")
_MARKUP = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|`[^`]*`|<[^>]+>|https?://\S+|\*\*|__|[*_#>]")
_EXCLAIM = re.compile(r"(?<![!\[])[!?]{2,}|!\s!")
_SHOUT = re.compile(r"\b(?:[A-ZÀ-ÖØ-Þ]{2,}[\s,’'-]+){2,}[A-ZÀ-ÖØ-Þ]{2,}\b")
_QUOTED = re.compile(r"«[^»]*»|\"[^\"]*\"")
# What each pattern cannot match without: lines lacking it skip the (slower) pattern.
_MARKUP_CHAR = re.compile(r"[\[`<*_#>]|://")
_TWO_CAPITALS = re.compile(r"[A-ZÀ-ÖØ-Þ]{2}")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\d])(?:\+33\s?|0)[1-9](?:[\s.-]?\d{2}){4}(?![\d])")
_ADMONITION = re.compile(r"^\s*(?:!!!|\?\?\?)")
_VOCAB_TERM = re.compile(r"^\s*[-*]\s+\*\*(?P<term>[^*]+)\*\*")
_VOCAB_SPLIT = re.compile(r"\s*(?:/|,|\bou\b|\(|\))\s*")


def _word_pattern(word: str, before: str, after: str) -> re.Pattern:
    return re.compile(before + re.escape(word) + after)


# One pattern per word, as each rule reads it, and one alternation of them all: a line that the
# alternation does not match matches none of the words (the per-word search then never runs).
_JARGON_BEFORE, _JARGON_AFTER = r"(?<!\w)", r"s?(?!\w)"
_JARGON_WORDS = tuple((word, _word_pattern(word, _JARGON_BEFORE, _JARGON_AFTER))
                      for word in JARGON)
_ANY_JARGON = re.compile(_JARGON_BEFORE + "(?:" + "|".join(map(re.escape, JARGON)) + ")"
                         + _JARGON_AFTER)
_ENGLISH_BEFORE, _ENGLISH_AFTER = r"(?<![\w@.-])", r"(?![\w-])"
_ENGLISH_WORDS = tuple((word, french, _word_pattern(word, _ENGLISH_BEFORE, _ENGLISH_AFTER))
                       for word, french in ENGLISH.items())
_ANY_ENGLISH = re.compile(_ENGLISH_BEFORE + "(?:" + "|".join(map(re.escape, ENGLISH)) + ")"
                          + _ENGLISH_AFTER)


def _learner_view(fiche: FicheText) -> tuple[tuple[int, str, str, str], ...]:
    """(file line, text, plain text, plain text in lower case) of the learner part, code
    masked, headings and admonitions skipped; computed once per fiche for every rule here."""
    first = fiche.doc.body_line
    view = []
    for offset, line in fiche.masked_learner:
        if line.lstrip().startswith("#") or _ADMONITION.match(line):
            continue
        plain = _plain(line)
        view.append((first + offset, line, plain, plain.lower()))
    return tuple(view)


def _learner_lines(fiche: FicheText) -> tuple[tuple[int, str, str, str], ...]:
    return fiche.view("wording.learner", _learner_view)


def _plain(line: str) -> str:
    if not _MARKUP_CHAR.search(line):
        return line
    return _MARKUP.sub(lambda m: m.group(1) or " ", line)


def long_sentences(fiche: FicheText, ctx: Linter) -> None:
    """Sentences over 25 words: one idea per sentence, one action per step."""
    for number, _, plain, _ in _learner_lines(fiche):
        # The sentences share the line's words (they are cut at spaces): a line of 25 words
        # or fewer has no sentence over 25, and 26 words take 51 characters at least.
        if (len(plain) <= 2 * MAX_SENTENCE_WORDS
                or len(_WORD.findall(plain)) <= MAX_SENTENCE_WORDS):
            continue
        for sentence in _SENTENCE_END.split(plain):
            words = len(_WORD.findall(sentence))
            if words > MAX_SENTENCE_WORDS:
                ctx.report(WARNING, number, f"phrase de {words} mots "
                           f"({MAX_SENTENCE_WORDS} au plus pour une lecture facile)",
                           "coupez-la en deux phrases, une idée par phrase", "sentence")
                break


def vague_links(fiche: FicheText, ctx: Linter) -> None:
    """« cliquez ici » says nothing out of context (screen readers list links alone)."""
    for m in fiche.links:
        text = " ".join(m.group("text").split()).strip(" .:").lower()
        if not m.group("bang") and text in VAGUE_LINK_TEXTS:
            ctx.report(WARNING, fiche.lines.line(m.start()), f"texte de lien « {text} » vague",
                       "écrivez où mène le lien, par exemple [le site des impôts](…)",
                       "vague-link")


def tone(fiche: FicheText, ctx: Linter) -> None:
    """Exclamation runs and words in capitals read as shouting."""
    for number, _, plain, _ in _learner_lines(fiche):
        if ("!" in plain or "?" in plain) and _EXCLAIM.search(plain):
            ctx.report(WARNING, number, "points d'exclamation ou d'interrogation répétés",
                       "un seul signe suffit ; le ton reste calme", "tone")
        shout = None
        if _TWO_CAPITALS.search(plain):  # removing quotes never puts two capitals side by side
            unquoted = _QUOTED.sub(" ", plain) if "«" in plain or '"' in plain else plain
            shout = _SHOUT.search(unquoted)
        if shout:
            ctx.report(WARNING, number, f"mots en capitales « {shout.group(0).strip()} »",
                       "les capitales se lisent comme des cris : écrivez en minuscules, "
                       "mettez **en gras** ce qui compte", "tone")


def personal_data(fiche: FicheText, ctx: Linter) -> None:
    """A private person's e-mail address or phone number has no place in a shared fiche."""
    for number, line in enumerate(fiche.masked_lines, start=fiche.doc.body_line):
        # `@` and a `0` or `+` are in every address and number: most lines have neither.
        for m in _EMAIL.finditer(line) if "@" in line else ():
            domain = m.group(0).rsplit("@", 1)[1].lower()
            if not any(domain == d.lstrip(".") or domain.endswith(d if d.startswith(".")
                                                                  else "." + d)
                       for d in OFFICIAL_DOMAINS):
                ctx.report(WARNING, number, f"adresse e-mail « {m.group(0)} »",
                           "pas d'adresse personnelle : utilisez une adresse fictive "
                           "(prenom.nom@exemple.fr) ou celle d'un service public", "personal")
        for m in _PHONE.finditer(line) if "0" in line or "+" in line else ():
            digits = re.sub(r"\D", "", m.group(0).replace("+33", "0"))
            if FICTIONAL_PHONE.match(digits) or digits.startswith(("08", "09")):
                continue  # fictional range, service and free numbers
            ctx.report(WARNING, number, f"numéro de téléphone « {m.group(0).strip()} »",
                       "pas de numéro personnel : utilisez un numéro fictif (01 99 00 xx xx) "
                       "ou le numéro officiel d'un service", "personal")


def _vocabulary(fiche: FicheText) -> set[str]:
    terms: set[str] = set()
    inside = False
    for line in fiche.body.splitlines():
        if line.startswith("## "):
            inside = line[3:].strip() == "Vocabulaire"
            continue
        m = _VOCAB_TERM.match(line) if inside else None
        if m:
            for term in _VOCAB_SPLIT.split(m.group("term").lower()):
                terms.add(term.strip().rstrip("s"))
    return terms


def jargon(fiche: FicheText, ctx: Linter) -> None:
    """Technical words a beginner may not know, unless the Vocabulaire explains them."""
    known = _vocabulary(fiche)
    seen: set[str] = set()
    for number, _, _, text in _learner_lines(fiche):
        if not _ANY_JARGON.search(text):
            continue
        for word, pattern in _JARGON_WORDS:
            if word in seen or word.rstrip("s") in known:
                continue
            if pattern.search(text):
                seen.add(word)
                ctx.report(WARNING, number, f"mot technique « {word} » non expliqué",
                           "ajoutez-le à « ## Vocabulaire » avec une phrase simple, "
                           "ou dites-le autrement", "jargon")


def english(fiche: FicheText, ctx: Linter) -> None:
    """English words where a common French word exists."""
    seen: set[str] = set()
    for number, _, _, text in _learner_lines(fiche):
        if not _ANY_ENGLISH.search(text):
            continue
        for word, french, pattern in _ENGLISH_WORDS:
            if word not in seen and pattern.search(text):
                seen.add(word)
                ctx.report(WARNING, number, f"mot anglais « {word} »",
                           f"écrivez plutôt « {french} »", "english")
