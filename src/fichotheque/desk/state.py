"""What the desk holds while it runs: the project, its token, the lists being awarded (in memory
only: they hold e-mail addresses), the build job, and the page renderer."""

from __future__ import annotations

import secrets
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from starlette.responses import HTMLResponse

from fichotheque.badges import LEDGER_PATH, ledger
from fichotheque.badges import openbadges as ob
from fichotheque.badges.verdicts import french_date
from fichotheque.content.loading import load_corpus
from fichotheque.desk.attendance import Row
from fichotheque.desk.publishing import BuildJob, default_build
from fichotheque.web import settings

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "desk"
MAX_BATCHES = 20  # lists kept in memory (oldest forgotten first)
OK, MALFORMED, ALREADY = "ok", "malformed", "already"


@dataclass
class Person:
    """One line of a list in the preview: the row, its status, and then its award."""

    row: Row
    status: str
    detail: str = ""  # plain French, for MALFORMED and ALREADY
    award_id: str = ""
    error: str = ""  # when the award itself failed at confirmation


@dataclass
class Batch:
    """A list being awarded. Lives in memory only; `forget` drops it."""

    id: str
    badge: str
    evidence: str
    expires: str
    text: str
    people: list[Person]
    confirmed: bool = False

    def count(self, status: str) -> int:
        return sum(p.status == status for p in self.people)

    @property
    def awarded(self) -> list[Person]:
        return [p for p in self.people if p.award_id]


@dataclass
class Desk:
    root: Path
    port: int
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    build: Callable[[Path], object] = default_build
    batches: OrderedDict = field(default_factory=OrderedDict)
    flash: str = ""
    job: BuildJob | None = None

    def __post_init__(self):
        self.root = Path(self.root).resolve()
        self.job = BuildJob(self.root, self.build)
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES),
                                      autoescape=True, trim_blocks=True, lstrip_blocks=True,
                                      undefined=jinja2.StrictUndefined)
        self.env.filters["date_fr"] = french_date

    @property
    def ledger_path(self) -> Path:
        return self.root / LEDGER_PATH

    @property
    def site_dir(self) -> Path:
        return self.root / "site"

    def definitions(self) -> ob.Definitions:
        site = settings.load(self.root)
        return ob.load_definitions(self.root, site, load_corpus(self.root))

    def corpus(self):
        return load_corpus(self.root)

    def ledger(self) -> ledger.Ledger:
        return ledger.load(self.ledger_path)

    def keep(self, batch: Batch) -> None:
        self.batches[batch.id] = batch
        while len(self.batches) > MAX_BATCHES:
            self.batches.popitem(last=False)

    def batch(self, batch_id: str) -> Batch | None:
        return self.batches.get(batch_id)

    def pop_flash(self) -> str:
        message, self.flash = self.flash, ""
        return message

    def render(self, name: str, status_code: int = 200, **context) -> HTMLResponse:
        template = self.env.get_template(name)
        html = template.render(csrf=self.csrf, flash=self.pop_flash(), **context)
        return HTMLResponse(html, status_code=status_code)
