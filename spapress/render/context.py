"""Every template context in one place: what each Jinja2 template of layouts/ can use.

Sheet templates (`LAYOUT/sheet.xml.j2`) see a SheetContext; booklet templates a
BookletContext (`section.xml.j2` a SectionContext, both at once); the email templates in
`layouts/email/` an EmailContext. Everything in them is a frozen dataclass or plain text,
so a template can read content but never change it. README: Layouts lists them for designers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict

from ..content.model import Booklet, Brand, Library, Point, Sheet


@dataclass(frozen=True)
class PlanLine:
    """One line of a client's plan: an item picked for them and how long and often to do it."""

    kind: str                   # points | techniques | tools
    name: str
    dose: str | None            # such as "2 minutes, 3 times a day"


@dataclass(frozen=True)
class ClientCard:
    """The personal part of a client sheet (`client` in a sheet template; None on a plain handout)."""

    name: str
    date: str                   # written out, such as 24 November 2026
    therapist: str
    note: str | None
    plan: tuple[PlanLine, ...]


@dataclass(frozen=True)
class ShownSection:
    """A sheet section with its items looked up."""

    kind: str                   # points | techniques | tools | topics
    heading: str | None
    items: tuple                # the Point, Technique, Tool or Topic objects, in order


@dataclass(frozen=True)
class ContentsEntry:
    """A line of a booklet's table of contents."""

    title: str
    page: int
    target: str                 # the bookmark it links to


class SheetContext(TypedDict):
    """What a sheet template sees."""

    brand: Brand
    sheet: Sheet
    sections: list[ShownSection]
    points: list[Point]          # every point on the sheet, in number order
    numbers: dict[str, int]      # point id -> its number on the body map and card (map_points included)
    paper: str                   # letter | a4 (half-letter | a5 inside a small booklet)
    client: ClientCard | None    # the client a personal sheet is made for, else None
    handout: Sheet               # the handout as written: on a client sheet, the one the picks came from
    map_points: list[Point]      # what the body diagram marks: the sheet's points or, on a client sheet
                                 # with no points picked, the handout's own (the page keeps its diagram)


class BookletContext(TypedDict):
    """What the booklet templates (cover, welcome, contents, section, back) see."""

    brand: Brand
    booklet: Booklet
    paper: str                   # half-letter | a5 | letter | a4
    cover_art: str | None        # file name inside handouts/, for <img folder="handouts">
    logo: str | None             # the same for the brand's logo
    contents: list[ContentsEntry]
    carries_safety: bool         # this page shows the brand's safety block (once per booklet)
    earlier_cards: dict[str, int]  # point id -> the page its card is on, for points shown before


class SectionContext(SheetContext, BookletContext):
    """What a booklet's section.xml.j2 sees: the composed section as a sheet, inside its booklet."""


class EmailContext(TypedDict):
    """What the email templates (subject, text and HTML message) see."""

    brand: Brand
    client: ClientCard
    subject: str                 # the rendered subject line (not available to subject.txt.j2 itself)


def sheet_context(library: Library, sheet: Sheet, client: ClientCard | None = None) -> SheetContext:
    """A sheet's sections with their items looked up, and its points numbered in order of appearance."""
    sections, points, numbers = [], [], {}
    for section in sheet.sections:
        items = tuple(library.items(section.kind)[i] for i in section.ids)
        sections.append(ShownSection(section.kind, section.heading, items))
        if section.kind == "points":
            for point in items:
                if point.id not in numbers:
                    numbers[point.id] = len(points) + 1
                    points.append(point)
    handout = library.sheets.get(sheet.id, sheet) if client is not None else sheet
    map_points = [p for p in points if p.map]
    if not points and handout is not sheet:
        own = dict.fromkeys(i for s in handout.sections if s.kind == "points" for i in s.ids)
        map_points = [library.points[i] for i in own if library.points[i].map]
        numbers = {p.id: n for n, p in enumerate(map_points, 1)}
    return SheetContext(brand=library.brand, sheet=sheet, sections=sections, points=points, numbers=numbers,
                        paper=sheet.paper, client=client, handout=handout, map_points=map_points)


def booklet_context(library: Library, booklet: Booklet, contents: tuple[ContentsEntry, ...], content: Path, *,
                    carries_safety: bool = False, earlier_cards: dict[str, int] | None = None) -> BookletContext:
    """The booklet's own variables; pictures as file names inside the content folder."""
    def inside_content(path):
        return path.relative_to(content).as_posix() if path else None

    return BookletContext(brand=library.brand, booklet=booklet, paper=booklet.paper,
                          cover_art=inside_content(booklet.cover_art), logo=inside_content(library.brand.logo),
                          contents=list(contents), carries_safety=carries_safety,
                          earlier_cards=dict(earlier_cards or {}))
