"""Page elements: the <page> root and what stands directly in it (the brand band, the <fit> or
<flow> body, the footer). The brand band is drawn here, where it is declared."""

from __future__ import annotations

from functools import lru_cache

from .. import slow_patterns  # noqa: F401  (before platypus: see its docstring)
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.platypus import Image, Paragraph

from ...content.schema import Choice
from ..flowables import UNBOUNDED, draw_vector, vector_art
from .base import COLOR, LENGTH, NUMBER, YES_NO, Attr, Element, Ink, _text


class BrandHeader(Element):
    tag, doc, content, place = "brand-header", "The brand band across the top of the page: logo, name, tagline, phone.", "none", "page"
    attrs = (Attr("height", LENGTH, "height of the band", default="0.9in"),
             Attr("background", COLOR, "band colour", default="primary"),
             Attr("text", COLOR, "text colour on the band", default="paper"),
             Attr("show-tagline", YES_NO, "print the tagline", default="yes"),
             Attr("show-phone", YES_NO, "print the phone number at the right", default="yes"))

    @classmethod
    def draw(cls, canvas, node, ink: Ink, width: float, height: float, margin: float, reach: float = 0.0) -> None:
        """The brand band: logo, spa name and tagline at the left, phone at the right.

        reach: how far the band runs past the page edges (the print-shop bleed)."""
        v = cls.values(node)
        band = v["height"]
        brand = ink.brand
        canvas.saveState()
        canvas.setFillColor(ink.color(v["background"]))
        canvas.rect(-reach, height - band, width + 2 * reach, band + reach, stroke=0, fill=1)
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
            phone_width = min(2.2 * inch, width / 3)
            phone, ph = _phone(brand.phone, body.bold, text_color, phone_width)
            phone.drawOn(canvas, width - margin - phone_width, height - band / 2 - ph / 2)
        room = width - margin - x - phone_width - 12
        lines = [(brand.name, heading.bold, 22)]
        if v["show_tagline"] == "yes" and brand.tagline:
            lines.append((brand.tagline, body.italic, 10))
        paragraphs = _band_texts(tuple(lines), room, band * 0.86, text_color)
        total = sum(h for _, h in paragraphs)
        y = height - band / 2 + total / 2
        for paragraph, h in paragraphs:
            y -= h
            paragraph.drawOn(canvas, x, y)
        canvas.restoreState()


# The band is the same on every sheet of a brand: its paragraphs are made and wrapped once, and
# a wrapped paragraph draws the same on any page. One paragraph is drawn on one canvas at a time
# because every PDF is drawn holding pages.DRAWING (drawing sets the paragraph's canvas).

@lru_cache(maxsize=16)
def _phone(phone: str, font: str, color, width: float) -> tuple:
    """The phone number, right-aligned in `width`, with its height."""
    style = ParagraphStyle("phone", fontName=font, fontSize=12, leading=15, textColor=color, alignment=2)
    paragraph = Paragraph(_text(phone, font, False), style)
    return paragraph, paragraph.wrap(width, UNBOUNDED)[1]


@lru_cache(maxsize=64)
def _band_texts(lines: tuple, room: float, limit: float, color) -> list:
    """Paragraphs for the band's texts, (text, font, size) each, made smaller until together
    they fit `limit`; with their heights."""
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


class Fit(Element):
    tag, doc, place = "fit", "The body of the page. Its text shrinks to fit the page, never below the layout's minimum size.", "page"
    attrs = (Attr("min-body-size", NUMBER, "smallest body size in points; overrides the style sheet"),)


class Flow(Element):
    tag, place = "flow", "page"
    doc = ("The body of a booklet section, instead of <fit>: it keeps its design size and runs over "
           "as many pages as it needs; headings stay with what follows them.")


class Footer(Element):
    tag, doc, place = "footer", "Blocks pinned to the bottom of the page (contact, disclaimer); not scaled.", "page"


class Page(Element):
    tag, doc, place = "page", "The root: one page. Holds <brand-header>, one <fit> (or, in a booklet section, one <flow>), then <footer>.", "root"
    content = ("brand-header", "fit", "flow", "footer")
    attrs = (Attr("size", Choice(("letter", "a4", "half-letter", "a5")), "paper size", default="letter"),
             Attr("background", COLOR, "colour of the whole page; runs into the bleed in print-shop copies"),
             Attr("orientation", Choice(("portrait", "landscape")), "page orientation", default="portrait"),
             Attr("margin", LENGTH, "margin around the content", default="0.6in"))


