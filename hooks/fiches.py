"""MkDocs hook: builds the fiches of `fiches/` into the site (logic in `fichotheque.web`)."""

from mkdocs.plugins import event_priority

from fichotheque.web.fiche_site import FicheSite

_site: FicheSite | None = None


@event_priority(100)  # first: the content rules start on the other core as early as possible
def on_config(config):
    global _site
    _site = FicheSite.from_config(config)
    return _site.configure(config)


@event_priority(100)  # first: before anything reads the rendered pages or writes a file
def on_env(env, config, files):
    _site.check_content()
    return env


def on_files(files, config):
    return _site.add_files(files, config)


def on_page_markdown(markdown, page, config, files):
    return _site.page_markdown(markdown, page)


def on_page_content(html, page, config, files):
    return _site.page_content(html, page, config)


@event_priority(-100)  # last: after Material's search has indexed the page
def on_page_context(context, page, config, nav):
    _site.page_context(page)
    return context


def fichotheque_corpus_changed(corpus):
    """Not a MkDocs event: the preview server re-read one edited fiche (fichotheque.preview)."""
    _site.use_corpus(corpus)
