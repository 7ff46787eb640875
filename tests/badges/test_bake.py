"""Baking (bake/unbake round trip) and the generated badge images."""

from __future__ import annotations

import io
import struct
import zlib

import openbadges_bakery
import pytest
from PIL import Image

from fichotheque.badges import bake, images

TEXT = '{"id": "https://example.org/badges/assertions/1.json", "name": "Sécurité"}'


@pytest.fixture(scope="module")
def png():
    return images.badge_png("Sécurité numérique", "#B3261E", "securite")


def chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def with_chunk(png: bytes, kind: bytes, data: bytes) -> bytes:
    return png[:33] + chunk(kind, data) + png[33:]  # right after IHDR


def test_bake_unbake_round_trip(png):
    baked = bake.bake(png, TEXT)
    assert bake.unbake(baked) == TEXT
    assert openbadges_bakery.unbake(io.BytesIO(baked)) == TEXT  # the reference reader agrees
    assert Image.open(io.BytesIO(baked)).size == (600, 600)  # still a valid image


def test_bake_replaces_a_previous_assertion(png):
    twice = bake.bake(bake.bake(png, "premier"), TEXT)
    assert bake.unbake(twice) == TEXT
    assert twice.count(b"openbadges\x00") == 1


def test_bake_is_deterministic(png):
    assert bake.bake(png, TEXT) == bake.bake(png, TEXT)


def test_unbake_reads_compressed_itxt_and_text_chunks(png):
    compressed = b"openbadges\x00\x01\x00\x00\x00" + zlib.compress(TEXT.encode())
    assert bake.unbake(with_chunk(png, b"iTXt", compressed)) == TEXT
    assert bake.unbake(with_chunk(png, b"tEXt", b"openbadges\x00https://example.org/a.json")) \
        == "https://example.org/a.json"


@pytest.mark.parametrize("data", [b"", b"GIF89a....", b"\x89PNG\r\n\x1a\n\x00\x00"])
def test_unbake_never_raises_on_bad_input(data):
    assert bake.unbake(data) is None


def test_unbake_plain_image_is_none(png):
    assert bake.unbake(png) is None


def test_badge_images_are_large_distinct_and_deterministic():
    designs = {
        slug: images.badge_png(title, colour, slug)
        for slug, title, colour in [
            ("securite", "Sécurité numérique", "#B3261E"),
            ("bureautique", "Bureautique", "#1A5FB4"),
            ("messagerie", "Messagerie électronique", "#26734D"),
            ("services-publics", "Services publics en ligne", "#6A3D9A"),
        ]
    }
    for slug, data in designs.items():
        image = Image.open(io.BytesIO(data))
        assert image.format == "PNG" and image.size[0] >= 400 and image.size[1] >= 400
        assert images.badge_png(*{"securite": ("Sécurité numérique", "#B3261E"),
                                  "bureautique": ("Bureautique", "#1A5FB4"),
                                  "messagerie": ("Messagerie électronique", "#26734D"),
                                  "services-publics": ("Services publics en ligne",
                                                       "#6A3D9A")}[slug], slug) == data
    assert len(set(designs.values())) == 4
    # Same colour and title, another module: the emblem alone makes a different picture.
    a = Image.open(io.BytesIO(images.badge_png("Titre", "#1A5FB4", "securite"))).convert("RGB")
    b = Image.open(io.BytesIO(images.badge_png("Titre", "#1A5FB4", "messagerie"))).convert("RGB")
    emblem = (200, 90, 400, 270)
    assert a.crop(emblem).tobytes() != b.crop(emblem).tobytes()


def test_title_is_drawn_in_white_on_the_module_colour():
    image = Image.open(io.BytesIO(images.badge_png("Sécurité numérique", "#B3261E",
                                                   "securite"))).convert("RGB")
    band = image.crop((120, 320, 480, 400))
    colours = band.getcolors(maxcolors=100000)
    white = sum(n for n, c in colours if min(c) > 235)
    red = sum(n for n, c in colours if c[0] > 150 and c[1] < 70 and c[2] < 70)
    assert white > 1500 and red > 5000  # text pixels over the medallion


def test_default_keyword_is_the_2_0_chunk(png):
    baked = bake.bake(png, TEXT)
    assert baked == bake.bake(png, TEXT, keyword="openbadges")
    data = b"openbadges\x00\x00\x00\x00\x00" + TEXT.encode("utf-8")
    assert baked == png[:33] + chunk(b"iTXt", data) + png[33:]  # uncompressed, after IHDR


def test_open_badges_3_keyword_lives_beside_the_2_0_chunk(png):
    token = "eyJhbGciOiJSUzI1NiJ9.eyJpZCI6InVybjp1dWlkOjEifQ.c2ln"
    both = bake.bake(bake.bake(png, TEXT), token, keyword=bake.OB3_KEYWORD)
    assert bake.unbake(both, keyword="openbadgecredential") == token
    assert bake.unbake(both) == TEXT
    assert openbadges_bakery.unbake(io.BytesIO(both)) == TEXT  # the 2.0 reader is not confused
    assert bake.baked_count(both) == 1 and bake.baked_count(both, keyword=bake.OB3_KEYWORD) == 1
    # Re-baking either keyword replaces its own chunk only.
    again = bake.bake(bake.bake(both, "autre", keyword=bake.OB3_KEYWORD), TEXT)
    assert bake.unbake(again, keyword=bake.OB3_KEYWORD) == "autre" and bake.unbake(again) == TEXT
    assert bake.baked_count(again, keyword=bake.OB3_KEYWORD) == 1
    assert bake.unbake(bake.bake(png, TEXT), keyword=bake.OB3_KEYWORD) is None
    assert Image.open(io.BytesIO(both)).size == (600, 600)


@pytest.mark.parametrize("keyword", ["", "a\x00b", "x" * 80])
def test_bad_keyword_is_refused(png, keyword):
    with pytest.raises(ValueError):
        bake.bake(png, TEXT, keyword=keyword)
