"""MkDocs hook: fiche sources and printable PDFs after the build (logic in `fichotheque.pdf`).

PDFs are rendered only when FICHOTHEQUE_PDF=1 (set by `fichotheque build`), never by `mkdocs serve`.
"""

from fichotheque.pdf import render as pdf


def on_post_build(config):
    pdf.on_post_build(config)
