"""Booklets: a booklet as one numbered PDF, plus its imposed and print-shop copies.

The pages are cover, an optional welcome page, an optional table of contents, the sections
(a handout included whole, or a section composed in the booklet file), and the back cover.
Every section is drawn with the booklet's own section template, so the booklet reads as one:
the same opening for each section, points numbered once across the booklet, and each point's
card printed once (a later mention names the page it is on).  The aftercare-and-safety block
is on the first of the welcome page, the contents page and the back cover that the booklet has.

Every page is planned first, so the contents page can show the page each section really
starts on; then everything is drawn into one PDF with bookmarks, links and page numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from reportlab.lib.pagesizes import landscape

from ..content.model import Booklet, BookletSection, Sheet
from ..errors import ContentError, Problem
from .context import ContentsEntry, booklet_context, sheet_context
from .impose import SHEET_FOR_PAGE, pad_to_fold
from .pages import PAPER, Bleed, ComposedPdf, Metadata, PlannedPage, plan_fitted_page, plan_flowing_pages, render_pages
from .sheets import Press
from .templates import render_page

RUNNING_FOOTER_ROOM = 18.0   # points kept free at the foot of numbered pages
CROP_MARK_SLUG = 0.3 * 72    # paper beyond the bleed that holds the crop marks


@dataclass(frozen=True)
class BookletPdfs:
    reading: ComposedPdf
    imposed: bytes | None
    print_shop: bytes | None


@dataclass(frozen=True)
class _Part:
    """A run of planned pages: its outline title, bookmark name and whether its pages are numbered."""

    pages: tuple[PlannedPage, ...]
    outline: str | None
    target: str | None
    numbered: bool


def make_booklet(press: Press, booklet: Booklet, *, impose_copy: bool, print_shop_copy: bool) -> BookletPdfs:
    """Every requested copy of one booklet; any failure is a ContentError naming a file and line."""
    maker = _BookletMaker(press, booklet)
    parts = maker.parts()
    pages = [page for part in parts for page in part.pages]
    meta = maker.metadata()
    reading = render_pages(pages, meta, decorate=maker.decorator(parts))
    imposed = None
    if impose_copy:
        if booklet.paper not in SHEET_FOR_PAGE:
            size = {"letter": "Letter", "a4": "A4"}[booklet.paper]
            raise ContentError([Problem(booklet.source, booklet.paper_line,
                                        f"a {size} booklet cannot be imposed for an office printer: two {size} pages need "
                                        f"a sheet twice as big; use paper: half-letter (or a5) for a folded booklet, "
                                        f"or set impose: no")])
        from .impose import impose  # pypdf is loaded only when a copy is imposed

        imposed = impose(reading, sheet=imposed_sheet_size(booklet.paper), keep_last=True)
    print_shop = None
    if print_shop_copy:
        # Padded like the imposed copy: blank pages (crop marks only) just before the back cover.
        bleed = Bleed(booklet.bleed * 72, CROP_MARK_SLUG)
        order = pad_to_fold(list(range(len(pages))), keep_last=True)
        blank = replace(pages[0], blocks=(), background=None, header=None, footer=None)
        padded = [pages[i] if i is not None else blank for i in order]
        decorate = maker.decorator(parts)

        def decorate_padded(canvas, index, page):
            if order[index] is not None:
                decorate(canvas, order[index], page)

        print_shop = render_pages(padded, meta, bleed=bleed, decorate=decorate_padded)
    return BookletPdfs(ComposedPdf(reading, len(pages), 0.0), imposed, print_shop)


def imposed_sheet_size(paper: str) -> tuple[float, float]:
    return landscape(PAPER[SHEET_FOR_PAGE[paper]])


class _BookletMaker:
    def __init__(self, press: Press, booklet: Booklet):
        self.press, self.booklet = press, booklet
        self.project, self.library = press.project, press.library
        self.ink = press.ink(booklet.layout)
        self.contents: tuple[ContentsEntry, ...] = ()

    def parts(self) -> list[_Part]:
        booklet = self.booklet
        numbered = {"reserve_bottom": RUNNING_FOOTER_ROOM}
        # The safety block goes on the first of these pages the booklet has (the back cover always).
        safety_on = "welcome" if booklet.welcome else "contents" if booklet.contents else "back"
        parts = [_Part((self._fitted("cover.xml.j2"),), None, None, False)]
        if booklet.welcome:
            parts.append(_Part((self._fitted("welcome.xml.j2", carries_safety=safety_on == "welcome", **numbered),),
                               "Welcome", "welcome", True))
        contents_at = len(parts)
        # The contents page is one page, so each section's first page is known before it is made.
        first_page = len(parts) + (2 if booklet.contents else 1)
        cards: dict[str, int] = {}  # point id -> the page its card is on
        numbers = self._point_numbers()
        for number, section in enumerate(booklet.sections, 1):
            title, pages = self._section(section, numbers, cards)
            for offset, page in enumerate(pages):
                for anchor in _anchors(page.blocks):
                    cards.setdefault(anchor, first_page + offset)
            first_page += len(pages)
            parts.append(_Part(tuple(pages), title, f"section-{number}", True))
        if booklet.contents:
            page = sum(len(part.pages) for part in parts[:contents_at]) + 2  # after the contents page
            entries = []
            for part in parts[contents_at:]:
                entries.append(ContentsEntry(part.outline, page, part.target))
                page += len(part.pages)
            self.contents = tuple(entries)
            page = self._fitted("contents.xml.j2", contents=list(self.contents),
                                carries_safety=safety_on == "contents", **numbered)
            parts.insert(contents_at, _Part((page,), "Contents", "contents", True))
        parts.append(_Part((self._fitted("back.xml.j2", carries_safety=safety_on == "back"),),
                           f"Contact {self.library.brand.name}", "back-cover", False))
        return parts

    def _context(self, **extra) -> dict:
        return {**booklet_context(self.library, self.booklet, self.contents, self.project.content), **extra}

    def _fitted(self, template: str, *, reserve_bottom: float = 0.0, **extra) -> PlannedPage:
        name = f"{self.booklet.layout}/{template}"
        needs_disclaimer = template == "back.xml.j2"
        root = render_page(self.project, name, self._context(**extra), needs_disclaimer=needs_disclaimer)
        with self.press.reported(name, self.booklet.source, what=f"the page from {name}", sources=[self.booklet.source]):
            return plan_fitted_page(root, self.ink, reserve_bottom=reserve_bottom)

    def _sheet_of(self, section: BookletSection) -> Sheet:
        """The section as a sheet drawn in the booklet's layout on the booklet's paper."""
        if section.composed is not None:
            return section.composed
        original = self.library.sheets[section.sheet_id]
        return replace(original, paper=self.booklet.paper, layout=self.booklet.layout)

    def _point_numbers(self) -> dict[str, int]:
        """Every point of the booklet numbered once, in the order the booklet first shows it."""
        numbers: dict[str, int] = {}
        for section in self.booklet.sections:
            for part in self._sheet_of(section).sections:
                if part.kind == "points":
                    for point_id in part.ids:
                        numbers.setdefault(point_id, len(numbers) + 1)
        return numbers

    def _section(self, section: BookletSection, numbers: dict[str, int],
                 cards: dict[str, int]) -> tuple[str, list[PlannedPage]]:
        sheet = self._sheet_of(section)
        template = f"{self.booklet.layout}/section.xml.j2"
        context = {**sheet_context(self.library, sheet), **self._context(earlier_cards=cards), "numbers": numbers}
        root = render_page(self.project, template, context, may_flow=True, needs_disclaimer=False)
        sources = self.press.sources_of(sheet) + [self.booklet.source]
        with self.press.reported(template, self.booklet.source, what=f"the section '{sheet.title}'",
                                 sources=sources, line=section.line):
            return sheet.title, plan_flowing_pages(root, self.ink, reserve_bottom=RUNNING_FOOTER_ROOM)

    def metadata(self) -> Metadata:
        booklet, brand = self.booklet, self.library.brand
        titles = [s.composed.title if s.composed else self.library.sheets[s.sheet_id].title for s in booklet.sections]
        return Metadata(title=booklet.title, author=brand.name,
                        subject=booklet.subtitle or f"A booklet from {brand.name}",
                        keywords=tuple(dict.fromkeys(["massage", "self-care", "booklet", *titles])),
                        language=brand.language)

    def decorator(self, parts: list[_Part]):
        """Page numbers and the running title on numbered pages; bookmarks where parts begin."""
        starts, numbered = {}, []
        for part in parts:
            for offset, _ in enumerate(part.pages):
                if offset == 0:
                    starts[len(numbered)] = part
                numbered.append(part.numbered)
        title = self.booklet.title
        spec_name = "running" if "running" in self.ink.styles.specs else "body"
        style = self.ink.paragraph_style(spec_name)

        def decorate(canvas, index: int, page: PlannedPage) -> None:
            part = starts.get(index)
            if part is not None and part.target:
                canvas.bookmarkPage(part.target, fit="XYZ", top=page.height)
                canvas.addOutlineEntry(part.outline, part.target, level=0)
            if not numbered[index]:
                return
            number = str(index + 1)
            canvas.saveState()
            canvas.setFillColor(style.textColor)
            canvas.setFont(style.fontName, style.fontSize)
            y = page.margin * 0.9
            gap = "    "
            if index % 2:  # a left-hand page: number at the outer (left) edge
                canvas.drawString(page.margin, y, f"{number}{gap}{title}")
            else:
                canvas.drawRightString(page.width - page.margin, y, f"{title}{gap}{number}")
            canvas.restoreState()

        return decorate


def _anchors(blocks) -> list[str]:
    """The anchors (point ids) of the point cards among a page's placed blocks, nested ones included."""
    found, pending = [], [block for block, _ in blocks]
    while pending:
        block = pending.pop(0)
        if getattr(block, "anchor", None):
            found.append(block.anchor)
        pending += getattr(block, "children", [])
        pending += [column for _, column in getattr(block, "columns", [])]
        pending += [part for part in (getattr(block, "inner", None), ) if part is not None]
    return found
