"""MkDocs hook: fiche sources and printable PDFs after the build (logic in `fichotheque.pdf`).

`mkdocs build` renders the PDFs (with the cache of `.cache/pdf/`); `mkdocs serve` does not, and
its pages then offer no PDF download. `FICHOTHEQUE_PDF=0` (`fichotheque build --no-pdf`) skips
them in any build, `FICHOTHEQUE_PDF=1` makes them even in `mkdocs serve`.
"""

from fichotheque.pdf import render as pdf


def on_startup(command, dirty):
    pdf.on_startup(command, dirty)


def on_post_page(output, page, config):
    return pdf.on_post_page(output, page, config)


def on_post_build(config):
    pdf.on_post_build(config)


def on_shutdown():
    pdf.on_shutdown()
