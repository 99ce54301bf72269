"""Client records: every sheet a client was given, kept as its own version, and where each went.

Nothing is overwritten: the first sheet for a client, day and handout is
`clients/DATE/NAME-HANDOUT.pdf`, a changed one made later is `NAME-HANDOUT-v2.pdf` beside it,
and so on. Each version is recorded in `clients/records.sqlite3` with what it was made from
(the visit: name, address, therapist, picks with doses, note and layout; the content's hash)
and the SHA-256 of its PDF, and each delivery of it (emailed, printed, downloaded) is recorded
against it. Making the identical sheet again reuses its version rather than adding one.

Two desks may make sheets in one folder at once: a version number (and a client's file
name, names.py) is claimed inside one SQLite write transaction, and the file is written
before that transaction commits, so each version number has exactly one file.

Python API (used by frontdesk.py, the command line and the desk app):

    records = Records(folder)                  # folder: the clients folder
    records.planned_path(visit)                # where version 1 would go (reads only)
    kept, new = records.keep(visit, pdf, content_hash, now)   # claim a version, write its file
    records.versions(name, visit_date, handout)               # one sheet's versions, oldest first
    records.history(name)                      # every version a client got, oldest first
    records.record_delivery(sheet_id, channel, now, recipient=…, message_id=…, kind=…)
    records.mark_replaced(old_id, new_id)
    records.names()                            # every client name on record
    records.purge(before, now, keep_message_ids)

Personal details (the visit, the name) are cleared by purge; the counts stay anonymous.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import sqlite3
import threading
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import Iterator

from ..builds.files import stage_file
from ..content.schema import excerpt
from ..errors import PressError
from .commits import GroupCommit
from .names import client_key, readable_stem, with_suffix
from .visits import Pick, Visit

RECORDS_FILE = "records.sqlite3"
CHANNELS = ("emailed", "printed", "downloaded", "saved")   # saved: written as an email file (a dry run)
KINDS = ("first", "correction", "resend")

SCHEMA = """
CREATE TABLE IF NOT EXISTS clients (
    key     TEXT PRIMARY KEY,           -- the name as compared (names.client_key)
    stem    TEXT NOT NULL UNIQUE,       -- the file-name part every sheet of theirs uses
    name    TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sheets (
    id            INTEGER PRIMARY KEY,
    client_key    TEXT,                 -- NULL once purged
    client        TEXT,                 -- the name as typed; NULL once purged
    visit_date    TEXT NOT NULL,
    handout       TEXT NOT NULL,
    version       INTEGER NOT NULL,
    path          TEXT NOT NULL,        -- inside the clients folder, with / separators
    pdf_sha256    TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    visit         TEXT,                 -- JSON of what it was made from; NULL once purged
    made_at       TEXT NOT NULL,
    replaced_by   INTEGER,
    purged_at     TEXT,
    UNIQUE (client_key, visit_date, handout, version)
);
CREATE TABLE IF NOT EXISTS deliveries (
    id          INTEGER PRIMARY KEY,
    sheet       INTEGER NOT NULL REFERENCES sheets (id),
    channel     TEXT NOT NULL,          -- emailed | printed | downloaded | saved
    kind        TEXT NOT NULL,          -- first | correction | resend
    at          TEXT NOT NULL,
    recipient   TEXT,                   -- an address or a printer; NULL once purged
    message_id  TEXT
);
CREATE INDEX IF NOT EXISTS sheets_by_client ON sheets (client_key, visit_date, handout);
CREATE INDEX IF NOT EXISTS deliveries_by_sheet ON deliveries (sheet);
"""


class RecordsRefusal(PressError):
    """Something asked of the client records cannot be done as asked; str() says why and what to do,
    and `about` names what was asked for ('name', 'correct', 'email'), for the caller to word."""

    def __init__(self, message: str, about: str | None = None):
        super().__init__(message)
        self.about = about


@dataclass(frozen=True)
class Given:
    """One delivery of a version: how it went, when, and to whom (an address or a printer)."""

    channel: str
    kind: str
    at: str
    recipient: str | None
    message_id: str | None


@dataclass(frozen=True)
class SheetVersion:
    """One kept version of a client's sheet."""

    id: int
    client: str | None
    visit_date: str
    handout: str
    version: int
    path: Path                  # absolute
    pdf_sha256: str
    content_hash: str
    made_at: str
    replaced_by: int | None
    purged: bool
    visit: Visit | None         # what it was made from; None once purged
    given: tuple[Given, ...]


@dataclass(frozen=True)
class Purged:
    """What a purge removed, and what it had to keep because it still waits to be sent."""

    sheets: int
    kept_waiting: int
    message_ids: frozenset[str]  # the messages that carried the purged sheets


def pdf_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def visit_json(visit: Visit) -> str:
    return json.dumps({"name": visit.name, "email": visit.email, "date": visit.date.isoformat(),
                       "therapist": visit.therapist, "sheet": visit.sheet, "layout": visit.layout,
                       "picks": [[p.kind, p.id, p.minutes, p.times_per_day] for p in visit.picks],
                       "note": visit.note}, ensure_ascii=False, sort_keys=True)


def visit_from_json(text: str) -> Visit:
    v = json.loads(text)
    return Visit(name=v["name"], email=v["email"], date=date.fromisoformat(v["date"]), therapist=v["therapist"],
                 sheet=v["sheet"], layout=v["layout"], picks=tuple(Pick(*p) for p in v["picks"]), note=v["note"],
                 where="the client records")


def private_folder(path: Path) -> None:
    """Make a folder (and its parents) readable by its owner only, where the system supports it."""
    missing = []
    while not path.exists():
        missing.append(path)
        path = path.parent
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)
        if os.name != "nt":
            os.chmod(folder, 0o700)


class Records:
    def __init__(self, folder: Path):
        self.folder = folder
        self.path = folder / RECORDS_FILE
        self._ready = False   # folder made private and tables created, once per Records
        self._lock = threading.Lock()
        self._commits = GroupCommit(self._lock, self._transaction)  # a batch's sheets share commits

    # -- reading -------------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        self._ready = self._ready and self.path.is_file()  # a long-running desk outlives a deleted folder
        if not self._ready:
            private_folder(self.folder)
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)  # transactions said explicitly
        db.execute("PRAGMA synchronous = FULL")
        # The rollback journal is emptied after each commit rather than deleted: as safe, and a
        # batch then makes no file per commit for the disk to allocate and free.
        db.execute("PRAGMA journal_mode = TRUNCATE")
        if not self._ready:
            db.executescript(SCHEMA)
            self._ready = True
        return db

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection | None]:
        if not self.path.is_file():
            yield None
            return
        with closing(self._connect()) as db:
            yield db

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once (BEGIN IMMEDIATE) so two desks queue rather than clash.
        Threads of one desk queue on a lock first: waiting on SQLite's own lock means sleeping in
        steps of up to 100 ms, which would leave a batch's writing threads mostly asleep."""
        with self._lock, self._transaction() as db:
            yield db

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction, for a thread that holds the lock."""
        with closing(self._connect()) as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def _stem(self, db: sqlite3.Connection | None, name: str, *, claim: bool) -> str:
        """The client's file-name stem: theirs if on record, else a free readable one (claimed when asked)."""
        key = client_key(name)
        if db is not None:
            row = db.execute("SELECT stem FROM clients WHERE key = ?", (key,)).fetchone()
            if row:
                return row[0]
        stem, needs_suffix = readable_stem(name)
        if needs_suffix:
            stem = with_suffix(stem, key)
        length = 6
        while db is not None and db.execute("SELECT 1 FROM clients WHERE stem = ?", (stem,)).fetchone():
            stem = with_suffix(readable_stem(name)[0], key, length)   # taken by another client
            length += 2
        if claim and db is not None:
            db.execute("INSERT INTO clients (key, stem, name) VALUES (?, ?, ?)", (key, stem, name))
        return stem

    def planned_path(self, visit: Visit) -> Path:
        """Where the visit's first version goes (or went): clients/DATE/STEM-HANDOUT.pdf."""
        return self.planned_paths([visit])[0]

    def planned_paths(self, visits: list[Visit]) -> list[Path]:
        """planned_path for each of a batch's visits, read in one go."""
        with self._reading() as db:
            return [self.folder / _relative(visit.date.isoformat(), self._stem(db, visit.name, claim=False),
                                            visit.sheet, 1) for visit in visits]

    def names(self) -> list[str]:
        with self._reading() as db:
            if db is None:
                return []
            return [row[0] for row in db.execute("SELECT DISTINCT client FROM sheets WHERE client IS NOT NULL "
                                                 "ORDER BY client")]

    def versions(self, name: str, visit_date: date | str, handout: str) -> list[SheetVersion]:
        """The versions of one client's sheet for one day and handout, oldest first."""
        day = visit_date.isoformat() if isinstance(visit_date, date) else visit_date
        with self._reading() as db:
            if db is None:
                return []
            rows = db.execute(f"SELECT {_SHEET_COLUMNS} FROM sheets WHERE client_key = ? AND visit_date = ? "
                              f"AND handout = ? ORDER BY version", (client_key(name), day, handout)).fetchall()
            return [self._version(db, row) for row in rows]

    def history(self, name: str) -> list[SheetVersion]:
        """Every version a client was given, by visit date, handout and version."""
        with self._reading() as db:
            if db is None:
                return []
            rows = db.execute(f"SELECT {_SHEET_COLUMNS} FROM sheets WHERE client_key = ? "
                              f"ORDER BY visit_date, handout, version", (client_key(name),)).fetchall()
            return [self._version(db, row) for row in rows]

    def history_of(self, name: str) -> list[SheetVersion]:
        """Like history, but a name with nothing on record is refused with the close names there are."""
        versions = self.history(name)
        if versions:
            return versions
        known = self.names()
        close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
        close += [n for n in known if name.casefold() in n.casefold() and n not in close][:3 - len(close)]
        hint = f"; did you mean {' or '.join(repr(n) for n in close)}?" if close else ""
        raise RecordsRefusal(f"no sheets on record for '{excerpt(name, 80)}'{hint}", "name")

    def version_at(self, path: Path) -> SheetVersion | None:
        """The version kept at this file, if it is one."""
        try:
            relative = path.resolve().relative_to(self.folder.resolve()).as_posix()
        except ValueError:
            return None
        with self._reading() as db:
            if db is None:
                return None
            row = db.execute(f"SELECT {_SHEET_COLUMNS} FROM sheets WHERE path = ? AND purged_at IS NULL",
                             (relative,)).fetchone()
            return self._version(db, row) if row else None

    def _version(self, db: sqlite3.Connection, row) -> SheetVersion:
        (sheet_id, client, visit_date, handout, version, path, pdf_sha, content_hash, visit, made_at,
         replaced_by, purged_at) = row
        given = tuple(Given(*g) for g in db.execute(
            "SELECT channel, kind, at, recipient, message_id FROM deliveries WHERE sheet = ? ORDER BY id", (sheet_id,)))
        return SheetVersion(sheet_id, client, visit_date, handout, version, self.folder / PurePosixPath(path),
                            pdf_sha, content_hash, made_at, replaced_by, purged_at is not None,
                            visit_from_json(visit) if visit else None, given)

    # -- writing -------------------------------------------------------------------------------

    def keep(self, visit: Visit, data: bytes, content_hash: str, now: datetime) -> tuple[SheetVersion, bool]:
        """Keep a finished sheet as a new version, or return the latest version when it has these
        exact bytes (new=False). The file is written, owner-only, before the version is committed.

        The bytes are written and flushed to disk before the records are taken, so that slow part
        runs for several sheets at once; inside the transaction the file only gets its name."""
        digest = pdf_hash(data)
        day = visit.date.isoformat()
        private_folder(self.folder / day)
        temp = stage_file(self.folder / day / f"{visit.sheet}.pdf", data)
        try:
            if os.name != "nt":
                os.chmod(temp, 0o600)
            return self._commits.run(lambda db: self._kept(db, visit, day, digest, temp, content_hash, now))
        finally:
            try:
                temp.unlink(missing_ok=True)  # not published: these bytes were kept before, or something failed
            except OSError:
                pass  # a stray hidden file at worst, which purge sweeps away

    def _kept(self, db: sqlite3.Connection, visit: Visit, day: str, digest: str, temp: Path, content_hash: str,
              now: datetime) -> tuple[SheetVersion, bool]:
        """keep's part inside the transaction: the version claimed, and the file given its name."""
        key = client_key(visit.name)
        same = db.execute(f"SELECT {_SHEET_COLUMNS} FROM sheets WHERE client_key = ? AND visit_date = ? AND "
                          f"handout = ? AND purged_at IS NULL ORDER BY version DESC LIMIT 1",
                          (key, day, visit.sheet)).fetchone()   # the latest version: is it this one?
        if same and same[6] == digest and (self.folder / PurePosixPath(same[5])).is_file():
            return self._version(db, same), False
        stem = self._stem(db, visit.name, claim=True)
        (last,) = db.execute("SELECT COALESCE(MAX(version), 0) FROM sheets WHERE client_key = ? AND "
                             "visit_date = ? AND handout = ?", (key, day, visit.sheet)).fetchone()
        version = last + 1
        while (self.folder / _relative(day, stem, visit.sheet, version)).exists():
            version += 1   # a file no record knows (made before records were kept): never overwrite it
        relative = _relative(day, stem, visit.sheet, version)
        cursor = db.execute(
            "INSERT INTO sheets (client_key, client, visit_date, handout, version, path, pdf_sha256, "
            "content_hash, visit, made_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (key, visit.name, day, visit.sheet, version, relative.as_posix(), digest, content_hash,
             visit_json(visit), _stamp(now)))
        _publish(temp, self.folder / relative)
        row = db.execute(f"SELECT {_SHEET_COLUMNS} FROM sheets WHERE id = ?", (cursor.lastrowid,)).fetchone()
        return self._version(db, row), True

    def record_delivery(self, sheet_id: int, channel: str, now: datetime, *, recipient: str | None = None,
                        message_id: str | None = None, kind: str = "first") -> None:
        assert channel in CHANNELS and kind in KINDS
        with self._writing() as db:
            db.execute("INSERT INTO deliveries (sheet, channel, kind, at, recipient, message_id) VALUES (?, ?, ?, ?, ?, ?)",
                       (sheet_id, channel, kind, _stamp(now), recipient, message_id))

    def mark_replaced(self, old_id: int, new_id: int) -> None:
        with self._writing() as db:
            db.execute("UPDATE sheets SET replaced_by = ? WHERE id = ? AND replaced_by IS NULL", (new_id, old_id))

    def resends(self, sheet_id: int) -> int:
        with self._reading() as db:
            if db is None:
                return 0
            return db.execute("SELECT COUNT(*) FROM deliveries WHERE sheet = ? AND kind = 'resend'",
                              (sheet_id,)).fetchone()[0]

    def purge(self, before: date, now: datetime, keep_message_ids: set[str]) -> Purged:
        """Delete the files of versions for visits before `before` and clear their personal details,
        except versions whose email still waits to be sent (their message id is in keep_message_ids)."""
        removed = kept = 0
        messages: set[str] = set()
        with self._writing() as db:
            rows = db.execute("SELECT id, path FROM sheets WHERE visit_date < ? AND purged_at IS NULL",
                              (before.isoformat(),)).fetchall()
            for sheet_id, relative in rows:
                ids = {m for (m,) in db.execute("SELECT message_id FROM deliveries WHERE sheet = ? AND message_id "
                                                "IS NOT NULL", (sheet_id,))}
                if ids & keep_message_ids:
                    kept += 1
                    continue
                messages |= ids
                path = self.folder / PurePosixPath(relative)
                path.unlink(missing_ok=True)
                path.with_suffix(".eml").unlink(missing_ok=True)
                db.execute("UPDATE sheets SET client_key = NULL, client = NULL, visit = NULL, purged_at = ? "
                           "WHERE id = ?", (_stamp(now), sheet_id))
                db.execute("UPDATE deliveries SET recipient = NULL WHERE sheet = ?", (sheet_id,))
                removed += 1
            db.execute("DELETE FROM clients WHERE key NOT IN (SELECT client_key FROM sheets "
                       "WHERE client_key IS NOT NULL)")
        for day_folder in sorted(self.folder.glob("????-??-??")):
            if day_folder.is_dir() and day_folder.name < before.isoformat():
                for leftover in day_folder.glob(".*.tmp"):  # half-written by a desk that was stopped
                    leftover.unlink(missing_ok=True)
            if day_folder.is_dir() and not any(day_folder.iterdir()):
                day_folder.rmdir()
        return Purged(removed, kept, frozenset(messages))

    def counts(self) -> dict[str, int]:
        """Anonymous totals that survive a purge: versions made, and deliveries by channel."""
        with self._reading() as db:
            if db is None:
                return {"sheets": 0}
            totals = {"sheets": db.execute("SELECT COUNT(*) FROM sheets").fetchone()[0]}
            totals.update(dict(db.execute("SELECT channel, COUNT(*) FROM deliveries GROUP BY channel").fetchall()))
            return totals


_SHEET_COLUMNS = ("id, client, visit_date, handout, version, path, pdf_sha256, content_hash, visit, made_at, "
                  "replaced_by, purged_at")


def _relative(day: str, stem: str, handout: str, version: int) -> PurePosixPath:
    tail = "" if version == 1 else f"-v{version}"
    return PurePosixPath(day) / f"{stem}-{handout}{tail}.pdf"


def _publish(temp: Path, path: Path) -> None:
    """Give a written, flushed, owner-only file its name; never over an existing file."""
    if path.exists():
        raise FileExistsError(path)
    os.replace(temp, path)


def _stamp(now: datetime) -> str:
    return now.astimezone().isoformat(timespec="seconds")
