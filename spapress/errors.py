"""The few exceptions the press raises; only the command line turns them into exit codes."""

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
    """Content, layouts or styles are wrong; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=lambda p: (p.path, p.line or 0, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(PressError):
    """A command-line argument is wrong; the message names the argument."""
