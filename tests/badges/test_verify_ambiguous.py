"""A badge image holding more than one assertion is never reported valid.

An attacker can add a second `openbadges` chunk to a genuine badge: one reader takes the first
(genuine, so "valid"), another the last (forged). `bake` always leaves exactly one chunk, so any
image with several is refused, whatever their order or kind (iTXt, tEXt, after IEND).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from badges_fixtures import fichotheque, write_ledger
from conftest import make_project, small_corpus
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from fichotheque.badges import LEDGER_PATH, bake
from fichotheque.badges import verify as v
from fichotheque.badges.publish import publish
from fichotheque.web import settings

NOW = dt.datetime(2026, 11, 22, tzinfo=dt.UTC)
MESSAGE = "L'image contient plusieurs assertions Open Badges"


@dataclass
class Published:
    site: Path
    valid: str


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The badge files of a small project, published without a full site build."""
    root = make_project(tmp_path_factory.mktemp("ambigu") / "projet", small_corpus())
    (root / LEDGER_PATH).unlink()
    valid, _revoked, _expired = write_ledger(root)
    publish(root / "site", root, settings.load(root))
    return Published(root / "site", valid)


@pytest.fixture(scope="module")
def genuine(built):
    return (built.site / "badges" / "assertions" / f"{built.valid}.png").read_bytes()


@pytest.fixture(scope="module")
def source(built):
    return v.SiteSource.from_dir(built.site)


def forged_text(genuine: bytes) -> str:
    """The genuine assertion, claimed for someone else (another salted hash)."""
    assertion = json.loads(bake.unbake(genuine))
    assertion["recipient"]["identity"] = "sha256$" + "0" * 64
    return json.dumps(assertion, ensure_ascii=False, indent=2)


def with_pillow(genuine: bytes, texts: list[tuple[str, str]]) -> bytes:
    """The badge re-saved by Pillow with the given (kind, text) chunks, in that order."""
    info = PngInfo()
    for kind, text in texts:
        if kind == "iTXt":
            info.add_itxt("openbadges", text)
        else:
            info.add_text("openbadges", text)
    out = io.BytesIO()
    Image.open(io.BytesIO(genuine)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def itxt_chunk(text: str) -> bytes:
    data = b"openbadges\x00\x00\x00\x00\x00" + text.encode("utf-8")
    return (len(data).to_bytes(4, "big") + b"iTXt" + data
            + (zlib.crc32(b"iTXt" + data) & 0xFFFFFFFF).to_bytes(4, "big"))


def test_single_assertion_is_still_valid(genuine, source):
    assert bake.baked_count(genuine) == 1
    assert v.verify_png(genuine, source, now=NOW).status == v.VALID
    resaved = with_pillow(genuine, [("iTXt", bake.unbake(genuine))])
    assert bake.baked_count(resaved) == 1
    assert v.verify_png(resaved, source, now=NOW).status == v.VALID


@pytest.mark.parametrize("order", ["authentique-puis-falsifiee", "falsifiee-puis-authentique",
                                   "deux-copies-identiques", "itxt-puis-text"])
def test_two_assertions_are_refused(genuine, source, order):
    real, fake = bake.unbake(genuine), forged_text(genuine)
    texts = {
        "authentique-puis-falsifiee": [("iTXt", real), ("iTXt", fake)],
        "falsifiee-puis-authentique": [("iTXt", fake), ("iTXt", real)],
        "deux-copies-identiques": [("iTXt", real), ("iTXt", real)],
        "itxt-puis-text": [("iTXt", real), ("tEXt", fake)],
    }[order]
    image = with_pillow(genuine, texts)
    assert bake.baked_count(image) == 2
    verdict = v.verify_png(image, source, now=NOW)
    assert not verdict.ok
    assert verdict.status == v.TAMPERED
    assert verdict.message.startswith(MESSAGE)


def test_assertion_hidden_after_iend_is_refused(genuine, source):
    image = genuine + itxt_chunk(forged_text(genuine))
    assert bake.unbake(image) == bake.unbake(genuine)  # the reader stops at IEND…
    verdict = v.verify_png(image, source, now=NOW)  # …but the verifier sees the extra one
    assert verdict.status == v.TAMPERED and verdict.message.startswith(MESSAGE)


def test_rebaking_drops_the_extra_assertions(genuine):
    image = with_pillow(genuine, [("iTXt", "a"), ("tEXt", "b"), ("iTXt", "c")])
    assert bake.baked_count(image) == 3
    assert bake.baked_count(bake.bake(image, bake.unbake(genuine))) == 1


def test_cli_reports_the_ambiguity(built, genuine, tmp_path):
    path = tmp_path / "badge.png"
    path.write_bytes(with_pillow(genuine, [("iTXt", bake.unbake(genuine)),
                                           ("iTXt", forged_text(genuine))]))
    result = fichotheque("badges", "verify", str(path), "--site", str(built.site))
    assert result.returncode == 1
    assert result.stdout.startswith(MESSAGE) and "Badge valide" not in result.stdout
    assert "Traceback" not in result.stderr
