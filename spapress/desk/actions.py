"""Everything the desk app asks of the package, in one place.

The pages never import clients/ or builds/ themselves: they call this module, which calls the
same functions the command line calls (FrontDesk to check, make, keep, print, email and
correct, the client records for versions and history; the outbox and send log; the incremental
build). So there is one way to make, print or send, and when the package's API changes, only
this module follows it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import yaml

from ..builds.files import write_atomically
from ..builds.targets import IMPOSED
from ..clients.bookings import read_visits
from ..clients.frontdesk import FrontDesk, Printed, PrintOptions, mail_transport, print_file
from ..clients.keychain import save_password, stored_password
from ..clients.letter import build_letter
from ..clients.outbox import Delivery, Outbox, Waiting
from ..clients.printing import MAX_COPIES, PRINTER_NAME, list_printers
from ..clients.records import Given, RecordsRefusal, SheetVersion, pdf_hash
from ..clients.sendlog import SendLog
from ..clients.settings import SECURITY, Settings, load_settings, settings_path
from ..clients.sheets import ClientPdf, client_card
from ..clients.smtp import DeliveryFailed
from ..clients.visits import MAX_MINUTES, MAX_TIMES, NOTE_LIMIT, PICK_KINDS, FieldProblem, Visit
from ..content.model import Library, Project
from ..errors import ContentError, NeedsSetup, PressError

__all__ = ["Desk", "SettingsRefused", "FieldProblem", "Visit", "ClientPdf", "Printed", "Delivery", "Waiting",
           "ClientHistory", "Given", "SheetVersion", "RecordsRefusal", "FIRST", "SAME", "CHANGED",
           "MAX_MINUTES", "MAX_TIMES", "NOTE_LIMIT", "PICK_KINDS", "MAX_COPIES", "SECURITY", "PressError"]

# How a sheet stands against what this client was emailed for the visit and handout (Desk.email_state):
FIRST = "first"       # no version of it was emailed yet
SAME = "same"         # it is the version emailed last: sending it again sends nothing twice
CHANGED = "changed"   # it differs from the version emailed last: it goes as a correction


@dataclass(frozen=True)
class Row:
    """One row of a day's file as the Today page shows it: a visit, or what stops it."""

    number: int
    visit: Visit | None
    problem: str | None


@dataclass(frozen=True)
class LetterShown:
    """What an email will say, shown before it is sent."""

    recipient: str
    subject: str
    text: str


@dataclass(frozen=True)
class ClientHistory:
    """Every sheet version one client was given (records.py), and which emailed messages the server took."""

    name: str
    versions: tuple[SheetVersion, ...]
    delivered: frozenset[str]          # Message-IDs the mail server accepted


@dataclass(frozen=True)
class LibraryItem:
    id: str
    title: str
    kind: str               # handout | booklet
    path: Path | None       # the built PDF, when there is one
    printable: Path | None  # what Print sends (a booklet's imposed copy when built)


@dataclass(frozen=True)
class RebuildState:
    running: bool
    done: int
    total: int
    said: tuple[str, ...]       # what was built, or every problem, one line each
    failed: bool


class Desk:
    """One project's front desk for the app: a warm FrontDesk (library, press) kept between requests."""

    def __init__(self, root: Path, content: Path, layouts: Path, clients: Path, build: Path,
                 settings_file: Path | None = None):
        self.root = root
        self.clients = clients
        self.build_folder = build
        self.project = Project(root, content, layouts, clients)
        self.settings_file = settings_path(root, settings_file)
        self.problems: tuple[str, ...] = ()
        self.front: FrontDesk | None = None
        self._lock = threading.Lock()       # one make or send at a time: the press is not shared
        self._rebuild = RebuildState(False, 0, 0, (), False)
        self.reload()

    # --- the library and the warm press ---

    def reload(self) -> None:
        """Load the content and press again (after an edit or a rebuild); problems are kept to show."""
        try:
            front = FrontDesk(self.project, None)
            front.press.faces()  # register the fonts now, so the first preview is warm too
        except ContentError as err:
            self.front, self.problems = None, tuple(str(p) for p in err.problems)
            return
        self.front, self.problems = front, ()

    @property
    def library(self) -> Library | None:
        return self.front.library if self.front else None

    def show(self, path: Path) -> str:
        return self.project.show(path)

    def check(self, values: dict, where: str, today: date | None = None) -> tuple[Visit | None, list[FieldProblem]]:
        return self._front().checker(today).visit(values, where)

    def make(self, visit: Visit) -> ClientPdf:
        with self._lock:
            return self._front().make(visit)

    def note_room(self, visit: Visit) -> int:
        """How many characters of note surely fit on this visit's sheet (measured with its layout, then remembered)."""
        with self._lock:
            return self._front().note_room(visit)

    def keep(self, made: ClientPdf) -> ClientPdf:
        """Keep a made sheet as a new version (never over an earlier one); the kept sheet, with its path and version."""
        return self._front().keep(made)

    def downloaded(self, kept: ClientPdf) -> None:
        self._front().downloaded(kept)

    def email_state(self, made: ClientPdf) -> str:
        """FIRST, SAME or CHANGED: this sheet against the version of it emailed last."""
        visit = made.visit
        versions = [v for v in self._front().records.versions(visit.name, visit.date, visit.sheet) if not v.purged]
        if not any(_emailed(v) for v in versions):
            return FIRST
        return SAME if self._emailed_last(made) is not None else CHANGED

    def _front(self) -> FrontDesk:
        if self.front is None:
            raise NeedsSetup("the handouts need fixing first (each line is listed at the top of the page); "
                             "then press Rebuild on the Library page")
        return self.front

    # --- a day's file ---

    def read_day(self, path: Path, shown: str) -> tuple[list[Row], list[str]]:
        """The rows of a day's file (a booking system's export, or the press's own CSV or YAML) and what
        to say about the file (skipped rows, notices). A file that cannot be used raises ContentError.
        `path` is a temporary copy; messages name the file as `shown`."""
        as_read = self.show(path)
        try:
            imported = read_visits(path, self.project, self._front().checker())
        except ContentError as err:
            raise ContentError([replace(p, path=shown if p.path == as_read else p.path) for p in err.problems]) from None
        rows = [Row(row.number, row.visit, None if row.visit else str(row.problem(shown))) for row in imported.rows]
        said = [notice.replace(as_read, shown) for notice in imported.notices]
        said += [f"row {s.number}{f' ({s.name})' if s.name else ''} skipped: {s.reason}" for s in imported.skipped]
        return rows, said

    # --- printing ---

    def printers(self) -> list[str]:
        return list_printers()

    def print_sheet(self, path: Path, printer: str | None, copies: int, double_sided: bool) -> Printed:
        self._front().settings = self.settings()
        return self._front().print(path, PrintOptions(printer, copies, double_sided))

    def print_built(self, path: Path, printer: str | None, copies: int, double_sided: bool) -> Printed:
        chosen = printer or self.settings().printer
        return print_file(path, PrintOptions(chosen, copies, double_sided), short_edge=path.name.endswith(IMPOSED))

    @staticmethod
    def printer_name_ok(name: str) -> bool:
        return bool(PRINTER_NAME.match(name))

    # --- email ---

    def settings(self) -> Settings:
        return load_settings(self.settings_file, self.show(self.settings_file))

    def letter(self, made: ClientPdf, *, correct: bool = False) -> LetterShown:
        """The recipient, subject and text of the email that would carry this sheet (the same letter
        email sends: as a correction, it says so and what it replaces)."""
        front = self._front()
        settings = self.settings()
        mail_transport(settings, password=False)  # says how to set up mail when there is none
        version = self._version_for(made)
        correct = correct or self._after_an_emailed_version(made, version)
        correction = None
        if correct:  # the same words and references FrontDesk.email(correct=True) gives the message
            correction, _replaced = front._correction(replace(made, version=version))
        letter = build_letter(self.project, front.library.brand, settings.mail, made.visit,
                              client_card(front.library, made.visit), made.data, made.path.name,
                              datetime.now(timezone.utc), version=version, correction=correction)
        message = message_from_bytes(letter.data, policy=policy.default)
        body = message.get_body(("plain",))
        return LetterShown(letter.recipient, str(message["Subject"]), body.get_content() if body else "")

    def _version_for(self, made: ClientPdf) -> int:
        """The version this sheet goes as: the one emailed last when it is that very sheet (email sends
        it again), else the one keeping it gives (the latest version's, when it is the same sheet)."""
        sent = self._emailed_last(made)
        if sent is not None:
            return sent.version
        visit = made.visit
        versions = self._front().records.versions(visit.name, visit.date, visit.sheet)
        if versions and not versions[-1].purged and versions[-1].pdf_sha256 == pdf_hash(made.data):
            return versions[-1].version
        return max((v.version for v in versions), default=0) + 1

    def _emailed_last(self, made: ClientPdf) -> SheetVersion | None:
        """The version of this sheet emailed last, when it is the very sheet made now."""
        visit = made.visit
        versions = [v for v in self._front().records.versions(visit.name, visit.date, visit.sheet) if not v.purged]
        emailed = [v for v in versions if _emailed(v)]
        if emailed and emailed[-1].pdf_sha256 == pdf_hash(made.data):
            return emailed[-1]
        return None

    def email(self, made: ClientPdf, *, correct: bool = False) -> tuple[ClientPdf, Delivery]:
        """Keep the sheet and email it, as the command line's 'client --send [--correct]' does.
        RecordsRefusal (nothing sent, nothing kept) for a correction that changes nothing or has
        nothing to correct, and for a changed sheet sent as if it were new."""
        front = self._front()
        with self._lock:
            front.settings = self.settings()
            front.transport = mail_transport(front.settings)
            front.check_email(made, correct=correct)
            sent = None if correct else self._emailed_last(made)
            if sent is not None:  # this very sheet went already: the same file, the same message again
                kept = front.kept_sheet(sent)
                kept = replace(kept, visit=replace(kept.visit, email=made.visit.email))
            else:
                kept = front.keep(made)
            # The version emailed last, sent again, goes as it went the first time (a correction when an
            # earlier version went before it): the same message, so the outbox sends nothing twice.
            correct = correct or self._after_an_emailed_version(kept, kept.version)
            return kept, front.email(kept, correct=correct)

    def _after_an_emailed_version(self, made: ClientPdf, version: int) -> bool:
        visit = made.visit
        versions = self._front().records.versions(visit.name, visit.date, visit.sheet)
        return any(_emailed(v) for v in versions if v.version < version)

    def outbox(self) -> Outbox:
        return Outbox(self.clients / "mail")

    def waiting(self) -> list[Waiting]:
        if not (self.clients / "mail").is_dir():
            return []  # looking at the page makes no folders
        return self.outbox().list_waiting()

    def retry(self) -> list[Delivery]:
        transport = mail_transport(self.settings())
        return self.outbox().retry(transport, datetime.now(timezone.utc))

    def client_names(self) -> list[str]:
        """Every client with a sheet on record, by name."""
        return self._front().records.names()

    def history(self, search: str) -> list[ClientHistory]:
        """The records of every client whose name holds what was typed (any case); when none does,
        RecordsRefusal naming close names, in the command line's words."""
        front = self._front()
        wanted = search.casefold()
        names = [name for name in front.records.names() if wanted and wanted in name.casefold()]
        if not names:
            front.history(search)   # refuses, naming close names
            names = [search]
        log_file = self.clients / "mail" / "send-log.sqlite3"
        log = SendLog(log_file) if log_file.is_file() else None
        found = []
        for name in names:
            versions = tuple(front.history(name))
            ids = {g.message_id for v in versions for g in v.given if g.channel == "emailed" and g.message_id}
            delivered = frozenset(m for m in ids if log is not None and log.sent_at(m))
            found.append(ClientHistory(versions[0].client or name, versions, delivered))
        return found

    # --- settings ---

    def save_mail_settings(self, values: dict, password: str | None) -> Settings:
        """Write delivery.yaml from the Settings page (checked as the command line reads it) and keep a
        new password in the keychain. Raises ContentError with the file's problems; nothing is changed then."""
        current = _read_raw(self.settings_file)
        email = {key: value for key, value in values.items() if value not in (None, "") and key != "printer"}
        if email:
            current["email"] = {**{k: v for k, v in (current.get("email") or {}).items() if k == "password_env"}, **email}
        else:
            current.pop("email", None)
        if values.get("printer"):
            current["printer"] = values["printer"]
        else:
            current.pop("printer", None)
        text = "# The front desk's delivery settings (the desk app's Settings page writes this file).\n"
        text += yaml.safe_dump(current, sort_keys=False, allow_unicode=True)
        trial = self.settings_file.with_name(f".{self.settings_file.name}.checking")
        write_atomically(trial, text.encode("utf-8"))
        try:
            settings = load_settings(trial, self.show(self.settings_file))
        except ContentError as err:
            raise SettingsRefused(_by_key(text, err.problems)) from None
        finally:
            trial.unlink(missing_ok=True)
        if password and settings.mail and settings.mail.username:
            save_password(settings.mail.host, settings.mail.port, settings.mail.username, password)
        write_atomically(self.settings_file, text.encode("utf-8"))
        return settings

    def password_kept(self, settings: Settings) -> bool:
        mail = settings.mail
        return bool(mail and mail.username and stored_password(mail.host, mail.port, mail.username))

    def send_test_email(self, to: str) -> str:
        """A short message through the same mail server connection the sheets use; returns what happened."""
        settings = self.settings()
        transport = mail_transport(settings)
        message = EmailMessage()
        message["From"] = settings.mail.sender
        message["To"] = to
        message["Subject"] = "Test message from the front desk"
        message["Date"] = format_datetime(datetime.now(timezone.utc))
        message["Message-ID"] = make_msgid(domain=settings.mail.sender.rsplit("@", 1)[1])
        message.set_content("The mail settings of the front desk work: client sheets can be emailed.\n")
        try:
            transport.send(settings.mail.sender, to, message.as_bytes())
        except DeliveryFailed as err:
            return f"not sent: {err}"
        return f"sent to {to}"

    # --- the library of handouts and booklets ---

    def library_items(self) -> list[LibraryItem]:
        library = self.library
        if library is None:
            return []
        items = []
        for sheet in library.sheets.values():
            path = self.build_folder / f"{sheet.id}.pdf"
            built = path if path.is_file() else None
            items.append(LibraryItem(sheet.id, sheet.title, "handout", built, built))
        for booklet in library.booklets.values():
            path = self.build_folder / "booklets" / f"{booklet.id}.pdf"
            imposed = self.build_folder / "booklets" / f"{booklet.id}{IMPOSED}"
            built = path if path.is_file() else None
            items.append(LibraryItem(booklet.id, booklet.title, "booklet", built,
                                     imposed if imposed.is_file() else built))
        return items

    def rebuild_state(self) -> RebuildState:
        return self._rebuild

    def start_rebuild(self) -> bool:
        """Bring build/ up to date in the background (the same build as `make_pdfs.py`); False if one runs."""
        if self._rebuild.running:
            return False
        self._rebuild = RebuildState(True, 0, 0, (), False)
        threading.Thread(target=self._run_rebuild, daemon=True).start()
        return True

    def _run_rebuild(self) -> None:
        from ..builds.incremental import build

        project = Project(self.root, self.project.content, self.project.layouts, self.build_folder)

        def progress(done: int, total: int) -> None:
            self._rebuild = RebuildState(True, done, total, (), False)

        try:
            report = build(project, progress=progress, workers=1)
        except ContentError as err:
            self._rebuild = RebuildState(False, 0, 0, tuple(str(p) for p in err.problems), True)
            return
        except PressError as err:
            self._rebuild = RebuildState(False, 0, 0, (str(err),), True)
            return
        except OSError as err:
            self._rebuild = RebuildState(False, 0, 0, (f"cannot write {project.show(project.out)}: {err.strerror}",), True)
            return
        said = [f"made {project.show(item.path)}: {item.why}" for item in report.built]
        said += [f"removed {project.show(path)}: {why}" for path, why in report.removed]
        said.append(f"{report.made} made, {len(report.unchanged)} unchanged")
        self.reload()
        self._rebuild = RebuildState(False, 0, 0, tuple(said), False)


class SettingsRefused(PressError):
    """The Settings page's values were refused; `fields` maps each key (host, sender, …) to what is wrong."""

    def __init__(self, fields: dict[str, str]):
        self.fields = fields
        super().__init__("; ".join(fields.values()))


def _emailed(version: SheetVersion) -> bool:
    return any(given.channel == "emailed" for given in version.given)


def _by_key(text: str, problems) -> dict[str, str]:
    """Each problem of the written settings, by the key on its line ('' when no line is named)."""
    lines = text.splitlines()
    found: dict[str, str] = {}
    for problem in problems:
        line = lines[problem.line - 1] if problem.line and problem.line <= len(lines) else ""
        key = line.strip().split(":", 1)[0] if ":" in line else ""
        found.setdefault(key, problem.message)
    return found


def _read_raw(path: Path) -> dict:
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError):
        return {}
    return dict(data) if isinstance(data, dict) else {}
