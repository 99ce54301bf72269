"""Client visits: the fields a visit has, and checking the values a person typed for them.

Every field is checked before anything is made: length, control and invisible characters,
characters the brand's fonts cannot draw, one plain email address, a real date, and ids
that exist in the library. Batch files of visits are read in batch.py.

The fields are declared once, in VISIT (each with its check, whether it is required and what it
means); the CSV columns, the YAML keys, the command line's help and docs/client-visits.md come
from that declaration.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Callable, Mapping as TMapping

from ..content.model import Library
from ..content.schema import INVALID, Check, Field, Mapping, NumberText, Text, did_you_mean, excerpt
from ..content.doses import range_text
from ..content.locales import DEFAULT_LOCALE, read_date, short_example
from ..content.rules import ID_PATTERN, RECIPIENT

PICK_KINDS = ("points", "techniques", "tools")
NAME_LIMIT, THERAPIST_LIMIT, NOTE_LIMIT = 80, 60, 400
MAX_MINUTES, MAX_TIMES = 120, 12

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
class Known:
    """What a visit is checked against: the library's ids, the layouts, and the glyphs of the brand's fonts."""

    ids: TMapping[str, tuple[str, ...]] = field(default_factory=dict)   # 'sheets', 'layouts', 'points', …
    missing_glyph: Callable[[str], str | None] = lambda text: None
    font_label: str = ""
    today: date | None = None
    locale: str = DEFAULT_LOCALE
    # kind -> id -> ((fewest, most minutes), (fewest, most times a day)) that content allows
    doses: TMapping[str, TMapping[str, tuple]] = field(default_factory=dict)


@dataclass(frozen=True)
class VisitCheck(Check):
    """A check that needs what the press knows; the Checker hands it over (`known`) before checking."""

    known: Known = field(default=Known(), kw_only=True)


def invisible_character(text: str) -> str | None:
    """The first invisible formatting character (a direction mark, a zero-width space), if any."""
    return next((char for char in text if unicodedata.category(char) == "Cf"), None)


@dataclass(frozen=True)
class ClientText(VisitCheck):
    """Text a person types at the desk, printed on the sheet: it must be visible and in the brand's fonts."""

    max_length: int = 80

    @property
    def label(self):
        return f"text of up to {self.max_length} characters"

    def __call__(self, value, line, report):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        text = Text(self.max_length)(value, line, report)
        if text is INVALID:
            return INVALID
        text = " ".join(text.split()) if "\n" not in text else text
        invisible = invisible_character(text)
        if invisible is not None:
            report(line, f"contains the invisible formatting character U+{ord(invisible):04X}; delete it")
            return INVALID
        char = self.known.missing_glyph(text)
        if char is not None:
            report(line, f"the character '{char}' (U+{ord(char):04X}) is not in the handout font "
                         f"{self.known.font_label}; write it with letters the font has")
            return INVALID
        return text


@dataclass(frozen=True)
class OneEmail(Check):
    """Exactly one plain email address: a second address or a line break could add recipients."""

    label: str = "email address"

    def __call__(self, value, line, report):
        if isinstance(value, str) and any(c in value for c in "\r\n"):
            report(line, "contains a line break; give exactly one address, like 'ana@example.com'")
            return INVALID
        if isinstance(value, str) and (value.count("@") > 1 or any(c in value.strip() for c in ",; ")):
            report(line, f"'{excerpt(value)}' is more than one address; give exactly one, like 'ana@example.com'")
            return INVALID
        return RECIPIENT(value, line, report)


@dataclass(frozen=True)
class VisitDate(VisitCheck):
    """The visit's date, YYYY-MM-DD or as the brand's locale writes it (11/24/2026 in en-US);
    a message shows the checker's today as the example."""

    label: str = "date"

    def __call__(self, value, line, report):
        if isinstance(value, date):
            return value
        day = read_date(str(value), self.known.locale)
        if day is None:
            today = self.known.today or date.today()
            report(line, f"'{excerpt(str(value))}' is not a date; write it like "
                         f"'{short_example(today, self.known.locale)}' or '{today.isoformat()}'")
            return INVALID
        return day


def _unknown(noun: str, given: str, known: tuple[str, ...], listed_as: str) -> str:
    return f"no {noun} '{given}'{did_you_mean(given, known)}; {listed_as}: {', '.join(known)}"


@dataclass(frozen=True)
class KnownId(VisitCheck):
    """The id of something the library has: a handout, a layout."""

    noun: str = "handout"
    pool: str = "sheets"
    listed_as: str = "known"
    label: str = "handout id"

    def __call__(self, value, line, report):
        given, known = str(value).strip(), self.known.ids.get(self.pool, ())
        if given not in known:
            report(line, _unknown(self.noun, excerpt(given), known, self.listed_as))
            return INVALID
        return given


MINUTES, TIMES = NumberText(0.5, MAX_MINUTES), NumberText(1, MAX_TIMES, whole=True)


@dataclass(frozen=True)
class Picks(VisitCheck):
    """Items of one kind, in order, each ID, ID:MINUTES or ID:MINUTES:TIMES-A-DAY (a list, or one text
    with the items separated by spaces, commas or semicolons)."""

    kind: str = "points"
    label: str = "list of ID[:MINUTES[:TIMES-A-DAY]]"

    def __call__(self, value, line, report):
        if isinstance(value, (list, tuple)):
            specs = [str(v).strip() for v in value]
        else:
            specs = [s for s in _SPLIT.split(str(value).strip()) if s]
        known = self.known.ids.get(self.kind, ())
        picks, seen, ok = [], set(), True
        for spec in specs:
            pick = self._pick(spec, known, seen, line, report)
            ok = ok and pick is not INVALID
            picks.append(pick)
        return tuple(picks) if ok else INVALID

    def _pick(self, spec, known, seen, line, report):
        match = _PICK.match(spec)
        item_id = match["id"] if match else spec
        if not match or not ID_PATTERN.match(item_id):
            report(line, f"'{excerpt(spec)}' is not ID or ID:MINUTES or ID:MINUTES:TIMES-A-DAY, like 'kneading:5:2'")
            return INVALID
        if item_id not in known:
            report(line, _unknown(self.kind[:-1], item_id, known, "known"))
            return INVALID
        if item_id in seen:
            report(line, f"'{item_id}' is given twice; keep one")
            return INVALID
        seen.add(item_id)
        minutes = _dose(MINUTES, match["minutes"], f"minutes for '{item_id}'", line, report)
        times = _dose(TIMES, match["times"], f"times a day for '{item_id}'", line, report)
        if INVALID in (minutes, times):
            return INVALID
        allowed = self.known.doses.get(self.kind, {}).get(item_id)
        if allowed is not None:
            for amount, (low, high), unit in ((minutes, allowed[0], "minutes"), (times, allowed[1], "times a day")):
                if amount is not None and not low <= amount <= high:
                    report(line, f"{amount:g} {unit} for '{item_id}' is outside its range of {range_text(low, high)} "
                                 f"{unit}; give {range_text(low, high)}")
                    return INVALID
        return Pick(self.kind, item_id, minutes, times)


def _dose(check: Check, text: str | None, label: str, line, report):
    if text is None or not text.strip():
        return None
    return check(text, line, lambda at, message: report(at, f"{label}: {message}"))


# The fields of a visit: the columns of a CSV file, the keys of a YAML file, the command line's options.
VISIT = Mapping({
    "name": Field(ClientText(NAME_LIMIT), doc="the client's name as it should be printed"),
    "email": Field(OneEmail(), required=False, doc="the client's email address (only needed to send the sheet)"),
    "date": Field(VisitDate(), required=False,
                  doc="the visit date as YYYY-MM-DD or as the brand's locale writes it, such as 11/24/2026 "
                      "(default: today)"),
    "therapist": Field(ClientText(THERAPIST_LIMIT), doc="who treated the client"),
    "handout": Field(KnownId("handout", "sheets"),
                     doc="id of the handout to personalise (a file name in handouts/sheets/)"),
    "layout": Field(KnownId("layout", "layouts", "layouts", "layout name"), required=False,
                    doc="another layout for it, such as calm (default: the handout's own)"),
    "points": Field(Picks("points"), required=False, default=(),
                    doc="points for the client, in order: ID or ID:MINUTES or ID:MINUTES:TIMES-A-DAY"),
    "techniques": Field(Picks("techniques"), required=False, default=(), doc="techniques, written like points"),
    "tools": Field(Picks("tools"), required=False, default=(), doc="tools, written like points"),
    "note": Field(ClientText(NOTE_LIMIT), required=False, doc="a short personal note from the therapist"),
}, label="visit")
FIELDS = tuple(VISIT.fields)
REQUIRED = tuple(name for name, spec in VISIT.fields.items() if spec.required)


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
        ids = {"sheets": tuple(library.sheets), "layouts": tuple(layouts),
               **{kind: tuple(library.items(kind)) for kind in PICK_KINDS}}
        doses = {kind: {item_id: (item.minutes, item.times_a_day) for item_id, item in library.items(kind).items()}
                 for kind in PICK_KINDS}
        known = Known(ids, missing_glyph, font_label, today, library.brand.locale, doses)
        self.today = today
        self.checks = {name: replace(spec.check, known=known) if isinstance(spec.check, VisitCheck) else spec.check
                       for name, spec in VISIT.fields.items()}

    def visit(self, values: dict, where: str) -> tuple[Visit | None, list[FieldProblem]]:
        """A Visit from raw field values (text, or lists and numbers from YAML), or the problems."""
        problems: list[FieldProblem] = []
        checked = {}
        for name, spec in VISIT.fields.items():
            value = values.get(name)
            if _blank(value):
                if spec.required:
                    problems.append(FieldProblem(name, f"is missing; give {spec.doc}"))
                checked[name] = spec.default
                continue
            checked[name] = self.checks[name](value, None, _reporter(problems, name))
        if problems:
            return None, problems
        return Visit(name=checked["name"], email=checked["email"], date=checked["date"] or self.today,
                     therapist=checked["therapist"], sheet=checked["handout"], layout=checked["layout"],
                     picks=sum((checked[kind] for kind in PICK_KINDS), ()), note=checked["note"], where=where), []


def _reporter(problems: list[FieldProblem], name: str):
    return lambda _line, message: problems.append(FieldProblem(name, message))


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def dose_text(pick: Pick) -> str | None:
    """How long and how often, in words: '2 minutes, 3 times a day'."""
    parts = []
    if pick.minutes is not None:
        amount = f"{pick.minutes:g}"
        parts.append(f"{amount} minute{'' if amount == '1' else 's'}")
    if pick.times_per_day is not None:
        parts.append({1: "once a day", 2: "twice a day"}.get(pick.times_per_day, f"{pick.times_per_day} times a day"))
    return ", ".join(parts) or None
