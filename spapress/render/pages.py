"""Pages: lay checked page trees out as PDF pages with ReportLab and return the bytes.

A handout page is header band, then the <fit> region, then the footer pinned to the bottom.
The fit region's text is shrunk in small steps until it fits, never below the minimum body
size; past that the sheet fails with how much too long it is.  Booklet sections instead flow
at their design size over as many pages as they need.  Pages are planned (measured and
placed) first and drawn afterwards, so a booklet knows every page number before drawing.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass, replace

from reportlab.lib.pagesizes import A4, A5, LETTER, landscape
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas

from .. import __version__
from . import pdfwrite
from .elements import BrandHeader, Fit, Ink, Page, build_blocks
from .flowables import UNBOUNDED, Stack

pdfwrite.install()

PAPER = {"letter": LETTER, "a4": A4, "half-letter": (5.5 * inch, 8.5 * inch), "a5": A5}
STEP = 0.1  # points of body size between fitting attempts
KEEP_WITH_NEXT_ROOM = 40.0  # points of what follows a heading that must share its page


class Overflow(Exception):
    """The fit region is too tall even at the smallest allowed body size."""


@dataclass(frozen=True)
class Metadata:
    title: str
    author: str
    subject: str
    keywords: tuple[str, ...]
    language: str


@dataclass(frozen=True)
class ComposedPdf:
    data: bytes
    pages: int
    body_size: float
    description: str = ""  # how to say what it is, when not "N pages, body text X pt"


@dataclass(frozen=True)
class Bleed:
    """Print-shop trim: backgrounds run `bleed` past the trim edge; `slug` more paper holds crop marks."""

    bleed: float
    slug: float

    @property
    def offset(self) -> float:
        return self.bleed + self.slug


@dataclass(frozen=True)
class PlannedPage:
    """One page measured and placed, ready to draw: its blocks are (flowable, top y) pairs."""

    width: float
    height: float
    margin: float
    ink: Ink
    blocks: tuple
    background: str | None = None
    header: object = None            # the <brand-header> node, drawn as the band at the top
    footer: Stack | None = None      # drawn at the bottom margin, raised by footer_lift
    footer_lift: float = 0.0
    body_size: float = 0.0


def compose_page(root, ink: Ink, meta: Metadata) -> ComposedPdf:
    """A one-page handout: the <fit> region shrunk until it fits."""
    page = plan_fitted_page(root, ink)
    return ComposedPdf(render_pages([page], meta), 1, page.body_size)


@dataclass(frozen=True)
class Frame:
    """A page's geometry before its body is laid out: the room between the band and the footer."""

    width: float
    height: float
    margin: float
    background: str | None   # the <page background>
    header: object           # the <brand-header> node, or None
    top: float               # where the body starts (below the band)
    footer: Stack | None     # the footer's blocks, measured
    bottom: float            # where the body must end (above the footer and any reserve)
    body: object             # the <fit> or <flow> node


def _frame(root, ink: Ink, reserve_bottom: float, keep_footer: bool) -> Frame:
    """Page size, margin and the room between the header band and the footer (or reserve)."""
    page = Page.values(root)
    width, height = PAPER[page["size"]]
    if page["orientation"] == "landscape":
        width, height = landscape((width, height))
    margin = page["margin"]
    nodes = {child.tag: child for child in root if isinstance(child.tag, str)}
    header = nodes.get("brand-header")
    header_height = BrandHeader.values(header)["height"] if header is not None else 0.0
    top = height - (header_height + margin * 0.55 if header_height else margin)
    footer, bottom = None, margin + reserve_bottom
    if keep_footer and "footer" in nodes:
        footer = Stack(build_blocks(nodes["footer"], ink))
        footer.wrap(width - 2 * margin, UNBOUNDED)
        bottom += footer.height + margin * 0.4
    body = nodes.get("fit") if "fit" in nodes else nodes.get("flow")
    return Frame(width, height, margin, page["background"], header, top, footer, bottom, body)


def plan_fitted_page(root, ink: Ink, *, reserve_bottom: float = 0.0, keep_footer: bool = True) -> PlannedPage:
    frame = _frame(root, ink, reserve_bottom, keep_footer)
    minimum = Fit.values(frame.body)["min_body_size"] or ink.styles.min_body_size
    stack, scaled = _fit(frame.body, ink, frame.width - 2 * frame.margin, frame.top - frame.bottom, minimum)
    return PlannedPage(frame.width, frame.height, frame.margin, ink, ((stack, frame.top),), frame.background,
                       frame.header, frame.footer, reserve_bottom, round(ink.styles.body_size * scaled.scale, 2))


def plan_flowing_pages(root, ink: Ink, *, reserve_bottom: float = 0.0) -> list[PlannedPage]:
    """The body at its design size over as many pages as it needs; the band only on the first.

    Used for booklet sections, where a page number replaces the layout's own footer.
    """
    frame = _frame(root, ink, reserve_bottom, False)
    width, height, margin, bottom = frame.width, frame.height, frame.margin, frame.bottom
    content_width = width - 2 * margin
    pending = build_blocks(frame.body, ink)
    pages: list[list] = [[]]
    top = cursor = frame.top

    def new_page():
        nonlocal top, cursor
        pages.append([])
        top = cursor = height - margin

    while pending:
        block = pending.pop(0)
        space = block.getSpaceBefore() if pages[-1] else 0.0
        _, needed = block.wrap(content_width, UNBOUNDED)
        room = cursor - bottom - space
        if getattr(block, "keepWithNext", False) and pending and pages[-1]:
            _, following = pending[0].wrap(content_width, UNBOUNDED)
            after = room - needed - block.getSpaceAfter() - pending[0].getSpaceBefore()
            # What follows must start on this page: at least KEEP_WITH_NEXT_ROOM of it, or all of
            # it when it cannot be split (a card, a diagram beside its cards).
            unsplittable = following > after and len(pending[0].split(content_width, max(after, 0.0))) < 2
            if unsplittable or needed + pending[0].getSpaceBefore() + min(following, KEEP_WITH_NEXT_ROOM) > room:
                new_page()
                pending.insert(0, block)
                continue
        if needed <= room:
            pages[-1].append((block, cursor - space))
            cursor -= space + needed + block.getSpaceAfter()
            continue
        parts = block.split(content_width, room)
        if len(parts) > 1:
            parts[0].wrap(content_width, UNBOUNDED)
            pages[-1].append((parts[0], cursor - space))
            pending[:0] = parts[1:]
            new_page()
            continue
        if not pages[-1]:
            over = needed - room
            raise Overflow(f"has a block {over / inch:.1f} in taller than a whole page that cannot be split; "
                           f"shorten it or split it into smaller pieces")
        new_page()
        pending.insert(0, block)
    if not pages[-1] and len(pages) > 1:
        pages.pop()
    return [PlannedPage(width, height, margin, ink, tuple(blocks), frame.background if i == 0 else None,
                        frame.header if i == 0 else None, None, reserve_bottom, ink.styles.body_size)
            for i, blocks in enumerate(pages)]


DRAWING = threading.RLock()  # one PDF drawn at a time in a process: ReportLab's settings are the whole process's


def render_pages(pages: list[PlannedPage], meta: Metadata, *, bleed: Bleed | None = None, decorate=None) -> bytes:
    """Draw planned pages into one PDF. decorate(canvas, index, page) adds page numbers, bookmarks, links.
    Drawing holds DRAWING: art with a picture inside turns a ReportLab setting on for a moment
    (flowables.render_drawing), which must not reach a PDF another thread is writing."""
    with DRAWING:
        return _render_pages(pages, meta, bleed, decorate)


def _render_pages(pages: list[PlannedPage], meta: Metadata, bleed: Bleed | None, decorate) -> bytes:
    buffer = io.BytesIO()
    first = pages[0]
    canvas = Canvas(buffer, pagesize=(first.width, first.height), invariant=1, pageCompression=1,
                    initialFontName=first.ink.faces["body"].regular, lang=meta.language)
    canvas.setTitle(meta.title)
    canvas.setAuthor(meta.author)
    canvas.setSubject(meta.subject)
    canvas.setKeywords(", ".join(meta.keywords))
    canvas.setCreator(f"spapress {__version__}")
    for index, page in enumerate(pages):
        offset = bleed.offset if bleed else 0.0
        canvas.setPageSize((page.width + 2 * offset, page.height + 2 * offset))
        canvas.saveState()
        canvas.translate(offset, offset)
        reach = bleed.bleed if bleed else 0.0
        if page.background:
            canvas.setFillColor(page.ink.color(page.background))
            canvas.rect(-reach, -reach, page.width + 2 * reach, page.height + 2 * reach, stroke=0, fill=1)
        if page.header is not None:
            BrandHeader.draw(canvas, page.header, page.ink, page.width, page.height, page.margin, reach)
        for block, top in page.blocks:
            block.drawOn(canvas, page.margin, top - block.height)
        if page.footer is not None:
            page.footer.drawOn(canvas, page.margin, page.margin + page.footer_lift)
        if decorate is not None:
            decorate(canvas, index, page)
        canvas.restoreState()
        if bleed:
            _crop_marks(canvas, page.width, page.height, bleed)
            off, reach = bleed.offset, bleed.bleed
            canvas.setTrimBox((off, off, off + page.width, off + page.height))
            canvas.setBleedBox((off - reach, off - reach, off + page.width + reach, off + page.height + reach))
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _crop_marks(canvas, width: float, height: float, bleed: Bleed) -> None:
    """Thin marks in the slug at each corner, on the trim lines, stopping short of the bleed."""
    off, start = bleed.offset, bleed.bleed + 2.0
    canvas.saveState()
    canvas.setLineWidth(0.25)
    canvas.setStrokeColorCMYK(1, 1, 1, 1)  # registration: shows on every separation
    for x in (off, off + width):
        for y, direction in ((off, -1), (off + height, 1)):
            canvas.line(x, y + direction * start, x, y + direction * off)
    for y in (off, off + height):
        for x, direction in ((off, -1), (off + width, 1)):
            canvas.line(x + direction * start, y, x + direction * off, y)
    canvas.restoreState()


def _fit(node, ink: Ink, width: float, available: float, minimum: float):
    """The largest body size (in STEP steps, from the design size down to minimum) that fits.

    The height of a page of text grows about in proportion to its body size (a little less, as
    smaller text fits more words on a line), so the first try below the design size is the step
    that proportion points at, and the second where the line through the two layouts measured
    meets the room; the search then walks one step at a time to the boundary: about three
    layouts in all, where a bisection from the minimum took five or six. A page shaped like one
    fitted before starts where that one ended, and takes two. The answer is the same: the
    largest step that fits, with the next one up not fitting."""
    design = ink.styles.body_size

    top = int(round((design - minimum) / STEP))  # stands for the design size itself, tried first

    def attempt(step: int):
        size = design if step == top else minimum + step * STEP
        trial = replace(ink, scale=size / design)
        stack = Stack(build_blocks(node, trial))
        stack.wrap(width, UNBOUNDED)
        return stack, trial

    tried: dict[int, tuple] = {}

    def fits(step: int) -> bool:
        if step not in tried:
            tried[step] = attempt(step)
        return tried[step][0].height <= available

    def height(step: int) -> float:
        fits(step)
        return tried[step][0].height

    # Pages like one fitted before (a batch's sheets of one handout) start where that one ended:
    # the walk below then checks the boundary with two layouts, and the answer is the same.
    like = (design, minimum, round(width, 2), round(available, 2), sum(1 for _ in node.iter()))
    step = _ENDED_AT.get(like)
    if step is None:
        if fits(top):
            _remember(like, top)
            return tried[top]
        first = max(0, min(top - 1, int((design * (available / height(top)) - minimum) / STEP)))
        step = first
        if height(first) != height(top):  # a second guess: where the line through both layouts meets the room
            size = minimum + first * STEP
            size += (available - height(first)) * (design - size) / (height(top) - height(first))
            step = max(0, min(top - 1, int((size - minimum) / STEP)))
    step = min(step, top)
    if fits(step):
        while step < top and fits(step + 1):
            step += 1
        _remember(like, step)
        return tried[step]
    while step > 0 and not fits(step - 1):
        step -= 1
    if step == 0:
        smallest = tried[0][0]
        over = smallest.height - available
        raise Overflow(f"does not fit on one page: even at the minimum body size ({minimum:g} pt) it is "
                       f"{over / inch:.1f} in ({over / available:.0%}) too long; shorten the text or remove a section")
    _remember(like, step - 1)
    return tried[step - 1]


_ENDED_AT: dict[tuple, int] = {}   # where fitting pages of one shape ended, as a first guess for the next


def _remember(like: tuple, step: int) -> None:
    if len(_ENDED_AT) > 512:
        _ENDED_AT.clear()
    _ENDED_AT[like] = step
