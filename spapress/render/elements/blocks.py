"""Block elements: spacing, rules, boxes, columns, point cards, body maps, pictures, QR codes,
the disclaimer and contents lines."""

from __future__ import annotations

from .. import slow_patterns  # noqa: F401  (before platypus: see its docstring)
from reportlab.platypus import Image, Paragraph

from ...content.schema import Choice
from ...content.rules import LINK
from ..flowables import Badge, Beside, BodyMap, Box, Columns, Gap, QrCode, Rule, Stack, TocLine, VectorArt, vector_art
from ..fonts import check_glyphs
from ..paragraphs import KeptParagraph
from .base import (COLOR, LAYOUT_FILE, LENGTH, NAME, NUMBER, PLACEMENT, SPACE, SPACE_ATTRS, STYLE, TEXT, WIDTH,
                   Attr, AttrError, Element, _face, _spacing, _style_or_fallback, _text, build_blocks, inline_markup)

class Spacer(Element):
    tag, doc, content = "spacer", "Empty vertical space.", "none"
    attrs = (Attr("height", SPACE, "how much space", required=True),)

    @classmethod
    def build(cls, node, ink):
        return [Gap(ink.space(cls.values(node)["height"]))]


class RuleElement(Element):
    tag, doc, content = "rule", "A horizontal line across the available width.", "none"
    attrs = (Attr("color", COLOR, "line colour", default="accent"),
             Attr("thickness", LENGTH, "line thickness", default="0.75"),
             Attr("width", WIDTH, "how much of the width it spans", default="100%"),
             Attr("align", PLACEMENT, "where a short rule sits: under a centred title, center", default="left")) + SPACE_ATTRS

    @classmethod
    def build(cls, node, ink):
        v = cls.values(node)
        return [Rule(ink.color(v["color"]), v["thickness"], width_fraction=v["width"], align=v["align"],
                     **_spacing(v, ink))]


class BoxElement(Element):
    tag, doc = "box", "A panel around blocks, with padding and an optional background and border."
    attrs = (Attr("background", COLOR, "fill colour"),
             Attr("border", COLOR, "border colour"),
             Attr("padding", SPACE, "space inside the edges", default="8"),
             Attr("radius", LENGTH, "corner rounding", default="4")) + SPACE_ATTRS

    @classmethod
    def build(cls, node, ink):
        v = cls.values(node)
        return [Box(build_blocks(node, ink), padding=ink.space(v["padding"]),
                    background=ink.color(v["background"]) if v["background"] else None,
                    border=ink.color(v["border"]) if v["border"] else None, radius=v["radius"], **_spacing(v, ink))]


class ColumnsElement(Element):
    tag, doc, content = "columns", "Side-by-side <column>s, tops aligned.", ("column",)
    attrs = (Attr("gap", SPACE, "space between columns", default="14"),) + SPACE_ATTRS

    @classmethod
    def build(cls, node, ink):
        v = cls.values(node)
        columns = [(Column.values(c)["width"], Stack(build_blocks(c, ink))) for c in node if isinstance(c.tag, str)]
        return [Columns(columns, ink.space(v["gap"]), **_spacing(v, ink))]


class Column(Element):
    tag, doc = "column", "One column inside <columns>; holds blocks."
    attrs = (Attr("width", WIDTH, "share of the width, like 40%; columns without a width share the rest"),)


class PointCard(Element):
    tag, doc = "point-card", "A numbered card for one pressure point; the number matches its marker on <body-map>."
    attrs = (Attr("n", TEXT, "the number shown in the badge", required=True),
             Attr("title", TEXT, "the card's title", required=True),
             Attr("title-style", STYLE, "style of the title", default="card-title"),
             Attr("background", COLOR, "card fill colour", default="light"),
             Attr("badge", COLOR, "badge colour", default="accent"),
             Attr("padding", SPACE, "space inside the card", default="8"),
             Attr("anchor", NAME, "a name a booklet uses to find the page the card is on (the point's id)")) + SPACE_ATTRS

    @classmethod
    def build(cls, node, ink):
        v = cls.values(node)
        title_style = _style_or_fallback(ink, v["title_style"], "h3")
        face = ink.faces["body"].bold
        check_glyphs(v["n"], face)
        title = KeptParagraph(_text(v["title"], _face(ink, title_style), ink.spec(title_style).upper),
                          ink.paragraph_style(title_style))
        size = ink.paragraph_style(title_style).fontSize * 1.5
        badge = Badge(v["n"], size, ink.color(v["badge"]), ink.color("paper"), face)
        head = Beside(badge, title, gap=size * 0.4)
        card = Box([head, Gap(ink.space(3))] + build_blocks(node, ink), padding=ink.space(v["padding"]),
                   background=ink.color(v["background"]), radius=4, **_spacing(v, ink))
        card.anchor = v["anchor"]
        return [card]


class BodyMapElement(Element):
    tag, doc, content = "body-map", "A body outline (layouts/art/body-VIEW.svg) with numbered <marker>s.", ("marker",)
    attrs = (Attr("view", TEXT, "which art: back for layouts/art/body-back.svg", required=True),
             Attr("width", LENGTH, "width of the figure", default="2in"),
             Attr("height", LENGTH, "height of the figure (default keeps the art's proportions)"),
             Attr("marker-size", LENGTH, "diameter of the markers", default="14"),
             Attr("marker", COLOR, "marker colour", default="accent"),
             Attr("align", PLACEMENT, "placement in the available width", default="center")) + SPACE_ATTRS

    @classmethod
    def build(cls, node, ink):
        v = cls.values(node)
        path = ink.project.layouts / "art" / f"body-{v['view']}.svg"
        if not path.is_file():
            raise AttrError(f"no art for view '{v['view']}' ({ink.project.show(path)} is missing)")
        face = ink.faces["body"].bold
        markers = []
        for marker in node:
            if isinstance(marker.tag, str):
                m = Marker.values(marker)
                check_glyphs(m["n"], face)
                markers.append((m["n"], m["x"], m["y"]))
        return [BodyMap(vector_art(path), v["width"], v["height"], markers, v["marker_size"], ink.color(v["marker"]),
                        ink.color("paper"), ink.color("paper"), face, v["align"], **_spacing(v, ink))]


class Marker(Element):
    tag, doc, content = "marker", "A numbered marker on <body-map>; x and y run from 0 to 1 across the art.", "none"
    attrs = (Attr("n", TEXT, "the number shown", required=True),
             Attr("x", NUMBER, "0 = left edge of the art, 1 = right edge", required=True),
             Attr("y", NUMBER, "0 = top of the art, 1 = bottom", required=True))


class Img(Element):
    tag, doc, content = "img", "A picture from layouts/ or handouts/ (SVG, PNG or JPEG).", "none"
    attrs = (Attr("src", LAYOUT_FILE, "file path inside the folder", required=True),
             Attr("folder", Choice(("layouts", "handouts")),
                  "where src is: layouts/ (art) or handouts/ (the spa's own pictures)", default="layouts"),
             Attr("width", LENGTH, "width", required=True),
             Attr("height", LENGTH, "height (default keeps proportions)"),
             Attr("align", PLACEMENT, "placement", default="center")) + SPACE_ATTRS

    @classmethod
    def build(cls, node, ink):
        v = cls.values(node)
        folder = ink.project.layouts if v["folder"] == "layouts" else ink.project.content
        path = folder / v["src"]
        if not path.is_file():
            raise AttrError(f"image '{v['src']}' not found in {ink.project.show(folder)}/")
        if path.suffix.lower() == ".svg":
            return [VectorArt(vector_art(path), v["width"], v["height"], v["align"], **_spacing(v, ink))]
        image = Image(str(path), width=v["width"], height=v["height"], kind="proportional" if v["height"] else "direct")
        if v["height"] is None:
            image.drawHeight = v["width"] * image.imageHeight / image.imageWidth
        image.hAlign = v["align"].upper() if v["align"] != "center" else "CENTER"
        image.spaceBefore, image.spaceAfter = _spacing(v, ink).values()
        return [image]


class Qr(Element):
    tag, doc, content = "qr", "A QR code that is also a clickable link.", "none"
    attrs = (Attr("href", LINK, "the address it encodes", required=True),
             Attr("size", LENGTH, "width and height", default="0.9in"),
             Attr("color", COLOR, "colour of the dark squares", default="ink"),
             Attr("align", PLACEMENT, "placement", default="left")) + SPACE_ATTRS

    @classmethod
    def build(cls, node, ink):
        v = cls.values(node)
        return [QrCode(v["href"], v["size"], ink.color(v["color"]), v["align"], **_spacing(v, ink))]


class Disclaimer(Element):
    tag, doc, content = "disclaimer", "The brand's standing disclaimer (every page must have one).", "none"
    attrs = (Attr("style", STYLE, "style of the text", default="disclaimer"),) + SPACE_ATTRS

    @classmethod
    def build(cls, node, ink):
        v = cls.values(node)
        name = _style_or_fallback(ink, v["style"])
        spec = ink.spec(name)
        paragraph = KeptParagraph(_text(ink.brand.disclaimer, _face(ink, name), spec.upper), ink.paragraph_style(name))
        return [Gap(ink.space(v["space_before"])), paragraph, Gap(ink.space(v["space_after"]))]


class TocEntry(Element):
    tag, doc, content = "toc-entry", "A line of the table of contents: its text, dot leaders and page number, linked to the page.", "inline"
    attrs = (Attr("page", TEXT, "the page number to show", required=True),
             Attr("target", NAME, "the bookmark the line links to", required=True),
             Attr("style", STYLE, "style of the line", default="toc")) + SPACE_ATTRS

    @classmethod
    def build(cls, node, ink):
        v = cls.values(node)
        name = _style_or_fallback(ink, v["style"])
        style = ink.paragraph_style(name)
        check_glyphs(v["page"], style.fontName)
        title = Paragraph(inline_markup(node, ink, name), style)
        return [TocLine(title, v["page"], v["target"], style, **_spacing(v, ink))]


