"""The desk's door: token, Host and Origin checks, CSRF, security headers, bounded form bodies.

- Host must be `127.0.0.1:<port>` or `localhost:<port>` (a page of another site that points
  its own name at 127.0.0.1 — DNS rebinding — is refused);
- the random token opens the desk once (`/?token=…`), then lives in an HttpOnly,
  SameSite=Strict cookie; every request without it is refused;
- a request that changes something is a POST from the desk's own pages (Origin or Referer;
  Sec-Fetch-Site when sent) carrying the form's CSRF token;
- form bodies are read into memory, at most `MAX_BODY` bytes, never spooled to a file.
"""

from __future__ import annotations

import secrets
from urllib.parse import parse_qsl, urlsplit

from python_multipart import MultipartParser
from python_multipart.multipart import parse_options_header
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

MAX_BODY = 1_000_000  # bytes: an attendance list of a few thousand lines
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
HEADERS = {
    "content-security-policy": CSP,
    "x-frame-options": "DENY",
    # same-origin: the desk's own pages send their Origin (older browsers too), other sites
    # receive nothing (no token, no address of the desk)
    "referrer-policy": "same-origin",
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}
SAFE_METHODS = ("GET", "HEAD")


class Refused(Exception):
    """A request the desk will not serve; `message` is shown (in French)."""

    def __init__(self, message: str, status: int = 403):
        super().__init__(message)
        self.message, self.status = message, status


def refusal_page(message: str, status: int = 403) -> HTMLResponse:
    from html import escape

    body = ("<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\">"
            "<title>Accès refusé — Bureau du coordinateur</title></head><body><main>"
            f"<h1>Accès refusé</h1><p>{escape(message)}</p></main></body></html>")
    return HTMLResponse(body, status_code=status)


class Guard:
    """ASGI middleware in front of every route (static files included)."""

    def __init__(self, app, *, token: str, port: int):
        self.app, self.token, self.port = app, token, port
        self.hosts = {f"127.0.0.1:{port}", f"localhost:{port}"}
        self.origins = {f"http://{host}" for host in self.hosts}
        self.cookie = f"bureau_{port}"

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_secured(message):
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if not k.lower().startswith(b"access-control-")]
                headers += [(k.encode(), v.encode()) for k, v in HEADERS.items()]
                message = {**message, "headers": headers}
            await send(message)

        request = Request(scope)
        try:
            opened = self.check(request)
        except Refused as exc:
            await refusal_page(exc.message, exc.status)(scope, receive, send_secured)
            return
        if opened is not None:
            await opened(scope, receive, send_secured)
            return
        await self.app(scope, receive, send_secured)

    def check(self, request: Request) -> Response | None:
        """Refused, a redirect that sets the cookie (first visit), or None to go on."""
        host = request.headers.get("host", "")
        if host not in self.hosts:
            raise Refused("Le bureau ne répond qu'à l'adresse http://127.0.0.1:"
                          f"{self.port}/ ouverte sur cet ordinateur.")
        query_token = request.query_params.get("token")
        if query_token is not None:
            if request.method not in SAFE_METHODS or not secrets.compare_digest(
                    query_token.encode(), self.token.encode()):
                raise Refused("Ce lien n'ouvre pas le bureau : relancez « fichotheque bureau » "
                              "et utilisez le lien qu'elle affiche.")
            response = RedirectResponse(request.url.path, status_code=303)
            response.set_cookie(self.cookie, self.token, httponly=True, samesite="strict",
                                path="/")
            return response
        cookie = request.cookies.get(self.cookie, "")
        if not secrets.compare_digest(cookie.encode(), self.token.encode()):
            raise Refused("Ouvrez le bureau avec le lien affiché par la commande "
                          "« fichotheque bureau » (il contient une clé d'accès).")
        if request.method not in SAFE_METHODS:
            self._same_origin(request)
        return None

    def _same_origin(self, request: Request) -> None:
        """The POST comes from one of the desk's own pages.

        A browser may still send `Origin: null` (a privacy setting); then only
        `Sec-Fetch-Site: same-origin` (set by the browser, never by a page) vouches."""
        fetch_site = request.headers.get("sec-fetch-site")
        if fetch_site and fetch_site not in ("same-origin", "none"):
            raise Refused("Demande venue d'un autre site : refusée.")
        origin = request.headers.get("origin")
        if origin == "null" and fetch_site == "same-origin":
            return
        if origin is None:
            referer = request.headers.get("referer", "")
            parts = urlsplit(referer)
            origin = f"{parts.scheme}://{parts.netloc}" if referer else None
        if origin not in self.origins:
            raise Refused("Demande venue d'un autre site : refusée.")


# -- form bodies ----------------------------------------------------------------------------

class Form:
    """Fields (str) and files (name → (filename, bytes)) of one POST, all in memory."""

    def __init__(self, fields: dict[str, str], files: dict[str, tuple[str, bytes]]):
        self.fields, self.files = fields, files

    def get(self, name: str, default: str = "") -> str:
        return self.fields.get(name, default)


async def read_body(request: Request, limit: int = MAX_BODY) -> bytes:
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > limit):
        raise Refused(f"Envoi trop volumineux (plus de {limit // 1_000_000} Mo) : découpez la "
                      "liste en plusieurs fichiers.", 413)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Refused(f"Envoi trop volumineux (plus de {limit // 1_000_000} Mo) : "
                          "découpez la liste en plusieurs fichiers.", 413)
        chunks.append(chunk)
    return b"".join(chunks)


def _multipart(body: bytes, boundary: bytes) -> Form:
    fields: dict[str, str] = {}
    files: dict[str, tuple[str, bytes]] = {}
    part: dict = {}

    def begin():
        part.clear()
        part.update(headers={}, field=bytearray(), value=bytearray(), data=bytearray())

    def header_field(data, start, end):
        part["field"] += data[start:end]

    def header_value(data, start, end):
        part["value"] += data[start:end]

    def header_end():
        part["headers"][bytes(part["field"]).lower()] = bytes(part["value"])
        part["field"], part["value"] = bytearray(), bytearray()

    def data(chunk, start, end):
        part["data"] += chunk[start:end]

    def end():
        _kind, options = parse_options_header(
            part["headers"].get(b"content-disposition", b"").decode("latin-1"))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        if not name:
            return
        if b"filename" in options:
            files[name] = (options[b"filename"].decode("utf-8", "replace"), bytes(part["data"]))
        else:
            fields[name] = bytes(part["data"]).decode("utf-8", "replace")

    parser = MultipartParser(boundary, callbacks={
        "on_part_begin": begin, "on_header_field": header_field,
        "on_header_value": header_value, "on_header_end": header_end,
        "on_part_data": data, "on_part_end": end})
    try:
        parser.write(body)
        parser.finalize()
    except Exception as exc:
        raise Refused("Formulaire illisible : rechargez la page et recommencez.", 400) from exc
    return Form(fields, files)


async def read_form(request: Request, csrf: str) -> Form:
    """The POSTed form, after the CSRF check; Refused on any problem."""
    body = await read_body(request)
    kind, options = parse_options_header(request.headers.get("content-type", ""))
    if kind == b"application/x-www-form-urlencoded":
        try:
            pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=200)
        except (UnicodeDecodeError, ValueError) as exc:
            raise Refused("Formulaire illisible : rechargez la page et recommencez.", 400
                          ) from exc
        form = Form(dict(pairs), {})
    elif kind == b"multipart/form-data" and options.get(b"boundary"):
        form = _multipart(body, options[b"boundary"])
    else:
        raise Refused("Formulaire illisible : rechargez la page et recommencez.", 400)
    if not secrets.compare_digest(form.get("csrf").encode(), csrf.encode()):
        raise Refused("Ce formulaire a expiré (le bureau a peut-être été relancé) : rechargez "
                      "la page et recommencez.")
    return form
