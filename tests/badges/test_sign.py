"""Signing key and JWS: keygen outside the project only, sign/verify round trip."""

from __future__ import annotations

import stat

import pytest
from badges_fixtures import fichotheque
from conftest import make_project, small_corpus

from fichotheque.badges import BadgeError, sign


def test_sign_verify_round_trip(tmp_path):
    key = sign.load_private_key(sign.keygen(tmp_path / "cle.pem", tmp_path / "projet"))
    payload = {"id": "urn:uuid:1", "name": "Sécurité numérique"}
    token = sign.sign(payload, key)
    assert sign.is_jws(token)
    assert sign.verify(token, sign.public_pem(key)) == payload
    assert sign.sign(payload, key) == token  # RS256 (PKCS#1 v1.5) is deterministic
    other = sign.load_private_key(sign.keygen(tmp_path / "autre.pem", tmp_path / "projet"))
    with pytest.raises(ValueError):
        sign.verify(token, sign.public_pem(other))


def test_keygen_writes_a_private_file(tmp_path):
    path = sign.keygen(tmp_path / "cles" / "cle.pem", tmp_path / "projet")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    with pytest.raises(BadgeError, match="existe déjà"):
        sign.keygen(path, tmp_path / "projet")


def test_keygen_refuses_a_path_inside_the_project(tmp_path):
    root = make_project(tmp_path / "projet", small_corpus(), with_site_files=False)
    result = fichotheque("--root", str(root), "badges", "keygen", str(root / "badges" / "k.pem"))
    assert result.returncode == 1
    assert result.stderr.startswith("Erreur : ") and "est dans le projet" in result.stderr
    assert not (root / "badges" / "k.pem").exists()
    result = fichotheque("--root", str(root), "badges", "keygen", str(tmp_path / "k.pem"))
    assert result.returncode == 0, result.stderr
    assert f"export FICHOTHEQUE_BADGE_KEY={tmp_path / 'k.pem'}" in result.stdout


def test_bad_key_file_is_explained(tmp_path):
    (tmp_path / "cle.pem").write_text("bonjour")
    with pytest.raises(BadgeError, match="n'est pas une clé privée PEM"):
        sign.load_private_key(tmp_path / "cle.pem")
    with pytest.raises(BadgeError, match="illisible"):
        sign.load_private_key(tmp_path / "absente.pem")
