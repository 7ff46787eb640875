"""Local identity: colours checked and turned into readable CSS, logo kept local."""

from __future__ import annotations

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
