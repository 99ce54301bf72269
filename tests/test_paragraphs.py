"""Paragraphs that remember their parse and line breaks (render/paragraphs.py) draw exactly what
ReportLab's own Paragraph draws, share the work between equal paragraphs, and stay whole when
one of them is split across pages."""

from __future__ import annotations

import io

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from spapress.render.paragraphs import KeptParagraph

STYLE = ParagraphStyle("kept-test", fontName="Helvetica", fontSize=11, leading=14, splitLongWords=1)
TEXT = ("Press <b>gently</b> on the top of the shoulder for one to two minutes, breathing slowly; "
        "stop at once if it hurts, and ask your therapist about <i>any</i> numbness. ") * 3


def drawn(make, widths=(180.0, 180.0, 260.0)) -> bytes:
    """A PDF holding the paragraph made afresh and wrapped at each width in turn."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1, pageCompression=0)
    y = 780.0
    for width in widths:
        paragraph = make()
        _, height = paragraph.wrap(width, 1e6)
        paragraph.drawOn(canvas, 40, y - height)
        y -= height + 10
    canvas.save()
    return buffer.getvalue()


def test_a_kept_paragraph_draws_exactly_what_reportlab_draws():
    own = drawn(lambda: Paragraph(TEXT, STYLE))
    assert drawn(lambda: KeptParagraph(TEXT, STYLE)) == own
    assert drawn(lambda: KeptParagraph(TEXT, STYLE)) == own   # the second time from what was kept


def test_equal_paragraphs_share_their_lines_and_different_ones_do_not():
    first, second = KeptParagraph(TEXT, STYLE), KeptParagraph(TEXT, STYLE)
    first.wrap(200, 1e6)
    second.wrap(200, 1e6)
    assert second.blPara is first.blPara
    other = KeptParagraph(TEXT + " More.", STYLE)
    other.wrap(200, 1e6)
    assert other.blPara is not first.blPara and other.height >= first.height
    narrower = KeptParagraph(TEXT, STYLE)
    narrower.wrap(120, 1e6)
    assert narrower.height > first.height


def test_splitting_one_leaves_the_kept_lines_whole():
    before = drawn(lambda: KeptParagraph(TEXT, STYLE))
    paragraph = KeptParagraph(TEXT, STYLE)
    paragraph.wrap(180, 1e6)
    top, rest = paragraph.split(180, 3 * STYLE.leading)
    assert top.wrap(180, 1e6)[1] == 3 * STYLE.leading and rest.wrap(180, 1e6)[1] > 0
    assert drawn(lambda: KeptParagraph(TEXT, STYLE)) == before


def test_rewrapping_one_paragraph_at_another_width_matches_reportlab():
    def twice(make) -> bytes:
        buffer = io.BytesIO()
        canvas = Canvas(buffer, invariant=1, pageCompression=0)
        paragraph = make()
        paragraph.wrap(300, 1e6)
        _, height = paragraph.wrap(150, 1e6)
        paragraph.drawOn(canvas, 40, 780 - height)
        canvas.save()
        return buffer.getvalue()

    assert twice(lambda: KeptParagraph(TEXT, STYLE)) == twice(lambda: Paragraph(TEXT, STYLE))


def test_no_room_at_all_is_said_as_reportlab_says_it():
    assert KeptParagraph(TEXT, STYLE).wrap(0, 1e6) == Paragraph(TEXT, STYLE).wrap(0, 1e6)
    wrapped = KeptParagraph(TEXT, STYLE)
    wrapped.wrap(100, 1e6)
    assert wrapped.wrap(0, 1e6) == Paragraph(TEXT, STYLE).wrap(0, 1e6)


def test_the_same_text_in_another_style_is_broken_afresh():
    bigger = ParagraphStyle("kept-test-big", parent=STYLE, fontSize=22, leading=26)
    small, large = KeptParagraph(TEXT, STYLE), KeptParagraph(TEXT, bigger)
    assert large.wrap(200, 1e6)[1] > 2 * small.wrap(200, 1e6)[1]
