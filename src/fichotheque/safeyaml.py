"""The one way the project reads YAML: located French errors, nothing dangerous accepted.

Every YAML the project owns or receives from contributors (fiche front matter, `_module.yml`,
badges, the ledger, `emetteur.yml`, parcours and quiz data) goes through `load_text` or
`load_file`. On top of PyYAML's safe loader they refuse:

- aliases and anchors (`&a` / `*a`): never needed here, and the way "billion laughs" bombs work;
- duplicate keys (PyYAML silently keeps the last one);
- tags other than YAML's standard ones (`!!python/...`, `!custom`);
- impossible dates (`2026-02-30`, `2026-13-45`), which PyYAML turns into a traceback;
- control characters such as NUL, files that are not UTF-8, files that are too big;
- symlinks, and paths that resolve outside the project.

Each refusal is a `YamlError`: `path:line: message — hint`, in French.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import yaml

from fichotheque.errors import UserError

# libyaml when available: loading 1,000 fiches is several times faster (see benchmarks/).
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

STANDARD_TAG = "tag:yaml.org,2002:"
# YAML's plain types; `!!python/…`, `!!binary`, `!!set`… are refused.
ALLOWED_TAGS = frozenset(STANDARD_TAG + name for name in
                         ("str", "int", "float", "bool", "null", "timestamp", "seq", "map"))
MAX_BYTES = 1_000_000
_TIMESTAMP = STANDARD_TAG + "timestamp"


class YamlError(UserError):
    """A YAML file that cannot be read safely; `line` is 1-based in the file, or None."""

    def __init__(self, path: str, line: int | None, message: str, hint: str | None = None):
        self.path, self.line, self.message, self.hint = path, line, message, hint
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}" + (f" — {hint}" if hint else ""))


# PyYAML's problems, most frequent first, in words a contributor can act on.
_PROBLEMS = (
    ("mapping values are not allowed",
     "un « : » inattendu dans une valeur",
     "mettez la valeur entre guillemets, par exemple : description: \"Payer : en ligne\""),
    ("found character '\\t'",
     "une tabulation sert d'indentation",
     "remplacez les tabulations par des espaces"),
    ("could not find expected ':'",
     "il manque « : » après une clé, ou une ligne continue mal la précédente",
     "écrivez « clé: valeur » sur une ligne, ou mettez le texte entre guillemets"),
    ("found unexpected end of stream",
     "un guillemet ou un crochet n'est pas fermé",
     "fermez le guillemet ou le crochet ouvert sur cette ligne"),
    ("expected <block end>",
     "l'indentation est incohérente",
     "alignez les clés d'un même niveau avec le même nombre d'espaces"),
    ("did not find expected key",
     "l'indentation est incohérente",
     "alignez les clés d'un même niveau avec le même nombre d'espaces"),
    ("did not find expected '-' indicator",
     "une liste est mal indentée",
     "commencez chaque élément de la liste par « - » au même niveau"),
    ("found unknown escape character",
     "un caractère « \\ » inconnu entre guillemets doubles",
     "utilisez des guillemets simples, ou doublez la barre oblique inverse"),
    ("found undefined alias", "un renvoi « * » vers une ancre inconnue",
     "les ancres et renvois (& et *) ne sont pas acceptés : recopiez la valeur"),
    ("unacceptable character", "le fichier contient un caractère de contrôle invisible",
     "supprimez ce caractère (copier-coller depuis un autre logiciel ?)"),
    ("special characters are not allowed", "le fichier contient un caractère de contrôle",
     "supprimez ce caractère (copier-coller depuis un autre logiciel ?)"),
    ("found character", "un caractère ne peut pas commencer une valeur ici",
     "mettez la valeur entre guillemets"),
    ("expected a comment or a line break", "du texte en trop après une valeur entre guillemets",
     "mettez toute la valeur entre les guillemets"),
)


def _translate(exc: yaml.YAMLError) -> tuple[str, str]:
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None) or ""
    for needle, message, hint in _PROBLEMS:
        if needle in problem or needle in context:
            return message, hint
    return (f"syntaxe YAML incorrecte (détail technique : {problem})",
            "comparez avec le modèle ; une valeur qui contient « : », « # » ou commence par "
            "un symbole se met entre guillemets")


def _line_of_position(text: str, position: int) -> int:
    return text.count("\n", 0, max(position, 0)) + 1


def _check_nodes(root: yaml.Node, path: str, first_line: int) -> None:
    """Refuse aliases, duplicate keys, foreign tags and impossible dates, walking once."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        line = node.start_mark.line + first_line
        if id(node) in seen:
            raise YamlError(path, line, "les ancres et renvois YAML (& et *) ne sont pas acceptés",
                            "recopiez la valeur au lieu de la renvoyer")
        seen.add(id(node))
        if node.tag not in ALLOWED_TAGS:
            raise YamlError(path, line, f"balise YAML « {node.tag} » non acceptée",
                            "retirez la balise qui commence par « ! »")
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _TIMESTAMP:
                _check_date(node.value, path, line)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            keys: dict[str, int] = {}
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    key_line = key.start_mark.line + first_line
                    if key.value in keys:
                        raise YamlError(path, key_line,
                                        f"la clé « {key.value} » apparaît deux fois "
                                        f"(déjà ligne {keys[key.value]})",
                                        "gardez une seule fois chaque clé")
                    keys[key.value] = key_line
                elif not isinstance(key, yaml.ScalarNode):
                    raise YamlError(path, key.start_mark.line + first_line,
                                    "une clé doit être un simple mot",
                                    "écrivez « clé: valeur »")
                stack.append(value)
                stack.append(key)


_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def _check_date(value: str, path: str, line: int) -> None:
    match = _DATE.match(value)
    try:
        if match is None:
            raise ValueError(value)
        dt.date(*map(int, match.groups()))
        yaml.SafeLoader("").construct_yaml_timestamp(yaml.ScalarNode(_TIMESTAMP, value))
    except (ValueError, OverflowError):
        raise YamlError(path, line, f"la date « {value} » n'existe pas",
                        "écrivez une date réelle au format AAAA-MM-JJ, par exemple 2026-02-28"
                        ) from None


def load_text(text: str, path: str = "<texte>", *, first_line: int = 1):
    """The node tree (for line numbers) and the values of one YAML document.

    `first_line` is the file line of the text's first line (2 for front matter after `---`).
    Returns (None, None) for an empty document. Raises YamlError.
    """
    if "\x00" in text:
        raise YamlError(path, _line_of_position(text, text.index("\x00")) + first_line - 1,
                        "le fichier contient un caractère nul (invisible)",
                        "enregistrez-le à nouveau comme texte UTF-8")
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            message, hint = _translate(exc)
            if mark and "\t" in (text.splitlines()[mark.line:mark.line + 1] or [""])[0]:
                message, hint = "une tabulation sert d'indentation", "remplacez-la par des espaces"
            raise YamlError(path, mark.line + first_line if mark else None, message,
                            hint) from None
        except yaml.YAMLError as exc:  # ReaderError: a forbidden character
            position = getattr(exc, "position", 0)
            message, hint = _translate(exc)
            raise YamlError(path, _line_of_position(text, position) + first_line - 1,
                            message, hint) from None
        if node is None:
            return None, None
        _check_nodes(node, path, first_line)
        try:
            return node, loader.construct_document(node)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
            mark = getattr(exc, "problem_mark", None)
            raise YamlError(path, mark.line + first_line if mark else None,
                            "une valeur ne peut pas être lue",
                            "vérifiez les guillemets et le format des dates") from None
    finally:
        loader.dispose()


def inside(path: Path, root: Path) -> bool:
    """Whether `path`, symlinks resolved, stays inside `root`."""
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def read_text(path: Path, root: Path | None = None, *, max_bytes: int = MAX_BYTES) -> str:
    """A contributor's text file; refused if a symlink, outside `root`, huge or not UTF-8."""
    path = Path(path)
    shown = _shown(path, root)
    if path.is_symlink():
        raise YamlError(shown, None, "ce fichier est un lien symbolique",
                        "remplacez le lien par un vrai fichier")
    if root is not None and not inside(path, root):
        raise YamlError(shown, None, "ce fichier est en dehors du projet",
                        "placez-le dans le dossier du projet")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise YamlError(shown, None, f"fichier trop gros ({size // 1000} ko, "
                            f"au plus {max_bytes // 1000} ko)",
                            "découpez-le en plusieurs fichiers")
        data = path.read_bytes()
    except IsADirectoryError:
        raise YamlError(shown, None, "c'est un dossier, pas un fichier",
                        "renommez le dossier") from None
    except FileNotFoundError:
        raise YamlError(shown, None, "fichier introuvable", None) from None
    except OSError as exc:
        raise YamlError(shown, None, f"fichier illisible ({os.strerror(exc.errno or 0)})",
                        "vérifiez les droits de lecture") from None
    try:
        return data.decode("utf-8").lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        raise YamlError(shown, _line_of_position(data.decode("latin-1"), exc.start),
                        "le fichier n'est pas encodé en UTF-8",
                        "enregistrez-le en UTF-8 (« Enregistrer sous », codage UTF-8)") from None


def load_file(path: Path, root: Path | None = None, *, max_bytes: int = MAX_BYTES):
    """`load_text` on a file read with `read_text`'s confinement and limits."""
    return load_text(read_text(path, root, max_bytes=max_bytes), _shown(Path(path), root))


def load_data(path: Path, root: Path | None = None, *, max_bytes: int = MAX_BYTES):
    """Only the values of `load_file`."""
    return load_file(path, root, max_bytes=max_bytes)[1]


def _shown(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.absolute().relative_to(Path(root).absolute()).as_posix()
        except ValueError:
            pass
    return str(path)


def line_at(node, *path) -> int | None:
    """File line of the value at `path` (mapping keys and list indexes) in a node tree.

    Falls back to the nearest parent found, so a message always has a line when the file has one.
    """
    line = node.start_mark.line + 1 if node is not None else None
    for step in path:
        if isinstance(node, yaml.MappingNode):
            found = next((v for k, v in node.value if str(k.value) == str(step)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) \
                and 0 <= step < len(node.value):
            found = node.value[step]
        else:
            found = None
        if found is None:
            break
        node = found
        line = node.start_mark.line + 1
    return line
