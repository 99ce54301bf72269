"""The front desk's work on one project: check visits, make their sheets, keep them, print and email them.

The command line and the desk app both drive a FrontDesk, so there is one way to make, keep,
print, send, correct or resend. It returns what happened as data (or raises a PressError
whose text says what to do); the caller says it to a person. A desk app's flow:

    desk = FrontDesk(project, settings, sending=True)
    visit, problems = desk.checker().visit(form_values, "the form")
    room = desk.note_room(visit)            # characters of note that will surely fit
    made = desk.make(visit)                 # in memory; made.problem says why it cannot be made
    desk.check_email(made, correct=False)   # RecordsRefusal: already sent differently, or nothing to correct
    kept = desk.keep(made)                  # a new version on disk, or the identical one kept before
    desk.email(kept) / desk.correct(made) / desk.print(kept.path, options) / desk.downloaded(kept)
    desk.history(name); desk.kept_sheet(version); desk.resend(version); desk.purge(days)
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from email import policy
from email.parser import BytesHeaderParser
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Iterable, Iterator

from ..builds.files import write_atomically
from ..content.load import load_library, sheet_layouts
from ..content.model import Project
from ..errors import NeedsSetup
from ..render.sheets import Press
from ..content.locales import long_date
from .letter import Correction, build_letter
from .names import client_key
from .outbox import Delivery, Outbox
from .printing import PrintFailed, PrintJob, send_to_printer
from .records import Records, RecordsRefusal, SheetVersion, pdf_hash
from .sendlog import SendLog
from .settings import Settings, mail_password
from .sheets import ClientPdf, client_card, make_client_pdf, make_many
from .batch import Row
from .visits import NOTE_LIMIT, Checker, FieldProblem, Visit


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
    """One project's library, press, delivery settings and client records, loaded once for a
    command or the desk app.

    make(visit) -> ClientPdf (in memory), keep(made) -> the kept version (records.py),
    email(kept), correct(kept), print(path), downloaded(kept), note_room(visit),
    history(name), reprint(version), resend(version), purge(days)."""

    def __init__(self, project: Project, settings: Settings | None, *, sending: bool = False, dry_run: bool = False):
        """project.out is the clients folder. When sheets will be emailed (or written as emails),
        the mail settings (and for sending, the password) are checked now, before anything is
        made, not halfway through a batch."""
        self.project, self.settings = project, settings
        self.folder = project.out
        self.transport = mail_transport(settings, password=sending) if sending or dry_run else None
        self.library = load_library(project)
        self.press = Press(project, self.library)
        self.records = Records(self.folder)
        self._rooms: dict[tuple, int] = {}

    def show(self, path: Path) -> str:
        return self.project.show(path)

    def checker(self, today: date | None = None) -> Checker:
        return Checker(self.library, sheet_layouts(self.project), self.press.missing_glyph,
                       self.press.font_label(), today or date.today())

    def make(self, visit: Visit) -> ClientPdf:
        """The sheet as bytes (nothing written yet); its path is where its first version goes."""
        return make_client_pdf(self.press, visit, self.folder, self.records.planned_path(visit))

    def make_many(self, visits: Iterable[Visit], count: int | None = None) -> Iterator[ClientPdf]:
        """The visits' sheets in order, each as soon as it is made (keep each one as it comes);
        visits may be any iterable, with count (about how many), read as the making needs them."""
        return make_many(self.press, visits, self.folder, self.records.planned_paths, count)

    def keep(self, made: ClientPdf) -> ClientPdf:
        """Keep a finished sheet as a new version in the clients folder (or find the identical one
        kept before); returns it with its kept path, version and record id. A disk that is full or
        cannot be written is that sheet's problem: nothing is half-written, and a batch goes on."""
        try:
            kept, _new = self.records.keep(made.visit, made.data, made.content_hash, _now())
        except (OSError, sqlite3.Error) as err:
            return replace(made, data=None, problem=f"could not be kept in {self.show(self.folder)}: "
                                                    f"{getattr(err, 'strerror', None) or err}; free some disk space "
                                                    f"or check that the folder can be written, then make it again")
        return replace(made, path=kept.path, version=kept.version, record=kept.id)

    def check_email(self, made: ClientPdf, *, correct: bool = False) -> None:
        """Before keeping and sending: refuse a correction that changes nothing or has nothing to
        correct, and a changed sheet sent as if new when an earlier version already went."""
        versions = [v for v in self.records.versions(made.visit.name, made.visit.date, made.visit.sheet)
                    if not v.purged]
        latest = versions[-1] if versions else None
        same = latest is not None and latest.pdf_sha256 == pdf_hash(made.data)
        what = f"{made.visit.sheet} for {made.visit.name} on {made.visit.date.isoformat()}"
        if correct:
            if latest is None:
                raise RecordsRefusal(f"there is no earlier sheet {what} to correct; send this one as it is",
                                     "correct")
            if same:
                raise RecordsRefusal(f"nothing changed: this sheet is the same as version {latest.version} "
                                     f"({self.show(latest.path)}); change the note or picks first", "correct")
            return
        emailed = [v for v in versions if any(g.channel == "emailed" for g in v.given)]
        if emailed and not any(v.pdf_sha256 == pdf_hash(made.data) for v in emailed):
            first = emailed[0]
            raise RecordsRefusal(f"version {first.version} of {what} was already emailed and this one is different; "
                                 f"send it as a correction", "changed")

    def screen_for_email(self, made: ClientPdf) -> ClientPdf:
        """For a batch: the sheet with check_email's refusal as its problem, so that row is reported
        and the others go on."""
        try:
            self.check_email(made)
        except RecordsRefusal as err:
            return replace(made, problem=str(err))
        return made

    def print(self, path: Path, options: PrintOptions) -> Printed:
        """Print a sheet on the chosen printer, else the settings' one, else the system's default;
        a kept client sheet's printing is recorded against its version."""
        settings_printer = self.settings.printer if self.settings else None
        printer = options.printer or settings_printer
        printed = print_file(path, PrintOptions(printer, options.copies, options.double_sided))
        version = self.records.version_at(path)
        if printed.failure is None and version is not None:
            self.records.record_delivery(version.id, "printed", _now(), recipient=printer or "default printer")
        return printed

    def downloaded(self, made: ClientPdf) -> None:
        """Record that a kept sheet was handed over as a download (the desk app)."""
        assert made.record is not None
        self.records.record_delivery(made.record, "downloaded", _now())

    def email(self, made: ClientPdf, *, dry_run: bool = False, correct: bool = False) -> Delivery | Saved:
        """Send one kept sheet through the outbox, or with dry_run write it as a .eml file. With
        correct, it goes as a correction of the first message about this sheet, and the
        version before it is marked replaced."""
        now = datetime.now(timezone.utc)
        correction, kind = None, "first"
        if not correct and made.version > 1:
            earlier = [v for v in self.records.versions(made.visit.name, made.visit.date, made.visit.sheet)
                       if v.version < made.version and any(g.channel == "emailed" for g in v.given)]
            if earlier:  # never a second, different sheet without saying which one counts
                raise RecordsRefusal(f"version {earlier[0].version} of {made.visit.sheet} for {made.visit.name} on "
                                     f"{made.visit.date.isoformat()} was already emailed and this one is different; "
                                     f"send it as a correction", "changed")
        if correct:
            correction, replaced = self._correction(made)
            kind = "correction"
        letter = build_letter(self.project, self.library.brand, self.settings.mail, made.visit,
                              client_card(self.library, made.visit), made.data, made.path.name, now,
                              version=made.version or 1, correction=correction)
        return self._post(made, letter, now, dry_run=dry_run, kind=kind,
                          replaced=replaced if correct else None)

    def correct(self, made: ClientPdf, *, dry_run: bool = False) -> tuple[ClientPdf, Delivery | Saved]:
        """Keep a changed sheet as a new version and send it as a correction (check_email first)."""
        self.check_email(made, correct=True)
        kept = self.keep(made)
        return kept, self.email(kept, dry_run=dry_run, correct=True)

    def _correction(self, made: ClientPdf) -> tuple[Correction | None, SheetVersion | None]:
        versions = self.records.versions(made.visit.name, made.visit.date, made.visit.sheet)
        earlier = [v for v in versions if v.version < made.version]
        replaced = earlier[-1] if earlier else None
        first = next(((g, v) for v in versions for g in v.given if g.channel == "emailed" and g.message_id), None)
        if first is None:
            return None, replaced
        given, version = first
        when = long_date(datetime.fromisoformat(given.at).date(), self.library.brand.locale)
        return Correction(given.message_id, f"the sheet sent on {when} (version {version.version})"), replaced

    def _post(self, made: ClientPdf, letter, now: datetime, *, dry_run: bool, kind: str,
              replaced: SheetVersion | None = None) -> Delivery | Saved:
        if dry_run:
            eml = made.path.with_suffix(".eml")
            write_atomically(eml, letter.data)
            if os.name != "nt":
                os.chmod(eml, 0o600)  # personal, like the sheet beside it
            if made.record is not None:
                self.records.record_delivery(made.record, "saved", now, recipient=letter.recipient,
                                             message_id=letter.message_id, kind=kind)
            return Saved(eml)
        result = Outbox(self.folder / "mail").post(letter, self.transport, now)
        if made.record is not None and result.status != "already sent":
            self.records.record_delivery(made.record, "emailed", now, recipient=letter.recipient,
                                         message_id=letter.message_id, kind=kind)
        if replaced is not None and made.record is not None:
            self.records.mark_replaced(replaced.id, made.record)
        return result

    # -- a client's records -------------------------------------------------------------------

    def history(self, name: str) -> list[SheetVersion]:
        """Every sheet version the client was given; RecordsRefusal (naming close names) if none."""
        return self.records.history_of(name)

    def kept_sheet(self, version: SheetVersion) -> ClientPdf:
        """A kept version as the client was given it: the bytes read back from its file."""
        if version.purged or version.visit is None:
            raise RecordsRefusal(f"version {version.version} of {version.handout} ({version.visit_date}) was purged; "
                                 f"make the sheet again with 'make_pdfs.py client'")
        try:
            data = version.path.read_bytes()
        except OSError as err:
            raise RecordsRefusal(f"{self.show(version.path)} cannot be read ({err.strerror or err}); "
                                 f"it may have been moved or deleted") from None
        if pdf_hash(data) != version.pdf_sha256:
            raise RecordsRefusal(f"{self.show(version.path)} is not the file the client was given (it was changed "
                                 f"after it was made); it is not sent or printed")
        return ClientPdf(version.visit, version.path, data, None, version.content_hash, version.version, version.id)

    def resend(self, version: SheetVersion, email: str | None = None, *, dry_run: bool = False) -> Delivery | Saved:
        """Send a kept version again, byte for byte, as a new message (to `email` or the address on record)."""
        made = self.kept_sheet(version)
        visit = replace(made.visit, email=email or made.visit.email)
        if not visit.email:
            raise RecordsRefusal("no address on record for this client; give one", "email")
        made = replace(made, visit=visit)
        now = datetime.now(timezone.utc)
        letter = build_letter(self.project, self.library.brand, self.settings.mail, visit,
                              client_card(self.library, visit), made.data, made.path.name, now,
                              version=version.version, resend=self.records.resends(version.id) + 1)
        return self._post(made, letter, now, dry_run=dry_run, kind="resend")

    def purge(self, days: int, today: date | None = None) -> PurgeReport:
        """Delete client sheets, sent emails and the personal details in the send log for visits
        and messages older than `days`; nothing that still waits in the outbox."""
        before = (today or date.today()) - timedelta(days=days)
        mail = self.folder / "mail"
        waiting = _message_ids_outside_sent(mail)
        purged = self.records.purge(before, _now(), waiting)
        emails = _delete_sent_before(mail / "sent", before, purged.message_ids)
        log = mail / "send-log.sqlite3"
        forgotten = SendLog(log).forget_before(before.isoformat(), waiting, purged.message_ids) if log.is_file() else 0
        return PurgeReport(before, purged.sheets, emails, forgotten, purged.kept_waiting)

    # -- the note ---------------------------------------------------------------------------------

    def note_room(self, visit: Visit) -> int:
        """How many characters of note fit on this visit's sheet: measured by making the sheet with
        notes of the widest letters, so any note of at most this length fits."""
        key = (visit.sheet, visit.layout, visit.picks, visit.name, visit.therapist, visit.date)
        if key not in self._rooms:
            self._rooms[key] = self._measure_room(visit)
        return self._rooms[key]

    def _measure_room(self, visit: Visit) -> int:
        def fits(length: int) -> bool:
            note = _widest_note(length) if length else None
            made = make_client_pdf(self.press, replace(visit, note=note), self.folder)
            return made.problem is None

        if not fits(0):
            return 0
        low, high = 0, NOTE_LIMIT
        if fits(high):
            return high
        while high - low > 1:   # fits(low), not fits(high)
            middle = (low + high) // 2
            low, high = (middle, high) if fits(middle) else (low, middle)
        return low


@dataclass(frozen=True)
class PurgeReport:
    before: date                 # visits and messages before this day were purged
    sheets: int
    emails: int
    log_entries: int
    kept_waiting: int            # sheets kept because their email still waits in the outbox


# Words of the widest capital letter: no note of the same length takes more room.
def _widest_note(length: int) -> str:
    word = "W" * 9 + " "
    return (word * (length // len(word) + 1))[:length].rstrip() or "W"


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _message_ids_outside_sent(mail: Path) -> set[str]:
    """Message-IDs of every message in the mail folder that has not been sent (waiting, being sent, failed)."""
    found = set()
    if not mail.is_dir():
        return found
    for path in mail.rglob("*"):
        if not path.is_file() or "sent" in path.relative_to(mail).parts[:1] or path.suffix == ".sqlite3":
            continue
        try:
            with open(path, "rb") as handle:
                headers = BytesHeaderParser(policy=policy.compat32).parse(handle)
        except OSError:
            continue
        if headers.get("Message-ID"):
            found.add(str(headers["Message-ID"]).strip())
    return found


def _delete_sent_before(sent: Path, before: date, also: frozenset[str]) -> int:
    """Delete copies of sent messages dated before `before`, and those in `also` (they carried
    purged sheets); returns how many."""
    count = 0
    if not sent.is_dir():
        return 0
    for path in sent.rglob("*"):
        if not path.is_file():
            continue
        try:
            with open(path, "rb") as handle:
                headers = BytesHeaderParser(policy=policy.compat32).parse(handle)
            if str(headers.get("Message-ID", "")).strip() in also:
                path.unlink(missing_ok=True)
                count += 1
                continue
            stamp = headers.get("Date")
            day = parsedate_to_datetime(str(stamp)).date() if stamp else None
        except (OSError, TypeError, ValueError):
            day = None
        if day is None:
            day = datetime.fromtimestamp(path.stat().st_mtime).date()
        if day < before:
            path.unlink(missing_ok=True)
            count += 1
    return count


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


def screen_rows(rows: Iterable, *, needs_email: bool) -> Iterator:
    """A batch's rows, as they come, with those that cannot be done at all turned into problems:
    no address to send to, or the same client, date and handout as an earlier row. Anything
    that is not a Row (a skipped row of an export) passes as it is."""
    seen = FirstRows()
    try:
        for row in rows:
            if isinstance(row, Row) and row.visit is not None:
                extra = []
                if needs_email and not row.visit.email:
                    extra.append(FieldProblem("email", "is missing; it is needed to send the sheet"))
                target = hashlib.blake2b("\0".join((client_key(row.visit.name), row.visit.date.isoformat(),
                                                     row.visit.sheet)).encode("utf-8", "surrogatepass"),
                                         digest_size=16).digest()
                first = seen.first(target, row.number)
                if first is not None:
                    extra.append(FieldProblem("row", f"same client, date and handout as row {first}; remove one"))
                if extra:
                    row = Row(row.number, row.line, None, tuple(extra), row.visit_name)
            yield row
    finally:
        seen.close()


def _temporary_database() -> sqlite3.Connection:
    return sqlite3.connect("")  # "": a private file of SQLite's own, deleted when closed


class FirstRows:
    """The first row given for each 16-byte digest. Kept in a private temporary SQLite database
    on disk, whose cache of a few MB holds any number of rows; in memory if SQLite cannot keep
    it (no room for its temporary file, say), so a batch never stops over it."""

    def __init__(self, open_database=None):
        self.memory: dict[bytes, int] | None = None
        self.db = None
        try:
            self.db = (open_database or _temporary_database)()
            self.db.execute("CREATE TABLE IF NOT EXISTS target (digest BLOB PRIMARY KEY, row INTEGER) WITHOUT ROWID")
        except sqlite3.Error:
            self._in_memory()

    def first(self, digest: bytes, number: int) -> int | None:
        """The row first given with this digest, or None when this is the first (then it is)."""
        if self.memory is None:
            try:
                found = self.db.execute("SELECT row FROM target WHERE digest = ?", (digest,)).fetchone()
                if found is None:
                    self.db.execute("INSERT INTO target VALUES (?, ?)", (digest, number))
                return found[0] if found else None
            except sqlite3.Error:
                self._in_memory()
        first = self.memory.setdefault(digest, number)
        return None if first == number else first

    def _in_memory(self) -> None:
        self.memory = {}
        if self.db is not None:
            try:
                self.memory.update(self.db.execute("SELECT digest, row FROM target"))
            except sqlite3.Error:
                pass  # lost: a repeat of a row before this moment is then made again, as its next version
            self.close()

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None
