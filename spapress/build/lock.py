"""One build at a time per output folder: a lock file beside the PDFs.

The lock is the `filelock` library's operating-system lock on .press.lock (flock on Linux and
macOS, LockFileEx on Windows), so it is released when its holder exits for any reason, even a
kill; a stale lock file never blocks a later build. The holder's process id goes in .press.pid
so a second build can say whom it is waiting for.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from ..errors import Busy, FolderError

LOCK_NAME = ".press.lock"
HOLDER_NAME = ".press.pid"


@contextmanager
def build_lock(out: Path, shown: str):
    """Hold the output folder's lock for the duration; raise Busy at once if another build has it."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        lock = FileLock(out / LOCK_NAME, timeout=0)
        lock.acquire()
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
        lock.release()


def _holder(out: Path) -> str:
    try:
        return (out / HOLDER_NAME).read_text(encoding="ascii", errors="replace").strip() or "unknown"
    except OSError:
        return "unknown"
