"""A light brand colour stays readable everywhere it is used (issue 21, item 2).

A small site (three fiches) is built with `extra.structure.colours` set to a pale yellow and to
an amber — colours on which white text, and the colours themselves as text on white, fail
contrast — and axe-core's `color-contrast` rule runs on the home page, a fiche, the catalogue
and the open search, in the light and the dark scheme. The derivation itself is unit-tested in
tests/web/test_identity.py over many colours.
"""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import ROOT, fiche_text, make_project, run_build, small_corpus

from e2e.waits import wait_animations_done, wait_search_still
from fichotheque.web import identity

BRANDS = {
    "jaune": ("#ffeb3b", "#ffeb3b"),
    "ambre": ("#ffb300", "#ffb300"),
}
PAGES = ("", "fiches/securite/mots-de-passe/", "catalogue/")


def build_branded_site(base, primary: str, accent: str):
    files = small_corpus()
    # a fiche with a search highlight target and an admonition
    files["fiches/securite/verrouiller.md"] = fiche_text(
        title="Verrouiller son téléphone", description="Un code pour protéger son téléphone.")
    project = make_project(base / "projet", files)
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r'(\n      primary: )"#[0-9a-fA-F]+"', rf'\g<1>"{primary}"', config, count=1)
    config = re.sub(r'(\n      accent: )"#[0-9a-fA-F]+"', rf'\g<1>"{accent}"', config, count=1)
    assert f'primary: "{primary}"' in config and f'accent: "{accent}"' in config
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    result = run_build(project, base / "site")
    assert result.returncode == 0, result.stdout + result.stderr
    return base / "site"


@pytest.fixture(scope="module", params=sorted(BRANDS))
def branded_site(request, tmp_path_factory):
    primary, accent = BRANDS[request.param]
    site = build_branded_site(tmp_path_factory.mktemp(f"marque-{request.param}"), primary, accent)
    return request.param, site


def contrast_violations(page) -> list[dict]:
    results = Axe().run(page, options={"runOnly": {"type": "rule", "values": ["color-contrast"]},
                                       "resultTypes": ["violations"]})
    return results.response["violations"]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        for node in v["nodes"][:6]:
            lines.append(f"{', '.join(node['target'])}: {node.get('failureSummary', '')[:200]}")
    return "\n".join(lines)


def test_the_identity_stylesheet_carries_the_brand(branded_site):
    name, site = branded_site
    css = (site / identity.CSS_URI).read_text(encoding="utf-8")
    assert f"--md-primary-fg-color: {BRANDS[name][0]};" in css  # the header keeps the brand
    assert "--fichotheque-primary-text:" in css and "--fichotheque-accent-text:" in css


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_no_contrast_violation_with_a_light_brand_colour(branded_site, serve, new_page,
                                                          path, scheme):
    name, site = branded_site
    url = serve(site)
    page = new_page(allowed=(url,), color_scheme=scheme)
    page.goto(url + path)
    page.wait_for_load_state("networkidle")
    expected = "slate" if scheme == "dark" else "default"
    assert page.locator("body").get_attribute("data-md-color-scheme") == expected
    wait_animations_done(page)
    violations = contrast_violations(page)
    assert not violations, f"{name} {scheme} {path}:\n" + describe(violations)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_search_results_and_their_highlights_are_readable(branded_site, serve, new_page, scheme):
    name, site = branded_site
    url = serve(site)
    page = new_page(allowed=(url,), color_scheme=scheme)
    page.goto(url + "fiches/securite/mots-de-passe/")
    page.wait_for_load_state("networkidle")
    page.locator("input.md-search__input").focus()
    page.keyboard.type("mot de passe")
    page.locator(".md-search-result mark").first.wait_for(state="visible", timeout=10000)
    wait_search_still(page)  # axe on a half-faded panel measures colours no one sees
    violations = contrast_violations(page)
    assert not violations, f"{name} {scheme} recherche:\n" + describe(violations)


def test_outlined_buttons_are_readable_when_hovered(branded_site, serve, new_page):
    """axe cannot hover: the hovered outlined button is measured with the same formula."""
    name, site = branded_site
    url = serve(site)
    for scheme in ("light", "dark"):
        page = new_page(allowed=(url,), color_scheme=scheme)
        page.goto(url + "fiches/securite/mots-de-passe/")
        button = page.locator(".fiche-telechargements .md-button:not(.md-button--primary)").first
        button.hover()
        page.wait_for_timeout(300)  # Material's colour transition
        fg, bg = button.evaluate("""el => {
            const s = getComputedStyle(el);
            return [s.color, s.backgroundColor];
        }""")
        ratio = identity.contrast(css_hex(fg), css_hex(bg))
        assert ratio >= 4.5, (name, scheme, fg, bg, ratio)


def css_hex(value: str) -> str:
    """`rgb(1, 2, 3)` → `#010203` (opaque colours only)."""
    numbers = [int(float(n)) for n in re.findall(r"[\d.]+", value)[:3]]
    assert len(numbers) == 3 and ("rgba" not in value or value.endswith(", 1)")), value
    return "#" + "".join(f"{n:02x}" for n in numbers)
