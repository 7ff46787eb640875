"""YAML front matter with the line of every key, so problems can point at `file:line`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from fichotheque import safeyaml


class FrontMatterError(ValueError):
    """The front matter cannot be read; `line` is 1-based in the whole file."""

    def __init__(self, message: str, line: int | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.hint = hint


@dataclass(frozen=True)
class Document:
    """A Markdown file split into its metadata and its body."""

    meta: dict
    key_lines: dict[str, int] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1  # line of the file where the body starts

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, 1)


_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
MAX_FICHE_BYTES = 100_000  # about 15 printed pages of text: far more than any workshop needs


def split(text: str) -> Document:
    """Split `---`-delimited YAML front matter from the Markdown body.

    Raises FrontMatterError when the block is missing, unclosed, not YAML or not a mapping.
    """
    text = text.lstrip("\ufeff")
    if len(text.encode("utf-8")) > MAX_FICHE_BYTES:
        raise FrontMatterError(f"fiche trop longue ({len(text.encode('utf-8')) // 1000} ko, "
                               f"au plus {MAX_FICHE_BYTES // 1000} ko)", 1,
                               "découpez-la en plusieurs fiches de 45 à 90 minutes")
    control = _CONTROL_RE.search(text)
    if control:
        raise FrontMatterError("le fichier contient un caractère de contrôle invisible "
                               f"(code {ord(control.group())})",
                               text.count("\n", 0, control.start()) + 1,
                               "supprimez-le (souvent venu d'un copier-coller) ; enregistrez "
                               "le fichier comme texte UTF-8")
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise FrontMatterError(
            "la fiche doit commencer par un bloc de métadonnées entre deux lignes « --- »", 1
        )
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        raise FrontMatterError("le bloc de métadonnées n'est pas fermé par une ligne « --- »", 1)
    meta_text = "".join(lines[1:end])
    try:
        node, meta = safeyaml.load_text(meta_text, first_line=2)
    except safeyaml.YamlError as exc:
        raise FrontMatterError(f"métadonnées illisibles : {exc.message}", exc.line,
                               exc.hint) from None
    if meta is None:
        meta, node = {}, None
    if not isinstance(meta, dict):
        raise FrontMatterError("les métadonnées doivent être une liste de clés « clé: valeur »", 2)
    key_lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            key_lines[str(key_node.value)] = key_node.start_mark.line + 2
    return Document(
        meta=meta, key_lines=key_lines, body="".join(lines[end + 1 :]), body_line=end + 2
    )
