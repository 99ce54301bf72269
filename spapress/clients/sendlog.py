"""The send log: one SQLite row per attempt to deliver a client sheet, kept for good.

It answers 'who was sent which handout, when, and did it arrive', and it is the record the
outbox checks before sending so that nothing already accepted by the server goes twice.
Which version of a sheet each message carried is in records.py (by Message-ID). A purge
(forget_before) blanks the client and recipient of old rows; the rows themselves stay as
anonymous counts.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS attempts (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,      -- when, ISO 8601 with time zone
    message_id  TEXT NOT NULL,
    client      TEXT NOT NULL,
    recipient   TEXT NOT NULL,
    handout     TEXT NOT NULL,
    visit_date  TEXT NOT NULL,
    result      TEXT NOT NULL,      -- queued | sent | waiting | saved (dry run) | already sent
    detail      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS attempts_by_message ON attempts (message_id, result);
"""


@dataclass(frozen=True)
class Entry:
    at: str
    message_id: str
    client: str
    recipient: str
    handout: str
    visit_date: str
    result: str
    detail: str


class SendLog:
    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as db, db:
            db.executescript(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10)
        db.execute("PRAGMA synchronous = FULL")  # a 'sent' row must survive a power cut
        return db

    def record(self, at: str, message_id: str, client: str, recipient: str, handout: str, visit_date: str,
               result: str, detail: str = "") -> None:
        with closing(self._connect()) as db, db:
            db.execute("INSERT INTO attempts (at, message_id, client, recipient, handout, visit_date, result, detail) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       (at, message_id, client, recipient, handout, visit_date, result, detail))

    def sent_at(self, message_id: str) -> str | None:
        """When the server accepted this message, or None if it never did."""
        with closing(self._connect()) as db:
            row = db.execute("SELECT at FROM attempts WHERE message_id = ? AND result = 'sent' ORDER BY id LIMIT 1",
                             (message_id,)).fetchone()
        return row[0] if row else None

    def latest(self, message_id: str) -> Entry | None:
        with closing(self._connect()) as db:
            row = db.execute(f"SELECT {_COLUMNS} FROM attempts WHERE message_id = ? ORDER BY id DESC LIMIT 1",
                             (message_id,)).fetchone()
        return Entry(*row) if row else None

    def entries(self, limit: int = 50, client: str | None = None) -> list[Entry]:
        """The most recent attempts, oldest first; only one client's when client is given."""
        query = f"SELECT {_COLUMNS} FROM attempts"
        args: tuple = ()
        if client:
            query += " WHERE client LIKE ? ESCAPE '\\'"
            args = ("%" + client.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%",)
        with closing(self._connect()) as db:
            rows = db.execute(query + " ORDER BY id DESC LIMIT ?", (*args, limit)).fetchall()
        return [Entry(*row) for row in reversed(rows)]


    def forget_before(self, day: str, keep: set[str], also: frozenset[str] = frozenset()) -> int:
        """Blank the client and recipient of attempts made before `day` (YYYY-MM-DD) and of the
        messages in `also`, except for the messages in `keep` (they still wait to be sent);
        returns how many rows were blanked."""
        with closing(self._connect()) as db, db:
            rows = db.execute("SELECT id, message_id, substr(at, 1, 10) FROM attempts WHERE "
                              "client != '' OR recipient != ''").fetchall()
            ids = [(row_id,) for row_id, message, when in rows
                   if (when < day or message in also) and message not in keep]
            db.executemany("UPDATE attempts SET client = '', recipient = '' WHERE id = ?", ids)
        return len(ids)


_COLUMNS = "at, message_id, client, recipient, handout, visit_date, result, detail"
