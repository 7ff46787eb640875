"""Rendering the planned PDFs with WeasyPrint in a process pool, and copying them into the site.

PDFs are made by every build (`mkdocs build`, `fichotheque build`, `fichotheque pdf`, the mirror)
but `mkdocs serve`, which stays a fast preview, and `FICHOTHEQUE_PDF=0` (`--no-pdf`). A site
built without them does not link them (`links.py`); `fichotheque pdf` puts the links back.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from fichotheque.content.loading import load_corpus
from fichotheque.files import temp_path, write_atomic
from fichotheque.pdf import links
from fichotheque.pdf.sources import copy_sources

# The rest of `fichotheque.pdf` (pikepdf, QR codes, the process pool…) is imported by the
# functions that render: a build without PDFs (`mkdocs serve`, `--no-pdf`) never loads it.
if TYPE_CHECKING:
    from fichotheque.content.model import Corpus
    from fichotheque.pdf.cache import PdfCache
    from fichotheque.pdf.jobs import PdfError, PdfJob, Report
    from fichotheque.web.settings import SiteConfig

log = logging.getLogger("mkdocs.plugins.fichotheque.pdf")

ENV_SWITCH = "FICHOTHEQUE_PDF"  # "0": no PDF in this build, "1": PDFs even in `mkdocs serve`
ENV_WORKERS = "FICHOTHEQUE_PDF_WORKERS"
PANGO_HINT = ("WeasyPrint ne trouve pas Pango, nécessaire pour les PDF ; installez-le avec : "
              "sudo apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core")


# -- rendering (in worker processes) ---------------------------------------------------------

_worker: dict = {}


def _weasyprint():
    from fichotheque.pdf import retag
    from fichotheque.pdf.jobs import PdfUnavailable
    try:
        import weasyprint
    except (ImportError, OSError) as exc:
        raise PdfUnavailable(PANGO_HINT) from exc
    retag.install()
    return weasyprint


def check_available() -> None:
    """Raise `PdfUnavailable` with the install line when WeasyPrint cannot run."""
    _weasyprint()


def _init_worker() -> None:
    """One font configuration and one parsed stylesheet per process, reused for every PDF."""
    weasyprint = _weasyprint()
    from weasyprint.text.fonts import FontConfiguration

    from fichotheque.pdf.jobs import theme_stylesheet

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


def _init_pool_worker() -> None:
    """A worker leaves Ctrl-C to the main process, which stops the pool and says « Interrompu. »."""
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _init_worker()


def _layout(html: str, job: PdfJob):
    if not _worker:
        _init_worker()
    weasyprint = _weasyprint()
    return weasyprint.HTML(string=html, base_url=job.base_url,
                           url_fetcher=_fetcher(job.allowed_root)).render(
        stylesheets=[_worker["css"]], font_config=_worker["fonts"])


def _write(document, job: PdfJob) -> bytes:
    """The tagged PDF (PDF/UA-1), its running headers and footers made artifacts (retag.py)."""
    from fichotheque.pdf import retag
    return retag.fix(document.write_pdf(pdf_variant="pdf/ua-1",
                                        pdf_identifier=job.key.encode()[:32],
                                        uncompressed_pdf=False))


def render_job(job: PdfJob, target: str, parts: tuple[str, ...] = ()) -> int:
    """Render one PDF to `target` (atomically); return its page count.

    A booklet also needs `parts`, the files of its fiches' learner PDFs (`job.parts` order).
    """
    from fichotheque.pdf.document import BOOKLET
    if job.kind == BOOKLET:
        return render_booklet(job, target, parts)
    document = _layout(job.html, job)
    # Not flushed to the disk one by one: the cache checks each file's SHA-256 when read back.
    write_atomic(Path(target), _write(document, job), durable=False)
    return len(document.pages)


def render_booklet(job: PdfJob, target: str, files: tuple[str, ...]) -> int:
    """Lay out the cover and contents, then append the fiches' PDFs (booklet.py)."""
    from fichotheque.pdf import booklet
    from fichotheque.pdf.document import BOOKLET_LINK, PAGE_MARKER, pages_label
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
    write_atomic(Path(target), data, durable=False)
    return count


def default_workers() -> int:
    value = os.environ.get(ENV_WORKERS, "")
    if value.isdigit() and int(value) > 0:
        return int(value)
    return os.cpu_count() or 1


Progress = Callable[[int, int, "PdfJob"], None]


def _failure(job: PdfJob, exc: BaseException) -> PdfError:
    from fichotheque.pdf.jobs import PdfError
    if isinstance(exc, PdfError):
        return exc
    return PdfError(f"{job.source} : le PDF « {job.output} » n'a pas pu être produit ({exc})")


def _render_missing(todo: list[PdfJob], store: PdfCache, workers: int,
                    progress: Progress | None) -> set[str]:
    """Render the jobs into the cache, in `workers` processes; return the keys rendered.

    Fiches first, then the booklets, which are assembled from the fiches' PDFs."""
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from fichotheque.pdf.document import BOOKLET

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
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_init_pool_worker)
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
    import shutil

    from fichotheque.pdf.cache import PdfCache
    from fichotheque.pdf.jobs import Rendered, Report
    start = time.monotonic()
    store = PdfCache(cache_dir)
    todo = [job for job in jobs if store.pages(job.key) is None]
    if store.dropped:
        log.info(f"PDF : {store.dropped} fichier(s) du cache abîmé(s) ou manquant(s), "
                 "produit(s) à nouveau")
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
        tmp = temp_path(target)
        try:
            shutil.copyfile(store.path(job.key), tmp)
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        results.append(Rendered(job, store.pages(job.key) or 0, job.key in fresh))
    store.prune({job.key for job in jobs}, {job.output for job in jobs})
    store.save()
    return Report(tuple(results), time.monotonic() - start)


def report_warnings(report: Report) -> None:
    from fichotheque.pdf.jobs import MAX_PAGES
    for r in report.too_long:
        log.warning(f"{r.job.source} : la fiche imprimée fait {r.pages} pages A4 "
                    f"({MAX_PAGES} au maximum) — raccourcissez-la ou partagez-la en deux fiches")


def build(corpus: Corpus, site: SiteConfig, site_dir: Path, workers: int | None = None,
          progress: Progress | None = None, relink: bool = True) -> Report:
    """Sources and PDFs of the whole corpus into a built site, with the cache of the project.

    With `relink` (`fichotheque pdf` into a site built without PDFs), the pages link the PDFs
    again (`links.restore_site`)."""
    from fichotheque.pdf.jobs import CACHE_DIR, plan
    copy_sources(corpus, site_dir)
    cache_dir = site.project_dir / CACHE_DIR
    report = render_all(plan(corpus, site, memo_dir=cache_dir), site_dir, cache_dir,
                        workers, progress)
    report_warnings(report)
    if relink:
        links.restore_site(Path(site_dir))
    return report


def summary(report: Report) -> str:
    count = len(report.results)
    fresh = len(report.rendered)
    return (f"{count} PDF prêts ({fresh} rendus, {count - fresh} repris du cache) "
            f"en {report.seconds:.1f} s")


# -- MkDocs and the command line -------------------------------------------------------------

_state: dict = {"command": None, "hidden": 0, "told": False}
NO_PDF_NOTES = {
    "serve": "indisponible dans l'aperçu (mkdocs serve)",
    "off": "indisponible (site construit sans les PDF)",
}


def on_startup(command: str, dirty: bool = False) -> None:
    """MkDocs says which command runs: `build` and `gh-deploy` make PDFs, `serve` does not."""
    _state["command"] = command


def on_shutdown() -> None:
    """The command is over (another build in this process starts afresh)."""
    _state.update(command=None, hidden=0, told=False)


def enabled(command: str | None = None) -> bool:
    """Whether this build renders the PDFs.

    `FICHOTHEQUE_PDF` decides when set ("0" in `--no-pdf`, "1" to have them in a preview);
    otherwise every build does, except `mkdocs serve` (a fast preview).
    """
    value = os.environ.get(ENV_SWITCH, "").strip().lower()
    if value:
        return value in ("1", "true", "oui", "yes")
    return (command or _state["command"]) != "serve"


def _note() -> str:
    return NO_PDF_NOTES["serve" if _state["command"] == "serve" else "off"]


def on_post_page(output: str, page, config) -> str:
    """Without PDFs, a page does not link PDFs that are not there (a note says why)."""
    if enabled():
        return output
    html, hidden = links.hide_missing(output, page.file.dest_uri, Path(config.site_dir),
                                      _note())
    _state["hidden"] += hidden
    return html


def on_post_build(config) -> None:
    """After MkDocs wrote the site: Markdown sources always, PDFs unless switched off."""
    from mkdocs.exceptions import PluginError

    from fichotheque.web.fiche_site import site_config

    site = site_config(config)
    corpus = load_corpus(site.project_dir)
    site_dir = Path(config.site_dir)
    if not enabled():
        copy_sources(corpus, site_dir)
        if _state["hidden"] and not _state["told"]:
            _state["told"] = True  # once: `mkdocs serve` rebuilds at every change
            how = ("aperçu « mkdocs serve »" if _state["command"] == "serve"
                   else f"{ENV_SWITCH}=0 ou --no-pdf")
            log.info(f"PDF non produits ({how}) : les pages ne proposent pas de les "
                     "télécharger. « mkdocs build » ou « fichotheque build » les produit.")
        _state["hidden"] = 0
        return

    def progress(done, total, job):
        if done == total or done % max(1, total // 5) == 0:
            log.info(f"PDF : {done}/{total} rendus")

    from fichotheque.pdf.jobs import PdfError
    try:
        report = build(corpus, site, site_dir, progress=progress, relink=False)
    except PdfError as exc:
        raise PluginError(str(exc)) from None
    log.info(summary(report))
