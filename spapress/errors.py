"""What the press raises instead of crashing. Library code raises these with the facts; only
`cli/` words them for a person and turns them into exit codes.

    PressError
    ├── ContentError     content, layouts, styles or settings are wrong: every Problem found, each at a file and line
    ├── UnknownId        a handout or booklet id that the library does not define
    ├── FolderError      a folder the press must read or write cannot be used
    ├── Busy             another build holds the output folder
    ├── NeedsSetup       something on this computer must be set up first (a password, a print system)
    └── UsageError       a command-line argument is wrong (raised by cli/ alone)
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake a person can fix, located at a file (relative to the project) and line."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class PressError(Exception):
    """Base of everything the press reports to a person instead of crashing."""


class ContentError(PressError):
    """Content, layouts, styles or settings are wrong; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=lambda p: (p.path, p.line or 0, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))


class UnknownId(PressError):
    """An id was asked for that the library does not define."""

    def __init__(self, given: str, known: tuple[str, ...], kind: str = "handout or booklet"):
        self.given, self.known, self.kind = given, known, kind
        super().__init__(f"no {kind} '{given}'")


class FolderError(PressError):
    """A folder cannot be used: `shown` is how to name it, `reason` what the system said."""

    def __init__(self, shown: str, reason: str):
        self.shown, self.reason = shown, reason
        super().__init__(f"cannot write in {shown}/ ({reason})")


class Busy(PressError):
    """Another build holds the output folder's lock."""

    def __init__(self, shown: str, holder: str):
        self.shown, self.holder = shown, holder
        super().__init__(f"another build is running in {shown}/ (pid {holder})")


class NeedsSetup(PressError):
    """Something on this computer must be set up before this can work; str() says what, in full."""


class UsageError(PressError):
    """A command-line argument is wrong; the message names the argument. Raised by cli/ only."""


def literal(text: str) -> str:
    """Text a person typed or a file holds, safe to echo on a terminal in one line: control
    characters (escape sequences, line breaks, bidirectional overrides) are written as \\xNN
    or \\uNNNN instead of being sent for the terminal to act on."""
    return "".join(char if char.isprintable() or char == " " else _escaped(char) for char in text)


def _escaped(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
