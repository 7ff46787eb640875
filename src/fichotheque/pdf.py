"""Printable fiches: an A4 PDF per fiche (learner and facilitator) and a booklet per module.

Each fiche is rendered with WeasyPrint from a small print template (its Markdown body, a header
and a footer) and the print stylesheet, not from the full Material page: it is five times faster
and looks like a handout. Work is planned as `PdfJob`s keyed by a content hash; only jobs whose
key is not in `.cache/pdf/` are rendered, in a process pool, then copied into the site.

Stable URLs (DESIGN.md): `fiches/<module>/<slug>/<slug>.pdf`, `…/<slug>-animateur.pdf`,
`…/<slug>.md` (the source) and `fiches/<module>/<module>.pdf` (the booklet).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import posixpath
import re
import shutil
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from urllib.parse import unquote, urlsplit

import markdown
import nh3
import segno
from markupsafe import Markup

from fichotheque import booklet, pages
from fichotheque.fiches import FICHES_DIR, Corpus, Fiche, Module, load_corpus
from fichotheque.files import write_atomic
from fichotheque.pdfcache import PdfCache
from fichotheque.structure import SiteConfig

log = logging.getLogger("mkdocs.plugins.fichotheque.pdf")

ENV_SWITCH = "FICHOTHEQUE_PDF"  # "1": render PDFs in the MkDocs build (set by `fichotheque build`)
ENV_WORKERS = "FICHOTHEQUE_PDF_WORKERS"
MAX_PAGES = 2
# Bump when the rendering changes in a way the templates and stylesheet do not show.
RENDER_VERSION = "2"  # 2: booklets assembled from the fiche PDFs (booklet.py)
STYLESHEET = "assets/fichotheque-print.css"  # under theme/, also served to browsers
TEMPLATES = ("print_base.html", "print_macros.html", "print_fiche.html", "print_booklet.html")
CACHE_DIR = Path(".cache") / "pdf"
PANGO_HINT = ("WeasyPrint ne trouve pas Pango, nécessaire pour les PDF ; installez-le avec : "
              "sudo apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core")

FICHE, FACILITATOR, BOOKLET = "fiche", "animateur", "livret"
KIND_LABELS = {FICHE: "fiche", FACILITATOR: "version animateur", BOOKLET: "livret"}

MD_EXTENSIONS = ("abbr", "admonition", "attr_list", "def_list", "md_in_html", "tables", "toc",
                 "pymdownx.details", "pymdownx.superfences")
MD_CONFIG = {"tables": {"use_align_attribute": True}}
FACILITATOR_TITLE = re.compile(r"^\s*Pour l['\u2019]animat", re.IGNORECASE)
URL_SCHEMES = {"http", "https", "mailto", "tel"}
TAGS = nh3.ALLOWED_TAGS - {"map", "area"}
ATTRIBUTES = {**{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
              "*": {"class", "id", "title", "lang"}, "ol": {"start"}, "details": {"open"}}


class PdfError(Exception):
    """A PDF could not be produced: one French line naming the fiche and the cause."""


class PdfUnavailable(PdfError):
    """WeasyPrint cannot run here (usually Pango is missing): one actionable French line."""


# -- the documents ---------------------------------------------------------------------------

@dataclass(frozen=True)
class PdfJob:
    """One PDF to produce: where it goes in the site, its HTML, and its content key."""

    output: str  # site-relative path, e.g. `fiches/securite/x/x.pdf`
    kind: str  # FICHE, FACILITATOR or BOOKLET
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


def fiche_pdf_path(fiche: Fiche, facilitator: bool = False) -> str:
    suffix = "-animateur" if facilitator else ""
    return f"{fiche.url}{fiche.slug}{suffix}.pdf"


def source_path(fiche: Fiche) -> str:
    return f"{fiche.url}{fiche.slug}.md"


def booklet_path(module: Module) -> str:
    return f"{module.url}{module.slug}.pdf"


def _is_facilitator_block(element) -> bool:
    """`!!! note "Pour l'animateur"` (a div) or its collapsible `???` form (details)."""
    if element.tag == "div" and "admonition" in (element.get("class") or "").split():
        title = element.find("p")
        return title is not None and "admonition-title" in (title.get("class") or "") \
            and bool(FACILITATOR_TITLE.match("".join(title.itertext())))
    if element.tag == "details":
        summary = element.find("summary")
        return summary is not None and bool(FACILITATOR_TITLE.match("".join(summary.itertext())))
    return False


class _StripFacilitator(markdown.treeprocessors.Treeprocessor):
    def run(self, root):
        for parent in list(root.iter()):
            for child in list(parent):
                if _is_facilitator_block(child):
                    parent.remove(child)


class _LearnerExtension(markdown.Extension):
    """Drops the facilitator notes: the learner handout is the fiche without them."""

    def extendMarkdown(self, md):  # python-markdown's API
        md.treeprocessors.register(_StripFacilitator(md), "fichotheque_learner", 1)


class _Links:
    """Rewrites URLs of a fiche body for paper: links absolute, images local and confined."""

    def __init__(self, fiche: Fiche, site: SiteConfig, id_prefix: str):
        self.fiche = fiche
        self.site = site
        self.id_prefix = id_prefix
        self.folder = fiche.path.parent.resolve()
        self.root = self.folder.parent
        self.images: set[Path] = set()

    def href(self, value: str) -> str | None:
        value = value.strip()
        if value.startswith("#"):
            return "#" + self.id_prefix + value[1:]
        parts = urlsplit(value)
        if parts.scheme:
            return value if parts.scheme.lower() in URL_SCHEMES else None
        if parts.netloc or not parts.path:
            return None
        # A page of the site, relative to the fiche (`autre-fiche.md`, `../module/x.md`).
        target = posixpath.normpath(posixpath.join(f"{FICHES_DIR}/{self.fiche.module}",
                                                   unquote(parts.path)))
        if target.startswith("../") or not self.site.site_url:
            return None
        if target.endswith(".md"):
            target = target[:-3]
            target = target[: -len("index")] if target.endswith("index") else target + "/"
        url = self.site.absolute_url(target)
        return url + (f"#{parts.fragment}" if parts.fragment else "")

    def src(self, value: str) -> str | None:
        parts = urlsplit(value.strip())
        if parts.scheme or parts.netloc or not parts.path:
            return None  # no request leaves the machine while printing
        path = (self.folder / unquote(parts.path)).resolve()
        if not path.is_file() or not path.is_relative_to(self.root):
            return None
        self.images.add(path)
        return value.strip()

    def __call__(self, tag: str, attribute: str, value: str) -> str | None:
        if attribute == "id":
            return self.id_prefix + value
        if attribute == "href":
            return self.href(value)
        if attribute == "src":
            return self.src(value) if tag == "img" else None
        return value


def body_html(fiche: Fiche, site: SiteConfig, facilitator: bool) -> tuple[str, set[Path]]:
    """The fiche body as safe HTML for print, and the local images it shows."""
    extensions = [*MD_EXTENSIONS] + ([] if facilitator else [_LearnerExtension()])
    html = markdown.Markdown(extensions=extensions, extension_configs=MD_CONFIG).convert(
        fiche.body)
    links = _Links(fiche, site, id_prefix=f"{fiche.slug}-")
    clean = nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, attribute_filter=links,
                      url_schemes=URL_SCHEMES, link_rel=None)
    return clean, links.images


@cache
def _qr_cached(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4, border=0, dark="#000000")


def qr_code(url: str) -> str:
    """SVG data URI of a QR code (empty without a URL: nothing to point at)."""
    return _qr_cached(url) if url else ""


def _online_url(site: SiteConfig, path: str) -> str:
    return site.absolute_url(path) if site.site_url else ""


def _fiche_context(fiche: Fiche, site: SiteConfig, facilitator: bool) -> tuple[dict, set[Path]]:
    body, images = body_html(fiche, site, facilitator)
    url = _online_url(site, fiche.url)
    return {
        "fiche": fiche,
        "body": Markup(body),
        "url": url,
        "qr": qr_code(url),
        "facilitator": facilitator,
        "licence": fiche.licence_info,
        "attribution": pages.attribution(fiche, site),
    }, images


def fiche_document(fiche: Fiche, module: Module, site: SiteConfig,
                   facilitator: bool) -> tuple[str, set[Path]]:
    """HTML of one fiche's PDF, and the local images it uses."""
    context, images = _fiche_context(fiche, site, facilitator)
    html = pages.render("print_fiche.html", f=context, module=module, site=site,
                        title=fiche.title + (" — version animateur" if facilitator else ""))
    return html, images


PAGE_MARKER = "\ue000{}\ue001"  # where the booklet's contents show each fiche's pages
BOOKLET_LINK = "https://livret.invalid/#"  # contents links, pointed at the fiches by booklet.py


def booklet_document(module: Module, site: SiteConfig) -> tuple[str, set[Path]]:
    """HTML of a module booklet's cover and contents (its fiches' PDFs follow, see booklet.py).

    The pages of each fiche are only known once the fiches are rendered: the contents carry
    `PAGE_MARKER`s, filled in by `render_booklet`.
    """
    url = _online_url(site, module.url)
    updated = max((f.updated for f in module.fiches), default=None)
    authors = sorted({a for f in module.fiches for a in f.authors})
    licences = sorted({f.licence_info.short_name if f.licence_info else f.licence
                       for f in module.fiches})
    html = pages.render("print_booklet.html", module=module, site=site, url=url,
                        qr=qr_code(url), updated=updated, authors=authors, licences=licences,
                        link_prefix=BOOKLET_LINK, page_marker=PAGE_MARKER.format,
                        title=f"{module.title} — livret du module")
    return html, set()


def pages_label(first: int, count: int) -> str:
    return f"page {first}" if count == 1 else f"pages {first}\u2013{first + count - 1}"


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
    for module in (__file__, pages.__file__):
        digest.update(Path(module).read_bytes())
    return digest.hexdigest()


def _input_key(kind: str, output: str, module: Module, files: list[Path], site: SiteConfig,
               assets: str) -> str:
    """Hash of everything a job's HTML is made from (not of the HTML itself)."""
    meta = (module.slug, module.title, module.description, module.order, module.colour,
            module.icon, module.badge)
    digest = hashlib.sha256(f"{_code_fingerprint()}|{kind}|{output}|{meta!r}|{site!r}|"
                            f"{assets}\n".encode())
    for path in files:
        digest.update(path.read_bytes() + b"\0")
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

    for module in corpus.modules:
        assets = _assets(module.path) if store else ""
        parts = []
        for fiche in module.fiches:
            folder = fiche.path.parent.resolve()
            for kind in (FICHE, FACILITATOR):
                facilitator = kind == FACILITATOR
                key = job(kind, fiche_pdf_path(fiche, facilitator), fiche.rel_path, folder,
                          module, [fiche.path], assets,
                          lambda f=fiche, m=module, a=facilitator: fiche_document(f, m, site, a))
                if kind == FICHE:
                    parts.append((fiche.title, key))
        if module.fiches:
            job(BOOKLET, booklet_path(module), f"{FICHES_DIR}/{module.slug}/_module.yml",
                module.path.resolve(), module, [f.path for f in module.fiches], assets,
                lambda m=module: booklet_document(m, site), tuple(parts))
    if memo_dir and any(memo.get(k) != v for k, v in used.items()):
        # Entries of other plans stay while their PDF is cached (the offline mirror's).
        kept = {k: v for k, v in memo.items() if store.pages(v) is not None}
        kept.update(used)
        text = json.dumps({"format": 1, "entries": kept}, indent=0, sort_keys=True)
        write_atomic(Path(memo_dir) / PLAN_MEMO, text.encode("utf-8"))
    return jobs


# -- rendering (in worker processes) ---------------------------------------------------------

_worker: dict = {}


def _weasyprint():
    try:
        import weasyprint
    except (ImportError, OSError) as exc:
        raise PdfUnavailable(PANGO_HINT) from exc
    return weasyprint


def check_available() -> None:
    """Raise `PdfUnavailable` with the install line when WeasyPrint cannot run."""
    _weasyprint()


def _init_worker() -> None:
    """One font configuration and one parsed stylesheet per process, reused for every PDF."""
    weasyprint = _weasyprint()
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    _worker["fonts"] = fonts
    _worker["css"] = weasyprint.CSS(filename=str(theme_stylesheet()), font_config=fonts)
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)


def _fetcher(allowed_root: str):
    """Lets WeasyPrint read data: URIs and files under `allowed_root`, nothing else."""
    from weasyprint import urls

    root = Path(allowed_root)

    def check(url: str) -> None:
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return
        if scheme == "file":
            path = Path(unquote(urlsplit(url).path)).resolve()
            if path.is_relative_to(root):
                return
        raise ValueError(f"ressource refusée à l'impression : {url}")

    if hasattr(urls, "URLFetcher"):  # WeasyPrint ≥ 68
        class Confined(urls.URLFetcher):
            def fetch(self, url, headers=None):
                check(url)
                return super().fetch(url, headers)

        return Confined(allowed_protocols=("file", "data"))

    def fetch(url, *args, **kwargs):  # older WeasyPrint: a plain function
        check(url)
        return urls.default_url_fetcher(url, *args, **kwargs)

    return fetch


def _layout(html: str, job: PdfJob):
    if not _worker:
        _init_worker()
    weasyprint = _weasyprint()
    return weasyprint.HTML(string=html, base_url=job.base_url,
                           url_fetcher=_fetcher(job.allowed_root)).render(
        stylesheets=[_worker["css"]], font_config=_worker["fonts"])


def _write(document, job: PdfJob) -> bytes:
    return document.write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=job.key.encode()[:32],
                              uncompressed_pdf=False)


def render_job(job: PdfJob, target: str, parts: tuple[str, ...] = ()) -> int:
    """Render one PDF to `target` (atomically); return its page count.

    A booklet also needs `parts`, the files of its fiches' learner PDFs (`job.parts` order).
    """
    if job.kind == BOOKLET:
        return render_booklet(job, target, parts)
    document = _layout(job.html, job)
    write_atomic(Path(target), _write(document, job))
    return len(document.pages)


def render_booklet(job: PdfJob, target: str, files: tuple[str, ...]) -> int:
    """Lay out the cover and contents, then append the fiches' PDFs (booklet.py)."""
    parts = [booklet.Part(title, Path(path)) for (title, _), path in zip(job.parts, files,
                                                                         strict=True)]
    counts = booklet.page_counts(parts)
    cover_pages = 2  # cover, contents: a first guess, corrected below
    for _ in range(4):  # the page numbers may lengthen the contents by a page, rarely more
        starts = booklet.first_pages(cover_pages, counts)
        total = starts[-1] + counts[-1] - 1 if starts else cover_pages
        html = job.html.replace(PAGE_MARKER.format("total"), str(total))
        for index, (first, count) in enumerate(zip(starts, counts, strict=True)):
            html = html.replace(PAGE_MARKER.format(index), pages_label(first, count))
        document = _layout(html, job)
        if len(document.pages) == cover_pages:
            break
        cover_pages = len(document.pages)
    data, count = booklet.assemble(_write(document, job), parts, BOOKLET_LINK)
    write_atomic(Path(target), data)
    return count


def default_workers() -> int:
    value = os.environ.get(ENV_WORKERS, "")
    if value.isdigit() and int(value) > 0:
        return int(value)
    return os.cpu_count() or 1


Progress = Callable[[int, int, PdfJob], None]


def _failure(job: PdfJob, exc: BaseException) -> PdfError:
    if isinstance(exc, PdfError):
        return exc
    return PdfError(f"{job.source} : le PDF « {job.output} » n'a pas pu être produit ({exc})")


def _render_missing(todo: list[PdfJob], store: PdfCache, workers: int,
                    progress: Progress | None) -> set[str]:
    """Render the jobs into the cache, in `workers` processes; return the keys rendered.

    Fiches first, then the booklets, which are assembled from the fiches' PDFs."""
    fresh: set[str] = set()

    def finished(job: PdfJob, pages: int) -> None:
        store.add(job.key, job.output, pages)
        fresh.add(job.key)
        if progress:
            progress(len(fresh), len(todo), job)

    def arguments(job: PdfJob) -> tuple:
        parts = tuple(str(store.path(key)) for _, key in job.parts)
        return job, str(store.path(job.key)), parts

    stages = [[job for job in todo if job.kind != BOOKLET],
              [job for job in todo if job.kind == BOOKLET]]
    if workers == 1:
        for job in stages[0] + stages[1]:
            try:
                finished(job, render_job(*arguments(job)))
            except Exception as exc:
                raise _failure(job, exc) from exc
        return fresh
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_init_worker)
    try:
        for stage in stages:
            # Longest first, so that no worker is left alone with a long one at the end.
            longest_first = sorted(stage, key=lambda job: (len(job.parts), len(job.html)),
                                   reverse=True)
            futures = {pool.submit(render_job, *arguments(job)): job for job in longest_first}
            for future in as_completed(futures):
                job = futures[future]
                try:
                    finished(job, future.result())
                except Exception as exc:
                    raise _failure(job, exc) from exc
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return fresh


def render_all(jobs: list[PdfJob], site_dir: Path, cache_dir: Path, workers: int | None = None,
               progress: Progress | None = None) -> Report:
    """Render what the cache lacks (in parallel), then copy every PDF into `site_dir`."""
    start = time.monotonic()
    store = PdfCache(cache_dir)
    todo = [job for job in jobs if store.pages(job.key) is None]
    fresh: set[str] = set()
    if todo:
        check_available()
        workers = max(1, min(workers or default_workers(), len(todo)))
        try:
            fresh = _render_missing(todo, store, workers, progress)
        finally:
            store.save()  # what was rendered before a failure stays reusable
    results = []
    for job in jobs:
        target = Path(site_dir) / job.output
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        shutil.copyfile(store.path(job.key), tmp)
        os.replace(tmp, target)
        results.append(Rendered(job, store.pages(job.key) or 0, job.key in fresh))
    store.prune({job.key for job in jobs}, {job.output for job in jobs})
    store.save()
    return Report(tuple(results), time.monotonic() - start)


def copy_sources(corpus: Corpus, site_dir: Path) -> None:
    """The Markdown source of each fiche, downloadable beside its page (stable URL)."""
    for fiche in corpus.fiches:
        write_atomic(Path(site_dir) / source_path(fiche), fiche.path.read_bytes())


def report_warnings(report: Report) -> None:
    for r in report.too_long:
        log.warning(f"{r.job.source} : la fiche imprimée fait {r.pages} pages A4 "
                    f"({MAX_PAGES} au maximum) — raccourcissez-la ou partagez-la en deux fiches")


def build(corpus: Corpus, site: SiteConfig, site_dir: Path, workers: int | None = None,
          progress: Progress | None = None) -> Report:
    """Sources and PDFs of the whole corpus into a built site, with the cache of the project."""
    copy_sources(corpus, site_dir)
    cache_dir = site.project_dir / CACHE_DIR
    report = render_all(plan(corpus, site, memo_dir=cache_dir), site_dir, cache_dir,
                        workers, progress)
    report_warnings(report)
    return report


def summary(report: Report) -> str:
    count = len(report.results)
    fresh = len(report.rendered)
    return (f"{count} PDF prêts ({fresh} rendus, {count - fresh} repris du cache) "
            f"en {report.seconds:.1f} s")


# -- MkDocs and the command line -------------------------------------------------------------

def enabled() -> bool:
    """PDFs are off under `mkdocs serve` (fast previews), on in `fichotheque build`."""
    return os.environ.get(ENV_SWITCH, "0").strip().lower() in ("1", "true", "oui", "yes")


def on_post_build(config) -> None:
    """After MkDocs wrote the site: Markdown sources always, PDFs when switched on."""
    from mkdocs.exceptions import PluginError

    from fichotheque.build import site_config

    site = site_config(config)
    corpus = load_corpus(site.project_dir)
    site_dir = Path(config.site_dir)
    if not enabled():
        copy_sources(corpus, site_dir)
        return

    def progress(done, total, job):
        if done == total or done % max(1, total // 5) == 0:
            log.info(f"PDF : {done}/{total} rendus")

    try:
        report = build(corpus, site, site_dir, progress=progress)
    except PdfError as exc:
        raise PluginError(str(exc)) from None
    log.info(summary(report))


def cmd_pdf(args) -> int:
    """Render the PDFs into an already built site."""
    from fichotheque import structure
    from fichotheque.cli import UserError

    root = Path(args.root).resolve()
    if not (root / "mkdocs.yml").is_file():
        raise UserError(f"pas de mkdocs.yml dans {root} ; lancez la commande à la racine du "
                        "projet ou utilisez --root")
    site_dir = Path(args.site_dir) if args.site_dir else root / "site"
    if not (site_dir / FICHES_DIR).is_dir():
        raise UserError(f"le site n'est pas construit dans {site_dir} ; lancez d'abord "
                        "« fichotheque build --no-pdf »")
    corpus = load_corpus(root)
    if corpus.errors:
        raise UserError(f"{len(corpus.errors)} erreur(s) dans les fiches ; "
                        "« fichotheque check » les liste")
    site = structure.load(root)
    interactive = sys.stderr.isatty()

    def progress(done, total, job):
        line = f"PDF {done}/{total} : {job.output}"
        if interactive:
            print(f"\r\033[K{line}", end="" if done < total else "\n", file=sys.stderr)
        else:
            print(line, file=sys.stderr)

    if not logging.getLogger().handlers:
        logging.basicConfig(format="Attention : %(message)s", level=logging.WARNING)
    try:
        report = build(corpus, site, site_dir, workers=args.workers, progress=progress)
    except PdfError as exc:
        raise UserError(str(exc)) from None
    print(summary(report) + ".")
    return 0


def add_parser(sub) -> None:
    p = sub.add_parser("pdf", help="produire les PDF des fiches et des livrets "
                                   "dans un site déjà construit")
    p.add_argument("--site-dir", help="dossier du site construit (par défaut : site/)")
    p.add_argument("--workers", type=int, default=None,
                   help="nombre de processus de rendu (par défaut : tous les cœurs)")
    p.set_defaults(func=cmd_pdf)
