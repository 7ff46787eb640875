"""`fichotheque bureau` as a user starts it: a taken port is one French line, the real server
answers only with its token, and its output never shows an e-mail address."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from fichotheque.desk import cli


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(*args, **kwargs):
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.Popen([sys.executable, "-m", "fichotheque", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def test_port_taken_is_a_french_error_without_traceback(project):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        process = run("--root", str(project), "bureau", "--port", str(port), "--no-browser")
        out, err = process.communicate(timeout=60)
    assert process.returncode == 1
    assert err.startswith(f"Erreur : le port {port} est déjà utilisé")
    assert f"--port {port + 1}" in err
    assert "Traceback" not in err + out


def test_not_a_project_is_a_french_error(tmp_path):
    process = run("--root", str(tmp_path), "bureau", "--no-browser")
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 1 and "pas de fichier mkdocs.yml" in err


def test_bind_refuses_an_impossible_port():
    import pytest

    from fichotheque.errors import UserError

    with pytest.raises(UserError, match="n'existe pas"):
        cli.bind(70000)


def test_the_real_server_listens_on_loopback_with_its_token(project):
    port = free_port()
    process = run("--root", str(project), "bureau", "--port", str(port), "--no-browser")
    try:
        first = process.stdout.readline() + process.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/\?token=[\w-]+", first)
        assert url, first
        base = f"http://127.0.0.1:{port}/"
        deadline = time.time() + 30
        while True:
            try:
                urllib.request.urlopen(base, timeout=5)
            except urllib.error.HTTPError as exc:
                assert exc.code == 403  # up, and closed without the token
                break
            except OSError:
                assert time.time() < deadline, "le bureau n'a pas démarré"
                time.sleep(0.2)
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        page = opener.open(url[0], timeout=10)
        assert page.status == 200 and "Badges délivrés" in page.read().decode()
        with socket.socket() as probe:  # not reachable from another interface
            addresses = {a[4][0] for a in socket.getaddrinfo(socket.gethostname(), None,
                                                              socket.AF_INET)}
            others = [a for a in addresses if not a.startswith("127.")]
            if others:
                assert probe.connect_ex((others[0], port)) != 0
    finally:
        process.terminate()
        out, err = process.communicate(timeout=30)
    assert "Traceback" not in err
    assert "GET /" not in out + err  # no access log
