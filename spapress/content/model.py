"""The content library as plain frozen dataclasses: what every later stage reads."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Mapping

from .doses import DEFAULT_MINUTES, DEFAULT_TIMES_A_DAY


@dataclass(frozen=True)
class FontFamily:
    """Four TrueType files of one family; missing styles fall back to regular/bold."""

    regular: Path
    bold: Path
    italic: Path
    bold_italic: Path


@dataclass(frozen=True)
class Safety:
    """The standard aftercare-and-safety block every handout, client sheet and booklet carries."""

    title: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Brand:
    name: str
    tagline: str | None
    phone: str
    booking_url: str
    email: str | None
    address: str | None
    logo: Path | None
    colors: Mapping[str, str]
    body_font: FontFamily
    heading_font: FontFamily
    disclaimer: str
    safety: Safety
    language: str
    source: str
    locale: str = "en-US"            # how dates are written and read (content/locales.py)
    paper: str = "letter"            # the handouts' paper when a sheet does not say


@dataclass(frozen=True)
class Spot:
    """A marker position on a body view, normalised: x from the left, y from the top, 0..1."""

    x: float
    y: float


@dataclass(frozen=True)
class BodyPosition:
    view: str
    spots: tuple[Spot, ...]


@dataclass(frozen=True)
class Point:
    id: str
    name: str
    region: str
    summary: str
    where: str
    how_to_find: str
    work_with: str
    motion: str
    pressure: str
    duration: str
    helps: tuple[str, ...]
    cautions: tuple[str, ...]
    map: BodyPosition | None
    source: str
    minutes: tuple[float, float] = DEFAULT_MINUTES     # the dose range a therapist may pick
    times_a_day: tuple[int, int] = DEFAULT_TIMES_A_DAY


@dataclass(frozen=True)
class Technique:
    id: str
    name: str
    summary: str
    steps: tuple[str, ...]
    best_for: str | None
    tips: tuple[str, ...]
    source: str
    minutes: tuple[float, float] = DEFAULT_MINUTES     # the dose range a therapist may pick
    times_a_day: tuple[int, int] = DEFAULT_TIMES_A_DAY


@dataclass(frozen=True)
class Tool:
    id: str
    name: str
    summary: str
    steps: tuple[str, ...]
    best_for: str | None
    tips: tuple[str, ...]
    source: str
    minutes: tuple[float, float] = DEFAULT_MINUTES     # the dose range a therapist may pick
    times_a_day: tuple[int, int] = DEFAULT_TIMES_A_DAY


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    body: tuple[str, ...]
    bullets: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class Section:
    """One block of a sheet: a kind ('points', 'techniques', 'tools', 'topics') and its items."""

    kind: str
    ids: tuple[str, ...]
    heading: str | None
    line: int
    id_lines: tuple[int, ...]


@dataclass(frozen=True)
class Sheet:
    id: str
    title: str
    subtitle: str | None
    intro: str | None
    layout: str
    paper: str
    sections: tuple[Section, ...]
    closing: str | None
    source: str


@dataclass(frozen=True)
class BookletSection:
    """One section of a booklet: an existing handout reused whole, or one composed here.

    A composed section is held as a Sheet (its title, intro and sections) drawn with the
    booklet's own layout; a reused one names the handout by id."""

    line: int
    sheet_id: str | None = None
    composed: Sheet | None = None


@dataclass(frozen=True)
class Booklet:
    id: str
    title: str
    subtitle: str | None
    layout: str
    paper: str
    cover_art: Path | None
    welcome: tuple[str, ...]         # paragraphs; empty when there is no welcome page
    contents: bool                   # whether there is a table of contents
    sections: tuple[BookletSection, ...]
    closing: str | None              # a line on the back cover
    impose: bool                     # also write the two-up copy for an office printer
    print_shop: bool                 # also write the copy with bleed and crop marks
    bleed: float                     # inches
    source: str
    paper_line: int


@dataclass(frozen=True)
class Library:
    brand: Brand
    points: Mapping[str, Point]
    techniques: Mapping[str, Technique]
    tools: Mapping[str, Tool]
    topics: Mapping[str, Topic]
    sheets: Mapping[str, Sheet]
    booklets: Mapping[str, Booklet] = field(default_factory=dict)

    def items(self, kind: str) -> Mapping:
        """The collection a section kind refers to."""
        return {"points": self.points, "techniques": self.techniques, "tools": self.tools, "topics": self.topics}[kind]


@dataclass(frozen=True)
class Project:
    """Where things are: the folders a build reads and writes, and the root paths are shown relative to."""

    root: Path
    content: Path
    layouts: Path
    out: Path

    def show(self, path: Path) -> str:
        """A path as a person should see it in a message: relative to the project when inside it."""
        try:
            return _followed(path).relative_to(_followed(self.root)).as_posix()
        except ValueError:
            return str(path)


def _followed(path: Path) -> Path:
    """The path made absolute with its links followed; an absolute one is remembered (a batch
    shows the same template, art and project folder for every sheet, and following links reads
    every folder on the way). A file that is not itself a link is its folder, followed (and
    remembered), and its name: a batch's new files share a few folders."""
    if not path.is_absolute():
        return path.resolve()
    # Only where a link is all lstat reports: Windows also follows junctions and short (8.3) names.
    if os.name == "posix" and path.name not in ("", ".", "..") and path.parent != path:
        try:
            if not stat.S_ISLNK(os.lstat(path).st_mode):
                return _followed_absolute(path.parent) / path.name
        except OSError:
            pass  # not there (yet): resolved as a whole below
    return _followed_absolute(path)


@lru_cache(maxsize=256)
def _followed_absolute(path: Path) -> Path:
    return path.resolve()
