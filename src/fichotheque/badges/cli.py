"""`fichotheque badges …`: award, revoke, list, verify, keygen, signer (messages in French)."""

from __future__ import annotations

import json
from pathlib import Path

from fichotheque import progress
from fichotheque.badges import (
    KEY_ENV,
    LEDGER_PATH,
    BadgeError,
    history,
    keys,
    ledger,
    sign,
    verify_ob3,
)
from fichotheque.badges import openbadges as ob
from fichotheque.badges import signatures as signing
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
    progress.info("L'adresse e-mail n'est enregistrée nulle part : le registre "
                  f"({LEDGER_PATH}) n'en garde qu'une version chiffrée, impossible à relire.")
    _sign_if_key(root)
    progress.info("Publiez le site (make site), puis envoyez ce lien à la personne pour qu'elle "
                  "récupère son badge :")
    print(f"  {urls.claim_link(award.id)}")  # the result: printed even with --quiet
    return 0


def _sign_if_key(root: Path) -> None:
    """With a signing key configured, sign what is new right away (kept in badges/)."""
    key_path = sign.key_path_from_env()
    if key_path is None:
        if (root / signing.STATUS_FILE).exists():
            progress.info("Pas de clé de signature configurée : lancez « fichotheque badges "
                          "signer » avec la clé avant de publier (sinon la construction du site "
                          "s'arrêtera pour ne pas publier une liste de révocations périmée).")
        return
    written = signing.sign_project(root, key_path)
    if written:
        progress.info(f"Signé et enregistré dans {signing.SIGNATURES_DIR}/ : ajoutez ce dossier "
                      "dans git avec le registre.")


def cmd_revoke(args) -> int:
    root = _root(args)
    revocation = ledger.revoke(root / LEDGER_PATH, args.id, args.reason)
    progress.info(f"Attribution {revocation.revoked} révoquée (motif : {revocation.reason}).")
    _sign_if_key(root)
    progress.info("Publiez le site pour que la révocation soit visible des vérificateurs.")
    return 0


def cmd_sign(args) -> int:
    root = _root(args)
    key_path = Path(args.key).expanduser() if args.key else sign.key_path_from_env()
    if key_path is None:
        raise UserError(f"aucune clé de signature : indiquez son chemin (--cle CHEMIN) ou la "
                        f"variable {KEY_ENV}")
    written = signing.sign_project(root, key_path)
    if not written:
        progress.info("Rien à signer : tout est déjà signé et enregistré.")
        return 0
    for rel in written:
        print(f"  {rel}")
    progress.info(f"{len(written)} fichier(s) écrit(s). Ajoutez badges/ dans git (avec le "
                  "registre), puis publiez le site.")
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
    if args.site and not args.site.startswith(("https://", "http://")):
        try:
            source = verifier.SiteSource.from_dir(Path(args.site))
        except (FileNotFoundError, ValueError, KeyError) as exc:
            raise UserError(f"{args.site} : pas de badges/emetteur.json — indiquez le dossier "
                            "d'un site construit (par exemple site/) ou son adresse") from exc
    else:
        site_url = args.site or settings.load(_root(args)).site_url
        if not site_url:
            raise UserError("mkdocs.yml : « site_url » est vide ; utilisez --site DOSSIER")
        source = verifier.SiteSource.from_url(site_url)
    for value in args.key or []:
        source = source.with_keys(verify_ob3.load_key_argument(value))
    verdict = verifier.verify_png(data, source, email=args.email or "")
    if args.json:
        print(json.dumps(verdict.as_json(), ensure_ascii=False, indent=2))
    else:
        print(verdict.format())
    return verdict.exit_code


def cmd_keygen(args) -> int:
    root = _root(args)
    path = Path(args.path) if args.path else Path("~/.config/fichotheque/cle-badges.pem")
    written = sign.keygen(path, root)
    record = keys.record_public_key(root, sign.load_private_key(written))
    progress.info(f"Clé de signature créée : {written} (lisible par vous seul).")
    progress.info(f"Sa partie publique est dans {record.path} : ajoutez ce fichier dans git, il "
                  "sera publié pour toujours (les badges signés avec cette clé en ont besoin).")
    progress.info("Gardez la clé hors du dépôt et sauvegardez-la. Pour signer les badges :")
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
    check.add_argument("--site", metavar="DOSSIER|ADRESSE",
                       help="site construit ou adresse du site (par défaut : site_url de "
                            "mkdocs.yml)")
    check.add_argument("--cle", dest="key", action="append", metavar="FICHIER|ADRESSE",
                       help="clé publique du site (fichier badges/cles/<…>.json ou son "
                            "adresse) : vérifie la signature même sans accès au site")
    check.add_argument("--json", action="store_true",
                       help="résultat au format JSON (pour un autre programme)")
    check.epilog = ("Code de sortie : 0 badge valide, 1 badge non valide (révoqué, expiré, "
                    "modifié, inconnu), 3 site injoignable (rien n'a pu être conclu).")
    check.set_defaults(func=_guard(cmd_verify))

    signer = cmds.add_parser("signer", help="signer les badges pas encore signés (et la liste "
                                            "des révocations) avec la clé de signature")
    signer.add_argument("--cle", dest="key", metavar="CHEMIN",
                        help=f"chemin de la clé privée (par défaut : variable {KEY_ENV})")
    signer.set_defaults(func=_guard(cmd_sign))

    keygen = cmds.add_parser("keygen", help="créer la clé de signature (hors du dépôt)")
    keygen.add_argument("path", nargs="?", metavar="CHEMIN",
                        help="où écrire la clé (par défaut : ~/.config/fichotheque/cle-badges.pem)")
    keygen.set_defaults(func=_guard(cmd_keygen))


def check_problems(root: Path) -> list:
    """Problems `fichotheque check` reports for the badges (ledger readable, append-only)."""
    return history.check_append_only(Path(root))


