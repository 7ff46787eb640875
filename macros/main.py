"""mkdocs-macros entry point: a thin wrapper over `fichotheque.web.macros`."""

from fichotheque.web.macros import define_env  # noqa: F401
