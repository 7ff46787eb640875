"""Verifying badge PNGs (Python side and `fichotheque badges verify`): every verdict."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from badges_fixtures import ALICE, BOB, SITE_URL, badge_project, fichotheque

from fichotheque.badges import bake, images, sign
from fichotheque.badges import verify as v

NOW = dt.datetime(2026, 11, 22, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return badge_project(tmp_path_factory.mktemp("verify"))


@pytest.fixture(scope="module")
def source(built):
    return v.SiteSource.from_dir(built.site)


def png(built, award_id, signed=False):
    suffix = ".signed.png" if signed else ".png"
    return (built.site / "badges" / "assertions" / f"{award_id}{suffix}").read_bytes()


def rebake(data: bytes, change) -> bytes:
    """The same image with the baked JSON assertion changed by `change(dict)`."""
    assertion = json.loads(bake.unbake(data))
    change(assertion)
    return bake.bake(data, json.dumps(assertion, ensure_ascii=False, indent=2))


@pytest.mark.parametrize("signed", [False, True])
def test_valid_badge(built, source, signed):
    verdict = v.verify_png(png(built, built.valid, signed), source, now=NOW)
    assert verdict.status == v.VALID, verdict.message
    details = dict(verdict.details)
    assert details["Badge"] == "Sécurité numérique"
    assert details["Délivré par"] == "Collectif Fichothèque"
    assert details["Délivré le"] == "14 mars 2026"
    assert details["Critères"] == SITE_URL + "fiches/securite/"
    assert verdict.assertion_id == built.valid


@pytest.mark.parametrize("signed", [False, True])
def test_revoked_badge(built, source, signed):
    verdict = v.verify_png(png(built, built.revoked, signed), source, now=NOW)
    assert verdict.status == v.REVOKED
    assert verdict.message == ("Ce badge a été révoqué par la structure qui l'a délivré. "
                               "Motif : Délivré par erreur")


@pytest.mark.parametrize("signed", [False, True])
def test_expired_badge(built, source, signed):
    data = png(built, built.expired, signed)
    assert v.verify_png(data, source, now=dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
                        ).status == v.VALID
    verdict = v.verify_png(data, source, now=NOW)
    assert verdict.status == v.EXPIRED and "30 juin 2026" in verdict.message


def test_changed_recipient_is_tampering(built, source):
    def change(a):
        a["recipient"]["identity"] = "sha256$" + "0" * 64

    verdict = v.verify_png(rebake(png(built, built.valid), change), source, now=NOW)
    assert verdict.status == v.TAMPERED and "titulaire" in verdict.message


def test_changed_badge_is_tampering(built, source):
    def change(a):
        a["badge"] = SITE_URL + "badges/messagerie.json"

    verdict = v.verify_png(rebake(png(built, built.valid), change), source, now=NOW)
    assert verdict.status == v.TAMPERED and "badge" in verdict.message


def test_removing_revocation_from_baked_copy_does_not_help(built, source):
    def change(a):
        a.pop("revoked", None)
        a.pop("revocationReason", None)

    verdict = v.verify_png(rebake(png(built, built.revoked), change), source, now=NOW)
    assert verdict.status == v.REVOKED


def test_swapped_jws_payload_is_tampering(built, source):
    token = bake.unbake(png(built, built.valid, True))
    other = bake.unbake(png(built, built.revoked, True))
    swapped = ".".join([token.split(".")[0], other.split(".")[1], token.split(".")[2]])
    data = bake.bake(png(built, built.valid, True), swapped)
    verdict = v.verify_png(data, source, now=NOW)
    assert verdict.status == v.TAMPERED and "signature" in verdict.message


def test_resigned_with_another_key_is_tampering(built, source, tmp_path):
    token = bake.unbake(png(built, built.valid, True))
    payload = sign.unverified_payload(token)
    payload["recipient"]["identity"] = "sha256$" + "1" * 64
    other_key = sign.load_private_key(sign.keygen(tmp_path / "autre.pem", built.root))
    data = bake.bake(png(built, built.valid, True), sign.sign(payload, other_key))
    assert v.verify_png(data, source, now=NOW).status == v.TAMPERED


def test_badge_from_another_site_is_foreign(built, source):
    def change(a):
        a["id"] = "https://autre.example.org/badges/assertions/x.json"
        a["badge"] = "https://autre.example.org/badges/b.json"

    verdict = v.verify_png(rebake(png(built, built.valid), change), source, now=NOW)
    assert verdict.status == v.FOREIGN
    assert "n'a pas été délivré par ce site" in verdict.message
    assert "https://autre.example.org/badges/b.json" in verdict.message


def test_unknown_id_on_this_site_is_foreign(built, source):
    def change(a):
        a["id"] = SITE_URL + "badges/assertions/2f0e2a4e-9a54-4d5e-8c58-6a4f7a1c2b3d.json"

    verdict = v.verify_png(rebake(png(built, built.valid), change), source, now=NOW)
    assert verdict.status == v.FOREIGN and "jamais délivré" in verdict.message


def test_plain_images_are_not_badges(source):
    plain = images.badge_png("Titre", "#123456")
    assert v.verify_png(plain, source).status == v.NOT_BADGE
    assert v.verify_png(b"GIF89a", source).status == v.NOT_BADGE
    assert v.verify_png(bake.bake(plain, "du texte"), source).status == v.NOT_BADGE


def test_email_check(built, source):
    data = png(built, built.valid)
    assert v.verify_png(data, source, email=" alice.martin@EXAMPLE.org", now=NOW).ok
    verdict = v.verify_png(data, source, email=BOB, now=NOW)
    assert verdict.status == v.WRONG_RECIPIENT and BOB in verdict.message


def test_verify_by_id(built, source):
    assert v.verify_id(built.valid, source, now=NOW).ok
    assert v.verify_id(built.revoked, source, now=NOW).status == v.REVOKED
    assert v.verify_id("../emetteur", source).status == v.FOREIGN


# -- CLI ---------------------------------------------------------------------------------------

def cli_verify(built, path, *extra):
    return fichotheque("--root", str(built.root), "badges", "verify", str(path), "--site",
                       str(built.site), *extra)


def test_cli_verify_exit_codes(built, tmp_path):
    folder = built.site / "badges" / "assertions"
    ok = cli_verify(built, folder / f"{built.valid}.png", "--email", ALICE)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.startswith("Badge valide") and "Sécurité numérique" in ok.stdout
    revoked = cli_verify(built, folder / f"{built.revoked}.signed.png")
    assert revoked.returncode == 1 and "révoqué" in revoked.stdout
    wrong = cli_verify(built, folder / f"{built.valid}.png", "--email", BOB)
    assert wrong.returncode == 1 and "n'a pas été délivré à l'adresse" in wrong.stdout
    missing = cli_verify(built, tmp_path / "absent.png")
    assert missing.returncode == 1 and missing.stderr.startswith("Erreur : impossible de lire")
    no_site = fichotheque("badges", "verify", str(folder / f"{built.valid}.png"), "--site",
                          str(tmp_path))
    assert no_site.returncode == 1 and "Traceback" not in no_site.stderr
