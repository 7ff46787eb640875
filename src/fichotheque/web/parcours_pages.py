"""Pages of the parcours and of the positioning quizzes (« Où en suis-je ? »).

- `parcours/` lists the parcours; `parcours/<slug>/` (stable URL) shows one: its goal, its
  sessions and fiches with durations, and its printable documents (plan, booklet, carnet de
  suivi, attestation), rendered by `pdf/` beside the page;
- `positionnement/` lists the quizzes; `positionnement/<module>/` (stable URL) runs one in the
  browser (`assets/javascripts/positionnement.js`), with its paper version beside it.

Every page is an `index.md`, so the documents beside it have the same relative address with
and without directory URLs (the offline mirror). Contributor text is escaped (`md_text`,
autoescaped templates, JSON with `<` escaped).
"""

from __future__ import annotations

import json

from fichotheque.content.model import Corpus, Fiche, Module
from fichotheque.content.parcours import PARCOURS_DIR, Parcours
from fichotheque.content.quiz import DONT_KNOW, Quiz
from fichotheque.web import pages
from fichotheque.web.settings import SiteConfig

QUIZ_DIR = "positionnement"
PARCOURS_INDEX = f"{PARCOURS_DIR}/index.md"
QUIZ_INDEX = f"{QUIZ_DIR}/index.md"
QUIZ_SCRIPT = "assets/javascripts/positionnement.js"
DOCUMENTS = (  # suffix of the PDF, its label, who it is for
    ("plan", "Plan du parcours pour l'animateur", "les séances, leur déroulé minuté et le "
     "matériel, pour préparer et animer"),
    ("livret", "Livret de l'apprenant", "toutes les fiches du parcours dans l'ordre, à "
     "imprimer ou à donner"),
    ("carnet", "Carnet de suivi", "une page que la personne garde : séances, dates, cases à "
     "cocher et tampon du lieu"),
    ("attestation", "Attestation de suivi", "à remplir à la main et à signer par le lieu à la "
     "fin du parcours"),
)
QUIZ_DOCUMENTS = (
    ("questionnaire", "Questionnaire sur papier", "pour une personne sans appareil : elle "
     "entoure ses réponses"),
    ("grille", "Grille de l'animateur", "les bonnes réponses et la fiche à proposer pour chaque "
     "question"),
)


def document_name(slug: str, kind: str) -> str:
    """File name of a parcours' or quiz's PDF, beside its page (`<slug>-plan.pdf`)."""
    return f"{slug}-{kind}.pdf"


def page_uri(parcours: Parcours) -> str:
    return f"{parcours.url}index.md"


def quiz_uri(quiz: Quiz) -> str:
    return f"{quiz.url}index.md"


def _fiche_md(fiche: Fiche) -> str:
    """Link from a page two folders deep to a fiche's source (MkDocs resolves it)."""
    return f"../../fiches/{fiche.module}/{fiche.slug}.md"


def _sessions(parcours: Parcours, corpus: Corpus) -> list[dict]:
    return [{"session": s, "fiches": [f for f in map(corpus.by_slug, s.fiches) if f]}
            for s in parcours.sessions]


def modules_of(parcours: Parcours, corpus: Corpus) -> list[Module]:
    """Modules whose fiches the parcours uses, in the site's order."""
    used = {f.module for f in map(corpus.by_slug, parcours.fiche_slugs) if f}
    return [m for m in corpus.modules if m.slug in used]


def parcours_page(parcours: Parcours, corpus: Corpus, site: SiteConfig) -> str:
    return pages.render("parcours.md", p=parcours, site=site, sessions=_sessions(parcours, corpus),
                        fiche_md=_fiche_md, documents=DOCUMENTS, name=document_name,
                        assumed=[f for f in map(corpus.by_slug, parcours.assumes) if f],
                        quizzes=[m for m in modules_of(parcours, corpus) if m.quiz])


def parcours_index(corpus: Corpus, site: SiteConfig) -> str:
    return pages.render("parcours_index.md", corpus=corpus, site=site)


def quiz_index(corpus: Corpus, site: SiteConfig) -> str:
    return pages.render("quiz_index.md", modules=[m for m in corpus.modules if m.quiz], site=site)


def quiz_page(module: Module, site: SiteConfig, late: bool = False) -> str:
    return pages.render("quiz.md", module=module, quiz=module.quiz, site=site,
                        late_slot=pages.late_slot(0) if late else "",
                        documents=QUIZ_DOCUMENTS, name=document_name)


def quiz_data(module: Module, corpus: Corpus, directory_urls: bool = True) -> dict:
    """What the quiz page's script needs: questions, answers, fiches and parcours to propose."""
    quiz: Quiz = module.quiz

    def fiche_href(f: Fiche) -> str:
        return "../../" + (f.url if directory_urls else f"fiches/{f.module}/{f.slug}.html")

    def parcours_href(p: Parcours) -> str:
        return "../../" + (p.url if directory_urls else f"{p.url}index.html")

    fiches = {}
    questions = []
    for q in quiz.questions:
        fiche = corpus.by_slug(q.fiche)
        fiches[q.fiche] = {"title": fiche.title, "href": fiche_href(fiche),
                           "module": fiche.module}
        questions.append({
            "text": q.text, "choices": [*q.choices, DONT_KNOW], "answer": q.answer,
            "fiche": q.fiche, "explanation": q.explanation,
            "image": f"../../fiches/{module.slug}/{q.image}" if q.image else "",
            "alt": q.image_alt,
        })
    parcours = [{"title": p.title, "href": parcours_href(p), "fiches": list(p.fiche_slugs),
                 "hours": pages.duration_text(p.total_duration)}
                for p in corpus.parcours if set(p.fiche_slugs) & set(fiches)]
    return {"module": module.title, "questions": questions, "fiches": fiches,
            "parcours": parcours}


def quiz_html(module: Module, corpus: Corpus, directory_urls: bool = True) -> str:
    """The quiz itself: a form the script fills question by question, and its data."""
    data = json.dumps(quiz_data(module, corpus, directory_urls), ensure_ascii=False)
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return pages.render("quiz_app.html", quiz=module.quiz, module=module, data=data,
                        script="../../" + QUIZ_SCRIPT, name=document_name)


def generated(corpus: Corpus, site: SiteConfig, directory_urls: bool = True):
    """Pages to add to the build: (uri, Markdown, parts kept from search or None, in nav)."""
    yield PARCOURS_INDEX, parcours_index(corpus, site), None, True
    for parcours in corpus.parcours:
        yield page_uri(parcours), parcours_page(parcours, corpus, site), None, False
    yield QUIZ_INDEX, quiz_index(corpus, site), None, True
    for module in corpus.modules:
        if module.quiz is not None:
            yield (quiz_uri(module.quiz), quiz_page(module, site, late=True),
                   lambda m=module: (quiz_html(m, corpus, directory_urls),), False)
