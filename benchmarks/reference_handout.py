"""The 'why-backs-get-tense' handout written by hand, the way one would without the press.

A yardstick for the benchmarks: the same content (read from the same YAML files), the same
fonts, logo and booking QR code, on A4, made straight with ReportLab. Two versions:

    platypus  paragraphs flowed by SimpleDocTemplate, band and footer drawn on the page
    canvas    every line placed by hand with simpleSplit and drawString

    python benchmarks/reference_handout.py platypus|canvas OUT.pdf   (one cold run, for timing)
"""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

import yaml
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer
from svglib.svglib import svg2rlg

ROOT = Path(__file__).resolve().parent.parent
SHEET = "why-backs-get-tense"
PRIMARY, INK, MUTED, LIGHT = HexColor("#2F5D62"), HexColor("#22302F"), HexColor("#5B6968"), HexColor("#EEF4F1")
MARGIN, BAND = 0.55 * inch, 0.95 * inch


@lru_cache(maxsize=None)  # in a warm process, read once like the press does
def content() -> dict:
    """The handout's words, read from the press's own content files."""
    handouts = ROOT / "handouts"
    read = lambda path: yaml.safe_load(path.read_text(encoding="utf-8"))  # noqa: E731
    sheet, brand = read(handouts / "sheets" / f"{SHEET}.yaml"), read(handouts / "brand.yaml")
    topics = [read(handouts / "topics" / f"{section['topics'][0]}.yaml") for section in sheet["sections"]]
    return {"sheet": sheet, "brand": brand, "topics": topics}


def register_fonts() -> None:
    fonts = ROOT / "layouts" / "fonts"
    for name in ("NotoSans-Regular", "NotoSans-Bold", "NotoSans-Italic", "NotoSerif-Bold"):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(fonts / f"{name}.ttf")))


@lru_cache(maxsize=None)
def _logo(path: str):
    return svg2rlg(path)


def _band_and_footer(canvas, brand: dict) -> None:
    width, height = A4
    canvas.saveState()
    canvas.setFillColor(PRIMARY)
    canvas.rect(0, height - BAND, width, BAND, stroke=0, fill=1)
    logo = _logo(str(ROOT / "handouts" / brand["logo"]))
    scale = (BAND * 0.6) / logo.height
    canvas.translate(MARGIN, height - BAND * 0.8)
    canvas.scale(scale, scale)
    renderPDF.draw(logo, canvas, 0, 0)
    canvas.restoreState()
    canvas.setFillColor(HexColor("#FFFFFF"))
    canvas.setFont("NotoSerif-Bold", 20)
    canvas.drawString(MARGIN + BAND * 0.75, height - BAND * 0.5, brand["name"])
    canvas.setFont("NotoSans-Italic", 8)
    canvas.drawString(MARGIN + BAND * 0.75, height - BAND * 0.68, brand["tagline"])
    canvas.setFont("NotoSans-Bold", 10)
    canvas.drawRightString(width - MARGIN, height - BAND * 0.5, brand["phone"])
    canvas.setFillColor(MUTED)
    canvas.setFont("NotoSans-Regular", 7)
    y = MARGIN + 40
    for line in (f"{brand['name']} · {brand['address']}", f"Call {brand['phone']} · {brand['email']}",
                 f"Book online: {brand['booking_url']}"):
        canvas.drawString(MARGIN, y, line)
        y -= 9
    canvas.setFont("NotoSans-Italic", 6)
    for line in simpleSplit(brand["disclaimer"], "NotoSans-Italic", 6, width * 0.55):
        canvas.drawString(MARGIN, y, line)
        y -= 7.5
    widget = QrCodeWidget(brand["booking_url"], barLevel="M")
    left, bottom, right, top = widget.getBounds()
    size = 0.85 * inch
    drawing = Drawing(size, size, transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, width - MARGIN - size, MARGIN + 8)
    canvas.linkURL(brand["booking_url"], (width - MARGIN - size, MARGIN + 8, width - MARGIN, MARGIN + 8 + size))


def platypus(out: Path) -> None:
    """The handout as flowing paragraphs."""
    register_fonts()
    text = content()
    sheet, brand = text["sheet"], text["brand"]
    body = ParagraphStyle("body", fontName="NotoSans-Regular", fontSize=8.6, leading=11.6, textColor=INK, spaceAfter=4)
    styles = {
        "h1": ParagraphStyle("h1", fontName="NotoSerif-Bold", fontSize=22, leading=26, textColor=PRIMARY),
        "sub": ParagraphStyle("sub", fontName="NotoSans-Italic", fontSize=10, leading=13, textColor=MUTED, spaceAfter=8),
        "h3": ParagraphStyle("h3", fontName="NotoSans-Bold", fontSize=9, leading=12, textColor=PRIMARY, spaceBefore=6),
        "bullet": ParagraphStyle("bullet", parent=body, leftIndent=10, bulletIndent=2, spaceAfter=1),
        "closing": ParagraphStyle("closing", fontName="NotoSerif-Bold", fontSize=11, leading=14, textColor=PRIMARY,
                                  alignment=1, backColor=LIGHT, borderPadding=8, spaceBefore=14),
    }
    story = [Paragraph(sheet["title"], styles["h1"]), Paragraph(sheet["subtitle"], styles["sub"]),
             Paragraph(sheet["intro"], body)]
    for topic in text["topics"]:
        story.append(Paragraph(topic["title"], styles["h3"]))
        story += [Paragraph(paragraph, body) for paragraph in topic["body"]]
        story += [Paragraph(bullet, styles["bullet"], bulletText="•") for bullet in topic.get("bullets") or []]
    story += [Spacer(1, 4), Paragraph(sheet["closing"], styles["closing"])]
    doc = SimpleDocTemplate(str(out) if isinstance(out, Path) else out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=BAND + 0.3 * inch,
                            bottomMargin=MARGIN + 1.1 * inch, title=sheet["title"], author=brand["name"],
                            invariant=1, pageCompression=1)
    doc.build(story, onFirstPage=lambda canvas, _: _band_and_footer(canvas, brand))


def canvas_only(out: Path) -> None:
    """The handout with every line placed by hand."""
    register_fonts()
    text = content()
    sheet, brand = text["sheet"], text["brand"]
    width, height = A4
    canvas = Canvas(str(out) if isinstance(out, Path) else out, pagesize=A4, invariant=1, pageCompression=1)
    canvas.setTitle(sheet["title"])
    _band_and_footer(canvas, brand)
    y, room = height - BAND - 0.45 * inch, width - 2 * MARGIN

    def lines(words: str, font: str, size: float, leading: float, color, indent: float = 0.0) -> None:
        nonlocal y
        canvas.setFillColor(color)
        canvas.setFont(font, size)
        for line in simpleSplit(words, font, size, room - indent):
            canvas.drawString(MARGIN + indent, y, line)
            y -= leading

    lines(sheet["title"], "NotoSerif-Bold", 22, 26, PRIMARY)
    lines(sheet["subtitle"], "NotoSans-Italic", 10, 16, MUTED)
    lines(sheet["intro"], "NotoSans-Regular", 8.6, 15, INK)
    for topic in text["topics"]:
        y -= 4
        lines(topic["title"], "NotoSans-Bold", 9, 12, PRIMARY)
        for paragraph in topic["body"]:
            lines(paragraph, "NotoSans-Regular", 8.6, 11.6, INK)
            y -= 4
        for bullet in topic.get("bullets") or []:
            lines("• " + bullet, "NotoSans-Regular", 8.6, 11.6, INK, indent=6)
    y -= 10
    canvas.setFillColor(LIGHT)
    canvas.rect(MARGIN, y - 8, room, 26, stroke=0, fill=1)
    canvas.setFillColor(PRIMARY)
    canvas.setFont("NotoSerif-Bold", 11)
    canvas.drawCentredString(width / 2, y, sheet["closing"])
    canvas.showPage()
    canvas.save()


MAKERS = {"platypus": platypus, "canvas": canvas_only}

if __name__ == "__main__":
    MAKERS[sys.argv[1]](Path(sys.argv[2]))
