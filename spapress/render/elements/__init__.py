"""The layout vocabulary: one small class per XML element, each declaring its attributes once.

The same declarations check a rendered layout (`check_tree`), build ReportLab flowables
(`Element.build`) and write the element reference (`cli/reference.py`).

    base.py       Attr, Element, Ink and inline text shared by all elements
    text.py       <p>, <h1>-<h3>, <ul>, <li>, <b>, <i>, <a>, <br>
    blocks.py     <spacer>, <rule>, <box>, <columns>, <point-card>, <body-map>, <img>, <qr>, <disclaimer>, <toc-entry>
    page.py       <page>, <brand-header> (and drawing the band), <fit>, <flow>, <footer>
    check.py      check_tree: every problem in a rendered page

May import content/ and the rest of render/ below it (fonts, styles, flowables).
"""

from .base import ELEMENTS, Attr, AttrError, Element, Ink, build_blocks, inline_markup
from .blocks import (BodyMapElement, BoxElement, Column, ColumnsElement, Disclaimer, Img, Marker, PointCard, Qr,
                     RuleElement, Spacer, TocEntry)
from .check import check_tree
from .page import BrandHeader, Fit, Flow, Footer, Page
from .text import A, B, Br, H1, H2, H3, I, Li, P, Ul

ELEMENTS.update((cls.tag, cls) for cls in (
    Page, BrandHeader, Fit, Footer, H1, H2, H3, P, Ul, Li, B, I, A, Br, Spacer, RuleElement, BoxElement,
    ColumnsElement, Column, PointCard, BodyMapElement, Marker, Img, Qr, Disclaimer, Flow, TocEntry))

__all__ = ["ELEMENTS", "Attr", "AttrError", "Element", "Ink", "build_blocks", "inline_markup", "check_tree",
           "BrandHeader", "Fit", "Flow", "Footer", "Page"]
