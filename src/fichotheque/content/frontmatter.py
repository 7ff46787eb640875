"""YAML front matter with the line of every key, so problems can point at `file:line`."""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml


class FrontMatterError(ValueError):
    """The front matter cannot be read; `line` is 1-based in the whole file."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True)
class Document:
    """A Markdown file split into its metadata and its body."""

    meta: dict
    key_lines: dict[str, int] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1  # line of the file where the body starts

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, 1)


# libyaml when available: loading 1,000 fiches is several times faster (see benchmarks/).
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str) -> tuple[yaml.Node | None, object]:
    """The node tree (for line numbers) and the values of one YAML document, in one parse."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


def split(text: str) -> Document:
    """Split `---`-delimited YAML front matter from the Markdown body.

    Raises FrontMatterError when the block is missing, unclosed, not YAML or not a mapping.
    """
    text = text.lstrip("\ufeff")
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
        node, meta = parse_yaml(meta_text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise FrontMatterError(f"métadonnées YAML illisibles ({problem})", line) from None
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
