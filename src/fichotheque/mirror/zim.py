"""The Kiwix ZIM variant of the offline copy (optional, needs libzim)."""

from __future__ import annotations

import datetime as dt
import html
import io
import os
import re
from pathlib import Path

from fichotheque import files
from fichotheque.mirror.offline import FILE_MODE, NAME_PREFIX, MirrorError, Progress, site_entries
from fichotheque.web import settings

# -- Kiwix ZIM ------------------------------------------------------------------------------

ZIM_LANGUAGE = "fra"
ZIM_ILLUSTRATION = 48  # Kiwix shows a 48x48 PNG in its library
ZIM_HINT = ("la sortie ZIM a besoin de libzim ; installez-la avec : "
            ".venv/bin/pip install -e '.[zim]'")
_TITLE = re.compile(r"<title>(.*?)</title>", re.IGNORECASE | re.DOTALL)
MIMETYPES = {".html": "text/html", ".css": "text/css", ".js": "application/javascript",
             ".json": "application/json", ".svg": "image/svg+xml", ".png": "image/png",
             ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
             ".webp": "image/webp", ".pdf": "application/pdf", ".txt": "text/plain",
             ".md": "text/markdown", ".xml": "application/xml", ".woff2": "font/woff2",
             ".gz": "application/gzip"}


def check_zim_available() -> None:
    """Fail before the long build when libzim is missing."""
    try:
        import libzim.writer  # noqa: F401
    except ImportError:
        raise MirrorError(ZIM_HINT) from None


def zim_name(when: dt.date) -> str:
    return f"{NAME_PREFIX}-{when.isoformat()}.zim"


def mimetype(name: str) -> str:
    return MIMETYPES.get(os.path.splitext(name)[1].lower(), "application/octet-stream")


def html_title(data: bytes, default: str) -> str:
    match = _TITLE.search(data.decode("utf-8", "replace"))
    return html.unescape(" ".join(match.group(1).split())) if match else default


def zim_illustration(site_dir: Path) -> bytes:
    """A 48x48 PNG from the site's favicon (Kiwix requires one)."""
    from PIL import Image

    source = Path(site_dir) / "assets" / "images" / "favicon.png"
    image = (Image.open(source).convert("RGBA") if source.is_file()
             else Image.new("RGBA", (1, 1), (63, 81, 181, 255)))
    image = image.resize((ZIM_ILLUSTRATION, ZIM_ILLUSTRATION), Image.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def write_zim(target: Path, site_dir: Path, site: settings.SiteConfig, when: dt.date,
              progress: Progress | None = None) -> int:
    """Write the offline site as a Kiwix ZIM with a French full-text index; returns entries."""
    try:
        from libzim.writer import Creator, Hint, Item, StringProvider
    except ImportError:
        raise MirrorError(ZIM_HINT) from None

    class SiteItem(Item):
        def __init__(self, path: str, title: str, mime: str, data: bytes, front: bool):
            super().__init__()
            self.path, self.title, self.mime, self.data, self.front = (path, title, mime,
                                                                       data, front)

        def get_path(self):
            return self.path

        def get_title(self):
            return self.title

        def get_mimetype(self):
            return self.mime

        def get_contentprovider(self):
            return StringProvider(self.data)

        def get_hints(self):
            return {Hint.FRONT_ARTICLE: self.front}

    target = Path(target)
    entries = site_entries(site_dir)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        with Creator(str(tmp)).config_verbose(False).config_indexing(True, ZIM_LANGUAGE) as creator:
            creator.set_mainpath("index.html")
            creator.add_illustration(ZIM_ILLUSTRATION, zim_illustration(site_dir))
            description = site.structure.description or f"{site.site_name}, copie hors ligne"
            for key, value in (("Name", f"{NAME_PREFIX}_fr_all"), ("Title", site.site_name),
                               ("Description", " ".join(description.split())[:80]),
                               ("Language", ZIM_LANGUAGE), ("Creator", site.structure.name),
                               ("Publisher", site.structure.name), ("Date", when.isoformat()),
                               ("Tags", "_category:other;médiation numérique;fiches"),
                               ("Source", site.site_url)):
                if value:
                    creator.add_metadata(key, value)
            for done, (name, path) in enumerate(entries, 1):
                data = path.read_bytes()
                mime = mimetype(name)
                is_page = mime == "text/html" and name != "404.html"
                title = html_title(data, name) if is_page else name
                title = title.removesuffix(f" - {site.site_name}")
                creator.add_item(SiteItem(name, title, mime, data, is_page))
                if progress:
                    progress(done, len(entries))
        files.commit_file(tmp, target, FILE_MODE)  # flushed to disk before the rename
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return len(entries)


