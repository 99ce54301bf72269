"""One build at a time per output folder: a lock file beside the PDFs.

The lock is an exclusive SQLite transaction on .press.lock. SQLite takes it with the system's
own file locks (fcntl on Linux and macOS, LockFileEx on Windows, whatever Python modules are
missing), so it is released when its holder exits for any reason, even a kill; a stale lock
file never blocks a later build. sqlite3 is in the standard library and loads in a fraction
of the time a locking library takes, which a one-handout build notices. The holder's process
id goes in .press.pid so a second build can say whom it is waiting for. On Linux and macOS the
lock belongs to the process: opening and closing .press.lock anywhere else in the same process
would release it, so nothing else opens that file.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path

from ..errors import Busy, FolderError

LOCK_NAME = ".press.lock"
HOLDER_NAME = ".press.pid"


class _Held(Exception):
    """Another process holds the lock."""


# How long to keep trying for the lock. Taking it passes through SQLite's shared lock, so two
# builds starting at the same instant can each find the other part-way in; with no time to try
# again both gave up and neither built. A build that holds the lock is reported after this.
TRYING_SECONDS = 0.25


@contextmanager
def build_lock(out: Path, shown: str):
    """Hold the output folder's lock for the duration; raise Busy (within TRYING_SECONDS) if
    another build has it."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        release = _lock(out / LOCK_NAME)
    except _Held:
        raise Busy(shown, _holder(out)) from None
    except OSError as err:
        raise FolderError(shown, err.strerror or str(err)) from None
    try:
        try:
            (out / HOLDER_NAME).write_text(f"{os.getpid()}\n", encoding="ascii")
        except OSError as err:
            raise FolderError(shown, err.strerror or str(err)) from None
        yield
    finally:
        release()


def _lock(path: Path):
    """Take the lock without waiting; returns what releases it. An empty file (as older builds
    left it) is an empty database to SQLite, so it serves as well as a new one."""
    database = None
    try:
        database = sqlite3.connect(path, timeout=TRYING_SECONDS, isolation_level=None)
        database.execute("BEGIN EXCLUSIVE")
    except sqlite3.Error as err:
        if database is not None:
            database.close()
        if isinstance(err, sqlite3.OperationalError) and "locked" in str(err):
            raise _Held() from None
        raise OSError(f"{path.name} cannot be locked: {err}") from None
    return database.close  # closing ends the transaction, and with it the lock


def _holder(out: Path) -> str:
    try:
        return (out / HOLDER_NAME).read_text(encoding="ascii", errors="replace").strip() or "unknown"
    except OSError:
        return "unknown"
