"""Content licences: which are free, how to credit them, and which adaptations are allowed."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from fichotheque.content.referentiels import load_data

DEFAULT_LICENCE = "CC-BY-SA-4.0"

# Short names people read on a page or a printed sheet.
SHORT_NAMES = {
    "CC0-1.0": "CC0 1.0",
    "CC-BY-4.0": "CC BY 4.0",
    "CC-BY-SA-4.0": "CC BY-SA 4.0",
    "etalab-2.0": "Licence Ouverte 2.0",
    "CC-BY-NC-4.0": "CC BY-NC 4.0",
    "CC-BY-ND-4.0": "CC BY-ND 4.0",
    "CC-BY-NC-SA-4.0": "CC BY-NC-SA 4.0",
    "CC-BY-NC-ND-4.0": "CC BY-NC-ND 4.0",
}


@dataclass(frozen=True)
class Licence:
    spdx: str
    name: str
    url: str
    free: bool
    accepted: bool
    share_alike: bool
    attribution_required: bool
    reason: str | None = None

    @property
    def short_name(self) -> str:
        return SHORT_NAMES.get(self.spdx, self.spdx)

    @property
    def deed_url(self) -> str:
        """The French human-readable summary for Creative Commons licences, else the licence URL."""
        if "creativecommons.org" in self.url:
            return self.url.rstrip("/") + "/deed.fr"
        return self.url


@cache
def licences() -> dict[str, Licence]:
    data = load_data("licences")
    return {
        item["spdx"]: Licence(
            spdx=item["spdx"],
            name=item["name"],
            url=item["url"],
            free=bool(item["libre"]),
            accepted=bool(item["accept"]),
            share_alike=bool(item.get("share_alike", False)),
            attribution_required=bool(item.get("attribution_required", True)),
            reason=item.get("reason"),
        )
        for item in data["licences"]
    }


def get(spdx: str) -> Licence | None:
    """Find a licence by SPDX id, tolerating case differences (`Etalab-2.0`)."""
    table = licences()
    if spdx in table:
        return table[spdx]
    lowered = {k.lower(): v for k, v in table.items()}
    return lowered.get(str(spdx).lower())


def accepted() -> list[Licence]:
    return [lic for lic in licences().values() if lic.accepted]


def accepted_list_text() -> str:
    """`CC-BY-SA-4.0, CC-BY-4.0, CC0-1.0 ou etalab-2.0` for error messages."""
    ids = [DEFAULT_LICENCE] + [lic.spdx for lic in accepted() if lic.spdx != DEFAULT_LICENCE]
    return ", ".join(ids[:-1]) + " ou " + ids[-1]


@cache
def _derivatives() -> dict:
    """Read once: `check` asks for every fiche that adapts a source."""
    return load_data("licences")["derivative_compatibility"]


def compatibility(source: str, target: str) -> str | None:
    """How adapting a `source`-licensed work under `target` stands.

    Returns `ok`, `ok?` (deduced, not confirmed), `no`, `no?`, `reject` (non-free source), or
    None when either licence is unknown.
    """
    src, tgt = get(source), get(target)
    if src is None or tgt is None:
        return None
    row = _derivatives().get(src.spdx)
    if row == "reject" or row is None:
        return "reject"
    value = row.get(tgt.spdx)
    if isinstance(value, bool):  # YAML 1.1 reads a bare `no` as False
        return "ok" if value else "no"
    return value
