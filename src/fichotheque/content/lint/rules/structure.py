"""Rules on the fiche as a handout: length for two printed pages, text left from the template,
an exercise whose material is missing from the kit."""

from __future__ import annotations

import re

from fichotheque.content import facilitator
from fichotheque.content.lint.linter import FicheText, Linter
from fichotheque.content.lint.text import count_words
from fichotheque.content.model import scan_sections
from fichotheque.content.problems import ERROR, WARNING

# Words of an exercise that name a material to hand out (calibrated on the fiches: « le
# fichier » alone is too often the learner's own download, « le formulaire » an online one).
_DOCUMENTS = (r"(?:document|fichier|formulaire|texte|modèle|dossier|e-mail|email|courriel|"
              r"mail|SMS|message|facture|courrier|lettre|offre|page|feuille|fiche|carte|"
              r"image|photo|tableau|CV|liste|grille)s?")
MATERIAL_WORDS = re.compile(
    r"\bkits?\b"  # « le kit d'exercice », « dans le kit »
    rf"|\b{_DOCUMENTS}\s+(?:d['’]exemple|d['’]exercices?|d['’]entraînement)\b"
    rf"|\b{_DOCUMENTS}\s+(?:fourni|distribué|imprimé)e?s?\b"
    r"|\b(?:fourni|distribué|imprimé|photocopié)e?s?\s+par\s+l['’]animat"
    r"|\b[\w-]+\.(?:txt|csv|odt|ods|docx|xlsx)\b",  # a named practice file
    re.IGNORECASE)


def length(fiche: FicheText, ctx: Linter) -> None:
    """Words a learner reads: enough to be useful, few enough for two A4 pages."""
    words = count_words(fiche.body)
    line = fiche.doc.body_line
    limits = ctx.limits
    if words > limits.max_words:
        ctx.report(WARNING, line, f"fiche trop longue pour deux pages A4 ({words} mots, "
                   f"{limits.max_words} au plus hors bloc « Pour l'animateur »)",
                   "raccourcissez les étapes ou découpez la fiche en deux", "length")
    elif words < limits.min_words:
        ctx.report(WARNING, line, f"fiche très courte ({words} mots, "
                   f"{limits.min_words} au moins hors bloc « Pour l'animateur »)",
                   "détaillez le déroulé et ajoutez un exercice", "length")


def template_leftovers(fiche: FicheText, ctx: Linter) -> None:
    """Lines and values copied from `fiches/MODELE.md` and never replaced."""
    doc = fiche.doc
    template_lines, template_meta = ctx.template
    found = [doc.body_line + i for i, line in enumerate(doc.body.splitlines())
             if line.strip() in template_lines]
    if len(found) < 3:
        found = []  # a few stock phrases (« À la fin de l'atelier, vous savez : ») are fine
    found += [doc.line_of(key) for key, value in template_meta.items()
              if value and doc.meta.get(key) == value]
    if found:  # an error: placeholder text must never be published
        ctx.report(ERROR, min(found), f"fiche à compléter : {len(found)} ligne"
                   f"{'s' if len(found) > 1 else ''} du modèle encore présente"
                   f"{'s' if len(found) > 1 else ''}",
                   "remplacez le texte d'exemple du modèle par le vôtre", "template")


def exercise_material(fiche: FicheText, ctx: Linter) -> None:
    """An exercise that names a material (« le kit d'exercice », « l'e-mail d'exemple »,
    « fichier.csv ») while the fiche has no kit folder `fiches/<module>/<slug>/`."""
    doc = fiche.doc
    h2 = [s for s in scan_sections(doc.body, doc.body_line) if s.level == 2]
    start = next((s for s in h2 if s.title == facilitator.EXERCISE_SECTION), None)
    if start is None:
        return
    end = next((s.line for s in h2 if s.line > start.line), doc.body_line + len(
        doc.body.splitlines()))
    masked = fiche.masked_lines  # code spans and blocks show text, they name nothing
    found = []
    for number in range(start.line + 1, end):
        m = MATERIAL_WORDS.search(masked[number - doc.body_line])
        if m:
            found.append((number, m.group(0)))
    if not found or ctx.use("dir", fiche.path.parent / fiche.path.stem):
        return
    for number, words in found:
        ctx.report(WARNING, number, f"l'exercice parle de « {words} », mais la fiche n'a pas "
                   "de kit d'exercice", f"créez le dossier {ctx.key(fiche.path)[:-3]}/ avec "
                   "une page Markdown par document à imprimer (voir le guide de rédaction), "
                   "ou décrivez le document dans l'exercice", "kit")
