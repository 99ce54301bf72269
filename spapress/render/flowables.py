"""The few ReportLab flowables the layout elements need beyond Paragraph.

All measuring is explicit (wrap, then draw at known positions), so fitting a page to one
sheet is plain arithmetic and nothing can spill onto a second page.
"""

from __future__ import annotations

import io
import json
from functools import lru_cache
from itertools import groupby
from pathlib import Path

from . import slow_patterns  # noqa: F401  (before platypus: see its docstring)
from reportlab.platypus import Flowable

from .. import cache

UNBOUNDED = 1e6


class Stack(Flowable):
    """Children one under another; the outer space of the first and last child is dropped."""

    def __init__(self, children: list[Flowable]):
        super().__init__()
        self.children = children
        self._placed: list[tuple[Flowable, float, float]] = []

    def wrap(self, avail_width, avail_height):
        self.width, total, self._placed = avail_width, 0.0, []
        last = len(self.children) - 1
        for index, child in enumerate(self.children):
            before = child.getSpaceBefore() if index else 0.0
            after = child.getSpaceAfter() if index < last else 0.0
            _, height = child.wrap(avail_width, UNBOUNDED)
            total += before
            self._placed.append((child, total + height, after))
            total += height + after
        self.height = total
        return self.width, self.height

    def draw(self):
        for child, bottom_from_top, _ in self._placed:
            child.drawOn(self.canv, 0, self.height - bottom_from_top)

    def split(self, avail_width, avail_height):
        """For pages that flow: what fits in avail_height, then the rest ([] if nothing fits)."""
        self.wrap(avail_width, avail_height)
        for index, (child, bottom, _) in enumerate(self._placed):
            if bottom <= avail_height:
                continue
            parts = child.split(avail_width, avail_height - (bottom - child.height))
            if len(parts) > 1:
                return [Stack(self.children[:index] + [parts[0]]), Stack(list(parts[1:]) + self.children[index + 1:])]
            if index == 0:
                return []
            return [Stack(self.children[:index]), Stack(self.children[index:])]
        return [self]


class Box(Flowable):
    """A stack inside padding, with an optional background, border and rounded corners."""

    def __init__(self, children, *, padding=0.0, background=None, border=None, border_width=0.75, radius=0.0,
                 space_before=0.0, space_after=0.0):
        super().__init__()
        self.inner = Stack(children)
        self.padding, self.background, self.border = padding, background, border
        self.border_width, self.radius = border_width, radius
        self.spaceBefore, self.spaceAfter = space_before, space_after

    def wrap(self, avail_width, avail_height):
        _, inner = self.inner.wrap(avail_width - 2 * self.padding, UNBOUNDED)
        self.width, self.height = avail_width, inner + 2 * self.padding
        return self.width, self.height

    def draw(self):
        canvas = self.canv
        if self.background is not None or self.border is not None:
            canvas.saveState()
            if self.background is not None:
                canvas.setFillColor(self.background)
            if self.border is not None:
                canvas.setStrokeColor(self.border)
                canvas.setLineWidth(self.border_width)
            canvas.roundRect(0, 0, self.width, self.height, self.radius,
                             stroke=int(self.border is not None), fill=int(self.background is not None))
            canvas.restoreState()
        self.inner.drawOn(canvas, self.padding, self.padding)


class Columns(Flowable):
    """Side-by-side stacks. Widths are fractions of the space left after gaps (None = share the rest)."""

    def __init__(self, columns: list[tuple[float | None, Flowable]], gap: float, space_before=0.0, space_after=0.0):
        super().__init__()
        self.columns, self.gap = columns, gap
        self.spaceBefore, self.spaceAfter = space_before, space_after

    def _widths(self, avail_width):
        usable = avail_width - self.gap * (len(self.columns) - 1)
        fixed = sum(f for f, _ in self.columns if f is not None)
        free = [f for f, _ in self.columns if f is None]
        share = max(0.0, 1.0 - fixed) / len(free) if free else 0.0
        return [usable * (f if f is not None else share) for f, _ in self.columns]

    def wrap(self, avail_width, avail_height):
        self._widths_now = self._widths(avail_width)
        heights = [col.wrap(w, UNBOUNDED)[1] for (_, col), w in zip(self.columns, self._widths_now)]
        self.width, self.height = avail_width, max(heights, default=0.0)
        return self.width, self.height

    def draw(self):
        x = 0.0
        for (_, col), width in zip(self.columns, self._widths_now):
            col.drawOn(self.canv, x, self.height - col.height)
            x += width + self.gap


class Badge(Flowable):
    """A filled circle with a number in it: the marker that links a card to the body diagram."""

    def __init__(self, label: str, diameter: float, fill, text_color, font_name: str):
        super().__init__()
        self.label, self.diameter, self.fill, self.text_color, self.font_name = label, diameter, fill, text_color, font_name
        self.width = self.height = diameter

    def wrap(self, avail_width, avail_height):
        return self.diameter, self.diameter

    def draw(self):
        draw_badge(self.canv, self.diameter / 2, self.diameter / 2, self.diameter, self.label,
                   self.fill, self.text_color, self.font_name)


def draw_badge(canvas, cx, cy, diameter, label, fill, text_color, font_name, ring=None):
    canvas.saveState()
    canvas.setFillColor(fill)
    if ring is not None:
        canvas.setStrokeColor(ring)
        canvas.setLineWidth(diameter * 0.09)
    canvas.circle(cx, cy, diameter / 2, stroke=int(ring is not None), fill=1)
    canvas.setFillColor(text_color)
    size = diameter * 0.58
    canvas.setFont(font_name, size)
    canvas.drawCentredString(cx, cy - size * 0.36, label)
    canvas.restoreState()


class Beside(Flowable):
    """A small fixed flowable (badge, icon) to the left of a wider one, tops aligned."""

    def __init__(self, left: Flowable, right: Flowable, gap: float, space_before=0.0, space_after=0.0):
        super().__init__()
        self.left, self.right, self.gap = left, right, gap
        self.spaceBefore, self.spaceAfter = space_before, space_after

    def wrap(self, avail_width, avail_height):
        lw, lh = self.left.wrap(avail_width, UNBOUNDED)
        _, rh = self.right.wrap(avail_width - lw - self.gap, UNBOUNDED)
        self.width, self.height = avail_width, max(lh, rh)
        return self.width, self.height

    def draw(self):
        self.left.drawOn(self.canv, 0, self.height - self.left.height)
        self.right.drawOn(self.canv, self.left.width + self.gap, self.height - self.right.height)


class Rule(Flowable):
    def __init__(self, color, thickness: float, space_before=0.0, space_after=0.0, width_fraction=1.0, align="left"):
        super().__init__()
        self.color, self.thickness, self.width_fraction, self.align = color, thickness, width_fraction, align
        self.spaceBefore, self.spaceAfter = space_before, space_after

    def wrap(self, avail_width, avail_height):
        self.width, self.height = avail_width, self.thickness
        return self.width, self.height

    def draw(self):
        self.canv.saveState()
        self.canv.setStrokeColor(self.color)
        self.canv.setLineWidth(self.thickness)
        length = self.width * self.width_fraction
        start = {"left": 0.0, "center": (self.width - length) / 2, "right": self.width - length}[self.align]
        self.canv.line(start, self.thickness / 2, start + length, self.thickness / 2)
        self.canv.restoreState()


class Gap(Flowable):
    """Empty vertical space (a Spacer that never asks for width)."""

    def __init__(self, height: float):
        super().__init__()
        self.height = height

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        return avail_width, self.height

    def draw(self):
        pass


class Art:
    """An SVG picture: its size, and the PDF operators that paint it at the origin.

    svglib and ReportLab's renderer work the operators out once (per file, per version of the
    software: they are kept in the on-disk cache); every page then gets the very same operators
    without parsing or walking the drawing again. Art whose operators would need resources of
    the page (text, images, transparency) keeps its drawing and is rendered each time instead.
    """

    def __init__(self, path: Path, width: float, height: float, ops: tuple[str, ...] | None, entry: str = "",
                 drawing=None):
        self.path, self.width, self.height, self.ops = path, width, height, ops
        self.entry, self._drawing = entry, drawing
        self.replayable = True   # False once recording found operators that need the page's resources

    @property
    def drawing(self):
        """The svglib drawing, parsed on first use."""
        if self._drawing is None:
            self._drawing = _parse_svg(self.path)
        return self._drawing


# Operators that use the page's resources (fonts, images, graphics states, shadings) or draw text:
# art that uses any of them is not replayed, as the resource would be missing from the page.
_RESOURCE_OPERATORS = frozenset(("Tf", "Do", "gs", "sh", "BI", "BT", "Tj", "TJ", "'", '"'))


def _parse_svg(path: Path):
    from svglib.svglib import svg2rlg  # lxml and svglib: only when a picture is not in the cache

    drawing = svg2rlg(str(path))
    if drawing is None:
        raise ValueError("svglib could not read it")
    return drawing


def _cached_art(path: Path, entry: str) -> Art | None:
    raw = cache.read(entry)
    if raw is None:
        return None
    try:
        stored = json.loads(raw)
        width, height, ops = float(stored["width"]), float(stored["height"]), stored["ops"]
    except (ValueError, KeyError, TypeError):
        return None
    if not (isinstance(ops, list) and all(isinstance(op, str) for op in ops)):
        return None
    return Art(path, width, height, tuple(ops), entry)


def vector_art(path: Path) -> Art:
    """An SVG file as Art, read once per process while the file stays as it is (and worked out
    once per version of its bytes, see Art)."""
    stat = path.stat()
    return _vector_art(path, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=64)
def _vector_art(path: Path, size: int, mtime: int) -> Art:
    entry = cache.entry_name("art", path.read_bytes())
    art = _cached_art(path, entry)
    if art is not None:
        return art
    drawing = _parse_svg(path)
    return Art(path, drawing.width, drawing.height, None, entry, drawing)


def _record(art: Art, font_name: str) -> None:
    """Work out the art's operators on a scratch canvas starting from the same font, and keep them."""
    from reportlab.graphics import renderPDF
    from reportlab.pdfgen.canvas import Canvas

    drawing = art.drawing
    drawing.initialFontName = font_name
    scratch = Canvas(io.BytesIO(), initialFontName=font_name)
    start = len(scratch._code)
    renderPDF.draw(drawing, scratch, 0, 0, showBoundary=False)
    ops = tuple(scratch._code[start:])
    if any(_RESOURCE_OPERATORS.intersection(op.split()) for op in ops):
        art.replayable = False
        return
    art.ops = ops
    cache.write(art.entry, json.dumps({"width": art.width, "height": art.height, "ops": ops}).encode())


def render_drawing(canvas, art: Art, x: float, y: float) -> None:
    """renderPDF.draw, but starting from the canvas's own font instead of Helvetica, and
    replaying the art's recorded operators where they are exactly what it would write.

    ReportLab's drawing renderer otherwise selects its default font even for drawings with
    no text, which puts an unembedded Helvetica into the PDF. Selecting a TrueType font writes
    no operator at all, so with one the operators of art without text never depend on the page.
    """
    if art.replayable and x == 0 and y == 0 and _is_truetype(canvas._initialFontName):
        if art.ops is None:
            _record(art, canvas._initialFontName)
        if art.ops is not None:
            canvas._code.extend(art.ops)
            return
    from reportlab import rl_config
    from reportlab.graphics import renderPDF

    drawing = art.drawing
    drawing.initialFontName = canvas._initialFontName
    # A picture inside art is drawn inline, which ReportLab can write only with ASCII85 on
    # (see pages.py); the page's own streams are written later, with it off again. Only ever
    # called while drawing a PDF (pages.render_pages holds DRAWING), so no other PDF sees it.
    rl_config.useA85, before = 1, rl_config.useA85
    try:
        renderPDF.draw(drawing, canvas, x, y, showBoundary=False)
    finally:
        rl_config.useA85 = before


def _is_truetype(font_name: str) -> bool:
    from reportlab.pdfbase.pdfmetrics import getFont

    return bool(getattr(getFont(font_name), "_dynamicFont", False))


def draw_vector(canvas, drawing: Art, x: float, y: float, width: float, height: float) -> None:
    """Draw art scaled to fit a width x height box at (x, y), keeping its proportions, centred."""
    scale = min(width / drawing.width, height / drawing.height)
    canvas.saveState()
    canvas.translate(x + (width - drawing.width * scale) / 2, y + (height - drawing.height * scale) / 2)
    canvas.scale(scale, scale)
    render_drawing(canvas, drawing, 0, 0)
    canvas.restoreState()


class VectorArt(Flowable):
    def __init__(self, drawing: Art, width: float, height: float | None, align="center",
                 space_before=0.0, space_after=0.0):
        super().__init__()
        self.drawing, self.art_width = drawing, width
        self.art_height = height if height is not None else width * drawing.height / drawing.width
        self.align = align
        self.spaceBefore, self.spaceAfter = space_before, space_after

    def wrap(self, avail_width, avail_height):
        self.art_width = min(self.art_width, avail_width)
        self.width, self.height = avail_width, self.art_height
        return self.width, self.height

    def _x(self):
        return {"left": 0, "right": self.width - self.art_width}.get(self.align, (self.width - self.art_width) / 2)

    def draw(self):
        draw_vector(self.canv, self.drawing, self._x(), 0, self.art_width, self.art_height)


class BodyMap(VectorArt):
    """Body outline art with numbered markers at normalised positions."""

    def __init__(self, drawing, width, height, markers, marker_size, fill, text_color, ring, font_name, align="center",
                 space_before=0.0, space_after=0.0):
        super().__init__(drawing, width, height, align, space_before, space_after)
        self.markers, self.marker_size = markers, marker_size
        self.fill, self.text_color, self.ring, self.font_name = fill, text_color, ring, font_name

    def draw(self):
        super().draw()
        # Markers sit on the art's own box (it is centred inside ours when proportions differ).
        scale = min(self.art_width / self.drawing.width, self.art_height / self.drawing.height)
        art_w, art_h = self.drawing.width * scale, self.drawing.height * scale
        left = self._x() + (self.art_width - art_w) / 2
        bottom = (self.art_height - art_h) / 2
        for label, x, y in self.markers:
            draw_badge(self.canv, left + x * art_w, bottom + (1 - y) * art_h, self.marker_size, label,
                       self.fill, self.text_color, self.font_name, ring=self.ring)


@lru_cache(maxsize=1)
def _qr_encoder():
    """ReportLab's QR encoder module on its own. Importing it the usual way runs the barcode
    package's __init__, which imports every barcode widget ReportLab has (a cost on every start);
    the encoder itself needs only the standard library."""
    import importlib.util

    import reportlab.graphics

    path = Path(reportlab.graphics.__file__).parent / "barcode" / "qrencoder.py"
    spec = importlib.util.spec_from_file_location("spapress_qrencoder", path)
    if spec is None or not path.is_file():
        from reportlab.graphics.barcode import qrencoder
        return qrencoder
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@lru_cache(maxsize=32)
def qr_modules(url: str) -> tuple[tuple[bool, ...], ...]:
    """The dark/light grid of a QR code for url (error correction M), encoded once per process."""
    qrencoder = _qr_encoder()
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(url)
    code.make()
    return tuple(tuple(bool(cell) for cell in row) for row in code.modules)


@lru_cache(maxsize=32)
def _qr_path(modules: tuple, size: float, x: float, quiet: int):
    """The dark modules of a QR code as one path, one rectangle per run of dark modules,
    inside `quiet` light modules all round: worked out once for every sheet that shows the same code
    at the same place (a path holds only its operators, so one serves any number of PDFs)."""
    from reportlab.pdfgen.pathobject import PDFPathObject

    cell = size / (len(modules) + 2 * quiet)
    path = PDFPathObject()
    for row_index, row in enumerate(modules):
        top = size - (row_index + quiet) * cell
        column = 0
        for dark, run in groupby(row):
            length = len(list(run))
            if dark:
                path.rect(x + (column + quiet) * cell, top - cell, length * cell, cell)
            column += length
    return path


class QrCode(Flowable):
    """A QR code that is also a clickable link to the same address."""

    QUIET = 4  # light modules around the code: the margin the QR standard asks for

    def __init__(self, url: str, size: float, color, align="left", space_before=0.0, space_after=0.0):
        super().__init__()
        self.url, self.size, self.color, self.align = url, size, color, align
        self.modules = qr_modules(url)
        self.spaceBefore, self.spaceAfter = space_before, space_after

    def wrap(self, avail_width, avail_height):
        self.width, self.height = avail_width, self.size
        return self.width, self.height

    def draw(self):
        canvas = self.canv
        x = {"left": 0, "right": self.width - self.size}.get(self.align, (self.width - self.size) / 2)
        canvas.saveState()
        canvas.setFillColorRGB(1, 1, 1)
        canvas.rect(x, 0, self.size, self.size, stroke=0, fill=1)
        canvas.setFillColor(self.color)
        path = _qr_path(self.modules, self.size, x, self.QUIET)
        canvas.drawPath(path, stroke=0, fill=1)
        canvas.restoreState()
        canvas.linkURL(self.url, (x, 0, x + self.size, self.size), relative=1, thickness=0)


class TocLine(Flowable):
    """A contents line: the entry's text, dot leaders, the page number at the right, all one link."""

    def __init__(self, title, number: str, target: str, style, space_before=0.0, space_after=0.0):
        super().__init__()
        self.title, self.number, self.target, self.style = title, number, target, style
        self.spaceBefore, self.spaceAfter = space_before, space_after

    def wrap(self, avail_width, avail_height):
        from reportlab.pdfbase.pdfmetrics import stringWidth

        self._number_width = stringWidth(self.number, self.style.fontName, self.style.fontSize)
        self._title_room = avail_width - self._number_width - 3 * self.style.fontSize
        _, height = self.title.wrap(self._title_room, UNBOUNDED)
        self.width, self.height = avail_width, height
        return self.width, self.height

    def draw(self):
        canvas, style = self.canv, self.style
        self.title.drawOn(canvas, 0, 0)
        lines = self.title.blPara.lines or [(self._title_room, [])]
        last = lines[-1]
        spare = last[0] if isinstance(last, tuple) else last.extraSpace  # room left on the last line
        baseline = self.height - getattr(self.title.blPara, "ascent", style.fontSize) - (len(lines) - 1) * style.leading
        text_end = self._title_room - spare
        canvas.saveState()
        canvas.setFillColor(style.textColor)
        canvas.setFont(style.fontName, style.fontSize)
        canvas.drawRightString(self.width, baseline, self.number)
        canvas.setStrokeColor(style.textColor)
        canvas.setLineWidth(style.fontSize * 0.09)
        canvas.setDash(0.1, style.fontSize * 0.4)
        canvas.setLineCap(1)
        start, end = text_end + style.fontSize * 0.6, self.width - self._number_width - style.fontSize * 0.6
        if end > start:
            canvas.line(start, baseline + style.fontSize * 0.05, end, baseline + style.fontSize * 0.05)
        canvas.restoreState()
        canvas.linkRect("", self.target, (0, 0, self.width, self.height), relative=1, thickness=0)
