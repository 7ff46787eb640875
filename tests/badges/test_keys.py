"""Keys as data and stored signatures: signed badges survive builds without the key, key
rotation, and an unreachable issuer; `badges verify` says what it could and could not check."""

from __future__ import annotations

import json
import shutil

import pytest
from badges_fixtures import ALICE, BOB, SITE_URL, badge_project, fichotheque
from conftest import make_project, run_build, small_corpus

from fichotheque.badges import KEY_ENV, LEDGER_PATH, ledger, sign, signatures
from fichotheque.badges import verify as v

KNOWN = ["securite", "messagerie"]


def award(root, badge, email, key):
    result = fichotheque("--root", str(root), "badges", "award", "--badge", badge, "--email",
                         email, env={KEY_ENV: str(key)})
    assert result.returncode == 0, result.stderr
    return ledger.load(root / LEDGER_PATH).awards[-1]


def keygen(root, path):
    result = fichotheque("--root", str(root), "badges", "keygen", str(path))
    assert result.returncode == 0, result.stderr
    return path


def verdict(site, award_id, suffix, email=""):
    png = (site / "badges" / "assertions" / f"{award_id}{suffix}.png").read_bytes()
    return v.verify_png(png, v.SiteSource.from_dir(site), email=email)


@pytest.fixture(scope="module")
def rotated(tmp_path_factory):
    """Key A signs a first award; key B replaces it and signs a second one; A is thrown away."""
    base = tmp_path_factory.mktemp("rotation")
    root = make_project(base / "projet", small_corpus())
    key_a = keygen(root, base / "a.pem")
    first = award(root, "securite", ALICE, key_a)
    key_b = keygen(root, base / "b.pem")
    key_a.unlink()  # the old private key is gone for good
    second = award(root, "messagerie", BOB, key_b)
    site = base / "site"
    result = run_build(root, site, env={KEY_ENV: str(key_b)})
    assert result.returncode == 0, result.stderr
    return root, site, first, second, key_b


def test_a_rotated_key_leaves_old_badges_valid(rotated):
    root, site, first, second, _key = rotated
    kids = sorted(p.stem for p in (root / "badges" / "cles").glob("*.json"))
    assert len(kids) == 2
    for kid in kids:  # both keys published, at their own URL
        assert (site / "badges" / "cles" / f"{kid}.json").is_file()
    did = json.loads((site / "badges" / "did.json").read_text(encoding="utf-8"))
    assert len(did["verificationMethod"]) == 2
    for award_id, email in ((first.id, ALICE), (second.id, BOB)):
        for suffix in ("", ".signed", ".ob3"):
            result = verdict(site, award_id, suffix, email)
            assert result.ok, (award_id, suffix, result.message)
    creators = {sign.unverified_payload(
        (root / "badges" / "signatures" / f"{a}.jws").read_text().strip())["verification"]
        ["creator"] for a in (first.id, second.id)}
    assert len(creators) == 2  # each badge names the key that signed it


def test_a_build_without_any_key_keeps_every_signed_badge(rotated, tmp_path):
    root, site, first, second, _key = rotated
    bare = tmp_path / "sans-cle"
    assert run_build(root, bare).returncode == 0
    for rel in ("did.json", "cles/jwks.json", "cle-publique.json"):
        assert (bare / "badges" / rel).read_bytes() == (site / "badges" / rel).read_bytes()
    for award_id in (first.id, second.id):
        for suffix in (".signed.png", ".ob3.png", ".jwt"):
            name = f"assertions/{award_id}{suffix}"
            assert (bare / "badges" / name).read_bytes() == (site / "badges" / name)\
                .read_bytes(), name


def test_a_key_that_was_never_recorded_stops_the_build(tmp_path):
    root = make_project(tmp_path / "projet", small_corpus())
    ledger.award(root / LEDGER_PATH, "securite", ALICE, KNOWN)
    key = sign.keygen(tmp_path / "cle.pem", root)  # private key only, no public record
    result = run_build(root, tmp_path / "site", env={KEY_ENV: str(key)})
    assert result.returncode != 0
    assert "n'est pas enregistrée dans badges/cles/" in result.stderr
    assert "fichotheque badges signer" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_tampered_stored_signature_stops_the_build(rotated, tmp_path):
    root, _site, first, second, _key = rotated
    copy = shutil.copytree(root, tmp_path / "copie")
    path = copy / "badges" / "signatures" / f"{first.id}.jws"
    other = (copy / "badges" / "signatures" / f"{second.id}.jws").read_text().strip()
    mine = path.read_text().strip()
    path.write_text(".".join([mine.split(".")[0], other.split(".")[1], mine.split(".")[2]]))
    result = run_build(copy, tmp_path / "site")
    assert result.returncode != 0
    assert f"badges/signatures/{first.id}.jws : signature invalide" in result.stderr


def test_a_revocation_without_the_key_is_not_published_stale(rotated, tmp_path):
    """Revoking without the key: the signed status list is out of date, the build says so;
    signing it again (`badges signer`) publishes the revocation in both formats."""
    root, _site, first, _second, key = rotated
    copy = shutil.copytree(root, tmp_path / "copie")
    result = fichotheque("--root", str(copy), "badges", "revoke", first.id, "--reason", "Erreur")
    assert result.returncode == 0 and "badges signer" in result.stderr + result.stdout
    failed = run_build(copy, tmp_path / "site")
    assert failed.returncode != 0
    assert "statut-revocations.jwt ne contient pas les dernières révocations" in failed.stderr
    result = fichotheque("--root", str(copy), "badges", "signer", "--cle", str(key))
    assert result.returncode == 0, result.stderr
    assert "statut-revocations.jwt" in result.stdout
    site = tmp_path / "site"
    assert run_build(copy, site).returncode == 0
    for suffix in ("", ".signed", ".ob3"):
        assert verdict(site, first.id, suffix).status == v.REVOKED, suffix


def test_signing_skips_an_award_already_revoked(tmp_path):
    root = make_project(tmp_path / "projet", small_corpus())
    key = keygen(root, tmp_path / "cle.pem")
    path = root / LEDGER_PATH
    gone = ledger.award(path, "securite", ALICE, KNOWN)
    ledger.revoke(path, gone.id, "Erreur de saisie")
    signatures.sign_project(root, key)
    assert not (root / "badges" / "signatures" / f"{gone.id}.jws").exists()
    assert run_build(root, tmp_path / "site", env={KEY_ENV: str(key)}).returncode == 0
    assert not (tmp_path / "site" / "badges" / "assertions" / f"{gone.id}.signed.png").exists()


# -- verifying when the issuer cannot be reached -----------------------------------------------

@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return badge_project(tmp_path_factory.mktemp("offline"))


@pytest.fixture
def offline(monkeypatch):
    """The issuer's site cannot be reached: every connection fails, as on a dead network."""
    import urllib.error
    import urllib.request

    def refuse(url, *args, **kwargs):
        raise urllib.error.URLError(ConnectionRefusedError(111, "Connection refused"))

    monkeypatch.setattr(urllib.request, "urlopen", refuse)


def run_cli(capsys, *args):
    from fichotheque.cli import main
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_an_unreachable_issuer_is_its_own_verdict(built, offline):
    source = v.SiteSource.from_url(SITE_URL)
    for suffix in ("", ".signed", ".ob3"):
        png = (built.site / "badges" / "assertions" / f"{built.valid}{suffix}.png").read_bytes()
        result = v.verify_png(png, source)
        assert result.status == v.UNREACHABLE, (suffix, result.message)
        assert "n'a jamais délivré" not in result.message
        assert "Impossible de joindre le site" in result.message
        assert result.exit_code == 3


def test_cli_verify_offline_with_a_key_file(built, offline, capsys, tmp_path):
    [key_file] = (built.root / "badges" / "cles").glob("*.json")
    folder = built.site / "badges" / "assertions"
    for suffix in (".signed", ".ob3"):
        code, out, _err = run_cli(capsys, "badges", "verify", str(folder / f"{built.valid}"
                                  f"{suffix}.png"), "--site", SITE_URL, "--cle", str(key_file))
        assert code == 3, out
        assert "La signature a pu être contrôlée" in out, suffix
        assert "la révocation n'a pas pu être vérifiée" in out
    code, out, _err = run_cli(capsys, "badges", "verify", str(folder / f"{built.valid}.png"),
                              "--site", SITE_URL)
    assert code == 3 and "On ne peut donc pas dire si ce badge est valide" in out
    # a tampered image is caught offline, with the key alone
    token = (built.root / "badges" / "signatures" / f"{built.valid}.jws").read_text().strip()
    other = (built.root / "badges" / "signatures" / f"{built.expired}.jws").read_text().strip()
    from fichotheque.badges import bake
    forged = tmp_path / "forged.png"
    forged.write_bytes(bake.bake((folder / f"{built.valid}.signed.png").read_bytes(), ".".join(
        [token.split(".")[0], other.split(".")[1], token.split(".")[2]])))
    code, out, _err = run_cli(capsys, "badges", "verify", str(forged), "--site", SITE_URL,
                              "--cle", str(key_file))
    assert code == 1 and "signature du badge ne correspond pas" in out
def test_cli_verify_json_and_exit_codes(built):
    site = str(built.site)
    folder = built.site / "badges" / "assertions"
    result = fichotheque("badges", "verify", str(folder / f"{built.valid}.ob3.png"), "--site",
                         site, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["statut"] == "valide" and data["valide"] is True
    assert data["identifiant"] == built.valid
    assert "Open Badges 3.0" in data["authenticite"]
    assert any(c.startswith("Pix 4.1") for c in data["competences"])
    result = fichotheque("badges", "verify", str(folder / f"{built.revoked}.png"), "--site", site)
    assert result.returncode == 1 and "révoqué" in result.stdout


def test_cli_refuses_a_private_key_as_cle(built, tmp_path):
    png = built.site / "badges" / "assertions" / f"{built.valid}.signed.png"
    result = fichotheque("badges", "verify", str(png), "--site", str(built.site), "--cle",
                         str(built.key))
    assert result.returncode == 1
    assert "contient une clé privée" in result.stderr and "Traceback" not in result.stderr
