"""Fuzzing: no front matter, `_module.yml` or YAML text, however odd, gives a traceback.

Every input ends as a fiche, or as problems with a place; the only exception a reader of YAML
may raise is the located, French `YamlError`.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fichotheque import safeyaml
from fichotheque.content.loading import load_fiche, load_module_meta
from fichotheque.content.model import MODULE_KEYS, OPTIONAL_KEYS, REQUIRED_KEYS

FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                    st.floats(allow_nan=True), st.text(max_size=40),
                    st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12)
keys = st.sampled_from(REQUIRED_KEYS + OPTIONAL_KEYS + ("inconnue", ""))


def _load(text: str | bytes, name: str = "fiche.md"):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        path = root / "fiches" / "securite" / name
        path.parent.mkdir(parents=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        problems: list = []
        fiche = load_fiche(path, root, "securite", problems, dt.date(2026, 12, 6))
        return fiche, problems


@FUZZ
@given(st.dictionaries(keys, values, max_size=12), st.text(max_size=200))
def test_any_front_matter_shape_gives_problems_not_a_traceback(meta, body):
    front = yaml.safe_dump(meta, allow_unicode=True)
    fiche, problems = _load(f"---\n{front}---\n{body}")
    assert fiche is not None or problems
    assert all(p.path.endswith("fiche.md") and p.message for p in problems)


@FUZZ
@given(st.binary(max_size=400))
def test_any_bytes_give_problems_not_a_traceback(data):
    fiche, problems = _load(b"---\n" + data + b"\n---\n## Objectif\n")
    assert fiche is None and problems


@FUZZ
@given(st.text(max_size=300))
def test_safeyaml_raises_only_its_located_error(text):
    try:
        safeyaml.load_text(text, "x.yml")
    except safeyaml.YamlError as exc:
        assert exc.path == "x.yml" and exc.message


@FUZZ
@given(st.dictionaries(st.sampled_from((*MODULE_KEYS, "fiches", "autre")), values, max_size=8))
def test_any_module_file_gives_problems_not_a_traceback(data):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        folder = root / "fiches" / "securite"
        folder.mkdir(parents=True)
        (folder / "_module.yml").write_text(yaml.safe_dump(data, allow_unicode=True),
                                            encoding="utf-8")
        problems: list = []
        meta = load_module_meta(folder, root, problems)
        assert meta is not None or problems
