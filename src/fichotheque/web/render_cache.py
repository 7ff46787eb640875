"""Each page's Markdown converted once, kept in `.cache/pages/` by content hash.

MkDocs converts every page's Markdown to HTML on every build (`Page.render`: about 4 s at
1,000 fiches, the largest step of a build). What comes out depends only on:

- the Markdown as the plugins left it (`on_page_markdown`: macros, fiche links...);
- the page's own address and the address of every file of the site (links are rewritten and
  checked against them);
- the Markdown settings of `mkdocs.yml` and the versions of the libraries that convert.

A hash of all that names an entry (`page_key`). A build that finds it uses the stored HTML,
table of contents, title and anchors, exactly as `Page.render` would have set them, instead of
converting again; `render_ahead` fills entries on the other core during a first build.

- A conversion that logged anything (a broken link, an unknown address...) is not stored: the
  next build converts it again and says it again.
- Entries are JSON, checked field by field; a damaged one counts as missing.
- What is stored is the converter's output, before `on_page_content`. A fiche's HTML is
  sanitized after it (`web.sanitize`), whether it came from here or not; and a build stops
  when git tracks anything under `.cache/` (`content.cache_policy`).
- Entries used by a build are kept; the others are removed after `KEEP_DAYS` days.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from importlib import metadata
from pathlib import Path

from mkdocs.structure.toc import get_toc

from fichotheque.files import write_atomic

log = logging.getLogger("mkdocs.plugins.fichotheque.render")

FOLDER = Path(".cache") / "pages"
FORMAT = 1  # bump when what an entry holds, or how it is read, changes
LIBRARIES = ("mkdocs", "markdown", "pymdown-extensions", "mkdocs-material", "fichotheque")
KEEP_DAYS = 30
_KEY = re.compile(r"[0-9a-f]{64}")
_UNSTABLE = re.compile(r" at 0x[0-9a-f]+")  # a repr naming a memory address


@dataclass(frozen=True)
class Rendered:
    """What `Page.render` sets on a page."""

    content: str
    toc: tuple  # the Markdown `toc` extension's tokens: {level, id, name, children}
    title: str | None
    anchors: tuple[str, ...]  # present_anchor_ids
    links: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] | None  # links_to_anchors

    @classmethod
    def of(cls, page) -> Rendered:
        links = page.links_to_anchors
        return cls(
            content=page.content,
            toc=_freeze([_token(item) for item in page.toc]),
            title=page._title_from_render,
            anchors=tuple(sorted(page.present_anchor_ids or ())),
            links=None if links is None else tuple(sorted(
                (target.src_uri, tuple(sorted(anchors.items())))
                for target, anchors in links.items())),
        )

    def apply(self, page, files) -> bool:
        """Set the page as `Page.render` would; False when a linked file is gone."""
        links = None
        if self.links is not None:
            links = {}
            for src_uri, anchors in self.links:
                target = files.get_file_from_path(src_uri)
                if target is None:
                    return False
                links[target] = dict(anchors)
        page.content = self.content
        page.toc = get_toc(_thaw(self.toc))
        page._title_from_render = self.title
        page.present_anchor_ids = set(self.anchors)
        if links is not None:
            page.links_to_anchors = links
        return True

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, "content": self.content, "toc": _thaw(self.toc),
                           "title": self.title, "anchors": self.anchors,
                           "links": self.links}, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Rendered | None:
        """None unless every field has the expected shape."""
        try:
            data = json.loads(text)
        except ValueError:
            return None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return None
        content, toc, title = data.get("content"), data.get("toc"), data.get("title")
        anchors, links = data.get("anchors"), data.get("links")
        if (not isinstance(content, str) or not isinstance(toc, list)
                or not all(_is_token(token) for token in toc)
                or not (title is None or isinstance(title, str))
                or not isinstance(anchors, list) or not all(isinstance(a, str) for a in anchors)
                or not (links is None or _are_links(links))):
            return None
        return cls(content, _freeze(toc), title, tuple(anchors),
                   None if links is None else tuple(
                       (src, tuple((a, b) for a, b in pairs)) for src, pairs in links))


def _token(item) -> dict:
    return {"level": item.level, "id": item.id, "name": item.title,
            "children": [_token(child) for child in item.children]}


def _freeze(tokens: list) -> tuple:
    """Tokens as nested tuples of pairs, so that `Rendered` stays immutable and comparable."""
    return tuple(tuple((k, _freeze(v) if k == "children" else v) for k, v in sorted(t.items()))
                 for t in tokens)


def _thaw(tokens) -> list[dict]:
    out = []
    for token in tokens:
        token = dict(token)
        token["children"] = _thaw(token.get("children", ()))
        out.append(token)
    return out


def _is_token(token) -> bool:
    return (isinstance(token, dict) and isinstance(token.get("level"), int)
            and isinstance(token.get("id"), str) and isinstance(token.get("name"), str)
            and isinstance(token.get("children"), list)
            and all(_is_token(child) for child in token["children"]))


def _are_links(links) -> bool:
    return isinstance(links, list) and all(
        isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)
        and isinstance(item[1], list)
        and all(isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) for x in p)
                for p in item[1])
        for item in links)


# --- keys ---------------------------------------------------------------------------------


def _library_versions() -> dict[str, str]:
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = ""
    return versions


def _plain(value):
    """A JSON stand-in for a setting: functions by their dotted name, mappings as dicts."""
    if isinstance(value, Mapping):
        return dict(value)
    if callable(value) and hasattr(value, "__qualname__"):
        return f"{getattr(value, '__module__', '')}.{value.__qualname__}"
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    return f"{type(value).__module__}.{type(value).__qualname__}:{value!r}"


def settings_key(config, files) -> str | None:
    """What every page's conversion depends on besides its own Markdown and address; None when
    a setting has no stable written form (the cache is then not used)."""
    pages_log = logging.getLogger("mkdocs.structure.pages")
    settings = {
        "format": FORMAT,
        "libraries": _library_versions(),
        "extensions": config["markdown_extensions"],
        "extension_settings": config["mdx_configs"],
        "directory_urls": config["use_directory_urls"],
        "validation": config["validation"],
        # What a conversion says depends on them (`-q`, `-v`): an entry made while warnings
        # were silent must not silence them in a later build.
        "log_levels": [pages_log.getEffectiveLevel(), logging.getLogger().getEffectiveLevel()],
        "files": sorted((f.src_uri, f.dest_uri, f.url, f.inclusion.name) for f in files),
    }
    try:
        text = json.dumps(settings, sort_keys=True, default=_plain, ensure_ascii=False)
    except (TypeError, ValueError):
        return None
    if _UNSTABLE.search(text):
        return None
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def page_key(settings: str, page) -> str:
    text = "\0".join((settings, page.file.src_uri, page.file.dest_uri, page.file.url,
                      page.markdown or ""))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- logging ------------------------------------------------------------------------------


class _Seen(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.count = 0

    def emit(self, record) -> None:
        self.count += 1


@contextlib.contextmanager
def watching_logs() -> Iterator[_Seen]:
    """Counts what is logged (INFO and above) meanwhile, by MkDocs or anything else."""
    seen = _Seen()
    loggers = {logging.getLogger(), logging.getLogger("mkdocs")}
    for logger in loggers:
        logger.addHandler(seen)
    try:
        yield seen
    finally:
        for logger in loggers:
            logger.removeHandler(seen)


def render_page(page, config, files) -> Rendered | None:
    """`Page.render` itself; its result, or None when it logged something (not to be kept)."""
    with watching_logs() as seen:
        type(page).render(page, config, files)
    return None if seen.count else Rendered.of(page)


# --- the cache ----------------------------------------------------------------------------


class RenderCache:
    """The entries of one build: read, written and kept by `page_key`."""

    def __init__(self, folder: Path | str):
        self.folder = Path(folder)
        self.settings: str | None = None
        self.used: set[str] = set()
        self.hits = self.misses = 0

    @classmethod
    def from_config(cls, config) -> RenderCache:
        return cls(Path(config.config_file_path).parent / FOLDER)

    def path(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def start(self, config, files) -> None:
        """The build's files are known (`on_nav`): the settings part of every key."""
        self.settings = settings_key(config, files)
        self.used = set()
        self.hits = self.misses = 0

    def attach(self, page) -> None:
        """Route this page's next `render` through the cache (at `on_page_markdown`)."""
        if self.settings is not None:
            page.render = partial(self._render, page)

    def key(self, page) -> str | None:
        return None if self.settings is None else page_key(self.settings, page)

    def load(self, key: str) -> Rendered | None:
        try:
            text = self.path(key).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        return Rendered.from_json(text)

    def store(self, key: str, rendered: Rendered) -> None:
        try:
            write_atomic(self.path(key), rendered.to_json(), durable=False)
        except OSError as exc:  # a full or read-only disk: the build goes on without it
            log.debug("pages : entrée non enregistrée (%s)", exc)

    def _render(self, page, config, files) -> None:
        key = page_key(self.settings, page)
        rendered = self.load(key)
        if rendered is not None and rendered.apply(page, files):
            self.hits += 1
        else:
            self.misses += 1
            rendered = render_page(page, config, files)
            if rendered is not None:
                self.store(key, rendered)
        self.used.add(key)

    def finish(self, now: float | None = None) -> None:
        """Keep what this build used (its date is refreshed once a day); remove entries no
        build used for `KEEP_DAYS` days."""
        now = time.time() if now is None else now
        day = 24 * 3600
        try:
            entries = list(os.scandir(self.folder))
        except OSError:
            return
        for entry in entries:
            name = entry.name
            key = name[:-5] if name.endswith(".json") else ""
            with contextlib.suppress(OSError):
                age = now - entry.stat().st_mtime
                if key in self.used:
                    if age > day:
                        os.utime(entry.path, (now, now))
                elif name.startswith("."):  # being written, or left by a stopped process
                    if age > day:
                        os.unlink(entry.path)
                elif age > KEEP_DAYS * day or not _KEY.fullmatch(key):
                    os.unlink(entry.path)
        log.debug("pages : %d reprises du cache, %d converties", self.hits, self.misses)
