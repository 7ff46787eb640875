"""mkdocs-macros entry point: a thin wrapper over `fichotheque.macros`."""

from fichotheque.macros import define_env  # noqa: F401
