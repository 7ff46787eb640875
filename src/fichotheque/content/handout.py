"""The v2 contract of a fiche's two voices: a learner handout and a facilitator session plan.

- The learner part speaks to the learner: a step that starts with a facilitator's verb
  (« Expliquez… », « Présentez… ») is an error, and so are answers printed under the exercise.
- The facilitator section `## Pour l'animateur` comes last; its timed phases add up to the
  fiche's `duration`; it holds the answers (`### Corrigé`) when there is an exercise, plus
  « Difficultés fréquentes » and « Adapter ».
"""

from __future__ import annotations

import re

from fichotheque.content import facilitator
from fichotheque.content.model import FACILITATOR_RE, Section

# Instructions to the facilitator, at the start of a learner step (imperative, "vous" form).
FACILITATOR_VERBS = (
    "Expliquez", "Présentez", "Montrez", "Faites faire", "Faites manipuler", "Demandez aux",
    "Demandez à chacun", "Distribuez", "Projetez", "Animez", "Laissez les participants",
    "Invitez les participants", "Rappelez aux participants", "Proposez aux participants",
    "Donnez la", "Donnez les", "Insistez", "Rassurez",
)
_STEP = re.compile(r"^\s{0,3}\d+[.)]\s+(?P<text>.+)$")
_VERB = re.compile(r"^(?:\*\*)?(?P<verb>" + "|".join(map(re.escape, FACILITATOR_VERBS)) + r")\b")
_ANSWERS = re.compile(r"^\s*(?:\*\*|_)?(?:Correction|Corrigé|Réponses?|Solutions?)"
                      r"(?:\*\*|_)?\s*:", re.IGNORECASE)


def _section_lines(body: str, body_line: int, title: str, h2: list[Section]):
    """(file line, text) of the lines of one `##` section."""
    section = next((s for s in h2 if s.title == title), None)
    if section is None:
        return
    following = [s.line for s in h2 if s.line > section.line]
    end = following[0] if following else body_line + len(body.splitlines())
    lines = body.splitlines()
    for number in range(section.line + 1, end):
        yield number, lines[number - body_line]


def check(body: str, body_line: int, sections: list[Section], duration: int | None,
          out) -> None:
    """Report every breach of the two-voices contract through the collector `out`."""
    h2 = [s for s in sections if s.level == 2]
    for number, text in _section_lines(body, body_line, "Déroulé", h2):
        step = _STEP.match(text)
        m = _VERB.match(step.group("text").strip()) if step else None
        if m:
            out.error(number, f"« {m.group('verb')}… » s'adresse à l'animateur, "
                      "pas à l'apprenant", "écrivez l'étape pour l'apprenant (« Ouvrez… », "
                      "« Touchez… ») et mettez la consigne dans « ## Pour l'animateur »",
                      "voice")
    for number, text in _section_lines(body, body_line, "Exercice", h2):
        if _ANSWERS.match(text):
            out.error(number, "la correction est imprimée sous l'exercice de l'apprenant",
                      "déplacez-la dans « ### Corrigé » de la section « ## Pour l'animateur »",
                      "answers")
    plan = facilitator.parse_plan(body, body_line)
    if plan is None:
        if FACILITATOR_RE.search(body):
            out.warning(body_line, "ancien bloc « !!! note \"Pour l'animateur\" »",
                        "passez au format v2 : une section « ## Pour l'animateur » avec des "
                        "phases minutées (voir le guide de rédaction)", "facilitator")
        else:
            out.error(body_line, "section « ## Pour l'animateur » absente",
                      "ajoutez le déroulé de la séance, minuté (voir fiches/MODELE.md)",
                      "facilitator")
        return
    if h2 and h2[-1].title != facilitator.FACILITATOR_SECTION:
        out.error(plan.line, "« ## Pour l'animateur » doit être la dernière section",
                  "déplacez-la après « ## Pour aller plus loin »", "facilitator")
    if not plan.phases:
        out.error(plan.line, "le déroulé de la séance n'a aucune phase minutée",
                  "écrivez des titres comme « ### Accueil et tour de table — 10 min »",
                  "facilitator")
    elif duration is not None and plan.total_minutes != duration:
        detail = " + ".join(str(p.minutes) for p in plan.phases)
        out.error(plan.phases[0].line, f"les phases durent {plan.total_minutes} min "
                  f"({detail}) mais la fiche annonce « duration: {duration} »",
                  "ajustez les durées des phases ou la clé duration", "facilitator")
    if any(s.title == "Exercice" for s in h2) and not plan.has(facilitator.ANSWERS_SECTION):
        out.error(plan.line, "l'exercice n'a pas de corrigé pour l'animateur",
                  "ajoutez « ### Corrigé » dans « ## Pour l'animateur »", "answers")
    for title in facilitator.REQUIRED_SUBSECTIONS:
        if not plan.has(title):
            out.warning(plan.line, f"« ### {title} » absent de la partie animateur",
                        "une ou deux lignes suffisent", "facilitator")
