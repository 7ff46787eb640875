"""The badge images' cache, and the images drawn ahead while a first build renders its pages."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest

from fichotheque.badges import BadgeError, images

WANTED = [("Sécurité numérique", "#B3261E", "securite", "EPN de Test"),
          ("Messagerie", "#1A5FB4", "messagerie", "EPN de Test")]


def no_drawing(*args, **kwargs):
    raise AssertionError("drawn again instead of read from the cache")


def test_images_drawn_ahead_are_read_from_the_cache(tmp_path, monkeypatch):
    thread = images.draw_ahead(tmp_path, WANTED)
    assert thread is not None and thread.name == "fichotheque-images-badges"
    thread.join(timeout=60)
    assert not thread.is_alive()
    assert len(list(tmp_path.glob("*.png"))) == 2
    assert not list(tmp_path.glob("*.tmp"))
    expected = [images.badge_png(*w) for w in WANTED]
    monkeypatch.setattr(images, "badge_png", no_drawing)
    assert [images.cached_badge_png(tmp_path, *w) for w in WANTED] == expected
    assert images.draw_ahead(tmp_path, WANTED) is None  # nothing left to draw


def test_only_the_missing_images_are_drawn_ahead(tmp_path, monkeypatch):
    images.cached_badge_png(tmp_path, *WANTED[0])
    drawn = []
    real = images.badge_png
    monkeypatch.setattr(images, "badge_png", lambda *a: drawn.append(a[0]) or real(*a))
    images.draw_ahead(tmp_path, WANTED).join(timeout=60)
    assert drawn == ["Messagerie"]


def test_a_damaged_cached_image_is_drawn_again(tmp_path):
    good = images.cached_badge_png(tmp_path, *WANTED[0])
    (cached,) = tmp_path.glob("*.png")
    cached.write_bytes(good[: len(good) // 2])  # cut short, as by a full disk
    thread = images.draw_ahead(tmp_path, WANTED[:1])
    assert thread is not None
    thread.join(timeout=60)
    assert cached.read_bytes() == good


def test_a_failure_while_drawing_ahead_is_left_to_the_build(tmp_path, monkeypatch):
    """No traceback from the thread: the build draws the image itself and names the problem."""
    hooked = []
    monkeypatch.setattr(threading, "excepthook", hooked.append)

    def broken(*args):
        raise BadgeError("police DejaVu Sans introuvable pour dessiner les badges")

    monkeypatch.setattr(images, "badge_png", broken)
    images.draw_ahead(tmp_path, WANTED).join(timeout=60)
    assert hooked == []
    assert not list(tmp_path.iterdir())
    with pytest.raises(BadgeError, match="police DejaVu Sans introuvable"):
        images.cached_badge_png(tmp_path, *WANTED[0])


# The probe replaces the PDF step of the build (run before the badges' own step) and writes
# the names of the threads alive at that moment: the PDF step forks its workers there. Drawing
# is slowed down so that the thread would still be at work without the wait at `on_env`.
PROBE = """
import sys, threading, time
from fichotheque.badges import images
from fichotheque.pdf import render
real = images.badge_png
def slow(*args):
    time.sleep(1.5)
    return real(*args)
images.badge_png = slow
report = sys.argv[1]
def probe(config):
    with open(report, "w", encoding="utf-8") as out:
        out.write(",".join(t.name for t in threading.enumerate()))
render.on_post_build = probe
from mkdocs.__main__ import cli
sys.argv = ["mkdocs", "build", "-q", "-f", sys.argv[2], "-d", sys.argv[3]]
cli()
"""


def test_a_first_build_draws_the_images_before_the_pdf_step(project, tmp_path):
    threads = tmp_path / "threads.txt"
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(threads), str(project / "mkdocs.yml"),
         str(tmp_path / "site")],
        capture_output=True, text=True, cwd=project,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "FICHOTHEQUE_PDF": "0"})
    assert result.returncode == 0, result.stderr
    assert threads.read_text(encoding="utf-8") == "MainThread"
    drawn = sorted((project / ".cache" / "badges").glob("*.png"))
    assert len(drawn) >= 2  # the two modules' badges (and the issuer's, without a logo)
    published = {p.read_bytes() for p in (tmp_path / "site" / "badges").glob("*.png")}
    assert {p.read_bytes() for p in drawn} <= published
