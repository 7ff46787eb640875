"""Badge texts from YAML reach pages, images and JSON as text, never as markup.

A badge file is written by whoever can open a pull request; its name, description and criteria
are shown on the badges page, the home page, the claim and verify pages (through JSON read by
our scripts with `textContent`), drawn in the PNG and published in the Open Badges JSON.
"""

from __future__ import annotations

import json

import pytest
from badges_fixtures import ALICE
from conftest import make_project, run_build, small_corpus

from fichotheque.badges import LEDGER_PATH, bake, ledger
from fichotheque.badges.build import badge_list_html
from fichotheque.badges.openbadges import load_definitions
from fichotheque.content.loading import load_corpus
from fichotheque.web import settings

NAME = "Piège</title><script>alert(1)</script>"
DESCRIPTION = 'Un <img src=x onerror="alert(2)"> badge & des <b>balises</b>'
CRITERIA = "<script>alert(3)</script>\n\n[lien](javascript:alert(4))"
BADGE_YML = (f"name: {json.dumps(NAME)}\ndescription: {json.dumps(DESCRIPTION)}\n"
             f"criteria: {json.dumps(CRITERIA)}\n")
MARKUP = ("<script>alert", "<img src=x", "</title><script", "<b>balises")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("escape") / "projet", small_corpus())
    (root / "badges" / "securite.yml").write_text(BADGE_YML, encoding="utf-8")
    (root / LEDGER_PATH).unlink()
    award = ledger.award(root / LEDGER_PATH, "securite", ALICE, ["securite", "messagerie"])
    result = run_build(root, root / "site")
    assert result.returncode == 0, result.stdout + result.stderr
    return root, root / "site", award


def test_badge_list_html_escapes_every_text(built):
    root, _site, _award = built
    defs = load_definitions(root, settings.load(root), load_corpus(root))
    html = badge_list_html(defs)
    assert "<h2>Piège&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;</h2>" in html
    assert "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in html
    for bad in MARKUP:
        assert bad not in html


def test_no_markup_from_badge_files_in_built_pages_or_svg(built):
    _root, site, _award = built
    checked = 0
    for path in site.rglob("*"):
        if path.suffix not in (".html", ".svg", ".xml"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for bad in MARKUP:
            assert bad not in text, (path.relative_to(site), bad)
        checked += 1
    assert checked > 5
    page = (site / "badges" / "index.html").read_text(encoding="utf-8")
    assert "Piège&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown, as text
    assert list((site / "badges" / "assertions").glob("*.qr.svg"))


def test_json_keeps_the_text_as_data(built):
    _root, site, award = built
    badge = json.loads((site / "badges" / "securite.json").read_text(encoding="utf-8"))
    assert badge["name"] == NAME and badge["description"] == " ".join(DESCRIPTION.split())
    claim = json.loads((site / "badges" / "assertions" / f"{award.id}.obtenir.json")
                       .read_text("utf-8"))
    assert claim["badgeInfo"]["name"] == NAME  # the claim page shows it with textContent
    # the baked image holds the hosted assertion, which only points at the BadgeClass
    png = (site / "badges" / "assertions" / f"{award.id}.png").read_bytes()
    assert json.loads(bake.unbake(png))["badge"].endswith("/badges/securite.json")
