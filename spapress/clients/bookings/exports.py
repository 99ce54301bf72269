"""A day's visits from a booking system's export: the table read, its profile chosen from the
header row, every row turned into a visit (or a problem, or a row skipped with its reason).

Problems with the header are all reported together before any row is looked at; a bad row
is reported by its number and line and every other row still goes through. The rows are read
one at a time (open_visits), so an export of any length takes little memory.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Callable, Iterator

from ...content.model import Project
from ...content.schema import excerpt
from ...errors import ContentError, Problem, UnknownId
from ..batch import BatchFileError, Row, read_batch
from ..visits import Checker, FieldProblem
from .profiles import Profile, fold, load_profiles
from .reader import NotATable, Table, read_table
from .services import Services, load_services

YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Skipped:
    """A row that gets no sheet, and why (a cancelled visit, a service without a handout)."""

    number: int
    line: int | None
    name: str | None
    reason: str


@dataclass(frozen=True)
class Unmatched:
    """A booked service that no rule of services.yaml matched; handout is the default used, or None."""

    service: str
    rows: tuple[int, ...]
    handout: str | None


@dataclass(frozen=True)
class Export:
    """A file of visits opened to be read row by row: the file as a whole and its header are
    checked, but no row is kept, so a batch of any length is read in bounded memory.

    rows(unmatched) yields each row, in the file's order, as a Row (a visit, or the problems
    that stop it) or a Skipped, and notes in `unmatched` the rows whose service no rule of
    services.yaml matched; each call reads the rows afresh. skipped() yields only the Skipped,
    without checking the other rows. count is how many rows there are."""

    source: str                       # the file, as messages show it
    kind: str                         # 'CSV (UTF-8, comma between cells)', 'Excel workbook', 'YAML list'
    profile: Profile | None           # None for a YAML list
    count: int
    notices: tuple[str, ...]          # things to say once about the whole file
    read: Callable[..., Iterator[Row | Skipped]]  # read(unmatched, skipped_only)
    default_handout: str | None = None  # what services.yaml gives a service no rule matches

    def rows(self, unmatched: dict[str, list[int]] | None = None) -> Iterator[Row | Skipped]:
        return self.read({} if unmatched is None else unmatched, False)

    def skipped(self) -> Iterator[Skipped]:
        return self.read({}, True)

    def unmatched(self, found: dict[str, list[int]]) -> tuple[Unmatched, ...]:
        return tuple(Unmatched(service, tuple(rows), self.default_handout) for service, rows in found.items())


@dataclass(frozen=True)
class Import:
    """What a file of visits holds, before anything is made, all in memory (see Export)."""

    source: str                       # the file, as messages show it
    kind: str                         # 'CSV (UTF-8, comma between cells)', 'Excel workbook', 'YAML list'
    profile: Profile | None           # None for a YAML list
    rows: tuple[Row, ...]             # each a visit to make, or the problems that stop it
    skipped: tuple[Skipped, ...]
    unmatched: tuple[Unmatched, ...]
    notices: tuple[str, ...]          # things to say once about the whole file


def read_visits(path: Path, project: Project, checker: Checker, *, profile: str | None = None,
                day: date | None = None) -> Import:
    """Every row of open_visits(...) at once, for a file the desk app shows whole."""
    export = open_visits(path, project, checker, profile=profile, day=day)
    rows, skipped, unmatched = [], [], {}
    for item in export.rows(unmatched):
        (skipped if isinstance(item, Skipped) else rows).append(item)
    return Import(export.source, export.kind, export.profile, tuple(rows), tuple(skipped),
                  export.unmatched(unmatched), export.notices)


def open_visits(path: Path, project: Project, checker: Checker, *, profile: str | None = None,
                day: date | None = None) -> Export:
    """The visits of an export (.csv, .txt, .xlsx) or a YAML list. `profile` forces an import profile
    by id; `day` is the date of visits whose row gives none. Raises ContentError when the file as
    a whole cannot be used (unreadable, no profile fits, a header problem), UnknownId for a
    profile that does not exist."""
    shown = project.show(path)
    if path.suffix.lower() in YAML_SUFFIXES:  # a list written by hand: read whole
        try:
            rows = read_batch(path, shown, checker, day)
        except BatchFileError as err:
            raise ContentError([err.problem]) from None
        return Export(shown, "YAML list", None, len(rows), (),
                      lambda _unmatched, skipped_only: iter(() if skipped_only else rows))
    profiles = load_profiles(project)
    if profile is not None and profile not in profiles:
        raise UnknownId(profile, tuple(sorted(profiles)), "import profile")
    try:
        table = read_table(path, shown)
    except NotATable as err:
        raise ContentError([err.problem]) from None
    chosen, columns = choose_profile(table, profiles, shown, profile)
    _check_header(table, chosen, columns, shown, day)
    services = load_services(project, checker) if "service" in chosen.columns else None
    notices = () if "status" in columns else (
        f"{shown} has no status column, so cancelled and no-show visits cannot be told apart; "
        f"take them out of the file before sending",)
    return Export(shown, table.kind, chosen, table.count, notices,
                  partial(_rows, table, chosen, columns, services, checker, shown, day),
                  services.default if services is not None else None)


def choose_profile(table: Table, profiles: dict[str, Profile], shown: str,
                   forced: str | None = None) -> tuple[Profile, dict[str, int]]:
    """The profile the header row fits (or the one forced) and the column index of each field it has."""
    line = table.header_line
    index: dict[str, int] = {}
    for position, header in enumerate(table.header):
        index.setdefault(fold(header), position)
    found = {pid: {name: index[fold(header)] for name, header in p.columns.items() if fold(header) in index}
             for pid, p in profiles.items()}
    missing = {pid: [name for name in p.required if name not in found[pid]] for pid, p in profiles.items()}
    if forced is not None:  # what it lacks is reported with the header's other problems
        return profiles[forced], found[forced]
    fitting = sorted((pid for pid in profiles if not missing[pid]), key=lambda pid: (-len(found[pid]), pid))
    if not fitting:
        closest = sorted(profiles, key=lambda pid: (len(missing[pid]) / max(1, len(profiles[pid].required)),
                                                    -len(found[pid]), pid))[:3]
        listed = "; ".join(f"{profiles[pid].title} (--profile {pid}) lacks {_headers(profiles[pid], missing[pid])}"
                           for pid in closest)
        raise ContentError([Problem(shown, line, f"the columns fit no import profile in handouts/imports/; closest: "
                                                 f"{listed}; rename the columns, choose with --profile, or add a "
                                                 f"profile (see docs/booking-exports.md)")])
    best = fitting[0]
    tied = [pid for pid in fitting if len(found[pid]) == len(found[best])]
    if len(tied) > 1:
        raise ContentError([Problem(shown, line, f"the columns fit the import profiles {', '.join(tied)} equally; "
                                                 f"choose one with --profile")])
    return profiles[best], found[best]


def _headers(profile: Profile, names) -> str:
    return ", ".join(f"'{profile.columns[name]}'" for name in names)


def _check_header(table: Table, profile: Profile, columns: dict[str, int], shown: str, day: date | None) -> None:
    """Every problem with the header row at once, before any row is read."""
    line, problems = table.header_line, []
    lacking = [name for name in profile.required if name not in columns]
    if lacking:
        problems.append(Problem(shown, line, f"lacks the {profile.title} column{'s' if len(lacking) > 1 else ''} "
                                             f"{_headers(profile, lacking)}"))
    for name, position in columns.items():
        twice = [n for n, header in enumerate(table.header, 1) if fold(header) == fold(table.header[position])]
        if len(twice) > 1:
            problems.append(Problem(shown, line, f"the column '{excerpt(table.header[position])}' appears "
                                                 f"{len(twice)} times (columns {', '.join(map(str, twice))}); keep one"))
    if "date" not in columns and day is None:
        named = f" ('{profile.columns['date']}')" if "date" in profile.columns else ""
        problems.append(Problem(shown, line, f"has no date column{named}; give the date of every visit with "
                                             f"--date YYYY-MM-DD"))
    # A near miss of a column the profile could use is a typo; any other column is the booking system's own.
    absent = {fold(profile.columns[name]): profile.columns[name] for name in profile.columns if name not in columns}
    used = {fold(table.header[position]) for position in columns.values()}
    for header in table.header:
        if not header or fold(header) in used:
            continue
        close = difflib.get_close_matches(fold(header), list(absent), n=1, cutoff=0.8)
        if close:
            problems.append(Problem(shown, line, f"unknown column '{excerpt(header)}' (did you mean '{absent[close[0]]}'?)"))
    if problems:
        raise ContentError(problems)


def _rows(table: Table, profile: Profile, columns: dict[str, int], services: Services | None, checker: Checker,
          shown: str, day: date | None, unmatched: dict[str, list[int]], skipped_only: bool) -> Iterator[Row | Skipped]:
    width = len(table.header)
    for number, line in enumerate(table.rows(), 1):
        cells = line.cells

        def cell(name: str):
            position = columns.get(name)
            value = cells[position] if position is not None and position < len(cells) else ""
            return value.strip() if isinstance(value, str) else value

        name = _full_name(profile, cell)
        shown_name = name if name and name.isprintable() else None
        if any(isinstance(c, str) and c.strip() for c in cells[width:]):
            if skipped_only:
                continue
            yield Row(number, line.line, None, (FieldProblem("row", f"has {len(cells)} cells but the header "
                                                f"names {width} columns; check for a stray separator"),), shown_name)
            continue
        status = cell("status") if "status" in columns else ""
        if isinstance(status, str) and status and fold(status) in profile.skip_status:
            yield Skipped(number, line.line, shown_name, f"status '{excerpt(status)}'")
            continue
        values = {"name": name, "email": cell("email"), "therapist": cell("therapist"), "note": cell("note")}
        service = None
        if services is not None:
            service = str(cell("service") or "")
            rule = services.match(service) if service else None
            if rule is None:
                unmatched.setdefault(service, []).append(number)
                if services.default is None:
                    yield Skipped(number, line.line, shown_name, f"no handout for the service "
                                                                 f"'{excerpt(service) or '(none)'}' in {services.source}")
                    continue
                values["handout"] = services.default
            else:
                values["handout"] = rule.handout
                values.update({kind: list(specs) for kind, specs in rule.picks.items() if specs})
        else:
            values.update({name: cell(name) for name in ("handout", "layout", "points", "techniques", "tools")})
        if skipped_only:
            continue
        problems = []
        when = _visit_date(profile, cell("date"), day, problems)
        if when is not None:
            values["date"] = when
        visit, more = checker.visit(values, f"{shown} row {number}")
        problems = more + problems
        yield Row(number, line.line, None if problems else visit, tuple(problems), shown_name, service)


def _full_name(profile: Profile, cell) -> str:
    if "name" in profile.columns:
        text = " ".join(str(cell("name")).split())
        if profile.name_order == "last_first" and "," in text:
            last, first = text.split(",", 1)
            text = f"{first.strip()} {last.strip()}".strip()
        return text
    return " ".join(part for part in (str(cell("first_name")).strip(), str(cell("last_name")).strip()) if part)


def _visit_date(profile: Profile, value, day: date | None, problems: list[FieldProblem]) -> date | None:
    """The visit's date; a blank cell takes --date, an unreadable one is a problem, never today."""
    if value is None or (isinstance(value, str) and not value):
        if day is None:
            problems.append(FieldProblem("date", "is missing; fill it in, or give the date of every visit with "
                                                 "--date YYYY-MM-DD"))
        return day
    when = profile.read_date(value)
    if when is None:
        problems.append(FieldProblem("date", f"'{excerpt(str(value))}' is not a date written as {profile.title} "
                                             f"writes it, like '{profile.date_example()}'"))
        return None
    if day is not None and when != day:
        problems.append(FieldProblem("date", f"is {when.isoformat()}, but --date gives {day.isoformat()}"))
        return None
    return when
