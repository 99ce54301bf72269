"""Import profiles: one YAML file per booking system in handouts/imports/, saying which of its
columns holds each part of a visit and how it writes dates. A spa adds a system by adding a
file; no code changes.

Headers are compared folded: case, accents, spaces and punctuation do not count, so
"E-mail", "email" and "EMAIL" are one header and "Fecha programada" matches "fecha programada".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from ...content.model import Project
from ...content.schema import INVALID, Check, Choice, Field, ListOf, Mapping, Text
from ...content.yamlsrc import YList, YamlSyntaxError, read_yaml
from ...errors import ContentError, Problem

# What a profile's columns may hold; the visit's own fields, plus what booking systems split or add.
COLUMN_DOCS = {
    "name": "the client's full name in one column",
    "first_name": "the client's first name (with last_name)",
    "last_name": "the client's last name (with first_name)",
    "email": "the client's email address",
    "date": "the appointment's date (a time after it is fine when date_format includes it)",
    "therapist": "who gave the treatment: staff, calendar, provider, practitioner, team member",
    "service": "the booked service, matched against handouts/services.yaml",
    "status": "the appointment's status, compared with skip_status",
    "note": "a note printed on the sheet",
    "handout": "the handout id itself (the press's own format)",
    "layout": "another layout for the sheet (the press's own format)",
    "points": "points with doses (the press's own format)",
    "techniques": "techniques with doses (the press's own format)",
    "tools": "tools with doses (the press's own format)",
}
SAMPLE_DAY = datetime(2026, 11, 24, 14, 30)
# strftime codes a booking export's date may use; locale-dependent ones (%c, %x) would read differently per computer.
_DIRECTIVES = set("dmbByYHIMSpaAj%")
_DIRECTIVE = re.compile(r"%(.)")


def fold(text: str) -> str:
    """A header or status as compared: no case, no accents, no spacing or punctuation."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if char.isalnum())


@dataclass(frozen=True)
class DateFormats(Check):
    """One strftime pattern or a list of them, such as '%m/%d/%Y' or '%d.%m.%Y %H:%M'; every one
    has a day, a month and a year, and all put day and month in the same order."""

    label: str = "date format or list of them"

    def __call__(self, value, line, report):
        formats = list(value) if isinstance(value, list) else [value]
        lines = value.item_lines if isinstance(value, YList) else [line] * len(formats)
        checked, orders = [], set()
        for text, at in zip(formats, lines):
            text = Text(60)(text, at, report)
            if text is INVALID:
                return INVALID
            codes = _DIRECTIVE.findall(text)
            unknown = [c for c in codes if c not in _DIRECTIVES]
            if text.count("%") != len(codes) or unknown:
                report(at, f"'{text}' is not a date format: '%{unknown[0] if unknown else ''}' is not one of "
                           f"%d %m %b %B %Y %y %H %I %M %S %p %a %A %j")
                return INVALID
            has_month = any(c in codes for c in "mbB")
            if "d" not in codes or not has_month or not any(c in codes for c in "Yy"):
                report(at, f"'{text}' is not a date format: it needs a day (%d), a month (%m, %b or %B) and a year (%Y or %y)")
                return INVALID
            try:
                datetime.strptime(SAMPLE_DAY.strftime(text), text)
            except ValueError:
                report(at, f"'{text}' is not a date format: a date written with it cannot be read back")
                return INVALID
            if "m" in codes:
                orders.add("day first" if codes.index("d") < codes.index("m") else "month first")
            checked.append(text)
        if len(orders) > 1:
            report(line, "mixes day-first and month-first formats; day and month order is never guessed: keep one order")
            return INVALID
        return tuple(checked)


COLUMNS = Mapping({name: Field(Text(80), required=False, doc=doc) for name, doc in COLUMN_DOCS.items()},
                  label="column headers")
PROFILE = Mapping({
    "title": Field(Text(80), doc="the booking system's name, as the review and messages show it"),
    "export": Field(Text(300), required=False, doc="where in the booking system the export is made"),
    "columns": Field(COLUMNS, doc="the booking system's header for each part of a visit"),
    "optional": Field(ListOf(Choice(tuple(COLUMN_DOCS))), required=False, default=(),
                      doc="columns an export may lack; the others must all be in the header row"),
    "name_order": Field(Choice(("first_last", "last_first")), required=False, default="first_last",
                        doc="last_first when one name column holds 'Lima, Ana'"),
    "date_format": Field(DateFormats(), doc="how the date column is written, such as '%m/%d/%Y'"),
    "skip_status": Field(ListOf(Text(60)), required=False, default=(),
                         doc="statuses of visits that get no sheet: cancelled, no-show"),
}, label="import profile")


@dataclass(frozen=True)
class Profile:
    id: str                                   # the file name without .yaml
    title: str
    source: str                               # the file, as messages show it
    columns: dict[str, str]                   # field -> header as the booking system writes it
    optional: frozenset[str]
    name_order: str
    date_formats: tuple[str, ...]
    skip_status: frozenset[str]               # folded

    @property
    def required(self) -> tuple[str, ...]:
        """The columns a file must have to be this system's export; a file without dates can take --date."""
        return tuple(name for name in self.columns if name not in self.optional and name != "date")

    def date_example(self) -> str:
        return SAMPLE_DAY.strftime(self.date_formats[0])

    def read_date(self, value) -> date | None:
        """The date in a cell, or None when no format of the profile reads it."""
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = " ".join(str(value).split())
        for pattern in self.date_formats:
            try:
                return datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        return None


def profiles_folder(project: Project) -> Path:
    return project.content / "imports"


def load_profiles(project: Project) -> dict[str, Profile]:
    """Every profile in handouts/imports/, by id; ContentError listing every problem in them."""
    problems: list[Problem] = []
    found: dict[str, Profile] = {}
    folder = profiles_folder(project)
    paths = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    for path in paths:
        shown = project.show(path)
        report = lambda line, message, shown=shown: problems.append(Problem(shown, line, message))  # noqa: E731
        try:
            raw = read_yaml(path, shown)
        except YamlSyntaxError as err:
            problems.append(err.problem)
            continue
        data = PROFILE(raw, 1, report)
        if data is INVALID:
            continue
        profile = _profile(path.stem, shown, data, raw, report)
        if profile is not None:
            found[profile.id] = profile
    if problems:
        raise ContentError(problems)
    if not found:
        raise ContentError([Problem(project.show(folder), None, "no import profiles found; copy the shipped "
                                                                 "handouts/imports/ folder back (see docs/booking-exports.md)")])
    return found


def _profile(profile_id: str, shown: str, data: dict, raw, report) -> Profile | None:
    columns = {name: header for name, header in data["columns"].items() if header is not None}
    line = raw.key_lines.get("columns", 1)
    ok = True
    if "name" in columns and ({"first_name", "last_name"} & columns.keys()):
        report(line, "give either name or first_name and last_name, not both")
        ok = False
    elif "name" not in columns and not {"first_name", "last_name"} <= columns.keys():
        report(line, "missing the client's name: give name, or first_name and last_name")
        ok = False
    if "therapist" not in columns:
        report(line, "missing therapist: the column that says who gave the treatment")
        ok = False
    if ("service" in columns) == ("handout" in columns):
        report(line, "give exactly one of service (matched in handouts/services.yaml) or handout")
        ok = False
    folded: dict[str, str] = {}
    for name, header in columns.items():
        if fold(header) in folded:
            report(raw["columns"].key_lines.get(name, line), f"'{header}' is also the header of {folded[fold(header)]}; "
                                                             f"each column holds one thing")
            ok = False
        folded.setdefault(fold(header), name)
    strays = [name for name in data["optional"] if name not in columns]
    if strays:
        report(raw.key_lines.get("optional", line), f"optional names {', '.join(strays)}, which columns does not list")
        ok = False
    if not ok:
        return None
    return Profile(profile_id, data["title"], shown, columns, frozenset(data["optional"]), data["name_order"],
                   data["date_format"], frozenset(fold(s) for s in data["skip_status"]))
