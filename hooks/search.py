"""MkDocs hook: search for beginners (synonyms, fiche level and duration, result help).

A thin adapter over `fichotheque.web.search`; the ranking itself runs in the browser
(`theme/assets/javascripts/workers/fichotheque-search.js`).
"""

from mkdocs.plugins import event_priority

from fichotheque.web.search import SearchBuild

_search: SearchBuild | None = None


def on_config(config):
    global _search
    _search = SearchBuild.from_config(config)
    return _search.configure(config)


def on_page_context(context, page, config, nav):
    _search.page_context(page)
    return context


# After Material's search plugin wrote the index (priority 0), before the offline plugin
# inlines it for file:// (priority -100).
@event_priority(-50)
def on_post_build(config):
    _search.post_build(config.site_dir)
