"""Batch files of visits: a CSV export or a YAML list, one visit per row.

Each row is checked on its own (visits.Checker), so a bad row is reported by its number and
line and every other row is still done. Only a file that cannot be read as a whole stops
the batch.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from ..content.schema import did_you_mean, excerpt
from ..content.yamlsrc import YamlSyntaxError, YList, YMap, read_yaml
from ..errors import Problem
from .visits import FIELDS, REQUIRED, Checker, FieldProblem, Visit


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


def read_batch(path: Path, shown: str, checker: Checker) -> list[Row]:
    """Every row of a CSV or YAML batch file; raises a Problem list only if the file itself is unreadable."""
    if path.suffix.lower() == ".csv":
        return _read_csv(path, shown, checker)
    if path.suffix.lower() in (".yaml", ".yml"):
        return _read_yaml(path, shown, checker)
    raise BatchFileError(Problem(shown, None, "a batch file must be .csv or .yaml"))


class BatchFileError(Exception):
    """The batch file as a whole cannot be read; carries one Problem."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))


def _read_csv(path: Path, shown: str, checker: Checker) -> list[Row]:
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise BatchFileError(Problem(shown, None, f"cannot be read: {err.strerror}")) from None
    try:
        text = raw.decode("utf-8-sig")  # spreadsheet exports often start with a byte-order mark
    except UnicodeDecodeError as err:
        line = raw[:err.start].count(b"\n") + 1
        raise BatchFileError(Problem(shown, line, "is not UTF-8 text; save it as 'CSV UTF-8' from the spreadsheet")) from None
    dialect = csv.excel
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        pass
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise BatchFileError(Problem(shown, None, "is empty; the first line names the columns: " + ", ".join(FIELDS))) from None
    except csv.Error as err:
        raise BatchFileError(Problem(shown, 1, f"cannot be read as CSV: {err}")) from None
    _check_header(header, shown)
    rows, number = [], 0
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            number += 1
            rows.append(Row(number, line, None, (FieldProblem("row", f"cannot be read as CSV: {err}"),)))
            break
        if not any(c.strip() for c in cells):
            continue
        number += 1
        if len(cells) > len(header):
            rows.append(Row(number, line, None, (FieldProblem("row", f"has {len(cells)} cells but the header names "
                                                              f"{len(header)} columns; check for a stray comma"),)))
            continue
        values = {h: c for h, c in zip(header, cells) if h in FIELDS}
        visit, problems = checker.visit(values, f"{shown} row {number}")
        rows.append(Row(number, line, visit, tuple(problems), _name_of(values)))
    return rows


def _check_header(header: list[str], shown: str) -> None:
    for column in header:
        hint = did_you_mean(column, FIELDS)
        if column not in FIELDS and hint:
            raise BatchFileError(Problem(shown, 1, f"unknown column '{excerpt(column)}'{hint}"))
    missing = [f for f in REQUIRED if f not in header]
    if missing:
        raise BatchFileError(Problem(shown, 1, f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}; "
                                               f"the columns are: {', '.join(FIELDS)}"))


def _read_yaml(path: Path, shown: str, checker: Checker) -> list[Row]:
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
        visit, problems = checker.visit(dict(item), f"{shown} row {number}")
        first = next((item.key_lines.get(p.field) for p in problems if p.field in item.key_lines), line)
        rows.append(Row(number, first, visit, tuple(problems), _name_of(item)))
    return rows


def _name_of(values) -> str | None:
    name = values.get("name")
    return name.strip() if isinstance(name, str) and name.strip() and name.isprintable() else None
