"""Rules on links and images: targets exist, anchors exist, images are local, described, light.

A target never leaves `fiches/` (no absolute path, no `../../../../etc/passwd`, no `file:`):
a fiche only points at files of the repository that the site publishes."""

from __future__ import annotations

import difflib
import os
import posixpath
from pathlib import Path
from urllib.parse import unquote

from fichotheque.content.lint.linter import FicheText, Linter
from fichotheque.content.lint.rules.active import unsafe_scheme
from fichotheque.content.lint.text import REF_DEF, REF_IMAGE, strip_angle, url_scheme
from fichotheque.content.model import FICHES_DIR, MODULE_FILE
from fichotheque.content.problems import ERROR, WARNING

DOCS_DIR = "docs"


def links_and_images(fiche: FicheText, ctx: Linter) -> None:
    """Every inline link, reference definition and image of the body."""
    body, masked, lines = fiche.body, fiche.masked, fiche.lines
    defs: dict[str, tuple[str, int]] = {}
    for m in REF_DEF.finditer(masked):
        url = strip_angle(body[m.start("url"):m.end("url")])
        defs[m.group("label").strip().lower()] = (url, lines.line(m.start()))
        _url(ctx, fiche.path, url, lines.line(m.start()))
    for m in fiche.links:
        line = lines.line(m.start())
        url = strip_angle(body[m.start("url"):m.end("url")])
        if m.group("bang"):
            _image(ctx, fiche.path, m.group("text"), url, line)
        else:
            _url(ctx, fiche.path, url, line)
    for m in REF_IMAGE.finditer(masked):
        label = (m.group("label") or m.group("text")).strip().lower()
        if label in defs:
            _image(ctx, fiche.path, m.group("text"), defs[label][0], lines.line(m.start()))


def _file_url(ctx: Linter, url: str, line: int) -> bool:
    """Report a `file:` URL (a file of the author's computer); True when reported."""
    if url_scheme(url) != "file":
        return False
    ctx.report(ERROR, line, "adresse « file: » interdite (un fichier de votre ordinateur)",
               "enregistrez le fichier dans le dossier du module et pointez vers lui, ou "
               "mettez une adresse https://", "unsafe-url")
    return True


def _outside(ctx: Linter, path: Path, target: str, line: int, docs_ok: bool = False) -> bool:
    """Report a target that is absolute or leaves `fiches/` once resolved against the fiche's
    folder (links may also name a page of `docs/`, the site's own pages); True when reported."""
    if target.startswith("/"):
        ctx.report(ERROR, line, f"chemin absolu « {target} » interdit",
                   "écrivez un chemin relatif à la fiche, par exemple « images/capture.png » "
                   "ou « ../module/fiche.md »", "path-outside")
        return True
    fiches = posixpath.join(ctx.root.as_posix(), FICHES_DIR)
    resolved = posixpath.normpath(posixpath.join(path.parent.as_posix(), target))
    if resolved == fiches or resolved.startswith(fiches + "/"):
        return False
    if docs_ok:
        src_dir = path.parent.relative_to(ctx.root).as_posix()
        in_docs = posixpath.normpath(posixpath.join(src_dir, target))
        if not in_docs.startswith("..") and ctx.use("file", ctx.root / DOCS_DIR / in_docs):
            return False
    ctx.report(ERROR, line, f"« {target} » sort du dossier fiches/",
               "une fiche ne pointe que vers des fichiers de fiches/ (ses images sont dans le "
               "dossier images/ du module)", "path-outside")
    return True


def _url(ctx: Linter, path: Path, url: str, line: int) -> None:
    if _file_url(ctx, url, line):
        return
    if unsafe_scheme(ctx, url, line) or url_scheme(url) or url.startswith("//"):
        return
    target, _, anchor = url.partition("#")
    target = unquote(target.split("?", 1)[0])
    if not target:
        if anchor and anchor not in (ctx.anchors(path) or set()):
            ctx.report(WARNING, line, f"ancre « #{anchor} » introuvable dans la fiche",
                       "vérifiez le titre de la section visée", "link-anchor")
        return
    if _outside(ctx, path, target, line, docs_ok=True) or target.endswith("/"):
        return  # folder links: MkDocs' own link validation reports them
    found = resolve(ctx, path, target)
    if target.endswith(".md"):
        if found is None:
            ctx.report(ERROR, line, f"lien vers « {target} » : fiche introuvable",
                       _suggest(ctx, path, target), "link-broken")
        elif anchor and found.suffix == ".md" and not found.is_symlink():  # never read one
            ids = ctx.anchors(found)
            if ids is not None and anchor not in ids:
                ctx.report(WARNING, line, f"ancre « #{anchor} » introuvable dans « {target} »",
                           "vérifiez le titre de la section visée", "link-anchor")
    elif found is None and posixpath.splitext(target)[1]:
        ctx.report(ERROR, line, f"lien vers « {target} » : fichier introuvable",
                   "vérifiez le nom et le dossier du fichier (majuscules comprises)",
                   "link-broken")


def resolve(ctx: Linter, path: Path, target: str) -> Path | None:
    """The file a relative link points at, beside the fiche or in docs/ (as MkDocs sees it)."""
    fiche_dir = path.parent
    candidates = [fiche_dir / target]
    src_dir = fiche_dir.relative_to(ctx.root).as_posix()  # fiches/<module>
    in_docs = posixpath.normpath(posixpath.join(src_dir, target))
    if not in_docs.startswith(".."):
        candidates.append(ctx.root / DOCS_DIR / in_docs)
    for candidate in candidates:
        if ctx.use("file", candidate):
            return candidate
    if in_docs == f"{FICHES_DIR}/index.md":
        return ctx.root / FICHES_DIR  # the modules overview, generated by the build
    if target.endswith("index.md") and ctx.use("dir", (fiche_dir / target).parent):
        module = (fiche_dir / target).parent
        if ctx.use("file", module / MODULE_FILE):
            return module / MODULE_FILE  # a module page, generated by the build
    return None


def _by_name(ctx: Linter, name: str) -> Path | None:
    """The first fiche file with this file name (`mots-de-passe.md`), if any."""
    for rel in ctx.use("fiches", ctx.root):
        if posixpath.basename(rel) == name:
            return ctx.root / rel
    return None


def _suggest(ctx: Linter, path: Path, target: str) -> str:
    """Where the fiche really is, or the closest name in the folder the link points at."""
    name = posixpath.basename(target)
    existing = _by_name(ctx, name)
    if existing is not None:
        rel = os.path.relpath(existing, path.parent).replace(os.sep, "/")
        return f"la fiche existe ici : écrivez « {rel} »"
    folder = (path.parent / posixpath.dirname(target)).resolve()
    match = _close_match(ctx, folder, name)
    if match:
        rel = os.path.relpath(folder / match, path.parent).replace(os.sep, "/")
        return f"vouliez-vous dire « {rel} » ?"
    return "vérifiez le nom du fichier ; pour un autre module, écrivez « ../module/fiche.md »"


def _close_match(ctx: Linter, folder: Path, name: str) -> str | None:
    names = ctx.use("md-names", folder)
    memo = (str(folder), name)  # many links may share one typo
    if memo not in ctx.matches:
        match = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
        ctx.matches[memo] = match[0] if match else None
    return ctx.matches[memo]


def _image(ctx: Linter, path: Path, alt: str, url: str, line: int) -> None:
    if not alt.strip():
        ctx.report(ERROR, line, "image sans texte alternatif",
                   "décrivez l'image entre les crochets : ![Capture de l'écran d'accueil](…)",
                   "image-alt")
    if _file_url(ctx, url, line) or unsafe_scheme(ctx, url, line):
        return
    if url_scheme(url) or url.startswith("//"):
        ctx.report(ERROR, line, f"image chargée depuis un autre site ({url})",
                   "le site ne doit appeler aucun autre site : enregistrez l'image dans "
                   "le dossier images/ du module (si sa licence le permet)", "image-external")
        return
    target = unquote(url.split("#", 1)[0].split("?", 1)[0])
    if not target:
        ctx.report(ERROR, line, "image sans adresse", "indiquez le fichier : ![…](images/x.png)",
                   "image-missing")
        return
    if _outside(ctx, path, target, line):
        return
    found = resolve(ctx, path, target)
    if found is None:
        ctx.report(ERROR, line, f"image « {target} » introuvable",
                   "vérifiez le nom et le dossier du fichier (majuscules comprises)",
                   "image-missing")
    elif (ctx.use("size", found) or 0) > ctx.limits.max_image_bytes:
        size = ctx.use("size", found) // 1024
        ctx.report(WARNING, line, f"image « {target} » trop lourde ({size} Ko, "
                   f"{ctx.limits.max_image_bytes // 1024} Ko au plus)",
                   "réduisez-la (largeur 1200 px suffit) ou enregistrez-la en JPEG ou WebP",
                   "image-size")
