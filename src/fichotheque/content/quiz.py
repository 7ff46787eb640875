"""Positioning quiz of a module (« Où en suis-je ? »): `fiches/<module>/_positionnement.yml`.

Each question is tied to the fiche that teaches its answer (and to one of that fiche's
competences), so a wrong answer or « Je ne sais pas » points to where to start. The site runs the
quiz in the browser; the paper version and the mediator's grid are printed from the same data.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fichotheque.content import records
from fichotheque.content.contract import Collector
from fichotheque.content.model import FICHES_DIR, MAX_TITLE, Fiche
from fichotheque.content.problems import Problem

QUIZ_FILE = "_positionnement.yml"
REQUIRED = ("questions",)
OPTIONAL = ("title", "intro")
QUESTION_REQUIRED = ("question", "choices", "answer", "fiche", "explanation")
QUESTION_OPTIONAL = ("image", "image_alt", "competence")
QUESTIONS = (8, 15)
CHOICES = (2, 4)
IMAGE_SUFFIXES = (".svg", ".png", ".jpg", ".jpeg", ".webp")
DONT_KNOW = "Je ne sais pas"
RULE = "positionnement"


@dataclass(frozen=True)
class Question:
    number: int
    text: str
    choices: tuple[str, ...]
    answer: int  # index in `choices`, from 0
    fiche: str  # slug of the fiche that teaches it
    competence: str  # a code of that fiche's competences, or ""
    explanation: str
    image: str = ""  # path relative to the module folder
    image_alt: str = ""

    @property
    def letters(self) -> tuple[str, ...]:
        """Letters of the printed choices, « Je ne sais pas » last."""
        return tuple("ABCDE"[: len(self.choices) + 1])


@dataclass(frozen=True)
class Quiz:
    module: str
    rel_path: str
    title: str
    intro: str
    questions: tuple[Question, ...]

    @property
    def url(self) -> str:
        """Stable URL of the quiz page, relative to `site_url` (contract)."""
        return f"positionnement/{self.module}/"


def load(folder: Path, root: Path, module_title: str, fiches: dict[str, Fiche],
         problems: list[Problem]) -> Quiz | None:
    """The module's quiz, or None (absent, or with errors recorded in `problems`)."""
    path = folder / QUIZ_FILE
    if not path.exists() and not path.is_symlink():
        return None
    out = Collector(path.relative_to(root).as_posix(), problems)
    record = records.load(path, root, out, RULE)
    if record is None:
        return None
    record.keys(REQUIRED, OPTIONAL)
    title = record.text("title", MAX_TITLE, required=False)
    intro = record.text("intro", 300, required=False)
    items = record.items("questions", *QUESTIONS)
    questions = []
    for index in range(len(items or ())):
        item = record.child("questions", index, f"question {index + 1}")
        if isinstance(item.data, dict) and item.data:
            question = _question(item, index + 1, folder, fiches)
            if question is not None:
                questions.append(question)
    if out.count or title is None or intro is None or items is None:
        return None
    return Quiz(folder.name, out.rel_path, title or f"Où en suis-je ? {module_title}",
                intro or "", tuple(questions))


def _question(item: records.Record, number: int, folder: Path,
              fiches: dict[str, Fiche]) -> Question | None:
    errors = item.out.count
    item.keys(QUESTION_REQUIRED, QUESTION_OPTIONAL)
    text = item.text("question", 200)
    explanation = item.text("explanation", 250)
    choices = item.texts("choices", 120, *CHOICES)
    if choices is not None:
        folded = [c.casefold() for c in choices]
        if len(set(folded)) != len(folded):
            item.error("choices", "deux choix sont identiques")
        if DONT_KNOW.casefold() in folded:
            item.error("choices", f"« {DONT_KNOW} » est ajouté par le site",
                       "retirez ce choix")
    answer = item.integer("answer", 1, len(choices) if choices else 4)
    slug = item.data.get("fiche")
    fiche = fiches.get(slug) if isinstance(slug, str) else None
    if slug is not None and fiche is None:
        item.error("fiche", f"fiche « {slug} » introuvable",
                   "écrivez le nom d'une fiche existante, sans « .md »")
    competence = item.data.get("competence", "")
    if competence and fiche is not None and competence not in fiche.competences:
        item.error("competence", f"compétence « {competence} » absente de la fiche « {slug} »",
                   "choisissez-en une de ses « competences » : " + ", ".join(fiche.competences))
    if not competence and fiche is not None and fiche.competences:
        competence = fiche.competences[0]
    image = _image(item, folder)
    alt = item.text("image_alt", 200, required=False)
    if image and alt == "":
        item.error("image", "une image demande « image_alt »",
                   "décrivez en une phrase ce que montre l'image")
    if item.out.count > errors or None in (text, explanation, choices, answer, image, alt) \
            or fiche is None:
        return None
    return Question(number, text, choices, answer - 1, slug, competence, explanation, image,
                    alt)


def _image(item: records.Record, folder: Path) -> str | None:
    value = item.data.get("image")
    if value is None or value == "":
        return ""
    if not isinstance(value, str) or value.startswith("/") or "\\" in value \
            or ".." in value.split("/") or not value.lower().endswith(IMAGE_SUFFIXES):
        item.error("image", f"image « {value} » refusée",
                   "le chemin d'une image du module, par exemple « images/ecran.svg »")
        return None
    path = folder / value
    if path.is_symlink() or not path.is_file():
        item.error("image", f"image « {value} » introuvable dans {FICHES_DIR}/{folder.name}/")
        return None
    return value
