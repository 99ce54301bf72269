"""The front desk's work on one project: check visits, make their sheets, print and email them.

The command line and (later) the desk app both drive a FrontDesk, so there is one way to
make, print or send. It returns what happened as data; the caller says it to a person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Iterator

from ..builds.files import write_atomically
from ..content.load import load_library, sheet_layouts
from ..content.model import Project
from ..errors import NeedsSetup
from ..render.sheets import Press
from .letter import build_letter
from .outbox import Delivery, Outbox
from .printing import PrintFailed, PrintJob, send_to_printer
from .settings import Settings, mail_password
from .sheets import ClientPdf, client_card, client_pdf_path, make_client_pdf, make_many
from .batch import Row
from .visits import Checker, FieldProblem, Visit


@dataclass(frozen=True)
class PrintOptions:
    printer: str | None         # None: the settings' printer, else the system's default
    copies: int
    double_sided: bool


@dataclass(frozen=True)
class Printed:
    """What the print system did with one file: took it (`said` is its answer) or not (`failure`)."""

    path: Path
    said: str | None
    failure: str | None


@dataclass(frozen=True)
class Saved:
    """An email written to a file instead of being sent (a dry run)."""

    path: Path


class FrontDesk:
    """One project's library, press and delivery settings, loaded once for a command or the desk app."""

    def __init__(self, project: Project, settings: Settings | None, *, sending: bool = False, dry_run: bool = False):
        """project.out is the clients folder. When sheets will be emailed (or written as emails),
        the mail settings (and for sending, the password) are checked now, before anything is
        made, not halfway through a batch."""
        self.project, self.settings = project, settings
        self.folder = project.out
        self.transport = mail_transport(settings, password=sending) if sending or dry_run else None
        self.library = load_library(project)
        self.press = Press(project, self.library)

    def show(self, path: Path) -> str:
        return self.project.show(path)

    def checker(self, today: date | None = None) -> Checker:
        return Checker(self.library, sheet_layouts(self.project), self.press.missing_glyph,
                       self.press.font_label(), today or date.today())

    def make(self, visit: Visit) -> ClientPdf:
        return make_client_pdf(self.press, visit, self.folder)

    def make_many(self, visits: list[Visit]) -> Iterator[ClientPdf]:
        """The visits' sheets in order, each as soon as it is made (keep each one as it comes)."""
        return make_many(self.press, visits, self.folder)

    def keep(self, made: ClientPdf) -> None:
        """Write a finished sheet to its place in the clients folder."""
        write_atomically(made.path, made.data)

    def print(self, path: Path, options: PrintOptions) -> Printed:
        """Print a sheet on the chosen printer, else the settings' one, else the system's default."""
        settings_printer = self.settings.printer if self.settings else None
        return print_file(path, PrintOptions(options.printer or settings_printer, options.copies, options.double_sided))

    def email(self, made: ClientPdf, *, dry_run: bool = False) -> Delivery | Saved:
        """Send one finished sheet through the outbox, or with dry_run write it as a .eml file."""
        now = datetime.now(timezone.utc)
        letter = build_letter(self.project, self.library.brand, self.settings.mail, made.visit,
                              client_card(self.library, made.visit), made.data, made.path.name, now)
        if dry_run:
            eml = made.path.with_suffix(".eml")
            write_atomically(eml, letter.data)
            return Saved(eml)
        return Outbox(self.folder / "mail").post(letter, self.transport, now)


def print_file(path: Path, options: PrintOptions, *, short_edge: bool = False) -> Printed:
    """Hand one PDF to the print system; short_edge (an imposed booklet) prints both sides, turned on the short edge."""
    job = PrintJob(path, path.stem, options.printer, options.copies, options.double_sided or short_edge, short_edge)
    try:
        return Printed(path, send_to_printer(job), None)
    except PrintFailed as err:
        return Printed(path, None, str(err))


def mail_transport(settings: Settings | None, *, password: bool = True):
    """The connection to the spa's mail server that delivery.yaml describes (NeedsSetup if it does not)."""
    if settings is None or settings.mail is None:
        where = settings.source if settings is not None else "delivery.yaml"
        raise NeedsSetup(f"no email settings: add an 'email:' part to {where} (delivery.example.yaml shows how)")
    from .smtp import SmtpTransport
    return SmtpTransport(settings.mail, mail_password(settings.mail) if password else None)


def screen_rows(rows: list[Row], folder: Path, *, needs_email: bool) -> list[Row]:
    """A batch's rows with those that cannot be done at all turned into problems: no address to
    send to, or the same client, date and handout as an earlier row."""
    first_row_for: dict[Path, int] = {}
    screened: list[Row] = []
    for row in rows:
        if row.visit is not None:
            extra = []
            if needs_email and not row.visit.email:
                extra.append(FieldProblem("email", "is missing; it is needed to send the sheet"))
            target = client_pdf_path(folder, row.visit)
            if target in first_row_for:
                extra.append(FieldProblem("row", f"same client, date and handout as row {first_row_for[target]}; "
                                                 f"remove one"))
            first_row_for.setdefault(target, row.number)
            if extra:
                row = Row(row.number, row.line, None, tuple(extra), row.visit_name)
        screened.append(row)
    return screened
