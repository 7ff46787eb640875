"""Rules on the fiche as a handout: length for two printed pages, text left from the template."""

from __future__ import annotations

from fichotheque.content.lint.linter import FicheText, Linter
from fichotheque.content.lint.text import count_words
from fichotheque.content.problems import ERROR, WARNING


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
