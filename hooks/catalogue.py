"""MkDocs hook: catalogue, open data, feed, search tuning, JSON-LD and local identity.

A thin adapter: the logic lives in `fichotheque.web.publication` and the modules it calls.
`catalogue.json`, its schema and `feed.xml` are added as generated files in `on_files`, so
MkDocs writes them with the pages (and `mkdocs serve` serves them).
"""

from mkdocs.plugins import event_priority

from fichotheque.web.publication import Publication

_publication: Publication | None = None


def on_config(config):
    global _publication
    _publication = Publication.from_config(config)
    return _publication.configure(config)


def on_files(files, config):
    return _publication.add_files(files, config)


def on_page_markdown(markdown, page, config, files):
    return _publication.page_markdown(markdown, page)


@event_priority(-100)  # last: after Material's search has indexed the page
def on_page_context(context, page, config, nav):
    _publication.page_context(page)
    return context


def fichotheque_corpus_changed(corpus):
    """Not a MkDocs event: the preview server re-read one edited fiche (fichotheque.preview)."""
    _publication.use_corpus(corpus)
