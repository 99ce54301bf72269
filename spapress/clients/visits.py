"""Client visits: read them from the command line, a CSV export or a YAML file, and check them.

Every field a person types is checked before anything is made: length, control and invisible
characters, characters the brand's fonts cannot draw, one plain email address, a real date,
and ids that exist in the library. A batch reports each bad row by its number and keeps the
good ones.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable

from ..errors import Problem
from ..content.model import Library
from ..content.schema import EMAIL, ID_PATTERN, INVALID, Text, did_you_mean
from ..content.yamlsrc import YamlSyntaxError, YList, YMap, read_yaml

PICK_KINDS = ("points", "techniques", "tools")
NAME_LIMIT, THERAPIST_LIMIT, NOTE_LIMIT = 80, 60, 400
MAX_MINUTES, MAX_TIMES = 120, 12

# Field name -> what it is, for --help, docs and the "did you mean" of a misspelt column.
FIELDS = {
    "name": "the client's name as it should be printed",
    "email": "the client's email address (only needed to send the sheet)",
    "date": "the visit date as YYYY-MM-DD (default: today)",
    "therapist": "who treated the client",
    "handout": "id of the handout to personalise (a file name in handouts/sheets/)",
    "layout": "another layout for it, such as calm (default: the handout's own)",
    "points": "points for the client, in order: ID or ID:MINUTES or ID:MINUTES:TIMES-A-DAY",
    "techniques": "techniques, written like points",
    "tools": "tools, written like points",
    "note": "a short personal note from the therapist",
}
REQUIRED = ("name", "therapist", "handout")

_PICK = re.compile(r"^(?P<id>[^:]+)(?::(?P<minutes>[^:]*))?(?::(?P<times>[^:]*))?$")
_SPLIT = re.compile(r"[\s,;]+")


@dataclass(frozen=True)
class Pick:
    """One item a therapist chose for a client, with how long and how often to do it."""

    kind: str                   # points | techniques | tools
    id: str
    minutes: float | None
    times_per_day: int | None


@dataclass(frozen=True)
class Visit:
    """One client's appointment and the aftercare sheet picked for them."""

    name: str
    email: str | None
    date: date
    therapist: str
    sheet: str                  # id of the handout it is based on
    layout: str | None          # another layout for it, or None for the sheet's own
    picks: tuple[Pick, ...]     # empty: the handout's own sections
    note: str | None
    where: str                  # where it was given, for messages: 'the command line' or 'visits.csv row 3'



@dataclass(frozen=True)
class FieldProblem:
    """What is wrong with one field of one visit."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class Checker:
    """Checks visits against one library and the glyphs of the brand's fonts."""

    def __init__(self, library: Library, layouts: tuple[str, ...], missing_glyph: Callable[[str], str | None],
                 font_label: str, today: date):
        self.library, self.layouts, self.today = library, layouts, today
        self.missing_glyph, self.font_label = missing_glyph, font_label

    def visit(self, values: dict, where: str) -> tuple[Visit | None, list[FieldProblem]]:
        """A Visit from raw field values (text, or lists and numbers from YAML), or the problems."""
        problems: list[FieldProblem] = []

        def report(field: str) -> Callable[[int | None, str], None]:
            return lambda _line, message: problems.append(FieldProblem(field, message))

        for field in REQUIRED:
            if _blank(values.get(field)):
                problems.append(FieldProblem(field, f"is missing; give {FIELDS[field]}"))
        name = self._text(values.get("name"), NAME_LIMIT, report("name"))
        therapist = self._text(values.get("therapist"), THERAPIST_LIMIT, report("therapist"))
        note = self._text(values.get("note"), NOTE_LIMIT, report("note"))
        email = self._email(values.get("email"), report("email"))
        when = self._date(values.get("date"), report("date"))
        sheet = self._handout(values.get("handout"), report("handout"))
        layout = self._layout(values.get("layout"), report("layout"))
        picks = []
        for kind in PICK_KINDS:
            picks += self._picks(kind, values.get(kind), report(kind))
        if problems:
            return None, problems
        return Visit(name=name, email=email, date=when, therapist=therapist, sheet=sheet, layout=layout,
                     picks=tuple(picks), note=note, where=where), []

    def _text(self, value, limit: int, report):
        if _blank(value):
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        text = Text(limit)(value, None, report)
        if text is INVALID:
            return None
        text = " ".join(text.split()) if "\n" not in text else text
        invisible = next((char for char in text if unicodedata.category(char) == "Cf"), None)
        if invisible is not None:
            report(None, f"contains the invisible formatting character U+{ord(invisible):04X}; delete it")
            return None
        char = self.missing_glyph(text)
        if char is not None:
            report(None, f"the character '{char}' (U+{ord(char):04X}) is not in the handout font "
                         f"{self.font_label}; write it with letters the font has")
            return None
        return text

    def _email(self, value, report):
        if _blank(value):
            return None
        if isinstance(value, str) and any(c in value for c in "\r\n"):
            report(None, "contains a line break; give exactly one address, like 'ana@example.com'")
            return None
        if isinstance(value, str) and (value.count("@") > 1 or any(c in value.strip() for c in ",; ")):
            report(None, f"'{_shown(value)}' is more than one address; give exactly one, like 'ana@example.com'")
            return None
        address = EMAIL(value, None, report)
        return None if address is INVALID else address

    def _date(self, value, report):
        if _blank(value):
            return self.today
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            report(None, f"'{_shown(str(value))}' is not a date; write it as YYYY-MM-DD, like '{self.today.isoformat()}'")
            return None

    def _handout(self, value, report):
        if _blank(value):
            return None
        sheet = str(value).strip()
        sheets = self.library.sheets
        if sheet not in sheets:
            report(None, f"no handout '{_shown(sheet)}'{did_you_mean(sheet, sheets)}; known: {', '.join(sheets)}")
            return None
        return sheet

    def _layout(self, value, report):
        if _blank(value):
            return None
        layout = str(value).strip()
        known = self.layouts
        if layout not in known:
            report(None, f"no layout '{_shown(layout)}'{did_you_mean(layout, known)}; layouts: {', '.join(known)}")
            return None
        return layout

    def _picks(self, kind: str, value, report) -> list[Pick]:
        if _blank(value):
            return []
        if isinstance(value, (list, tuple)):
            specs = [str(v).strip() for v in value]
        else:
            specs = [s for s in _SPLIT.split(str(value).strip()) if s]
        items = self.library.items(kind)
        picks, seen = [], set()
        for spec in specs:
            match = _PICK.match(spec)
            item_id = match["id"] if match else spec
            if not match or not ID_PATTERN.match(item_id):
                report(None, f"'{_shown(spec)}' is not ID or ID:MINUTES or ID:MINUTES:TIMES-A-DAY, "
                             f"like 'kneading:5:2'")
                continue
            if item_id not in items:
                report(None, f"no {kind[:-1]} '{item_id}'{did_you_mean(item_id, items)}; known: {', '.join(items)}")
                continue
            if item_id in seen:
                report(None, f"'{item_id}' is given twice; keep one")
                continue
            seen.add(item_id)
            minutes = _number(match["minutes"], 0.5, MAX_MINUTES, float, f"minutes for '{item_id}'", report)
            times = _number(match["times"], 1, MAX_TIMES, int, f"times a day for '{item_id}'", report)
            if minutes is not INVALID and times is not INVALID:
                picks.append(Pick(kind, item_id, minutes, times))
        return picks


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _shown(text: str, limit: int = 40) -> str:
    """Text quoted back in a message: printable, and short."""
    text = "".join(c if c.isprintable() else "?" for c in text)
    return text if len(text) <= limit else text[:limit] + "…"


def _number(text: str | None, low: float, high: float, kind: type, label: str, report):
    if text is None or not text.strip():
        return None
    try:
        value = kind(text.strip())
    except ValueError:
        report(None, f"{label}: '{_shown(text)}' is not a {'whole ' if kind is int else ''}number")
        return INVALID
    if not low <= value <= high:
        report(None, f"{label}: {value:g} is out of range; use {low:g} to {high:g}")
        return INVALID
    return value


def dose_text(pick: Pick) -> str | None:
    """How long and how often, in words: '2 minutes, 3 times a day'."""
    parts = []
    if pick.minutes is not None:
        amount = f"{pick.minutes:g}"
        parts.append(f"{amount} minute{'' if amount == '1' else 's'}")
    if pick.times_per_day is not None:
        parts.append({1: "once a day", 2: "twice a day"}.get(pick.times_per_day, f"{pick.times_per_day} times a day"))
    return ", ".join(parts) or None


@dataclass(frozen=True)
class Row:
    """One visit of a batch file with where it came from, or the problems that stop it."""

    number: int                 # 1 = the first visit
    line: int | None
    visit: Visit | None
    problems: tuple[FieldProblem, ...]

    def problem(self, shown: str) -> Problem:
        label = f"row {self.number}" + (f" ({_shown(self.visit_name, 30)})" if self.visit_name else "")
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
            raise BatchFileError(Problem(shown, 1, f"unknown column '{_shown(column)}'{hint}"))
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


# Letters that Unicode does not split into an ASCII letter plus an accent.
_UNDECOMPOSABLE = str.maketrans({"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "ß": "ss", "Æ": "AE", "æ": "ae",
                                 "Œ": "OE", "œ": "oe", "Đ": "D", "đ": "d", "Þ": "Th", "þ": "th", "ı": "i"})


def safe_file_stem(text: str, limit: int = 40) -> str:
    """A file-name part from a person's name: ASCII letters, digits and hyphens only."""
    text = text.translate(_UNDECOMPOSABLE)
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    stem = "-".join(filter(None, re.split(r"[^a-z0-9]+", folded)))[:limit].strip("-")
    return stem or "client"
