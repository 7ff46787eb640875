"""Local identity: colours checked and turned into readable CSS, logo kept local."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fichotheque.web import identity
from fichotheque.web.settings import from_mapping


def site(structure: dict):
    return from_mapping({"site_name": "X", "extra": {"structure": structure}}, Path("."))


def test_contrast_of_known_pairs():
    assert identity.contrast("#000000", "#ffffff") == pytest.approx(21, rel=1e-3)
    assert identity.contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_text_colour_on_light_and_dark_headers():
    assert identity.text_on("#3949ab") == identity.WHITE
    assert identity.text_on("#ffd166") == identity.DARK


def test_link_colour_is_darkened_until_readable():
    pale = "#66bbff"
    assert identity.contrast(pale, identity.WHITE) < 4.5
    assert identity.contrast(identity.readable_on_white(pale), identity.WHITE) >= 4.5


def test_colours_are_checked():
    colours = identity.colours_from(site({"name": "R", "colours": {"primary": "#ABC"}}))
    assert colours == identity.Colours(primary="#aabbcc")
    with pytest.raises(identity.IdentityError, match=r"colours\.accent : « rouge »"):
        identity.colours_from(site({"name": "R", "colours": {"accent": "rouge"}}))
    with pytest.raises(identity.IdentityError, match="clé « secondary » inconnue"):
        identity.colours_from(site({"name": "R", "colours": {"secondary": "#000000"}}))


def test_css_sets_material_properties():
    css = identity.theme_css(identity.Colours(primary="#00695c", accent="#c2410c"))
    assert "--md-primary-fg-color: #00695c;" in css
    assert "--md-primary-bg-color: #ffffff;" in css
    assert "--md-accent-fg-color:" in css
    assert identity.theme_css(identity.Colours()).count("{") == 0


def test_logo_must_be_a_file_under_docs(tmp_path):
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets/logo.png").write_bytes(b"x")
    assert identity.logo_path(site({"name": "R", "logo": "assets/logo.png"}), tmp_path) == \
        "assets/logo.png"
    assert identity.logo_path(site({"name": "R"}), tmp_path) == ""
    for bad in ("https://cdn.example.org/logo.png", "//cdn.example.org/l.png"):
        with pytest.raises(identity.IdentityError, match="adresse web"):
            identity.logo_path(site({"name": "R", "logo": bad}), tmp_path)
    with pytest.raises(identity.IdentityError, match="introuvable"):
        identity.logo_path(site({"name": "R", "logo": "../mkdocs.yml"}), tmp_path)


# -- every colour derived from a brand colour reaches its contrast threshold (issue 21) ---------
def sample_colours() -> list[str]:
    """A 12-step RGB grid (1,728 colours), Material's palette and the colours of the issue."""
    steps = [round(i * 255 / 11) for i in range(12)]
    grid = [f"#{r:02x}{g:02x}{b:02x}" for r in steps for g in steps for b in steps]
    named = ["#ffeb3b", "#ffb300", "#ffd166", "#66bbff", "#3949ab", "#c2410c", "#00695c",
             "#777777", "#767676", "#959595", "#ff002d", "#00871e", "#ffffff", "#000000",
             "#1e5aa8", "#e91e63", "#4caf50", "#ff9800", "#9c27b0", "#00bcd4", "#cddc39"]
    return named + grid


def test_text_on_any_background_reaches_aa():
    for colour in sample_colours():
        assert identity.contrast(colour, identity.text_on(colour)) >= 4.5, colour


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_every_derived_pair_reaches_its_threshold(scheme):
    surfaces = identity.LIGHT_SURFACES if scheme == "default" else identity.DARK_SURFACES
    for colour in sample_colours():
        p = identity.palette(colour, scheme)
        assert p.brand == colour  # the header keeps the structure's colour
        # text on the brand background (header, primary buttons, drawer title)
        assert identity.contrast(p.brand, p.on_brand) >= 4.5, colour
        assert identity.contrast(p.brand_dark, p.on_brand) >= 4.5, colour
        assert identity.luminance(p.brand_dark) <= identity.luminance(p.brand) + 1e-9, colour
        # the brand as text, links and button borders, on every surface of the scheme,
        # and on the 10 % wash of itself Material puts behind hovered results
        for surface in (*surfaces, identity.mix(surfaces[0], p.text, identity.TINT)):
            assert identity.contrast(p.text, surface) >= 4.5, (colour, surface, p.text)
            assert identity.contrast(p.text, surface) >= identity.AA_LARGE_OR_UI
        # text on the brand text colour used as a background (hovered outlined buttons, tags)
        assert identity.contrast(p.text, p.on_text) >= 4.5, colour


def test_readable_variant_stays_close_to_the_brand():
    """A colour that already passes is kept; one that fails moves only as far as needed."""
    assert identity.palette("#3949ab").text == "#3949ab"
    yellow = identity.palette("#ffeb3b").text
    assert 4.5 <= identity.contrast(yellow, "#ececec") < 4.8
    assert identity.palette("#ffeb3b", "slate").text == "#ffeb3b"
    navy = identity.palette("#1a237e", "slate").text
    assert 4.5 <= identity.contrast(navy, identity.DARK_SURFACES[-1]) < 4.8


def test_yellow_brand_css_has_dark_header_text_and_readable_links():
    css = identity.theme_css(identity.Colours(primary="#ffeb3b", accent="#ffb300"))
    light, dark = css.split('body[data-md-color-scheme="slate"]')
    assert "--md-primary-fg-color: #ffeb3b;" in light and "--md-primary-fg-color: #ffeb3b;" in dark
    assert f"--md-primary-bg-color: {identity.DARK};" in light
    link = re.search(r"--md-typeset-a-color: (#[0-9a-f]{6});", light).group(1)
    assert identity.contrast(link, "#ffffff") >= 4.5 and link != "#ffeb3b"
    accent = re.search(r"--md-accent-fg-color: (#[0-9a-f]{6});", light).group(1)
    on_accent = re.search(r"--md-accent-bg-color: (#[0-9a-f]{6});", light).group(1)
    assert identity.contrast(accent, on_accent) >= 4.5
    dark_link = re.search(r"--md-typeset-a-color: (#[0-9a-f]{6});", dark).group(1)
    assert identity.contrast(dark_link, identity.DARK_SURFACES[0]) >= 4.5
