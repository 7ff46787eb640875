"""The claim and verify pages in headless Chromium, on a built project with a fixture ledger."""

from __future__ import annotations

import datetime as dt
import json
import zlib

import pytest
from badges_fixtures import ALICE, BOB, SITE_URL, badge_project

from fichotheque.badges import bake, images
from fichotheque.badges import verify as v

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return badge_project(tmp_path_factory.mktemp("e2e-badges"))


@pytest.fixture
def site(built, serve, new_page):
    url = serve(built.site)

    def open_page(path: str):
        page = new_page(allowed=(url,), accept_downloads=True)
        page.clock.set_fixed_time(NOW)  # verdicts on expiry do not depend on the sandbox clock
        page.requests_made = []
        page.on("request", lambda request: page.requests_made.append(request.url))
        page.goto(url + path)
        return page

    open_page.url = url
    return open_page


# -- claim page ----------------------------------------------------------------------------------

def claim(page, email):
    page.get_by_label("Votre adresse e-mail").fill(email)
    page.get_by_role("button", name="Afficher mon badge").click()


def test_claim_link_opens_that_badge_only(site, built, tmp_path):
    page = site(f"badges/obtenir/?id={built.valid}")
    page.wait_for_function(
        "document.getElementById('fb-claim-intro').textContent.includes('Sécurité numérique')")
    assert not page.locator("#fb-claim-link").is_visible()  # the link already names the badge
    claim(page, "  " + ALICE.upper() + " ")
    page.get_by_role("heading", name="Sécurité numérique", level=2).wait_for()
    assert page.locator("#fb-claim-status").inner_text() == "Votre badge est prêt."
    # the page read this award's file, never a list of every award
    assert not any("index.json" in url for url in page.requests_made)
    assert sum("obtenir.json" in url for url in page.requests_made) == 1
    with page.expect_download() as info:
        page.get_by_role("link", name="Télécharger mon badge (PNG)").click()
    path = tmp_path / "badge.png"
    info.value.save_as(path)
    assert info.value.suggested_filename == "badge-securite-numerique.png"
    data = path.read_bytes()
    assert data == (built.site / "badges" / "assertions" / f"{built.valid}.png").read_bytes()
    verdict = v.verify_png(data, v.SiteSource.from_dir(built.site), email=ALICE, now=NOW)
    assert verdict.ok
    with page.expect_download() as info:
        page.get_by_role("link", name="Version signée (PNG)").click()
    info.value.save_as(tmp_path / "signed.png")
    assert bake.unbake((tmp_path / "signed.png").read_bytes()).count(".") == 2  # a JWS
    with page.expect_download() as info:
        page.get_by_role("link", name="Format Open Badges 3.0 (PNG)").click()
    info.value.save_as(tmp_path / "ob3.png")
    ob3 = (tmp_path / "ob3.png").read_bytes()
    assert bake.unbake(ob3, keyword=bake.OB3_KEYWORD).count(".") == 2  # a VC-JWT
    assert v.verify_png(ob3, v.SiteSource.from_dir(built.site), email=ALICE, now=NOW).ok
    assert page.foreign_requests == []


def test_claim_shows_revoked_and_wrong_addresses(site, built):
    page = site(f"badges/obtenir/?id={built.revoked}")
    claim(page, BOB)
    card = page.locator(".fb-claim-card")
    card.wait_for()
    assert "Ce badge a été révoqué : Délivré par erreur" in card.inner_text()
    assert card.get_by_role("link", name="Télécharger mon badge (PNG)").count() == 0
    page.locator("#fb-claim-results").evaluate("r => r.textContent = ''")
    email = page.get_by_label("Votre adresse e-mail")
    claim(page, "personne@example.org")
    error = page.locator("#fb-claim-email-error")
    page.wait_for_function(
        "document.getElementById('fb-claim-email-error').textContent.includes('pas été délivré')")
    assert "personne@example.org" in error.inner_text() and error.is_visible()
    # the error is tied to its field, and the field has the focus (WCAG 3.3.1, RGAA 11.10)
    assert email.get_attribute("aria-invalid") == "true"
    assert "fb-claim-email-error" in email.get_attribute("aria-describedby")
    assert page.evaluate("document.activeElement.id") == "fb-claim-email"
    claim(page, "pas-une-adresse")
    assert "semble incomplète" in error.inner_text()


def test_claim_without_the_link_asks_for_it(site, built):
    page = site("badges/obtenir/")
    link = page.get_by_label("Le lien reçu par e-mail")
    assert link.is_visible()
    claim(page, ALICE)
    assert link.get_attribute("aria-invalid") == "true"
    assert "Collez le lien reçu" in page.locator("#fb-claim-link-error").inner_text()
    link.fill(f"{SITE_URL}badges/obtenir/?id={built.valid}")
    claim(page, ALICE)
    page.get_by_role("heading", name="Sécurité numérique", level=2).wait_for()
    assert link.get_attribute("aria-invalid") is None


def test_claim_prints_a_certificate_with_the_typed_name(site, built):
    page = site(f"badges/obtenir/?id={built.valid}")
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    claim(page, ALICE)
    page.get_by_label("Votre nom, tel qu'il apparaîtra sur l'attestation").fill("Alice Martin")
    page.evaluate("window.print = () => { window.printCalls = (window.printCalls || 0) + 1 }")
    page.get_by_role("button", name="Imprimer l'attestation").click()
    assert page.evaluate("window.printCalls") >= 1
    page.emulate_media(media="print")
    cert = page.locator("#fb-print-root .fb-certificate")
    assert cert.is_visible()
    assert not page.locator(".md-header").is_visible()
    text = cert.inner_text()
    assert "Alice Martin" in text and "Sécurité numérique" in text
    assert "nom indiqué par la personne titulaire" in text  # the name is not verified
    logo = cert.locator("img.fb-certificate__logo")
    assert logo.evaluate("img => img.complete && img.naturalWidth > 0")
    assert "Créer un mot de passe solide" in text  # the criteria: the module's fiches
    assert f"{SITE_URL}badges/verifier/?id={built.valid}" in text
    qr = cert.locator("img[src$='.qr.svg']")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    # The name stays in the browser: no request carries it.
    assert not any("Alice" in url or "Martin" in url for url in requests)
    assert page.foreign_requests == []


# -- verify page ---------------------------------------------------------------------------------

def verify_file(page, path):
    page.locator("#fb-file").set_input_files(str(path))
    box = page.locator(".fb-verdict__box")
    box.wait_for()
    return box


def assertion_png(built, award_id, signed=False):
    suffix = {False: "", True: ".signed"}.get(signed, signed)
    return built.site / "badges" / "assertions" / f"{award_id}{suffix}.png"


@pytest.mark.parametrize(("signed", "how"), [(False, "badge hébergé"), (True, "badge signé"),
                                             (".ob3", "Open Badges 3.0 signé")])
def test_verify_valid_badge(site, built, signed, how):
    page = site("badges/verifier/")
    box = verify_file(page, assertion_png(built, built.valid, signed))
    page.wait_for_function(
        "document.querySelector('.fb-verdict__box')?.dataset.status === 'valide'")
    text = box.inner_text()
    assert "Badge valide" in text and "Sécurité numérique" in text
    assert "Collectif Fichothèque" in text and "14 mars 2026" in text
    # what a recruiter needs: how it was checked, the competences, the evidence, the holder
    assert how in text
    assert "Compétences visées" in text and "Pix 4.1" in text
    assert "Ateliers de mars 2026" in text  # evidence
    assert "lié à une adresse e-mail, pas à un nom" in text
    assert "fichotheque badges" not in text  # no command line for the public
    assert page.foreign_requests == []


@pytest.mark.parametrize(("which", "status", "words"), [
    ("revoked", "révoqué", "Motif : Délivré par erreur"),
    ("expired", "expiré", "Ce badge a expiré le 30 juin 2026"),
])
def test_verify_revoked_and_expired(site, built, which, status, words):
    page = site("badges/verifier/")
    for signed in (False, True, ".ob3"):
        if not assertion_png(built, getattr(built, which), signed).exists():
            assert which == "revoked" and signed == ".ob3"  # revoked before it was signed
            continue
        box = verify_file(page, assertion_png(built, getattr(built, which), signed))
        page.wait_for_function(
            f"document.querySelector('.fb-verdict__box')?.dataset.status === '{status}'")
        assert words in box.inner_text()


def test_verify_detects_tampering(site, built, tmp_path):
    page = site("badges/verifier/")
    original = assertion_png(built, built.valid).read_bytes()
    assertion = json.loads(bake.unbake(original))
    assertion["recipient"]["identity"] = "sha256$" + "0" * 64
    changed = tmp_path / "titulaire.png"
    changed.write_bytes(bake.bake(original, json.dumps(assertion, indent=2)))
    box = verify_file(page, changed)
    assert box.get_attribute("data-status") == "modifié"
    assert "titulaire ne correspond pas" in box.inner_text()

    signed = assertion_png(built, built.valid, True).read_bytes()
    token, other = bake.unbake(signed), bake.unbake(assertion_png(built, built.revoked, True)
                                                    .read_bytes())
    swapped = tmp_path / "jws.png"
    swapped.write_bytes(bake.bake(signed, ".".join(
        [token.split(".")[0], other.split(".")[1], token.split(".")[2]])))
    page.reload()
    box = verify_file(page, swapped)
    assert box.get_attribute("data-status") == "modifié"
    assert "signature" in box.inner_text()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return (len(data).to_bytes(4, "big") + kind + data
            + zlib.crc32(kind + data).to_bytes(4, "big"))


def test_verify_refuses_two_assertions_in_one_image(site, built, tmp_path):
    """Genuine first, forged second (or after IEND): which one was issued? Not valid."""
    page = site("badges/verifier/")
    genuine = assertion_png(built, built.valid).read_bytes()
    forged = json.loads(bake.unbake(genuine))
    forged["recipient"]["identity"] = "sha256$" + "0" * 64
    chunk = png_chunk(b"iTXt", b"openbadges\x00\x00\x00\x00\x00"
                      + json.dumps(forged).encode())
    end = genuine.rindex(b"IEND") - 4
    for name, data in (("avant-fin.png", genuine[:end] + chunk + genuine[end:]),
                       ("apres-fin.png", genuine + chunk)):
        path = tmp_path / name
        path.write_bytes(data)
        page.reload()
        box = verify_file(page, path)
        assert box.get_attribute("data-status") == "modifié", name
        assert "plusieurs assertions" in box.inner_text()


def test_verify_foreign_and_not_a_badge(site, built, tmp_path):
    page = site("badges/verifier/")
    plain = tmp_path / "image.png"
    plain.write_bytes(images.badge_png("Titre", "#123456"))
    box = verify_file(page, plain)
    assert box.get_attribute("data-status") == "pas un badge"
    original = assertion_png(built, built.valid).read_bytes()
    assertion = json.loads(bake.unbake(original))
    assertion["id"] = "https://autre.example.org/badges/assertions/1.json"
    foreign = tmp_path / "autre.png"
    foreign.write_bytes(bake.bake(original, json.dumps(assertion)))
    page.reload()
    box = verify_file(page, foreign)
    assert box.get_attribute("data-status") == "inconnu"
    assert "n'a pas été délivré par ce site" in box.inner_text()


def test_verify_checks_a_typed_email(site, built):
    page = site("badges/verifier/")
    page.get_by_label("Adresse e-mail de la personne").fill(BOB)
    box = verify_file(page, assertion_png(built, built.valid))
    assert box.get_attribute("data-status") == "autre titulaire"
    page.get_by_label("Adresse e-mail de la personne").fill(ALICE)
    page.get_by_label("Adresse e-mail de la personne").dispatch_event("change")
    page.wait_for_function(
        "document.querySelector('.fb-verdict__box')?.dataset.status === 'valide'")


def test_verify_by_id_in_the_url(site, built):
    page = site(f"badges/verifier/?id={built.valid}")
    box = page.locator(".fb-verdict__box")
    box.wait_for()
    assert box.get_attribute("data-status") == "valide"
    page = site(f"badges/verifier/?id={built.revoked}")
    page.locator(".fb-verdict__box").wait_for()
    assert page.locator(".fb-verdict__box").get_attribute("data-status") == "révoqué"


def test_badges_page_lists_the_badges(site):
    page = site("badges/")
    cards = page.locator(".fb-badge-card")
    assert cards.count() == 2
    assert cards.first.evaluate("c => getComputedStyle(c).display") == "flex"  # badges.css
    assert cards.first.locator("img").evaluate("i => i.complete && i.naturalWidth >= 400")
    assert page.foreign_requests == []


def test_results_are_accessible(site, built):
    """axe-core on the pages once they show results (cards, verdicts), light and dark."""
    from axe_playwright_python.sync_playwright import Axe

    def blocking(page):
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": [
            "wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, "resultTypes": ["violations"]})
        return [(x["id"], [n["target"] for n in x["nodes"][:3]])
                for x in results.response["violations"] if x["impact"] in ("serious", "critical")]

    page = site(f"badges/obtenir/?id={built.valid}")
    claim(page, ALICE)
    page.locator(".fb-claim-card").wait_for()
    assert blocking(page) == []
    page = site(f"badges/obtenir/?id={built.valid}")
    claim(page, "autre@example.org")  # with an error shown
    page.locator("#fb-claim-email-error").wait_for()
    assert blocking(page) == []
    for which in ("valid", "revoked", "expired"):
        page = site(f"badges/verifier/?id={getattr(built, which)}")
        page.locator(".fb-verdict__box").wait_for()
        assert blocking(page) == [], which
