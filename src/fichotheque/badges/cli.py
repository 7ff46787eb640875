"""`fichotheque badges …`: award, revoke, list, verify, keygen (messages in French)."""

from __future__ import annotations

from pathlib import Path

from fichotheque import progress
from fichotheque.badges import KEY_ENV, LEDGER_PATH, BadgeError, ledger, sign
from fichotheque.badges import openbadges as ob
from fichotheque.badges import verify as verifier
from fichotheque.content.loading import load_corpus
from fichotheque.errors import UserError
from fichotheque.web import settings


def _root(args) -> Path:
    root = Path(args.root)
    if not (root / "mkdocs.yml").is_file():
        raise UserError(f"pas de fichier mkdocs.yml dans {root.resolve()} ; lancez la commande "
                        "à la racine du projet ou utilisez --root")
    return root


def _definitions(root: Path) -> ob.Definitions:
    site = settings.load(root)
    return ob.load_definitions(root, site, load_corpus(root))


def cmd_award(args) -> int:
    root = _root(args)
    defs = _definitions(root)
    award = ledger.award(root / LEDGER_PATH, args.badge, args.email,
                         [b.id for b in defs.badges], evidence=args.evidence or "",
                         expires=args.expires or "")
    urls = ob.Urls(defs.site)
    badge = defs.badge(award.badge)
    progress.info(f"Badge « {badge.name} » attribué (identifiant {award.id}).")
    progress.info("L'adresse e-mail n'est enregistrée nulle part : seule son empreinte est dans "
                  f"{LEDGER_PATH}.")
    progress.info("Publiez le site (make site), puis envoyez ce lien à la personne pour qu'elle "
                  "récupère son badge :")
    print(f"  {urls.claim_page}")  # the result: printed even with --quiet
    return 0


def cmd_revoke(args) -> int:
    root = _root(args)
    revocation = ledger.revoke(root / LEDGER_PATH, args.id, args.reason)
    progress.info(f"Attribution {revocation.revoked} révoquée (motif : {revocation.reason}).")
    progress.info("Publiez le site pour que la révocation soit visible des vérificateurs.")
    return 0


def cmd_list(args) -> int:
    root = _root(args)
    book = ledger.load(root / LEDGER_PATH)
    if not book.awards:
        print("Aucun badge délivré pour l'instant.")
        return 0
    print(f"{'identifiant':36}  {'badge':18}  {'date':10}  statut")
    for award in book.awards:
        print(f"{award.id:36}  {award.badge:18}  {award.issued_on[:10]:10}  "
              f"{book.status(award)}")
    count = len(book.awards)
    print(f"{count} badge{'s' if count > 1 else ''} délivré{'s' if count > 1 else ''}, "
          f"dont {len(book.revocations)} révoqué{'s' if len(book.revocations) > 1 else ''}.")
    return 0


def cmd_verify(args) -> int:
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(f"impossible de lire {path} : {exc.strerror}") from exc
    if args.site:
        try:
            source = verifier.SiteSource.from_dir(Path(args.site))
        except (FileNotFoundError, ValueError, KeyError) as exc:
            raise UserError(f"{args.site} : pas de badges/emetteur.json — indiquez le dossier "
                            "d'un site construit (par exemple site/)") from exc
    else:
        root = _root(args)
        site_url = settings.load(root).site_url
        if not site_url:
            raise UserError("mkdocs.yml : « site_url » est vide ; utilisez --site DOSSIER")
        source = verifier.SiteSource.from_url(site_url)
    verdict = verifier.verify_png(data, source, email=args.email or "")
    print(verdict.format())
    return 0 if verdict.ok else 1


def cmd_keygen(args) -> int:
    root = Path(args.root)
    path = Path(args.path) if args.path else Path("~/.config/fichotheque/cle-badges.pem")
    written = sign.keygen(path, root)
    progress.info(f"Clé de signature créée : {written} (lisible par vous seul).")
    progress.info("Gardez-la hors du dépôt et sauvegardez-la. "
                  "Pour signer les badges à la construction :")
    progress.info(f"  export {KEY_ENV}={written}")
    return 0


def _guard(func):
    def run(args):
        try:
            return func(args)
        except BadgeError as exc:
            raise UserError(str(exc)) from exc
    return run


def add_parser(sub) -> None:
    badges = sub.add_parser("badges", help="délivrer, révoquer et vérifier les Open Badges")
    cmds = badges.add_subparsers(dest="badges_command", metavar="ACTION", required=True,
                                 help="ce qu'il faut faire")

    award = cmds.add_parser("award", help="attribuer un badge à une personne (par son e-mail)")
    award.add_argument("--badge", required=True, help="identifiant du badge (ex. securite)")
    award.add_argument("--email", required=True, metavar="ADRESSE",
                       help="adresse e-mail de la personne (jamais enregistrée)")
    award.add_argument("--evidence", metavar="TEXTE",
                       help="preuve ou contexte (ex. « Ateliers de mars 2026 »)")
    award.add_argument("--expires", metavar="AAAA-MM-JJ", help="date d'expiration du badge")
    award.set_defaults(func=_guard(cmd_award))

    revoke = cmds.add_parser("revoke", help="révoquer un badge délivré")
    revoke.add_argument("id", metavar="IDENTIFIANT",
                        help="identifiant de l'attribution (voir « badges list »)")
    revoke.add_argument("--reason", required=True, metavar="MOTIF",
                        help="motif affiché aux vérificateurs")
    revoke.set_defaults(func=_guard(cmd_revoke))

    listing = cmds.add_parser("list", help="lister les badges délivrés (sans adresse e-mail)")
    listing.set_defaults(func=_guard(cmd_list))

    check = cmds.add_parser("verify", help="vérifier une image de badge (PNG)")
    check.add_argument("file", metavar="FICHIER.png", help="l'image du badge à vérifier")
    check.add_argument("--email", metavar="ADRESSE",
                       help="vérifier aussi que le badge a été délivré à cette adresse")
    check.add_argument("--site", metavar="DOSSIER",
                       help="site construit à utiliser (par défaut : site_url de mkdocs.yml)")
    check.set_defaults(func=_guard(cmd_verify))

    keygen = cmds.add_parser("keygen", help="créer la clé de signature (hors du dépôt)")
    keygen.add_argument("path", nargs="?", metavar="CHEMIN",
                        help="où écrire la clé (par défaut : ~/.config/fichotheque/cle-badges.pem)")
    keygen.set_defaults(func=_guard(cmd_keygen))


def check_problems(root: Path) -> list:
    """Problems `fichotheque check` reports for the badges (ledger readable, append-only)."""
    return ledger.check_append_only(Path(root))


