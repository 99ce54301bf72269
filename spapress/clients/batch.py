"""Batch files of visits: a YAML list, one visit per item, and the Row every batch reader returns.

Each row is checked on its own (visits.Checker), so a bad row is reported by its number and
line and every other row is still done. Only a file that cannot be read as a whole stops
the batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..content.schema import did_you_mean, excerpt
from ..content.yamlsrc import YamlSyntaxError, YList, YMap, read_yaml
from ..errors import Problem
from .visits import FIELDS, Checker, FieldProblem, Visit


@dataclass(frozen=True)
class Row:
    """One visit of a batch file with where it came from, or the problems that stop it."""

    number: int                 # 1 = the first visit
    line: int | None
    visit: Visit | None
    problems: tuple[FieldProblem, ...]

    def problem(self, shown: str) -> Problem:
        label = f"row {self.number}" + (f" ({excerpt(self.visit_name, 30)})" if self.visit_name else "")
        return Problem(shown, self.line, f"{label}: " + "; ".join(str(p) for p in self.problems))

    visit_name: str | None = None
    service: str | None = None  # the service booked, when the visit came from a booking export


def read_batch(path: Path, shown: str, checker: Checker, day: date | None = None) -> list[Row]:
    """Every visit of a YAML list; `day` is the date of visits that give none (else that is a
    problem of the row, never today). Raises BatchFileError only if the file itself is unreadable.
    Booking-system exports (CSV, Excel) are read by bookings/."""
    if path.suffix.lower() not in (".yaml", ".yml"):
        raise BatchFileError(Problem(shown, None, "a list of visits must be a .yaml file"))
    return _read_yaml(path, shown, checker, day)


class BatchFileError(Exception):
    """The batch file as a whole cannot be read; carries one Problem."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))


def _read_yaml(path: Path, shown: str, checker: Checker, day: date | None) -> list[Row]:
    try:
        data = read_yaml(path, shown)
    except YamlSyntaxError as err:
        raise BatchFileError(err.problem) from None
    if isinstance(data, YMap) and "visits" in data:
        items, lines = data["visits"], getattr(data["visits"], "item_lines", None)
    else:
        items, lines = data, getattr(data, "item_lines", None)
    if not isinstance(items, YList):
        raise BatchFileError(Problem(shown, None, "expected a list of visits, each starting with '- name: …'"))
    rows = []
    for number, (item, line) in enumerate(zip(items, lines), 1):
        if not isinstance(item, YMap):
            rows.append(Row(number, line, None, (FieldProblem("row", "expected 'key: value' lines such as 'name: …'"),)))
            continue
        unknown = [k for k in item if k not in FIELDS]
        if unknown:
            key = unknown[0]
            rows.append(Row(number, item.key_lines.get(key, line), None,
                            (FieldProblem(str(key), f"unknown key{did_you_mean(str(key), FIELDS)}"),)))
            continue
        values = dict(item)
        if _blank(values.get("date")):
            values["date"] = day
        visit, problems = checker.visit(values, f"{shown} row {number}")
        if values["date"] is None:
            problems.append(FieldProblem("date", "is missing; add 'date: YYYY-MM-DD', or give the date of every "
                                                 "visit with --date YYYY-MM-DD"))
            visit = None
        first = next((item.key_lines.get(p.field) for p in problems if p.field in item.key_lines), line)
        rows.append(Row(number, first, visit, tuple(problems), _name_of(item)))
    return rows


def _name_of(values) -> str | None:
    name = values.get("name")
    return name.strip() if isinstance(name, str) and name.strip() and name.isprintable() else None


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
