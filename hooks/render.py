"""MkDocs hook: each page's Markdown converted once and kept in `.cache/pages/`.

A thin adapter over `fichotheque.web.render_cache` (the cache) and `render_ahead` (a first
build converts pages on the other core too).
"""

from mkdocs.plugins import event_priority

from fichotheque.web.render_ahead import RenderAhead
from fichotheque.web.render_cache import RenderCache

_cache: RenderCache | None = None
_ahead: RenderAhead | None = None


def on_config(config):
    global _cache
    _cache = RenderCache.from_config(config)
    return config


@event_priority(-90)  # after the other hooks' on_nav; before the badge images' thread (-100)
def on_nav(nav, config, files):
    global _ahead
    _cache.start(config, files)
    _ahead = RenderAhead.start(_cache, config, files)
    return nav


@event_priority(-1000)  # last: nothing else needs the page's `render` method
def on_page_markdown(markdown, page, config, files):
    _cache.attach(page)
    if _ahead is not None:
        _ahead.reached(page)
    return markdown


@event_priority(110)  # first: before the PDF hook forks its workers
def on_env(env, config, files):
    global _ahead
    if _ahead is not None:
        _ahead.stop()
        _ahead = None
    _cache.finish()
    return env


def on_build_error(error):
    global _ahead
    if _ahead is not None:
        _ahead.stop()
        _ahead = None
