"""Printable documents of the parcours and of the positioning quizzes.

For each parcours, beside its page `parcours/<slug>/`: the mediator's plan (sessions, timed
phases, material, answers left in the fiches' facilitator PDFs), the learner's booklet (its
fiches' learner PDFs in order, after a cover and contents, assembled like a module booklet),
a one-page carnet de suivi and an attestation, both filled in by hand: the site prints no
personal data. For each quiz, beside `positionnement/<module>/`: the questions on paper and the
mediator's grid (right answers, fiche to propose for each question).
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import markdown
import nh3
from markupsafe import Markup

from fichotheque.content.model import Corpus, Fiche, Module
from fichotheque.content.parcours import Parcours
from fichotheque.content.quiz import DONT_KNOW
from fichotheque.pdf.document import BOOKLET_LINK, PAGE_MARKER, _online_url, qr_code
from fichotheque.web import pages
from fichotheque.web.parcours_pages import document_name, modules_of

PLAN, CARNET, ATTESTATION = "plan", "carnet", "attestation"
PARCOURS_BOOKLET = "livret"
QUIZ, GRID = "questionnaire", "grille"
ACCENT = "#3949AB"  # the parcours span modules: the site's indigo, not a module's colour
_SECTION = re.compile(r"^##\s+(.+?)\s*$", re.MULTILINE)


def parcours_pdf_path(parcours: Parcours, kind: str) -> str:
    return f"{parcours.url}{document_name(parcours.slug, kind)}"


def quiz_pdf_path(module: Module, kind: str) -> str:
    return f"{module.quiz.url}{document_name(module.slug, kind)}"


def section_html(fiche: Fiche, title: str) -> Markup:
    """One `## <title>` section of a fiche as safe HTML without links (for the plan)."""
    text = fiche.body
    found = [(m.start(), m.end(), m.group(1)) for m in _SECTION.finditer(text)]
    for index, (_, end, name) in enumerate(found):
        if name.strip().lower() == title.lower():
            stop = found[index + 1][0] if index + 1 < len(found) else len(text)
            html = markdown.markdown(text[end:stop], extensions=["sane_lists"])
            return Markup(nh3.clean(html, tags={"p", "ul", "ol", "li", "strong", "em", "code"}))
    return Markup("")


def _accent() -> SimpleNamespace:
    return SimpleNamespace(colour=ACCENT)


def _context(parcours: Parcours, corpus: Corpus, site) -> dict:
    url = _online_url(site, parcours.url)
    sessions = [{"session": s, "fiches": [corpus.by_slug(slug) for slug in s.fiches]}
                for s in parcours.sessions]
    fiches = [f for item in sessions for f in item["fiches"]]
    codes = []  # Pix and CléA, what a recruiter or a training body reads (DigComp is their base)
    for fiche in fiches:
        codes.extend(c for c in fiche.competence_objects
                     if c not in codes and c.framework in ("pix", "clea"))
    codes.sort(key=lambda c: (c.framework != "pix", [int(n) for n in c.code.split(".")]))
    return {"p": parcours, "site": site, "url": url, "qr": qr_code(url), "sessions": sessions,
            "fiches": fiches, "competences": codes, "module": _accent(),
            "quizzes": [m for m in modules_of(parcours, corpus) if m.quiz],
            "assumed": [f for f in map(corpus.by_slug, parcours.assumes) if f],
            "online": lambda path: _online_url(site, path)}


def plan_document(parcours: Parcours, corpus: Corpus, site) -> tuple[str, set[Path]]:
    context = _context(parcours, corpus, site)
    return pages.render("print_parcours.html", part=PLAN, section=section_html,
                        title=f"{parcours.title} — plan pour l'animateur", **context), set()


def carnet_document(parcours: Parcours, corpus: Corpus, site) -> tuple[str, set[Path]]:
    return pages.render("print_parcours.html", part=CARNET, section=section_html,
                        title=f"{parcours.title} — carnet de suivi",
                        **_context(parcours, corpus, site)), set()


def attestation_document(parcours: Parcours, corpus: Corpus, site) -> tuple[str, set[Path]]:
    return pages.render("print_parcours.html", part=ATTESTATION, section=section_html,
                        title=f"{parcours.title} — attestation de suivi",
                        **_context(parcours, corpus, site)), set()


def booklet_document(parcours: Parcours, corpus: Corpus, site) -> tuple[str, set[Path]]:
    """Cover and contents of the learner's booklet; `render_booklet` appends the fiches."""
    context = _context(parcours, corpus, site)
    authors = sorted({a for f in context["fiches"] for a in f.authors})
    licences = sorted({f.licence_info.short_name if f.licence_info else f.licence
                       for f in context["fiches"]})
    return pages.render("print_parcours_booklet.html", authors=authors, licences=licences,
                        link_prefix=BOOKLET_LINK, page_marker=PAGE_MARKER.format,
                        title=f"{parcours.title} — livret de l'apprenant", **context), set()


def quiz_document(module: Module, corpus: Corpus, site, grid: bool) -> tuple[str, set[Path]]:
    """The quiz on paper (no answers) or the mediator's grid (answers and fiches)."""
    quiz = module.quiz
    url = _online_url(site, quiz.url)
    images = {module.path / q.image for q in quiz.questions if q.image}
    rows = []
    for q in quiz.questions:
        fiche = corpus.by_slug(q.fiche)
        rows.append({"q": q, "fiche": fiche, "fiche_url": _online_url(site, fiche.url),
                     "right": q.letters[q.answer], "competence": _competence(fiche, q)})
    proposals = [p for p in corpus.parcours
                 if set(p.fiche_slugs) & {q.fiche for q in quiz.questions}]
    return pages.render("print_quiz.html", quiz=quiz, module=module, site=site, url=url,
                        qr=qr_code(url), rows=rows, grid=grid, dont_know=DONT_KNOW,
                        parcours=proposals, online=lambda path: _online_url(site, path),
                        title=quiz.title + (" — grille de l'animateur" if grid else "")), images


def _competence(fiche: Fiche, question) -> str:
    found = next((c for c in fiche.competence_objects if c.key == question.competence), None)
    return f"{found.framework_name} {found.code}" if found else ""
