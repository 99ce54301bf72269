"""Stage 3: lay a checked page tree out on one PDF page with ReportLab and return the bytes.

The page is header band, then the <fit> region, then the footer pinned to the bottom.  The
fit region's text is shrunk in small steps until it fits, never below the minimum body size;
past that the sheet fails with how much too long it is.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace

from reportlab.lib.pagesizes import A4, LETTER, landscape
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Image, Paragraph

from . import __version__
from .elements import BrandHeader, Fit, Ink, Page, _text, build_blocks
from .flowables import UNBOUNDED, Stack, draw_vector, vector_art
from reportlab.lib.styles import ParagraphStyle

PAPER = {"letter": LETTER, "a4": A4}
STEP = 0.1  # points of body size between fitting attempts


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


def compose_page(root, ink: Ink, meta: Metadata) -> ComposedPdf:
    page = Page.values(root)
    width, height = PAPER[page["size"]]
    if page["orientation"] == "landscape":
        width, height = landscape((width, height))
    margin = page["margin"]
    content_width = width - 2 * margin

    nodes = {child.tag: child for child in root if isinstance(child.tag, str)}
    header_height = BrandHeader.values(nodes["brand-header"])["height"] if "brand-header" in nodes else 0.0
    top = height - (header_height + margin * 0.55 if header_height else margin)

    footer = None
    bottom = margin
    if "footer" in nodes:
        footer = Stack(build_blocks(nodes["footer"], ink))
        footer.wrap(content_width, UNBOUNDED)
        bottom = margin + footer.height + margin * 0.4

    fit_node = nodes["fit"]
    minimum = Fit.values(fit_node)["min_body_size"] or ink.styles.min_body_size
    body, scale_ink = _fit(fit_node, ink, content_width, top - bottom, minimum)

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height), invariant=1, pageCompression=1,
                    initialFontName=ink.faces["body"].regular, lang=meta.language)
    canvas.setTitle(meta.title)
    canvas.setAuthor(meta.author)
    canvas.setSubject(meta.subject)
    canvas.setKeywords(", ".join(meta.keywords))
    canvas.setCreator(f"spapress {__version__}")
    if header_height:
        _draw_header(canvas, nodes["brand-header"], ink, width, height, margin)
    body.drawOn(canvas, margin, top - body.height)
    if footer is not None:
        footer.drawOn(canvas, margin, margin)
    canvas.showPage()
    canvas.save()
    return ComposedPdf(buffer.getvalue(), 1, round(ink.styles.body_size * scale_ink.scale, 2))


def _fit(node, ink: Ink, width: float, available: float, minimum: float):
    """The largest body size (in STEP steps, from the design size down to minimum) that fits."""
    design = ink.styles.body_size

    def attempt(size: float):
        trial = replace(ink, scale=size / design)
        stack = Stack(build_blocks(node, trial))
        stack.wrap(width, UNBOUNDED)
        return stack, trial

    stack, trial = attempt(design)
    if stack.height <= available:
        return stack, trial
    smallest, smallest_ink = attempt(minimum)
    if smallest.height > available:
        over = smallest.height - available
        raise Overflow(f"does not fit on one page: even at the minimum body size ({minimum:g} pt) it is "
                       f"{over / inch:.1f} in ({over / available:.0%}) too long; shorten the text or remove a section")
    # Binary search over whole steps: low always fits, high never does.
    low, high = 0, int(round((design - minimum) / STEP))
    best = (smallest, smallest_ink)
    while high - low > 1:
        middle = (low + high) // 2
        candidate = attempt(minimum + middle * STEP)
        if candidate[0].height <= available:
            low, best = middle, candidate
        else:
            high = middle
    return best


def _draw_header(canvas, node, ink: Ink, width: float, height: float, margin: float) -> None:
    """The brand band: logo, spa name and tagline at the left, phone at the right."""
    v = BrandHeader.values(node)
    band = v["height"]
    brand = ink.brand
    canvas.saveState()
    canvas.setFillColor(ink.color(v["background"]))
    canvas.rect(0, height - band, width, band, stroke=0, fill=1)
    x = margin
    if brand.logo is not None:
        size = band * 0.62
        y = height - band + (band - size) / 2
        if brand.logo.suffix.lower() == ".svg":
            draw_vector(canvas, vector_art(brand.logo), x, y, size, size)
        else:
            Image(str(brand.logo), width=size, height=size, kind="proportional").drawOn(canvas, x, y)
        x += size + band * 0.22

    text_color = ink.color(v["text"])
    heading, body = ink.faces["heading"], ink.faces["body"]
    phone_width = 0.0
    if v["show_phone"] == "yes":
        phone_style = ParagraphStyle("phone", fontName=body.bold, fontSize=12, leading=15, textColor=text_color,
                                     alignment=2)
        phone = Paragraph(_text(brand.phone, body.bold, False), phone_style)
        phone_width = min(2.2 * inch, width / 3)
        _, ph = phone.wrap(phone_width, UNBOUNDED)
        phone.drawOn(canvas, width - margin - phone_width, height - band / 2 - ph / 2)
    room = width - margin - x - phone_width - 12
    lines = [(brand.name, heading.bold, 22)]
    if v["show_tagline"] == "yes" and brand.tagline:
        lines.append((brand.tagline, body.italic, 10))
    paragraphs = _shrink_to_band(lines, room, band * 0.86, text_color)
    total = sum(h for _, h in paragraphs)
    y = height - band / 2 + total / 2
    for paragraph, h in paragraphs:
        y -= h
        paragraph.drawOn(canvas, x, y)
    canvas.restoreState()


def _shrink_to_band(lines, room, limit, color):
    """Paragraphs for the header texts, made smaller until together they fit the band."""
    factor = 1.0
    while True:
        made = []
        for text, font, size in lines:
            style = ParagraphStyle("band", fontName=font, fontSize=size * factor, leading=size * factor * 1.2,
                                   textColor=color)
            paragraph = Paragraph(_text(text, font, False), style)
            made.append((paragraph, paragraph.wrap(room, UNBOUNDED)[1]))
        if sum(h for _, h in made) <= limit or factor < 0.3:
            return made
        factor *= 0.85
