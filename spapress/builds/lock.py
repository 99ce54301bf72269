"""One build at a time per output folder: a lock file beside the PDFs.

The lock is an operating-system lock on .press.lock: the `filelock` library's (flock on Linux
and macOS, LockFileEx on Windows), or SQLite's where filelock has none, so it is released when
its holder exits for any reason, even a kill; a stale lock file never blocks a later build. The
holder's process id goes in .press.pid so a second build can say whom it is waiting for.
"""

from __future__ import annotations

import os
import warnings
from contextlib import contextmanager
from pathlib import Path

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "only soft file lock")  # then SQLite's lock is used: see _sqlite_lock
    from filelock import FileLock, Timeout, UnixFileLock, WindowsFileLock

from ..errors import Busy, FolderError

LOCK_NAME = ".press.lock"
HOLDER_NAME = ".press.pid"
OS_LOCKED = issubclass(FileLock, (UnixFileLock, WindowsFileLock))


@contextmanager
def build_lock(out: Path, shown: str):
    """Hold the output folder's lock for the duration; raise Busy at once if another build has it."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        release = _file_lock(out / LOCK_NAME) if OS_LOCKED else _sqlite_lock(out / LOCK_NAME)
    except Timeout:
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


def _file_lock(path: Path):
    lock = FileLock(path, timeout=0)
    lock.acquire()
    return lock.release


def _sqlite_lock(path: Path):
    """Without fcntl (and not on Windows) filelock falls back to a marker file that only says who
    created it: one left empty by an earlier build's OS lock, or by a holder on another computer,
    would refuse every build from then on. SQLite locks its database file with the system's own
    locks (whatever Python modules are missing), so an exclusive transaction is an OS lock too."""
    import sqlite3  # only here: most builds never need it

    database = None
    try:
        database = sqlite3.connect(path, timeout=0, isolation_level=None)
        database.execute("BEGIN EXCLUSIVE")
    except sqlite3.Error as err:
        if database is not None:
            database.close()
        if isinstance(err, sqlite3.OperationalError) and "locked" in str(err):
            raise Timeout(str(path)) from None
        raise OSError(f"{path.name} cannot be locked: {err}") from None
    return database.close  # closing ends the transaction, and with it the lock


def _holder(out: Path) -> str:
    try:
        return (out / HOLDER_NAME).read_text(encoding="ascii", errors="replace").strip() or "unknown"
    except OSError:
        return "unknown"
