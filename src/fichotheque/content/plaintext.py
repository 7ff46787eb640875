"""Values from contributors' YAML are plain text: no markup, no control characters.

Titles, descriptions, authors and tags reach HTML (navigation, `<title>`, cards), JSON, XML
feeds and PDFs. Refusing markup at the source keeps every one of those places safe, on top of
the escaping each of them does. Icons are names from Material's icon set, never a path.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

MARKUP_RE = re.compile(r"<\s*/?\s*[A-Za-z!?]|[<>]")
CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
ICON_RE = re.compile(r"^(material|fontawesome/(?:brands|regular|solid)|octicons|simple)"
                     r"/[a-z0-9]+(?:-[a-z0-9]+)*$")


def problems_in(value, key: str) -> list[str]:
    """French messages for markup or control characters in `value` (a string or a list)."""
    values = value if isinstance(value, list) else [value]
    found = []
    for item in values:
        if not isinstance(item, str):
            continue
        if MARKUP_RE.search(item):
            found.append(f"« {key} » contient les signes < ou > (du HTML ?)")
        elif CONTROL_RE.search(item):
            found.append(f"« {key} » contient un caractère de contrôle invisible")
    return found[:1]


PLAIN_HINT = "écrivez du texte simple, sans balise ; remplacez < et > par des mots"


def check_plain(data: dict, keys, line_of, out, rule: str) -> None:
    """Record an error for each key of `keys` whose value is not plain text."""
    for key in keys:
        for message in problems_in(data.get(key), key):
            out.error(line_of(key), message, PLAIN_HINT, rule)


@cache
def material_icons() -> Path | None:
    try:
        import material
    except ImportError:  # pragma: no cover - material is a dependency
        return None
    return Path(material.__file__).parent / "templates" / ".icons"


def icon_problem(name) -> str | None:
    """Why `name` is not an icon of Material's set, or None when it is one."""
    if not isinstance(name, str) or not ICON_RE.match(name):
        return f"icône « {name} » invalide : un nom comme « material/shield-lock » est attendu"
    folder = material_icons()
    if folder is not None and not (folder / f"{name}.svg").is_file():
        return f"icône « {name} » inconnue dans le jeu d'icônes de Material"
    return None
