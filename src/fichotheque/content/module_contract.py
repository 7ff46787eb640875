"""The contract of a module's `_module.yml`: its keys, their values, and the fiches' order."""

from __future__ import annotations

from fichotheque.content import plaintext
from fichotheque.content.contract import Collector, _choices, _suggest
from fichotheque.content.model import COLOUR_RE, MODULE_KEYS, MODULE_OPTIONAL_KEYS, SLUG_RE


def check_module_meta(data: dict, lines: dict[str, int], out: Collector) -> dict | None:
    """Validate the values of a `_module.yml`; returns them when the file has no error."""
    known = MODULE_KEYS + MODULE_OPTIONAL_KEYS
    for key in data:
        if key not in known:
            out.error(lines.get(key), f"clé « {key} » inconnue",
                      _suggest(key, known) or f"clés possibles : {_choices(known)}",
                      "module")
    sequence = data.get("fiches")
    if sequence is not None and not (isinstance(sequence, list)
                                     and all(isinstance(s, str) and SLUG_RE.match(s)
                                             for s in sequence)):
        out.error(lines.get("fiches"), "« fiches » doit être la liste des fiches, dans l'ordre",
                  "une ligne « - nom-de-la-fiche » par fiche, sans « .md »", "module")
    for key in MODULE_KEYS:
        if data.get(key) in (None, ""):
            out.error(lines.get(key, 1), f"clé obligatoire « {key} » absente ou vide", None,
                      "module")
    if data.get("order") is not None and (isinstance(data["order"], bool)
                                          or not isinstance(data["order"], int)):
        out.error(lines.get("order"), "« order » doit être un nombre entier", None, "module")
    colour = data.get("colour")
    if colour and not (isinstance(colour, str) and COLOUR_RE.match(colour)):
        out.error(lines.get("colour"), f"couleur « {colour} » invalide",
                  "écrivez une couleur hexadécimale entre guillemets, par exemple \"#1A5FB4\"",
                  "module")
    plaintext.check_plain(data, ("title", "description"), lines.get, out, "module")
    if data.get("icon") and (problem := plaintext.icon_problem(data["icon"])):
        out.error(lines.get("icon"), problem, "choisissez sur squidfunk.github.io/mkdocs-material"
                  "/reference/icons-emojis/", "module")
    badge = data.get("badge")
    if badge and not (isinstance(badge, str) and SLUG_RE.match(badge)):
        out.error(lines.get("badge"), f"identifiant de badge « {badge} » invalide",
                  "minuscules et tirets, en général le nom du module", "module")
    if out.count:
        return None
    values = {key: data[key] for key in MODULE_KEYS}
    values["sequence"] = tuple(dict.fromkeys(data.get("fiches") or ()))
    values["sequence_line"] = lines.get("fiches")
    return values


