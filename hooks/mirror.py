"""MkDocs hook: pages marked `online_only: true` explain themselves in the offline mirror."""

from fichotheque.mirror import offline as mirror


def on_page_markdown(markdown, page, config, files):
    return mirror.page_markdown(markdown, page, config)
