"""MkDocs hook: Open Badges pages and files under site/badges/ (logic in fichotheque.badges)."""

from mkdocs.plugins import event_priority

from fichotheque.badges.build import BadgeSite

_site: BadgeSite | None = None


def on_config(config):
    global _site
    _site = BadgeSite(config)
    return config


@event_priority(-100)  # last: after every fork (hooks/render.py forks at on_nav, -90)
def on_nav(nav, config, files):
    _site.draw_images()  # in a thread, while the pages render
    return nav


def on_env(env, config, files):
    _site.images_drawn()  # before the PDF hook forks its workers
    return env


def on_page_markdown(markdown, page, config, files):
    return _site.page_markdown(markdown, page)


def on_post_page(output, page, config):
    return _site.post_page(output, page)


def on_post_build(config):
    _site.post_build(config)


# The preview server skips it after a fiche's text changed: badge files do not depend on it.
on_post_build.fichotheque_text_independent = True
