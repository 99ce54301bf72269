"""Atomic files: write finished files so that a reader only ever sees an old or a new complete file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_FILE_MODE = 0o666 & ~_current_umask()  # what open() would give; mkstemp's 0600 would hide PDFs from others


def stage_file(path: Path, data: bytes) -> Path:
    """Write data to a hidden temporary file beside path and flush it to disk; the caller
    renames it over path (os.replace) to publish it, or deletes it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(temp_name, _FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return Path(temp_name)


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside path, flush it to disk, then rename it over path."""
    temp = stage_file(path, data)
    try:
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
