"""Reading contributors' YAML records (parcours, quizzes): known keys, typed values, each problem
recorded with its file and line, plain text only.

A `Record` wraps one mapping of a file with its place in the node tree; each getter records an
error and returns None when the value is missing or wrong, so a file is checked in one pass.
"""

from __future__ import annotations

from fichotheque import safeyaml
from fichotheque.content import plaintext
from fichotheque.content.contract import Collector, _choices, _suggest


class Record:
    """One YAML mapping of a contributor's file (`path` leads to it from the file's root)."""

    def __init__(self, data, node, path: tuple, out: Collector, rule: str, what: str = ""):
        self.data = data if isinstance(data, dict) else {}
        self.node = node
        self.path = path
        self.out = out
        self.rule = rule
        self.what = what  # « la séance 2 » : said before each message

    def line(self, *keys) -> int | None:
        return safeyaml.line_at(self.node, *self.path, *keys)

    def error(self, key, message: str, hint: str | None = None, *more) -> None:
        prefix = f"{self.what} : " if self.what else ""
        keys = () if key is None else (key, *more)
        self.out.error(self.line(*keys), prefix + message, hint, self.rule)

    def warning(self, key, message: str, hint: str | None = None) -> None:
        prefix = f"{self.what} : " if self.what else ""
        self.out.warning(self.line(*(() if key is None else (key,))), prefix + message, hint,
                         self.rule)

    def keys(self, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> bool:
        """Unknown and missing keys; False when the record is not a mapping at all."""
        known = required + optional
        for key in self.data:
            if key not in known:
                self.error(key, f"clé « {key} » inconnue",
                           _suggest(key, known) or f"clés possibles : {_choices(known)}")
        for key in required:
            if self.data.get(key) in (None, "", []):
                self.error(None, f"clé obligatoire « {key} » absente ou vide")
        return True

    def text(self, key: str, limit: int, required: bool = True) -> str | None:
        value = self.data.get(key)
        if value is None or value == "":
            return None if required else ""
        if not isinstance(value, str):
            self.error(key, f"« {key} » doit être un texte", "mettez-le entre guillemets")
            return None
        value = " ".join(value.split())
        for message in plaintext.problems_in(value, key):
            self.error(key, message, plaintext.PLAIN_HINT)
            return None
        if len(value) > limit:
            self.error(key, f"« {key} » trop long ({len(value)} caractères, {limit} au plus)",
                       "dites-le plus court")
            return None
        return value

    def texts(self, key: str, limit: int, low: int = 0, high: int = 50) -> tuple[str, ...] | None:
        value = self.data.get(key, [] if low == 0 else None)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip()
                                                  for v in value):
            self.error(key, f"« {key} » doit être une liste de textes",
                       "une ligne « - texte » par élément")
            return None
        if not low <= len(value) <= high:
            self.error(key, f"« {key} » a {len(value)} éléments ({low} à {high} attendus)")
            return None
        result = []
        for index, item in enumerate(value):
            item = " ".join(item.split())
            problems = plaintext.problems_in(item, key)
            if problems or len(item) > limit:
                self.error(key, problems[0] if problems else
                           f"élément {index + 1} de « {key} » trop long ({len(item)} caractères,"
                           f" {limit} au plus)", plaintext.PLAIN_HINT if problems else None,
                           index)
                return None
            result.append(item)
        return tuple(result)

    def integer(self, key: str, low: int, high: int, unit: str = "") -> int | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.error(key, f"« {key} » doit être un nombre entier de {low} à {high}{unit}"
                       f" (lu : « {value} »)")
            return None
        return value

    def boolean(self, key: str, default: bool = False) -> bool | None:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            self.error(key, f"« {key} » doit valoir true ou false (lu : « {value} »)")
            return None
        return value

    def items(self, key: str, low: int, high: int) -> list | None:
        """The raw items of a list value (each read as a `Record` by the caller)."""
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, list):
            self.error(key, f"« {key} » doit être une liste", "une ligne « - … » par élément")
            return None
        if not low <= len(value) <= high:
            self.error(key, f"« {key} » a {len(value)} éléments ({low} à {high} attendus)")
            return None
        return value

    def child(self, key: str, index: int, what: str) -> Record:
        value = self.data.get(key)[index]
        record = Record(value, self.node, (*self.path, key, index), self.out, self.rule, what)
        if not isinstance(value, dict):
            record.error(None, "doit contenir des clés « clé: valeur »")
        return record


def load(path, root, out: Collector, rule: str) -> Record | None:
    """Read a contributor's YAML file as a `Record`, or record why it cannot be read."""
    try:
        node, data = safeyaml.load_file(path, root)
    except safeyaml.YamlError as exc:
        out.error(exc.line, exc.message, exc.hint, rule)
        return None
    if not isinstance(data, dict):
        out.error(1, "le fichier doit contenir des clés « clé: valeur »", None, rule)
        return None
    return Record(data, node, (), out, rule)
