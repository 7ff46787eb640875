"""MkDocs hook: `mkdocs serve` renders again only the page of an edited fiche (logic in
`fichotheque.preview`); `mkdocs build` is unchanged."""

from mkdocs.plugins import event_priority

from fichotheque.preview import live


def on_startup(command, dirty):
    live.startup(command)


@event_priority(-100)  # last: the navigation as every plugin left it
def on_nav(nav, config, files):
    if (session := live.session()) is not None:
        session.nav(nav, config, files)
    return nav


@event_priority(-100)
def on_env(env, config, files):
    if (session := live.session()) is not None:
        session.env(env, config, files)
    return env


@event_priority(-100)
def on_post_build(config):
    if (session := live.session()) is not None:
        session.post_build(config)


def on_serve(server, config, builder):
    if (session := live.session()) is not None:
        return session.attach(server, config, builder)
    return server


def on_shutdown():
    live.shutdown()
