"""The rules, each written once: ids, colours, web and email addresses, lengths, widths, names,
dates and file names inside a folder, as checks for declared fields (schema.py).

No ReportLab here: lengths are read the way ReportLab reads them, in plain Python.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from pathlib import PurePosixPath

from .schema import INVALID, Check, Pattern, Text, TextCheck, excerpt

# Names Windows keeps for devices, whatever the case and whatever follows a dot ("con.pdf",
# "NUL.yaml"): a file with such a name cannot be made, opened or deleted there.
_WINDOWS_DEVICE = re.compile(r"^(?:con|prn|aux|nul|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3]|conin\$|conout\$)$",
                             re.IGNORECASE)
# An id is a safe file name on every system: it names output files such as build/ID.pdf.
ID_PATTERN = re.compile(r"^(?!(?:con|prn|aux|nul|com[0-9]|lpt[0-9])$)[a-z0-9]+(?:-[a-z0-9]+)*$")
_DRIVE = re.compile(r"^[A-Za-z]:")
_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_WEB = r"https?://[^\s<>\"'{}|\\^`]+"
_EMAIL = r"[^@\s<>,;\"']+@[^@\s<>,;\"']+\.[^@\s<>,;\"']+"
_TEL = r"tel:[+0-9 ()-]+"
_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
_WIDTH = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# Points per unit, in the order ReportLab's toLength tries the suffixes ("in" before "i").
_CM = 72.0 / 2.54
_UNITS = (("cm", _CM), ("in", 72.0), ("pt", 1.0), ("i", 72.0), ("mm", _CM * 0.1), ("pica", 12.0))



def length_in_points(text: str) -> float:
    """A length such as 12, 12pt, 0.5in, 10mm or 1cm in points, read exactly as ReportLab's toLength reads it.

    ValueError for anything else, including nan and infinity (which float() would accept)."""
    for suffix, points in _UNITS:
        if text.endswith(suffix):
            value = float(text[:-len(suffix)]) * points
            break
    else:
        value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text!r} is not a finite length")
    return value


def windows_reserved(name: str) -> bool:
    """Whether a file name (or id) is one Windows keeps for a device: con, nul, aux, prn, com1…, lpt1…
    in any case, with or without an extension."""
    return bool(_WINDOWS_DEVICE.match(name.split(".", 1)[0].rstrip(" ")))



COLOR = Pattern(_COLOR, "colour", "'#2F5D62'")
URL = Pattern(re.compile(rf"^{_WEB}$"), "web address", "'https://example.com/book'")
LINK = Pattern(re.compile(rf"^(?:{_WEB}|mailto:{_EMAIL}|{_TEL})$"), "web, mailto: or tel: address",
               "'https://example.com/book', 'mailto:hello@example.com' or 'tel:+1 402 384 8400'")
EMAIL = Pattern(re.compile(rf"^{_EMAIL}$"), "email address", "'hello@example.com'")
ID = Pattern(ID_PATTERN, "id", "'top-of-shoulders' (lower-case letters, digits and hyphens)")


@dataclass(frozen=True)
class BrandColor(TextCheck):
    """One of the brand's colour names, or a colour written #RRGGBB."""

    names: tuple[str, ...] = ()
    label: str = "brand colour"

    def read(self, text, line, report):
        if text not in self.names and not _COLOR.match(text):
            report(line, f"'{text}' is not a brand colour name ({', '.join(self.names)}) or #RRGGBB")
            return INVALID
        return text


@dataclass(frozen=True)
class Name(TextCheck):
    """A plain name, such as a bookmark: letters, digits, '-' and '_'."""

    label: str = "name"

    def read(self, text, line, report):
        if not _NAME.match(text):
            report(line, f"'{text}' is not a name; use letters, digits, '-' and '_'")
            return INVALID
        return text


@dataclass(frozen=True)
class Date(Check):
    """A calendar date written YYYY-MM-DD; a message shows `today` (default: the real today) as the example."""

    today: date | None = None
    label: str = "date"

    def __call__(self, value, line, report):
        if isinstance(value, date):
            return value
        text = str(value).strip()
        try:
            if _DATE.match(text):
                return date.fromisoformat(text)
        except ValueError:
            pass
        example = (self.today or date.today()).isoformat()
        report(line, f"'{excerpt(str(value))}' is not a date; write it as YYYY-MM-DD, like '{example}'")
        return INVALID


@dataclass(frozen=True)
class Length(TextCheck):
    """A length of zero or more: 12 (points), 12pt, 0.5in, 10mm or 1cm; returns points."""

    label: str = "length"

    def read(self, text, line, report):
        try:
            points = length_in_points(text)
        except ValueError:
            report(line, f"'{text}' is not a length; write it like 12, 12pt, 0.5in or 10mm")
            return INVALID
        if points < 0:
            report(line, f"'{text}' must not be negative")
            return INVALID
        return points


@dataclass(frozen=True)
class Width(TextCheck):
    """A share of the available width, written as a percentage; returns a fraction."""

    label: str = "width"

    def read(self, text, line, report):
        match = _WIDTH.match(text)
        if not match:
            report(line, f"'{text}' is not a width; write a percentage like 40%")
            return INVALID
        fraction = float(match.group(1)) / 100
        if not 0 < fraction <= 1:
            report(line, f"'{text}' must be between 1% and 100%")
            return INVALID
        return fraction


@dataclass(frozen=True)
class RelativeFile(Check):
    """A file name relative to a folder; it may not climb out of that folder."""

    folder: str = "handouts"
    suffixes: tuple[str, ...] = ()
    label: str = "file name"

    def __call__(self, value, line, report):
        text = Text()(value, line, report)
        if text is INVALID:
            return INVALID
        path = PurePosixPath(text.replace("\\", "/"))
        if path.is_absolute() or ".." in path.parts or _DRIVE.match(text):
            report(line, f"'{excerpt(text)}' must be a file inside {self.folder}/ (no '..', drive letters or absolute paths)")
            return INVALID
        reserved = next((part for part in path.parts if windows_reserved(part)), None)
        if reserved is not None or ":" in text:
            name = reserved if reserved is not None else text
            report(line, f"'{excerpt(name)}' cannot be a file name on Windows; rename the file")
            return INVALID
        if self.suffixes and path.suffix.lower() not in self.suffixes:
            report(line, f"'{text}' must be a {' or '.join(self.suffixes)} file")
            return INVALID
        return str(path)


def resolves_inside(path, *folders) -> bool:
    """Whether path, with every link followed, is a file inside one of the folders.

    A name that passes RelativeFile can still lead out through a symbolic link (or a
    Windows junction); this is the check on the real file."""
    try:
        real = path.resolve()
    except (OSError, RuntimeError):  # a loop of links
        return False
    for folder in folders:
        try:
            real.relative_to(folder.resolve())
            return True
        except ValueError:
            continue
    return False
