"""Local identity on screen: the structure's colours and logo applied to Material's theme.

A network sets `extra.structure.colours` (`primary`, `accent`, hex) and `extra.structure.logo`
(a file under `docs/`) in `mkdocs.yml`; this module checks them and turns the colours into
CSS custom properties, choosing the text colour on the header so that contrast stays AA.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from fichotheque.web.settings import SiteConfig

HEX_RE = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
WHITE = "#ffffff"
DARK = "#1b1b1f"
BLACK = "#000000"
CSS_URI = "assets/fichotheque-identite.css"
AA_NORMAL = 4.5
AA_LARGE_OR_UI = 3.0
# What brand-coloured text sits on. Light scheme: the page (white), Material's grey code and
# search-result backgrounds; the darkest of them counts (and see TINT). Dark scheme
# (slate): the page, Material's lighter code background and hovered results.
LIGHT_SURFACES = ("#ffffff", "#f5f5f5", "#ececec")
DARK_SURFACES = ("#1e2129", "#272b35", "#30343f")
TINT = 0.1  # Material's `--md-accent-fg-color--transparent` (…1a) behind accent-coloured text


class IdentityError(ValueError):
    """Bad `extra.structure` value; the message is one French line naming the key."""


@dataclass(frozen=True)
class Colours:
    primary: str = ""
    accent: str = ""


def normalize_hex(value: str) -> str:
    value = value.strip()
    if len(value) == 4:
        value = "#" + "".join(c * 2 for c in value[1:])
    return value.lower()


def luminance(colour: str) -> float:
    """Relative luminance (WCAG 2.1) of a `#rrggbb` colour."""
    channels = []
    for i in (1, 3, 5):
        c = int(colour[i:i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    r, g, b = channels
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_on(background: str) -> str:
    """White or near-black, whichever reads better on `background` (black if neither reaches AA)."""
    best = WHITE if contrast(background, WHITE) >= contrast(background, DARK) else DARK
    return best if contrast(background, best) >= AA_NORMAL else BLACK


def shade(colour: str, factor: float) -> str:
    """Darker (factor < 1) or lighter (factor > 1, towards white) variant of a colour."""
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    if factor <= 1:
        rgb = [round(c * factor) for c in rgb]
    else:
        rgb = [round(c + (255 - c) * (factor - 1)) for c in rgb]
    return "#" + "".join(f"{min(255, max(0, c)):02x}" for c in rgb)


def mix(colour: str, other: str, amount: float) -> str:
    """`colour` moved `amount` (0–1) of the way towards `other`, channel by channel."""
    a = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    b = [int(other[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * amount):02x}" for x, y in zip(a, b, strict=True))


def readable_on(colour: str, surfaces: tuple[str, ...], ratio: float = AA_NORMAL,
                tint: float = 0.0) -> str:
    """The colour closest to `colour` that reaches `ratio` on every one of `surfaces`.

    Surfaces are all light (then the colour is darkened, towards black) or all dark (then it is
    lightened, towards white). Black on light surfaces and white on dark ones are the last
    resort, so a result always exists for the surfaces used here. With `tint`, the colour must
    also read on the first surface tinted with `tint` of itself (Material's hovered search
    results and links: a 10 % wash of the accent behind accent-coloured text).
    """
    light = min(luminance(s) for s in surfaces) > 0.18

    def ok(candidate: str) -> bool:
        backgrounds = surfaces + ((mix(surfaces[0], candidate, tint),) if tint else ())
        return all(contrast(candidate, s) >= ratio for s in backgrounds)

    if ok(colour):
        return colour
    target = BLACK if light else WHITE
    low, high = 0.0, 1.0  # smallest mix that passes, by bisection (contrast grows with it)
    for _ in range(20):
        middle = (low + high) / 2
        if ok(mix(colour, target, middle)):
            high = middle
        else:
            low = middle
    return mix(colour, target, high)


def readable_on_white(colour: str) -> str:
    """The colour, darkened until it passes AA as text (links) on a white page."""
    return readable_on(colour, (WHITE,))


@dataclass(frozen=True)
class Palette:
    """Every colour derived from one brand colour, for one colour scheme."""

    brand: str        # the colour as given: header and primary button backgrounds
    on_brand: str     # text on `brand` (AA)
    brand_dark: str   # a darker brand background (drawer's repository link), text `on_brand`
    text: str         # the brand as text, links and button borders on the scheme's surfaces
    on_text: str      # text on `text` used as a background (hovered buttons, tags)


def palette(colour: str, scheme: str = "default") -> Palette:
    """Readable variants of a brand colour for `scheme` (`default` light, `slate` dark)."""
    surfaces = LIGHT_SURFACES if scheme == "default" else DARK_SURFACES
    on_brand = text_on(colour)
    dark = shade(colour, 0.8)
    if contrast(dark, on_brand) < AA_NORMAL:
        # dark text on a light brand: darken only as far as the text stays readable
        low, high = 0.8, 1.0
        for _ in range(16):
            middle = (low + high) / 2
            if contrast(shade(colour, middle), on_brand) >= AA_NORMAL:
                high = middle
            else:
                low = middle
        dark = shade(colour, high)
        if contrast(dark, on_brand) < AA_NORMAL:
            dark = colour
    text = readable_on(colour, surfaces, tint=TINT)
    return Palette(colour, on_brand, dark, text, text_on(text))


def colours_from(site: SiteConfig) -> Colours:
    """`extra.structure.colours`, checked: each one a hex colour such as `#1e5aa8`."""
    data = ((site.extra or {}).get("structure") or {}).get("colours") or {}
    if not isinstance(data, dict):
        raise IdentityError("extra.structure.colours doit contenir primary et accent, "
                            "par exemple « colours: {primary: \"#1e5aa8\", accent: \"#c2410c\"} »")
    found = {}
    for key in ("primary", "accent"):
        value = data.get(key)
        if value in (None, ""):
            continue
        if not isinstance(value, str) or not HEX_RE.match(value.strip()):
            raise IdentityError(f"extra.structure.colours.{key} : « {value} » n'est pas une "
                                "couleur ; écrivez-la en hexadécimal entre guillemets, "
                                "par exemple \"#1e5aa8\"")
        found[key] = normalize_hex(value)
    unknown = sorted(set(data) - {"primary", "accent"})
    if unknown:
        raise IdentityError(f"extra.structure.colours : clé « {unknown[0]} » inconnue ; "
                            "seules primary et accent sont prises en compte")
    return Colours(**found)


def logo_path(site: SiteConfig, docs_dir: Path) -> str:
    """`extra.structure.logo` if set: a file inside `docs/` (never a remote URL)."""
    logo = site.structure.logo.strip()
    if not logo:
        return ""
    if re.match(r"^[a-z][a-z0-9+.-]*:", logo, re.I) or logo.startswith("//"):
        raise IdentityError(f"extra.structure.logo : « {logo} » est une adresse web ; le site "
                            "ne charge rien depuis un autre site — copiez le fichier dans "
                            "docs/ (par exemple docs/assets/logo.svg) et écrivez assets/logo.svg")
    path = (docs_dir / logo).resolve()
    if not path.is_file() or docs_dir.resolve() not in path.parents:
        raise IdentityError(f"extra.structure.logo : fichier « docs/{logo} » introuvable ; "
                            "le chemin du logo part du dossier docs/")
    return logo


def _scheme_rules(selector: str, colours: Colours, scheme: str) -> str:
    """Material's and our custom properties for one scheme, from the derived palettes."""
    lines = []
    if colours.primary:
        p = palette(colours.primary, scheme)
        lines += [
            f"  --md-primary-fg-color: {p.brand};",
            f"  --md-primary-fg-color--light: {shade(p.brand, 1.25)};",
            f"  --md-primary-fg-color--dark: {p.brand_dark};",
            f"  --md-primary-bg-color: {p.on_brand};",
            # Material shows the header's search placeholder in this colour: no transparency
            f"  --md-primary-bg-color--light: {p.on_brand};",
            f"  --md-typeset-a-color: {p.text};",
            f"  --fichotheque-primary-text: {p.text};",
            # the header's search field: darkened under white text, lightened under dark text
            "  --fichotheque-header-field: "
            f"{'#00000042' if p.on_brand == WHITE else '#ffffff8c'};",
        ]
    if colours.accent:
        a = palette(colours.accent, scheme)
        lines += [
            f"  --md-accent-fg-color: {a.text};",
            f"  --md-accent-fg-color--transparent: {a.text}1a;",
            f"  --md-accent-bg-color: {a.on_text};",
            f"  --fichotheque-accent-text: {a.text};",
        ]
    return selector + " {\n" + "\n".join(lines) + "\n}\n"


def theme_css(colours: Colours) -> str:
    """CSS custom properties overriding Material's palette with the structure's colours.

    The brand colours keep their place on the header and the primary buttons (with a text colour
    that reads on them); everywhere they are text, links, button borders or the background of a
    hovered button, a variant derived for the light and for the dark scheme is used, which reaches
    4.5:1 on every surface of that scheme (`palette`). Our stylesheets read the same variables.
    """
    header = "/* Couleurs de la structure (extra.structure.colours dans mkdocs.yml). */\n"
    if not (colours.primary or colours.accent):
        return header
    light = _scheme_rules("body[data-md-color-primary][data-md-color-accent]", colours, "default")
    dark = _scheme_rules('body[data-md-color-scheme="slate"][data-md-color-primary]'
                         "[data-md-color-accent]", colours, "slate")
    return header + light + dark
