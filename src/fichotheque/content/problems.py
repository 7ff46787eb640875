"""Problems found in the content: one located, French message each, collected before reporting."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """A problem in a file, with the place a contributor must look at and how to fix it."""

    path: str
    line: int | None
    message: str
    severity: str = ERROR
    hint: str | None = None
    rule: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def format(self) -> str:
        """`path:line: message — hint`, the form editors and CI logs recognise."""
        place = f"{self.path}:{self.line}" if self.line else self.path
        label = "" if self.is_error else "avertissement : "
        text = f"{place}: {label}{self.message}"
        if self.hint:
            text += f" — {self.hint}"
        return text


def errors(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.is_error]


def warnings(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if not p.is_error]


def sort_key(problem: Problem) -> tuple:
    return (problem.path, problem.line or 0, problem.rule, problem.message)


def to_json(problems: Iterable[Problem]) -> str:
    return json.dumps(
        [asdict(p) for p in sorted(problems, key=sort_key)], ensure_ascii=False, indent=2
    )
