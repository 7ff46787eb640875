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
CSS_URI = "assets/fichotheque-identite.css"
AA_NORMAL = 4.5


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
    """White or near-black, whichever reads better on `background`."""
    return WHITE if contrast(background, WHITE) >= contrast(background, DARK) else DARK


def shade(colour: str, factor: float) -> str:
    """Darker (factor < 1) or lighter (factor > 1, towards white) variant of a colour."""
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    if factor <= 1:
        rgb = [round(c * factor) for c in rgb]
    else:
        rgb = [round(c + (255 - c) * (factor - 1)) for c in rgb]
    return "#" + "".join(f"{min(255, max(0, c)):02x}" for c in rgb)


def readable_on_white(colour: str) -> str:
    """The colour, darkened until it passes AA as text (links) on a white page."""
    result = colour
    for _ in range(20):
        if contrast(result, WHITE) >= AA_NORMAL:
            return result
        result = shade(result, 0.9)
    return result


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


def theme_css(colours: Colours) -> str:
    """CSS custom properties overriding Material's palette with the structure's colours."""
    rules = []
    if colours.primary:
        p = colours.primary
        on_primary = text_on(p)
        rules.append(
            "body[data-md-color-primary] {\n"
            f"  --md-primary-fg-color: {p};\n"
            f"  --md-primary-fg-color--light: {shade(p, 1.25)};\n"
            f"  --md-primary-fg-color--dark: {shade(p, 0.8)};\n"
            f"  --md-primary-bg-color: {on_primary};\n"
            f"  --md-primary-bg-color--light: {on_primary}b3;\n"
            f"  --md-typeset-a-color: {readable_on_white(p)};\n"
            "}\n"
            '[data-md-color-scheme="slate"][data-md-color-primary] {\n'
            f"  --md-typeset-a-color: {shade(p, 1.6)};\n"
            "}\n"
        )
    if colours.accent:
        a = colours.accent
        rules.append(
            "body[data-md-color-accent] {\n"
            f"  --md-accent-fg-color: {readable_on_white(a)};\n"
            f"  --md-accent-fg-color--transparent: {a}1a;\n"
            f"  --md-accent-bg-color: {text_on(a)};\n"
            "}\n"
        )
    header = "/* Couleurs de la structure (extra.structure.colours dans mkdocs.yml). */\n"
    return header + "".join(rules)
