"""The desk's routes for paper and publication: certificates, parcours attestations, rebuild,
what changed, save and publish with git."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from fichotheque.badges import LEDGER_PATH, images, publish
from fichotheque.badges import openbadges as ob
from fichotheque.desk import publishing
from fichotheque.desk.guard import Refused, read_form
from fichotheque.desk.state import Desk
from fichotheque.web.parcours_pages import document_name

MAX_NAME = 120


def _desk(request: Request) -> Desk:
    return request.app.state.desk


def _attestation_path(desk: Desk, slug: str):
    return desk.site_dir / "parcours" / slug / document_name(slug, "attestation")


# -- printing -----------------------------------------------------------------------------------

async def print_page(request: Request) -> Response:
    desk = _desk(request)
    defs = desk.definitions()
    book = desk.ledger()
    names = {b.id: b.name for b in defs.badges}
    awards = [{"award": a, "name": names.get(a.badge, a.badge)} for a in reversed(book.awards)
              if book.status(a) == "valide"]
    parcours = [{"parcours": p, "ready": _attestation_path(desk, p.slug).is_file()}
                for p in desk.corpus().parcours]
    return desk.render("print.html", page="print", title="Imprimer", awards=awards,
                       parcours=parcours)


async def parcours_pdf(request: Request) -> Response:
    desk = _desk(request)
    slug = request.path_params["slug"]
    if slug not in {p.slug for p in desk.corpus().parcours}:
        raise Refused("Ce parcours n'existe pas.", 404)
    path = _attestation_path(desk, slug)
    if not path.is_file():
        raise Refused("L'attestation de ce parcours n'est pas encore prête : reconstruisez le "
                      "site (page « Publier »).", 404)
    return FileResponse(path, media_type="application/pdf",
                        filename=document_name(slug, "attestation"),
                        content_disposition_type="inline")


def _certificate(request: Request, name: str, error: str = "") -> Response:
    desk = _desk(request)
    book = desk.ledger()
    award = book.award(request.path_params["award_id"])
    if award is None:
        raise Refused("Aucune attribution de ce numéro dans le registre.", 404)
    defs = desk.definitions()
    badge = defs.badge(award.badge)
    urls = ob.Urls(defs.site)
    return desk.render("certificate.html", 400 if error else 200, page="print",
                       title="Attestation Open Badge", award=award, badge=badge,
                       issuer=defs.issuer, status=book.status(award), person=name,
                       verify_url=urls.verify_page(award.id), error=error)


async def certificate(request: Request) -> Response:
    return _certificate(request, "")


async def certificate_named(request: Request) -> Response:
    form = await read_form(request, _desk(request).csrf)
    name = " ".join(form.get("nom").split())
    if len(name) > MAX_NAME:
        return _certificate(request, "", f"Le nom est trop long (plus de {MAX_NAME} "
                                         "caractères).")
    return _certificate(request, name)


async def certificate_qr(request: Request) -> Response:
    desk = _desk(request)
    award_id = request.path_params["award_id"]
    if desk.ledger().award(award_id) is None:
        raise Refused("Aucune attribution de ce numéro dans le registre.", 404)
    urls = ob.Urls(desk.definitions().site)
    return Response(publish.qr_svg(urls.verify_page(award_id)), media_type="image/svg+xml")


async def badge_image(request: Request) -> Response:
    desk = _desk(request)
    badge = desk.definitions().badge(request.path_params["badge"])
    if badge is None:
        raise Refused("Ce badge n'existe pas.", 404)
    built = desk.site_dir / "badges" / f"{badge.id}.png"
    if built.is_file():
        return FileResponse(built, media_type="image/png")
    data = await run_in_threadpool(images.badge_png, badge.name, badge.colour, badge.module)
    return Response(data, media_type="image/png")


# -- publishing ---------------------------------------------------------------------------------

async def publish_page(request: Request) -> Response:
    desk = _desk(request)
    found = await run_in_threadpool(publishing.changes, desk.root)
    return desk.render("publish.html", page="publish", title="Publier le site", job=desk.job,
                       changes=found, ledger_path=LEDGER_PATH, root=desk.root,
                       site_dir=desk.site_dir)


async def rebuild(request: Request) -> Response:
    desk = _desk(request)
    await read_form(request, desk.csrf)
    if not desk.job.start():
        desk.flash = "Une construction est déjà en cours : attendez qu'elle se termine."
    return RedirectResponse("/publier#construction", status_code=303)


async def build_state(request: Request) -> Response:
    return JSONResponse(_desk(request).job.as_json())


async def save_form(request: Request) -> Response:
    desk = _desk(request)
    found = await run_in_threadpool(publishing.changes, desk.root)
    if not found.is_git:
        return RedirectResponse("/publier", status_code=303)
    diff = await run_in_threadpool(publishing.ledger_diff, desk.root)
    return desk.render("save.html", page="publish", title="Enregistrer et publier",
                       changes=found, diff=diff, outcome=None,
                       message=publishing.default_commit_message(found))


async def save(request: Request) -> Response:
    desk = _desk(request)
    form = await read_form(request, desk.csrf)
    found = await run_in_threadpool(publishing.changes, desk.root)
    if not found.is_git:
        return RedirectResponse("/publier", status_code=303)
    outcome = await run_in_threadpool(publishing.save_and_publish, desk.root,
                                      form.get("message"), bool(found.remote))
    after = await run_in_threadpool(publishing.changes, desk.root)
    return desk.render("save.html", 200 if outcome.ok else 400, page="publish",
                       title="Enregistrer et publier", changes=after, diff="",
                       outcome=outcome, message=form.get("message"))


def routes() -> list[Route]:
    return [
        Route("/imprimer", print_page),
        Route("/imprimer/parcours/{slug}.pdf", parcours_pdf),
        Route("/attestation/{award_id}", certificate),
        Route("/attestation/{award_id}", certificate_named, methods=["POST"]),
        Route("/attestation/{award_id}/qr.svg", certificate_qr),
        Route("/image/{badge}.png", badge_image),
        Route("/publier", publish_page),
        Route("/publier/construire", rebuild, methods=["POST"]),
        Route("/publier/etat", build_state),
        Route("/publier/enregistrer", save_form),
        Route("/publier/enregistrer", save, methods=["POST"]),
    ]
