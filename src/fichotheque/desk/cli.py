"""`fichotheque bureau`: start the coordinator's desk and open it in the browser."""

from __future__ import annotations

import errno
import socket
import webbrowser
from pathlib import Path

from fichotheque import progress
from fichotheque.errors import UserError

DEFAULT_PORT = 8765
HOST = "127.0.0.1"


def bind(port: int) -> socket.socket:
    """A listening socket on 127.0.0.1:`port`, or a French UserError (port taken…)."""
    if not 1 <= port <= 65535:
        raise UserError(f"le port {port} n'existe pas : choisissez un nombre entre 1024 et 65535")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind((HOST, port))
        sock.listen(64)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise UserError(f"le port {port} est déjà utilisé (le bureau est peut-être déjà "
                            f"ouvert) ; fermez l'autre programme ou choisissez un autre port, "
                            f"par exemple : fichotheque bureau --port {port + 1}") from None
        if exc.errno == errno.EACCES:
            raise UserError(f"le port {port} est réservé sur cet ordinateur ; choisissez-en un "
                            f"au-dessus de 1024, par exemple --port {DEFAULT_PORT}") from None
        raise UserError(f"impossible d'ouvrir le port {port} : {exc.strerror}") from None
    return sock


def server(app, sock: socket.socket):
    """A uvicorn server for `app` on `sock`, without access log (no address ever logged)."""
    import uvicorn

    config = uvicorn.Config(app, host=HOST, port=sock.getsockname()[1], access_log=False,
                            log_level="warning", server_header=False, proxy_headers=False,
                            lifespan="off", log_config=None)
    return uvicorn.Server(config)


def cmd_bureau(args) -> int:
    from fichotheque.desk.app import create_app

    root = Path(args.root)
    if not (root / "mkdocs.yml").is_file():
        raise UserError(f"pas de fichier mkdocs.yml dans {root.resolve()} ; lancez la commande "
                        "à la racine du projet ou utilisez --root")
    sock = bind(args.port)
    app = create_app(root, args.port)
    url = f"http://{HOST}:{args.port}/?token={app.state.desk.token}"
    print("Bureau du coordinateur ouvert à cette adresse (gardez-la pour vous) :")
    print(f"  {url}")
    progress.info("Laissez cette fenêtre ouverte pendant que vous utilisez le bureau ; "
                  "Ctrl+C pour le fermer.")
    if not args.no_browser:
        webbrowser.open(url)
    try:
        server(app, sock).run(sockets=[sock])
    finally:
        sock.close()
    print("Bureau fermé.")
    return 0


def add_parser(sub) -> None:
    bureau = sub.add_parser("bureau", help="ouvrir le bureau du coordinateur dans le navigateur "
                                           "(badges, messages, impressions, publication)")
    bureau.add_argument("--port", type=int, default=DEFAULT_PORT, metavar="NUMÉRO",
                        help=f"port local à utiliser (par défaut : {DEFAULT_PORT})")
    bureau.add_argument("--no-browser", action="store_true",
                        help="ne pas ouvrir le navigateur (l'adresse est affichée)")
    bureau.set_defaults(func=cmd_bureau)
