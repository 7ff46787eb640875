"""Badge images drawn with Pillow: a medallion in the module's colour, an emblem and the title.

Generated at build time from `_module.yml` (colour, title), so no binary is committed. Each
known module gets its own emblem (padlock, document, envelope, public building); any other
module gets a star. Output is a deterministic PNG (same input, same bytes).
"""

from __future__ import annotations

import io
import math
import shutil
import subprocess
import threading
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from fichotheque.badges import BadgeError

SIZE = 600
FONT_NAMES = ("DejaVuSans-Bold.ttf",)
FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu",
             "/usr/share/fonts/TTF", "/usr/local/share/fonts")


@cache
def font_path() -> str:
    """A bold TrueType font with French accents (DejaVu Sans Bold, Debian fonts-dejavu-core)."""
    for folder in FONT_DIRS:
        for name in FONT_NAMES:
            candidate = Path(folder) / name
            if candidate.is_file():
                return str(candidate)
    if shutil.which("fc-match"):
        found = subprocess.run(["fc-match", "-f", "%{file}", "DejaVu Sans:bold"],
                               capture_output=True, text=True).stdout.strip()
        if found.endswith(".ttf") and Path(found).is_file():
            return found
    raise BadgeError("police DejaVu Sans introuvable pour dessiner les badges — "
                     "installez-la : sudo apt-get install -y fonts-dejavu-core")


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i:i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]


def _mix(a, b, t: float) -> tuple[int, int, int]:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))  # type: ignore


def _wrap(draw, text: str, font, width: int) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        trial = f"{line} {word}".strip()
        if draw.textlength(trial, font=font) <= width or not line:
            line = trial
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def _fit_title(draw, text: str, width: int, max_lines: int = 3):
    for size in range(112, 40, -4):
        font = ImageFont.truetype(font_path(), size)
        lines = _wrap(draw, text, font, width)
        if len(lines) <= max_lines and all(draw.textlength(x, font=font) <= width for x in lines):
            return font, lines
    font = ImageFont.truetype(font_path(), 40)
    return font, _wrap(draw, text, font, width)[:max_lines]


# -- emblems: drawn in a box centred on (cx, cy), white on the medallion ---------------------

def _padlock(d, cx, cy, s, fg, bg):
    d.rounded_rectangle((cx - s * .55, cy - s * .05, cx + s * .55, cy + s * .7), s * .1, fill=fg)
    d.arc((cx - s * .38, cy - s * .62, cx + s * .38, cy + s * .2), 180, 360, fill=fg,
          width=int(s * .14))
    d.line((cx - s * .38 + s * .07, cy - s * .22, cx - s * .38 + s * .07, cy), fill=fg,
           width=int(s * .14))
    d.line((cx + s * .38 - s * .07, cy - s * .22, cx + s * .38 - s * .07, cy), fill=fg,
           width=int(s * .14))
    d.ellipse((cx - s * .1, cy + s * .18, cx + s * .1, cy + s * .38), fill=bg)
    d.rectangle((cx - s * .04, cy + s * .3, cx + s * .04, cy + s * .52), fill=bg)


def _document(d, cx, cy, s, fg, bg):
    left, top, right, bottom = cx - s * .45, cy - s * .6, cx + s * .45, cy + s * .6
    fold = s * .28
    d.polygon([(left, top), (right - fold, top), (right, top + fold), (right, bottom),
               (left, bottom)], fill=fg)
    d.polygon([(right - fold, top), (right - fold, top + fold), (right, top + fold)], fill=bg)
    for i in range(4):
        y = top + s * (.45 + i * .2)
        d.line((left + s * .15, y, right - s * (.15 if i < 3 else .4), y), fill=bg,
               width=int(s * .07))


def _envelope(d, cx, cy, s, fg, bg):
    left, top, right, bottom = cx - s * .7, cy - s * .45, cx + s * .7, cy + s * .45
    d.rounded_rectangle((left, top, right, bottom), s * .06, fill=fg)
    w = int(s * .08)
    d.line((left + w, top + w, cx, cy + s * .08, right - w, top + w), fill=bg, width=w,
           joint="curve")
    d.line((left + w, bottom - w, cx - s * .28, cy - s * .02), fill=bg, width=int(w * .7))
    d.line((right - w, bottom - w, cx + s * .28, cy - s * .02), fill=bg, width=int(w * .7))


def _building(d, cx, cy, s, fg, bg):
    d.polygon([(cx - s * .72, cy - s * .25), (cx, cy - s * .7), (cx + s * .72, cy - s * .25)],
              fill=fg)
    d.rectangle((cx - s * .65, cy - s * .22, cx + s * .65, cy - s * .1), fill=fg)
    for i in range(4):
        x = cx - s * .5 + i * s * (1 / 3)
        d.rectangle((x - s * .08, cy - s * .05, x + s * .08, cy + s * .45), fill=fg)
    d.rectangle((cx - s * .75, cy + s * .5, cx + s * .75, cy + s * .65), fill=fg)


def _star(d, cx, cy, s, fg, bg):
    points = []
    for i in range(10):
        r = s * (.7 if i % 2 == 0 else .3)
        a = math.pi / 2 + i * math.pi / 5
        points.append((cx + r * math.cos(a), cy - r * math.sin(a)))
    d.polygon(points, fill=fg)


EMBLEMS = {
    "securite": _padlock,
    "bureautique": _document,
    "messagerie": _envelope,
    "services-publics": _building,
}


def _fit_caption(draw, caption: str, width: float, size: int):
    """The caption (the place's name) in a font small enough for the ribbon, cut with « … »
    when even the smallest readable size is too wide."""
    caption = " ".join(caption.split())
    smallest = int(size * .7)
    for font_size in range(size, smallest - 1, -2):
        font = ImageFont.truetype(font_path(), font_size)
        if draw.textlength(caption, font=font) <= width:
            return caption, font
    while caption and draw.textlength(caption + "…", font=font) > width:
        caption = caption[:-1].rstrip()
    return caption + "…", font


def badge_png(title: str, colour: str, emblem: str = "", caption: str = "Fichothèque") -> bytes:
    """The badge image as PNG bytes (600 x 600, transparent corners)."""
    scale = 2  # draw large, then downsample: smooth edges
    size = SIZE * scale
    base = _rgb(colour)
    dark = _mix(base, (0, 0, 0), .35)
    light = _mix(base, (255, 255, 255), .88)
    white = (255, 255, 255, 255)
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(image)
    c = size / 2
    d.ellipse((0, 0, size - 1, size - 1), fill=(*dark, 255))
    d.ellipse((size * .035, size * .035, size * .965, size * .965), fill=(*light, 255))
    d.ellipse((size * .07, size * .07, size * .93, size * .93), fill=(*base, 255))
    # Small dots around the rim, one design detail shared by every badge.
    for i in range(36):
        a = i * math.tau / 36
        r = size * .4475
        x, y = c + r * math.cos(a), c + r * math.sin(a)
        d.ellipse((x - size * .006, y - size * .006, x + size * .006, y + size * .006),
                  fill=(*light, 255))
    draw_emblem = EMBLEMS.get(emblem, _star)
    draw_emblem(d, c, size * .3, size * .16, white, (*base, 255))
    font, lines = _fit_title(d, title, int(size * .62))
    line_height = font.size * 1.18
    top = size * .6 - line_height * len(lines) / 2
    for i, line in enumerate(lines):
        d.text((c, top + i * line_height + line_height / 2), line, font=font, fill=white,
               anchor="mm")
    # Ribbon with the caption across the lower rim.
    caption, rib_font = _fit_caption(d, caption, size * .62, int(size * .04))
    rib_w = d.textlength(caption, font=rib_font) + size * .08
    rib_top = size * .8
    d.rounded_rectangle((c - rib_w / 2, rib_top, c + rib_w / 2, rib_top + size * .075),
                        size * .02, fill=(*light, 255))
    d.text((c, rib_top + size * .0375), caption, font=rib_font, fill=(*dark, 255),
           anchor="mm")
    image = image.resize((SIZE, SIZE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def cache_path(cache_dir: Path, title: str, colour: str, emblem: str = "",
               caption: str = "Fichothèque") -> Path:
    """Where `cached_badge_png` keeps this image: a hash of its inputs, this code and Pillow."""
    import hashlib

    import PIL

    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(f"{PIL.__version__}|{font_path()}|{title}|{colour}|{emblem}|{caption}".encode())
    return Path(cache_dir) / f"{digest.hexdigest()[:32]}.png"


def _read_cached(path: Path) -> bytes | None:
    """The cached PNG, or None. A cache is checked, never trusted: a truncated or altered
    file is drawn again."""
    try:
        cached = path.read_bytes()
    except OSError:
        return None
    if cached.startswith(b"\x89PNG\r\n\x1a\n") and cached.endswith(b"IEND\xaeB`\x82"):
        return cached
    return None


def cached_badge_png(cache_dir: Path, title: str, colour: str, emblem: str = "",
                     caption: str = "Fichothèque") -> bytes:
    """`badge_png`, kept under `cache_dir` by a hash of its inputs, this code and Pillow.

    Drawing one badge costs about 50 ms; a build draws one per module at every run.
    """
    path = cache_path(cache_dir, title, colour, emblem, caption)
    cached = _read_cached(path)
    if cached is not None:
        return cached
    data = badge_png(title, colour, emblem, caption)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{threading.get_ident()}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError:
        pass  # a read-only checkout still builds, without the cache
    return data


def draw_ahead(cache_dir: Path, wanted: list[tuple[str, str, str, str]]) -> threading.Thread | None:
    """Start drawing into `cache_dir`, in a thread, the images of `wanted` (title, colour,
    emblem, caption) that the cache does not hold; None when it holds them all.

    A first build draws about fifteen images (0.7 s). Pillow lets other Python code run while
    it fills, resizes and compresses, so they are drawn while MkDocs renders the pages; the
    build then finds them in the cache. Join the thread before forking (PDF workers). Any
    failure is left to the build, which draws the image again and names the problem.
    """
    try:
        missing = [w for w in wanted if _read_cached(cache_path(cache_dir, *w)) is None]
    except BadgeError:
        return None  # no font: the build says so when it draws the images
    if not missing:
        return None

    def draw() -> None:
        for request in missing:
            try:
                cached_badge_png(cache_dir, *request)
            except Exception:  # drawn again, and reported, by the build
                return

    thread = threading.Thread(target=draw, name="fichotheque-images-badges", daemon=True)
    thread.start()
    return thread
