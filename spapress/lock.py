"""One build at a time per output folder: an advisory lock on a file beside the PDFs.

The lock is an flock on .press.lock, so the operating system releases it when the holder
exits for any reason, even SIGKILL; a stale lock file never blocks a later build. The file
holds the holder's process id so the second build can say who it is waiting for.
"""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path

from .errors import UsageError

LOCK_NAME = ".press.lock"


class Busy(UsageError):
    """Another build holds the output folder."""


@contextmanager
def build_lock(out: Path, shown: str):
    """Hold the output folder's lock for the duration; raise Busy at once if another build has it."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd = os.open(out / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as err:
        raise UsageError(f"argument --out: cannot write in {shown}/ ({err.strerror}); "
                         f"choose another folder with --out DIR") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            raise Busy(f"another build is running in {shown}/ (pid {holder}); "
                       f"wait for it to finish, then run this again") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        os.close(fd)  # closing releases the lock
