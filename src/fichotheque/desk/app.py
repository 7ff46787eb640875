"""The desk's routes for badges: list and revoke awards, award a list, the claim messages.

Every change goes through `fichotheque.badges.ledger` (`award`, `revoke`), like the command
line. E-mail addresses only live in the `Batch` kept in memory and in the pages sent back.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from fichotheque.badges import BadgeError, ledger, sign, signatures
from fichotheque.badges import openbadges as ob
from fichotheque.badges.verdicts import french_date
from fichotheque.desk import attendance, messages, output
from fichotheque.desk.guard import Guard, Refused, read_form, refusal_page
from fichotheque.desk.state import (
    ALREADY,
    MALFORMED,
    OK,
    TEMPLATES,
    Batch,
    Desk,
    Person,
)
from fichotheque.errors import UserError
from fichotheque.files import describe_os_error

STATUSES = ("valide", "révoqué", "expiré")
MAX_EVIDENCE = 500
MAX_SHOWN = 1000  # awards listed on the home page (newest first)


def _see_other(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


# -- the list of awards -------------------------------------------------------------------------

async def home(request: Request) -> Response:
    desk: Desk = request.app.state.desk
    return _home_page(desk, request.query_params.get("badge", ""),
                      request.query_params.get("statut", ""))


async def search(request: Request) -> Response:
    """The awards of one person, found from their e-mail (sent in the form, never stored)."""
    desk: Desk = request.app.state.desk
    form = await read_form(request, desk.csrf)
    email = ledger.normalise_email(form.get("email"))
    if not ledger.valid_email(email):
        return _home_page(desk, "", "", email, "Cette adresse e-mail semble incomplète "
                          "(exemple : prenom.nom@exemple.fr).")
    return _home_page(desk, "", "", email)


def _home_page(desk: Desk, badge: str, status: str, email: str | None = None,
               error: str = "") -> Response:
    defs = desk.definitions()
    book = desk.ledger()
    names = {b.id: b.name for b in defs.badges}
    rows = []
    for award in reversed(book.awards):
        state = book.status(award)
        if (badge and award.badge != badge) or (status and state != status):
            continue
        if email is not None and (error or not award.matches(email)):
            continue
        rows.append({"award": award, "name": names.get(award.badge, award.badge),
                     "status": state})
    return desk.render("home.html", 400 if error else 200, page="home",
                       title="Badges délivrés", badges=defs.badges, rows=rows[:MAX_SHOWN],
                       total=len(rows), all_count=len(book.awards), badge=badge,
                       status=status, statuses=STATUSES, max_shown=MAX_SHOWN,
                       email=email, error=error)


async def revoke_form(request: Request) -> Response:
    desk: Desk = request.app.state.desk
    return _revoke_page(desk, request.path_params["award_id"])


def _revoke_page(desk: Desk, award_id: str, error: str = "", reason: str = "") -> Response:
    book = desk.ledger()
    award = book.award(award_id)
    if award is None:
        return desk.render("message.html", 404, title="Attribution introuvable",
                           text=f"Aucune attribution « {award_id} » dans le registre.")
    defs = desk.definitions()
    badge = defs.badge(award.badge)
    return desk.render("revoke.html", 400 if error else 200, page="home",
                       title="Révoquer un badge", award=award,
                       badge_name=badge.name if badge else award.badge,
                       status=book.status(award), revocation=book.revocation(award.id),
                       error=error, reason=reason)


async def revoke(request: Request) -> Response:
    desk: Desk = request.app.state.desk
    form = await read_form(request, desk.csrf)
    award_id = request.path_params["award_id"]
    reason = " ".join(form.get("motif").split())
    if not reason:
        return _revoke_page(desk, award_id, "Indiquez le motif de la révocation : il sera "
                            "affiché à toute personne qui vérifie ce badge.")
    if len(reason) > MAX_EVIDENCE:
        return _revoke_page(desk, award_id, f"Le motif est trop long (plus de {MAX_EVIDENCE} "
                            "caractères) : résumez-le.", reason)
    try:
        await run_in_threadpool(ledger.revoke, desk.ledger_path, award_id, reason)
    except BadgeError as exc:
        return _revoke_page(desk, award_id, _sentence(str(exc)), reason)
    problem = await run_in_threadpool(_sign_new, desk)
    desk.flash = (f"Le badge {award_id} est révoqué. Reconstruisez et publiez le site pour que "
                  "la révocation soit visible (page « Publier »)." + (f" {problem}" if problem
                                                                        else ""))
    return _see_other("/")


# -- awarding a list ----------------------------------------------------------------------------

async def award_form(request: Request) -> Response:
    desk: Desk = request.app.state.desk
    batch = desk.batch(request.query_params.get("lot", ""))
    values = {"badge": request.query_params.get("badge", ""), "liste": "", "preuve": "",
              "expiration": ""}
    if batch and not batch.confirmed:
        values = {"badge": batch.badge, "liste": batch.text, "preuve": batch.evidence,
                  "expiration": batch.expires}
    return _award_page(desk, values, {})


def _award_page(desk: Desk, values: dict, errors: dict) -> Response:
    return desk.render("award.html", 400 if errors else 200, page="award",
                       title="Attribuer des badges", badges=desk.definitions().badges,
                       values=values, errors=errors)


async def award_preview(request: Request) -> Response:
    desk: Desk = request.app.state.desk
    form = await read_form(request, desk.csrf)
    defs = desk.definitions()
    values = {k: form.get(k).strip() for k in ("badge", "preuve", "expiration")}
    values["liste"] = form.get("liste")
    errors: dict[str, str] = {}
    if defs.badge(values["badge"]) is None:
        errors["badge"] = "Choisissez le badge à attribuer."
    upload = form.files.get("fichier")
    data = upload[1] if upload and upload[1] else b""
    text = attendance.decode(data) if data else values["liste"]
    if data and values["liste"].strip():
        text = values["liste"].rstrip("\n") + "\n" + text
    rows = []
    try:
        rows = attendance.parse(text)
    except ValueError as exc:
        errors["liste"] = _sentence(str(exc))
    if not rows and "liste" not in errors:
        errors["liste"] = ("Collez la liste des personnes (une par ligne : nom ; e-mail) ou "
                           "choisissez un fichier.")
    if len(values["preuve"]) > MAX_EVIDENCE:
        errors["preuve"] = f"Le texte est trop long (plus de {MAX_EVIDENCE} caractères)."
    if values["expiration"]:
        try:
            ledger.parse_expiry(values["expiration"])
        except BadgeError as exc:
            errors["expiration"] = _sentence(str(exc))
    if errors:
        values["liste"] = text
        return _award_page(desk, values, errors)
    book = desk.ledger()
    people = []
    for row in rows:
        if not row.ok:
            people.append(Person(row, MALFORMED, row.problem))
            continue
        previous = next((a for a in book.awards if a.badge == values["badge"]
                         and not book.revocation(a.id) and a.matches(row.email)), None)
        if previous:
            people.append(Person(row, ALREADY, "a déjà ce badge (attribué le "
                                 f"{french_date(previous.issued_on)})"))
        else:
            people.append(Person(row, OK))
    batch = Batch(secrets.token_urlsafe(12), values["badge"], values["preuve"],
                  values["expiration"], text, people)
    desk.keep(batch)
    return _see_other(f"/attribuer/{batch.id}")


def _batch(request: Request) -> tuple[Desk, Batch]:
    desk: Desk = request.app.state.desk
    batch = desk.batch(request.path_params["batch"])
    if batch is None:
        raise Refused("Cette liste n'est plus en mémoire (le bureau a été relancé ou elle a été "
                      "oubliée). Recommencez depuis « Attribuer des badges ».", 404)
    return desk, batch


async def preview(request: Request) -> Response:
    desk, batch = _batch(request)
    if batch.confirmed:
        return _see_other(f"/messages/{batch.id}")
    badge = desk.definitions().badge(batch.badge)
    return desk.render("preview.html", page="award", title="Vérifier la liste", batch=batch,
                       badge_name=badge.name if badge else batch.badge, OK=OK,
                       MALFORMED=MALFORMED, ALREADY=ALREADY)


async def confirm(request: Request) -> Response:
    desk, batch = _batch(request)
    await read_form(request, desk.csrf)
    if not batch.confirmed:
        batch.confirmed = True
        defs = desk.definitions()
        known = [b.id for b in defs.badges]
        for person in batch.people:
            if person.status != OK:
                continue
            try:
                award = await run_in_threadpool(
                    ledger.award, desk.ledger_path, batch.badge, person.row.email, known,
                    evidence=batch.evidence, expires=batch.expires)
            except BadgeError as exc:
                person.error = _sentence(str(exc))
            except OSError as exc:  # full disk, read-only folder: said, and the rest goes on
                person.error = _sentence(describe_os_error(exc))
            else:
                person.award_id = award.id
        problem = await run_in_threadpool(_sign_new, desk)
        if problem:
            desk.flash = problem
    return _see_other(f"/messages/{batch.id}")


def _sign_new(desk: Desk) -> str:
    """With a signing key configured (FICHOTHEQUE_BADGE_KEY), sign what is new right away, as
    `fichotheque badges award` does; a sentence for the page when that failed."""
    key_path = sign.key_path_from_env()
    if key_path is None:
        return ""
    try:
        signatures.sign_project(desk.root, key_path)
    except BadgeError as exc:
        return f"Les badges sont enregistrés, mais pas signés : {_sentence(str(exc))}"
    return ""


def _messages(desk: Desk, batch: Batch) -> list[tuple[Person, messages.Message]]:
    defs = desk.definitions()
    urls = ob.Urls(defs.site)
    badge = defs.badge(batch.badge)
    badge_name = badge.name if badge else batch.badge
    expires = french_date(batch.expires) if batch.expires else ""
    return [(p, messages.build(p.row.name, p.row.email, badge_name, defs.issuer.name,
                               urls.claim_link(p.award_id), batch.evidence, expires))
            for p in batch.awarded]


async def messages_page(request: Request) -> Response:
    desk, batch = _batch(request)
    if not batch.confirmed:
        return _see_other(f"/attribuer/{batch.id}")
    failed = [p for p in batch.people if p.error]
    return desk.render("messages.html", page="award", title="Messages à envoyer", batch=batch,
                       items=_messages(desk, batch), failed=failed)


async def messages_csv(request: Request) -> Response:
    desk, batch = _batch(request)
    data = messages.mail_merge_csv([m for _p, m in _messages(desk, batch)])
    return Response(data, media_type="text/csv; charset=utf-8", headers={
        "content-disposition": f'attachment; filename="messages-badge-{batch.badge}.csv"'})


async def forget(request: Request) -> Response:
    desk, batch = _batch(request)
    await read_form(request, desk.csrf)
    desk.batches.pop(batch.id, None)
    desk.flash = "Les adresses e-mail de cette liste sont effacées de la mémoire du bureau."
    return _see_other("/")


# -- the application ----------------------------------------------------------------------------

def _sentence(text: str) -> str:
    text = text.strip()
    return (text[:1].upper() + text[1:]).rstrip(".") + "." if text else text


TITLES = {400: "Formulaire illisible", 404: "Page introuvable", 413: "Envoi trop volumineux"}


async def _refused(request: Request, exc: Refused) -> Response:
    """Inside the desk (the token was good): the page with its menu; else the bare refusal."""
    title = TITLES.get(exc.status)
    if title is None:
        return refusal_page(exc.message, exc.status)
    desk: Desk = request.app.state.desk
    return desk.render("message.html", exc.status, title=title, text=exc.message)


async def _user_error(request: Request, exc: Exception) -> Response:
    desk: Desk = request.app.state.desk
    return desk.render("message.html", 500, title="Un fichier du projet pose problème",
                       text=_sentence(str(exc)))


async def _os_error(request: Request, exc: OSError) -> Response:
    """A full disk, a read-only folder: one French sentence, nothing half-written."""
    desk: Desk = request.app.state.desk
    return desk.render("message.html", 500, title="Le fichier n'a pas pu être écrit",
                       text=_sentence(describe_os_error(exc)))


def create_app(root: Path | str, port: int = 8765, *, token: str | None = None,
               build=None) -> Guard:
    """The desk for the project at `root`, answering on 127.0.0.1:`port` (an ASGI app whose
    `state.desk` is the running `Desk`)."""
    desk = Desk(Path(root), port, **({"token": token} if token else {}),
                **({"build": build} if build else {}))
    routes = [
        Route("/", home),
        Route("/chercher", search, methods=["POST"]),
        Route("/revoquer/{award_id}", revoke_form),
        Route("/revoquer/{award_id}", revoke, methods=["POST"]),
        Route("/attribuer", award_form),
        Route("/attribuer", award_preview, methods=["POST"]),
        Route("/attribuer/{batch}", preview),
        Route("/attribuer/{batch}/confirmer", confirm, methods=["POST"]),
        Route("/messages/{batch}", messages_page),
        Route("/messages/{batch}/publipostage.csv", messages_csv),
        Route("/messages/{batch}/oublier", forget, methods=["POST"]),
        *output.routes(),
        Mount("/static", StaticFiles(directory=TEMPLATES / "static"), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={
        Refused: _refused, BadgeError: _user_error, UserError: _user_error, OSError: _os_error})
    app.state.desk = desk
    guarded = Guard(app, token=desk.token, port=port)
    guarded.state = app.state  # tests reach the desk through the returned app
    return guarded
