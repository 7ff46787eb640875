"""MkDocs hook: pages marked `online_only: true` explain themselves in the offline mirror."""

from fichotheque import mirror


def on_page_markdown(markdown, page, config, files):
    return mirror.page_markdown(markdown, page, config)
