"""Planning the PDFs: one `PdfJob` per file, keyed by a hash of everything that shapes it.

Only jobs whose key is not in `.cache/pdf/` are rendered (`render.py`); the plan itself is
memoized by the hash of its inputs, so an unchanged corpus is planned without Markdown work.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from fichotheque.content import facilitator as voices
from fichotheque.content.model import FICHES_DIR, Corpus, Fiche, Module
from fichotheque.files import write_atomic
from fichotheque.pdf import document, parcours_docs
from fichotheque.pdf.cache import PdfCache
from fichotheque.pdf.document import (
    BOOKLET,
    FACILITATOR,
    FICHE,
    KIT,
    KitError,
    booklet_document,
    booklet_path,
    fiche_document,
    fiche_pdf_path,
    kit_document,
    kit_pdf_path,
)
from fichotheque.web import pages
from fichotheque.web.settings import SiteConfig

MAX_PAGES = 2

# Bump when the rendering changes in a way the templates and stylesheet do not show.
RENDER_VERSION = "5"  # 2: booklets from fiche PDFs; 3: kits; 4: parcours, quizzes; 5: retag.py
STYLESHEET = "assets/fichotheque-print.css"  # under theme/, also served to browsers
TEMPLATES = ("print_base.html", "print_macros.html", "print_fiche.html", "print_booklet.html",
             "print_kit.html", "print_parcours.html", "print_parcours_booklet.html",
             "print_quiz.html")
CACHE_DIR = Path(".cache") / "pdf"


class PdfError(Exception):
    """A PDF could not be produced: one French line naming the fiche and the cause."""


class PdfUnavailable(PdfError):
    """WeasyPrint cannot run here (usually Pango is missing): one actionable French line."""


# -- the documents ---------------------------------------------------------------------------

@dataclass(frozen=True)
class PdfJob:
    """One PDF to produce: where it goes in the site, its HTML, and its content key."""

    output: str  # site-relative path, e.g. `fiches/securite/x/x.pdf`
    kind: str  # FICHE, FACILITATOR, KIT or BOOKLET
    source: str  # the file a message names, e.g. `fiches/securite/x.md`
    html: str
    base_url: str  # folder that relative image paths start from (a file:// URL)
    allowed_root: str  # local files WeasyPrint may read (the project's fiches/)
    key: str
    # A booklet's fiches, in order: (title, cache key of the learner PDF) for each.
    parts: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Rendered:
    job: PdfJob
    pages: int
    fresh: bool  # rendered by this run (False: copied from the cache)


@dataclass(frozen=True)
class Report:
    results: tuple[Rendered, ...]
    seconds: float = 0.0

    @property
    def rendered(self) -> list[str]:
        """Site paths of the PDFs this run really rendered (the rest came from the cache)."""
        return [r.job.output for r in self.results if r.fresh]

    @property
    def too_long(self) -> list[Rendered]:
        """Learner handouts that do not fit on `MAX_PAGES` A4 pages."""
        return [r for r in self.results if r.job.kind == FICHE and r.pages > MAX_PAGES]


# -- planning and the cache ------------------------------------------------------------------

def theme_stylesheet() -> Path:
    return pages.theme_dir() / STYLESHEET


@cache
def _weasyprint_version() -> str:
    try:
        from importlib.metadata import version

        return version("weasyprint")
    except Exception:  # pragma: no cover - metadata missing
        return "?"


@cache
def _design_fingerprint() -> str:
    """Everything that shapes every PDF besides its content: code, templates, CSS, tool."""
    digest = hashlib.sha256(f"{RENDER_VERSION}|{_weasyprint_version()}".encode())
    digest.update(theme_stylesheet().read_bytes())
    templates = resources.files("fichotheque") / "templates"
    for name in TEMPLATES:
        digest.update((templates / name).read_bytes())
    return digest.hexdigest()


def _key(kind: str, output: str, html: str, images: set[Path], parts=()) -> str:
    digest = hashlib.sha256(f"{_design_fingerprint()}|{kind}|{output}|{parts!r}\n".encode())
    digest.update(html.encode("utf-8"))
    for image in sorted(images):
        digest.update(str(image).encode() + b"\0" + image.read_bytes())
    return digest.hexdigest()[:32]


PLAN_MEMO = "plan.json"


@cache
def _code_fingerprint() -> str:
    """The code that turns a fiche into print HTML: a change invalidates the plan memo."""
    digest = hashlib.sha256(_design_fingerprint().encode())
    # facilitator.py cuts the body into the learner and facilitator versions.
    for module in (__file__, document.__file__, pages.__file__, voices.__file__,
                   parcours_docs.__file__):
        digest.update(Path(module).read_bytes())
    return digest.hexdigest()


def _input_key(kind: str, output: str, module: Module | None, files: list[Path], site: SiteConfig,
               assets: str) -> str:
    """Hash of everything a job's HTML is made from (not of the HTML itself)."""
    meta = (module.slug, module.title, module.description, module.order, module.colour,
            module.icon, module.badge) if module is not None else ()
    digest = hashlib.sha256(f"{_code_fingerprint()}|{kind}|{output}|{meta!r}|{site!r}|"
                            f"{assets}\n".encode())
    for path in files:  # names too: a renamed kit page moves in its PDF
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


def _assets(folder: Path) -> str:
    """Name, size and date of the files beside the fiches (images a fiche may show)."""
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix.lower() not in (".md", ".yml", ".yaml"):
            st = path.stat()
            found.append(f"{path.relative_to(folder).as_posix()}:{st.st_size}:{st.st_mtime_ns}")
    return "|".join(found)


def _read_memo(folder: Path) -> dict[str, str]:
    try:
        data = json.loads((Path(folder) / PLAN_MEMO).read_text(encoding="utf-8"))
        return dict(data["entries"]) if data.get("format") == 1 else {}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _make(fiche: Fiche, build, *args) -> tuple[str, set[Path]]:
    """HTML of one document; an unreadable kit page is the contributor's to fix."""
    try:
        return build(*args)
    except KitError as exc:
        raise PdfError(f"{fiche.rel_path[:-3]}/ : {exc}") from None


def plan(corpus: Corpus, site: SiteConfig, memo_dir: Path | None = None) -> list[PdfJob]:
    """Every PDF of the site, each keyed by the hash of its print HTML.

    With `memo_dir` (the PDF cache folder), a job whose inputs (fiche files, module, site,
    code) are unchanged and whose PDF is in the cache takes its key from `plan.json`
    without building its HTML again: Markdown and QR codes for 1,000 fiches cost far more
    than the few PDFs an edit re-renders (see benchmarks/RESULTS.md).
    """
    root = (corpus.root / FICHES_DIR).resolve()
    jobs = []
    memo = _read_memo(memo_dir) if memo_dir else {}
    store = PdfCache(memo_dir) if memo_dir else None
    used: dict[str, str] = {}

    def job(kind, output, source, folder, module, files, assets, make, parts=()):
        base = folder.as_uri() + "/"
        ident = _input_key(kind, output, module, files, site, assets) if store else None
        known = memo.get(ident) if ident else None
        if known and store.pages(known) is not None:
            jobs.append(PdfJob(output, kind, source, "", base, str(root), known, parts))
        else:
            html, images = make()
            known = _key(kind, output, html, images, parts)
            jobs.append(PdfJob(output, kind, source, html, base, str(root), known, parts))
        if ident:
            used[ident] = known
        return known

    learner: dict[str, tuple[str, str]] = {}  # slug: (title, key of its learner PDF)
    for module in corpus.modules:
        assets = _assets(module.path) if store else ""
        parts = []
        for fiche in module.fiches:
            folder = fiche.path.parent.resolve()
            kit_pages = list(fiche.kit_pages)
            for kind in (FICHE, FACILITATOR):
                facilitator = kind == FACILITATOR
                # The facilitator PDF lists the kit: its pages' titles are part of its input.
                files = [fiche.path, *kit_pages] if facilitator else [fiche.path]
                key = job(kind, fiche_pdf_path(fiche, facilitator), fiche.rel_path, folder,
                          module, files, assets,
                          lambda f=fiche, m=module, a=facilitator: _make(f, fiche_document,
                                                                        f, m, site, a))
                if kind == FICHE:
                    parts.append((fiche.title, key))
                    learner[fiche.slug] = (fiche.title, key)
            if kit_pages:
                job(KIT, kit_pdf_path(fiche), f"{fiche.rel_path[:-3]}/", fiche.kit_dir.resolve(),
                    module, [fiche.path, *kit_pages], assets,
                    lambda f=fiche, m=module: _make(f, kit_document, f, m, site))
        if module.fiches:
            job(BOOKLET, booklet_path(module), f"{FICHES_DIR}/{module.slug}/_module.yml",
                module.path.resolve(), module, [f.path for f in module.fiches], assets,
                lambda m=module: booklet_document(m, site), tuple(parts))
    _paths_and_quizzes(corpus, site, job, learner, root)
    if memo_dir and any(memo.get(k) != v for k, v in used.items()):
        # Entries of other plans stay while their PDF is cached (the offline mirror's).
        kept = {k: v for k, v in memo.items() if store.pages(v) is not None}
        kept.update(used)
        text = json.dumps({"format": 1, "entries": kept}, indent=0, sort_keys=True)
        write_atomic(Path(memo_dir) / PLAN_MEMO, text.encode("utf-8"))
    return jobs




def _paths_and_quizzes(corpus: Corpus, site: SiteConfig, job, learner: dict, root: Path) -> None:
    """Jobs of the parcours (plan, booklet, carnet, attestation) and of the quizzes (paper
    questions, mediator's grid). Their inputs span modules: the whole corpus is their input."""
    everything = [f.path for f in corpus.fiches]
    for parcours in corpus.parcours:
        inputs = [parcours.path, *everything]
        source = parcours.rel_path
        for kind, build in ((parcours_docs.PLAN, parcours_docs.plan_document),
                            (parcours_docs.CARNET, parcours_docs.carnet_document),
                            (parcours_docs.ATTESTATION, parcours_docs.attestation_document)):
            job(f"parcours-{kind}", parcours_docs.parcours_pdf_path(parcours, kind), source, root,
                None, inputs, "", lambda p=parcours, b=build: b(p, corpus, site))
        parts = tuple(learner[slug] for slug in parcours.fiche_slugs if slug in learner)
        job(BOOKLET, parcours_docs.parcours_pdf_path(parcours, parcours_docs.PARCOURS_BOOKLET),
            source, root, None, inputs, "",
            lambda p=parcours: parcours_docs.booklet_document(p, corpus, site), parts)
    for module in corpus.modules:
        if module.quiz is None:
            continue
        quiz_file = module.path / "_positionnement.yml"
        for kind, grid in ((parcours_docs.QUIZ, False), (parcours_docs.GRID, True)):
            job(f"positionnement-{kind}", parcours_docs.quiz_pdf_path(module, kind),
                module.quiz.rel_path, module.path.resolve(), module,
                [quiz_file, *everything, *(p.path for p in corpus.parcours)],
                _assets(module.path),
                lambda m=module, g=grid: parcours_docs.quiz_document(m, corpus, site, g))
