"""Reading a booking system's export as a table of text and dates, whatever shape the file has.

CSV files come with commas, semicolons, tabs or bars between cells, with or without a
byte-order mark, in UTF-8, UTF-16 or Windows-1252 (what Excel on Windows writes when it
saves "CSV"). The encoding is told apart by rules, not guessed by statistics: a byte-order
mark names it; UTF-16 without one has a zero byte beside every ASCII letter; text that is
valid UTF-8 is UTF-8 (Windows-1252 text with accents almost never is); the rest is read as
Windows-1252, whose five unused bytes mark a file that is not text at all. Excel `.xlsx`
files are read with openpyxl; their real dates stay dates. Old `.xls` files are refused.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Callable, Iterator

from ...errors import Problem

DELIMITERS = ",;\t|"
_NOT_TEXT = {chr(c) for c in range(32)} - {"\t", "\n", "\r"}
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")  # a line and its ending (the last may have none)
_OLE = b"\xd0\xcf\x11\xe0"            # the container of old .xls files
_ZIP = b"PK\x03\x04"                  # .xlsx files are zip archives


@dataclass(frozen=True)
class Line:
    """One row of the table: where it stands in the file (line of a CSV, row of a sheet) and its cells."""

    line: int
    cells: tuple


@dataclass(frozen=True)
class Table:
    """The header, and the rows under it that have something in them, read afresh on each pass
    (a CSV file's rows are parsed again from its text rather than all kept as cells)."""

    header: tuple[str, ...]
    header_line: int
    count: int                        # rows under the header with something in them
    kind: str                         # 'CSV (UTF-8, comma)', 'Excel workbook', …
    lines: Callable[[], Iterator[Line]]  # every row of the file, from the first

    def rows(self) -> Iterator[Line]:
        """The rows under the header with something in them, in the file's order."""
        after = (line for line in self.lines() if line.line > self.header_line)
        return (line for line in after if _filled(line.cells))


class NotATable(Exception):
    """The file cannot be read as a table at all; carries one Problem."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))


def read_table(path: Path, shown: str) -> Table:
    """The header row and the rows under it, or NotATable with one line saying what to do."""
    def refuse(message: str, line: int | None = None):
        raise NotATable(Problem(shown, line, message))

    try:
        raw = path.read_bytes()
    except OSError as err:
        refuse(f"cannot be read: {err.strerror}")
    if path.suffix.lower() == ".xls" or raw.startswith(_OLE):
        refuse("is an old Excel .xls file; open it in Excel and save it as .xlsx or as CSV UTF-8")
    if not raw.strip():
        refuse("is empty; export the day's appointments from the booking system again")
    if raw.startswith(_ZIP) or path.suffix.lower() in (".xlsx", ".xlsm"):
        return _excel(raw, refuse)
    return _csv(raw, refuse)


def _csv(raw: bytes, refuse) -> Table:
    text, encoding = _decode(raw, refuse)
    sample = text[:65536]
    # A stray control character in a cell is that row's problem; many of them, or any NUL, mean binary data.
    if "\x00" in sample or sum(char in _NOT_TEXT for char in sample) > max(8, len(sample) // 100):
        refuse("is not a table: it holds binary data, not text; export the appointments as CSV or Excel (.xlsx)")
    delimiter = _delimiter(text)
    if delimiter is None:
        refuse("is not a table: no line has commas, semicolons, tabs or bars between columns; "
               "export the appointments as CSV or Excel (.xlsx)")
    def lines() -> Iterator[Line]:
        # The text's lines one by one, as a file opened with newline="" gives them; io.StringIO
        # would first copy the whole text at four bytes a character.
        reader = csv.reader((m.group() for m in _LINE.finditer(text)), delimiter=delimiter, strict=False)
        while True:
            line = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as err:
                refuse(f"cannot be read as CSV: {err}", line)
            yield Line(line, tuple(cells))

    named = {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}[delimiter]
    return _table(lines, f"CSV ({encoding}, {named} between cells)", refuse)


def _decode(raw: bytes, refuse) -> tuple[str, str]:
    if raw.startswith(b"\xef\xbb\xbf"):
        candidates = [("utf-8-sig", "UTF-8")]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = [("utf-16", "UTF-16")]
    elif len(raw) >= 4 and raw[1] == 0 and raw[3] == 0 and raw[0] and raw[2]:
        candidates = [("utf-16-le", "UTF-16")]
    elif len(raw) >= 4 and raw[0] == 0 and raw[2] == 0 and raw[1] and raw[3]:
        candidates = [("utf-16-be", "UTF-16")]
    else:
        candidates = [("utf-8", "UTF-8"), ("cp1252", "Windows-1252")]
    for codec, name in candidates:
        try:
            return raw.decode(codec), name
        except UnicodeDecodeError:
            continue
    refuse("is not a table: it is not text in UTF-8, UTF-16 or Windows-1252; "
           "export the appointments as CSV or Excel (.xlsx)")


def _delimiter(text: str) -> str | None:
    sample = "\n".join(text[:20000].splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        pass
    # One column of quoted text defeats the sniffer; the most frequent separator of the first line decides.
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else None


def _excel(raw: bytes, refuse) -> Table:
    import openpyxl  # only when an Excel file is read: it takes a while to import

    # A damaged or foreign file can fail in many ways inside openpyxl (zip, XML, missing parts), while
    # opening or, in read-only mode, while rows are read; each is the same message to the front desk.
    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            rows = [Line(number, tuple(_cell(value) for value in values))
                    for number, values in enumerate(sheet.iter_rows(values_only=True), 1)]
        finally:
            book.close()
    except Exception:  # noqa: BLE001 - see above
        refuse("cannot be opened as an Excel .xlsx file: it is damaged or not a workbook; open it in Excel and "
               "save it again, or export the appointments as CSV")
    return _table(lambda: iter(rows), "Excel workbook", refuse)


def _cell(value):
    """An Excel cell as the CSV reader would give it, except that real dates stay dates."""
    if value is None:
        return ""
    if isinstance(value, (datetime, date)):
        return value
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _filled(cells: tuple) -> int:
    return sum(1 for cell in cells if not isinstance(cell, str) or cell.strip())


def _table(lines: Callable[[], Iterator[Line]], kind: str, refuse) -> Table:
    """The table, read through once now: a file that cannot be read to its end is refused before
    any row is used, and only the header and the count of rows are kept."""
    header_row, count, anything = None, 0, False
    for row in lines():
        filled = _filled(row.cells)
        anything = anything or filled > 0
        if header_row is None:
            # Report titles above the header ("Appointments, 24 Nov 2026") have one cell; the header has several.
            if filled >= 2:
                header_row = row
        elif filled:
            count += 1
    if header_row is None:
        if not anything:
            refuse("is empty; export the day's appointments from the booking system again")
        refuse("is not a table: no row has two or more columns; export the appointments as CSV or Excel (.xlsx)")
    header = tuple(cell.strip() if isinstance(cell, str) else str(cell) for cell in header_row.cells)
    return Table(header, header_row.line, count, kind, lines)
