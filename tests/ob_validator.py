"""Run the Open Badges 2.0 reference validator (PyPI `openbadges` 1.1.2) offline on a built site.

Runs INSIDE the validator's own venv (`.cache/ob-validator-venv`, made by
`scripts/ob-validator-venv.sh`), never in the project's. Every HTTP request is answered from
disk: JSON-LD contexts from `tests/fixtures/openbadges/`, the site's URLs from the built
folder; anything else gets a 404 and is listed in the output (`foreign`).

Two patches make the 2018 validator work on Python 3.11 with current libraries:
- requests are served locally (an HTTPAdapter.send replacement);
- python-jose ≥ 3.1 no longer accepts a pycryptodome key object, so the key reaches
  `jwk.construct` as PEM (what the validator meant to pass).

Usage: python ob_validator.py --site DIR --site-url URL --contexts DIR INPUT
INPUT is a PNG file, a JSON file, or a URL. Prints the report as JSON.
"""

from __future__ import annotations

import argparse
import json
import mimetypes
import sys
from pathlib import Path

from requests.adapters import HTTPAdapter
from requests.models import Response
from requests.structures import CaseInsensitiveDict


def serve_locally(site_dir: Path, site_url: str, contexts_dir: Path, foreign: list[str]):
    index = json.loads((contexts_dir / "index.json").read_text(encoding="utf-8"))["contexts"]

    def send(self, request, **kwargs):
        url = request.url.split("#")[0]
        path = None
        if url in index:
            path = contexts_dir / index[url]
        elif url.startswith(site_url):
            rel = url[len(site_url):].split("?")[0]
            path = site_dir / rel
            if path.is_dir():
                path = path / "index.html"
        response = Response()
        response.url = url
        response.request = request
        response.connection = self
        if path is not None and path.is_file():
            response.status_code = 200
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            if path.suffix in (".json", ".jsonld"):
                kind = "application/ld+json"
            response.headers = CaseInsensitiveDict({"Content-Type": kind})
            response._content = path.read_bytes()
        else:
            if path is None:
                foreign.append(url)
            response.status_code = 404
            response.headers = CaseInsensitiveDict({"Content-Type": "text/plain"})
            response._content = b"not found"
        response.encoding = "utf-8" if response.headers["Content-Type"] != "image/png" else None
        return response

    HTTPAdapter.send = send


def pem_keys_for_jose():
    from Crypto.PublicKey import RSA
    from openbadges.verifier.tasks import crypto

    original = crypto.jwk.construct

    def construct(key, algorithm=None):
        if isinstance(key, RSA.RsaKey):
            key = key.export_key("PEM").decode("ascii")
        return original(key, algorithm)

    crypto.jwk.construct = construct


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--site", required=True, type=Path)
    parser.add_argument("--site-url", required=True)
    parser.add_argument("--contexts", required=True, type=Path)
    parser.add_argument("--email", default="")
    parser.add_argument("input")
    args = parser.parse_args(argv)

    foreign: list[str] = []
    serve_locally(args.site, args.site_url, args.contexts, foreign)
    pem_keys_for_jose()
    from openbadges import verify

    options = {"use_cache": False, "cache_backend": None}
    profile = {"email": args.email} if args.email else None
    if args.input.startswith(("http://", "https://")):
        result = verify(args.input, profile, **options)
    elif args.input.endswith(".png"):
        with open(args.input, "rb") as handle:
            result = verify(handle, profile, **options)
    else:
        result = verify(Path(args.input).read_text(encoding="utf-8"), profile, **options)
    report = result["report"]
    json.dump({"valid": report["valid"], "errorCount": report["errorCount"],
               "warningCount": report["warningCount"], "messages": report["messages"],
               "openBadgesVersion": report.get("openBadgesVersion"),
               "types": sorted({str(n.get("type")) for n in result["graph"]}),
               "foreign": sorted(set(foreign))}, sys.stdout, indent=2, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
