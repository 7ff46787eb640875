"""Environment variables set for the length of a block (the MkDocs hooks read them)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator


@contextlib.contextmanager
def scoped(**values: str) -> Iterator[None]:
    """Set `values` in `os.environ`, and put back what was there (or nothing) afterwards."""
    old = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
