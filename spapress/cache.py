"""A small on-disk cache for what every run would otherwise work out again: parsed content and
style files, parsed fonts, drawn art, and the templates each template names.

An entry is plain data read back with `json` or `marshal` (never a pickle, which could run
code). Its file name is a hash of the source file's bytes (of the locale's tag for a locale;
of each file's name, size and time for the builder's own code) together with the versions of
everything that produced it (this cache's format, the press, Python, and the installed
ReportLab, svglib, Jinja2, PyYAML and Babel), so
an entry is only ever read by the same software for the same file: a new version or an edited
file simply finds no entry and makes a fresh one. An entry that is unreadable or not of the
expected shape is ignored the same way, and failing to write one is never an error.

Where: the folder named by SPAPRESS_CACHE (or no cache at all when it is "off"), else the
user's cache folder (~/.cache/spapress, ~/Library/Caches/spapress or %LOCALAPPDATA%\\spapress\\cache).
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

from . import __version__

FORMAT = 1                 # raise whenever what is stored, or how it is made, changes
CACHE_ENV = "SPAPRESS_CACHE"


@lru_cache(maxsize=1)
def folder() -> Path | None:
    """The cache folder, or None when caching is switched off."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen:
        return None if chosen.lower() == "off" else Path(chosen)
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "spapress" / "cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "spapress"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "spapress"


def _installed(module: str) -> str:
    """A top-level package's file with its size and time, which change with every install (found
    without importing it: that is why only top-level names are asked about)."""
    spec = find_spec(module)
    if spec is None or not spec.origin:
        return f"{module}:absent"
    stat = os.stat(spec.origin)
    return f"{spec.origin}:{stat.st_size}:{stat.st_mtime_ns}"


@lru_cache(maxsize=1)
def _stamp() -> bytes:
    parts = (FORMAT, __version__, sys.version) + tuple(map(_installed, ("reportlab", "svglib", "jinja2", "yaml", "babel")))
    return repr(parts).encode()


def entry_name(kind: str, data: bytes) -> str:
    """The file name of the entry of this kind for a source file with these bytes."""
    digest = hashlib.sha256(_stamp() + b"\0" + data).hexdigest()
    return f"{kind}-{digest[:40]}"


def read(name: str) -> bytes | None:
    where = folder()
    if where is None:
        return None
    try:
        return (where / name).read_bytes()
    except OSError:
        return None


def write(name: str, data: bytes) -> None:
    """Store an entry whole (a temporary file renamed into place), or not at all."""
    where = folder()
    if where is None:
        return
    try:
        where.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=where, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.replace(temp, where / name)
        except BaseException:
            os.unlink(temp)
            raise
    except OSError:
        pass
