"""The layout vocabulary: one small class per XML element, each declaring its attributes once.

The same declarations validate a rendered layout (`check_tree`), build ReportLab flowables
(`Element.build`) and produce the element reference (`reference_markdown`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, ClassVar, Mapping
from xml.sax.saxutils import escape

from reportlab.lib.units import toLength
from reportlab.platypus import Image, Paragraph

from .flowables import Badge, Beside, BodyMap, Box, Columns, Gap, QrCode, Rule, Stack, TocLine, VectorArt, vector_art
from .fonts import Faces, check_glyphs
from .model import Brand, Project
from .schema import did_you_mean
from .styles import StyleSheet, color_of, paragraph_style

_URL = re.compile(r"^(https?://[^\s<>\"]+|mailto:[^\s<>\"@]+@[^\s<>\"]+|tel:[+0-9 ()-]+)$")
_WIDTH = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")


class AttrError(ValueError):
    """An attribute value is wrong; the message says what is expected."""


@dataclass(frozen=True)
class Attr:
    name: str
    kind: str
    doc: str
    required: bool = False
    default: str | None = None
    choices: tuple[str, ...] = ()

    def parse(self, raw: str) -> Any:
        raw = raw.strip()
        if self.kind == "choice":
            if raw not in self.choices:
                raise AttrError(f"'{raw}' is not one of {', '.join(self.choices)}{did_you_mean(raw, self.choices)}")
            return raw
        if self.kind in ("length", "space"):
            try:
                value = float(toLength(raw))
            except (ValueError, TypeError):
                raise AttrError(f"'{raw}' is not a length; write it like 12, 12pt, 0.5in or 10mm") from None
            if value < 0:
                raise AttrError(f"'{raw}' must not be negative")
            return value
        if self.kind == "width":
            match = _WIDTH.match(raw)
            if match:
                fraction = float(match.group(1)) / 100
                if not 0 < fraction <= 1:
                    raise AttrError(f"'{raw}' must be between 1% and 100%")
                return fraction
            raise AttrError(f"'{raw}' is not a width; write a percentage like 40%")
        if self.kind == "number":
            try:
                return float(raw)
            except ValueError:
                raise AttrError(f"'{raw}' is not a number") from None
        if self.kind == "url":
            if not _URL.match(raw):
                raise AttrError(f"'{raw}' is not a web, mailto: or tel: address")
            return raw
        if self.kind == "color":
            if not re.match(r"^(#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3}|primary|accent|ink|muted|light|paper)$", raw):
                raise AttrError(f"'{raw}' is not a brand colour name (primary, accent, ink, muted, light, paper) or #RRGGBB")
            return raw
        if self.kind == "name":
            if not re.match(r"^[A-Za-z0-9_-]+$", raw):
                raise AttrError(f"'{raw}' is not a name; use letters, digits, '-' and '_'")
            return raw
        if self.kind == "file":
            if raw.startswith(("/", "\\")) or ".." in raw.replace("\\", "/").split("/"):
                raise AttrError(f"'{raw}' must be a file inside layouts/ (no '..' or absolute paths)")
            return raw
        return raw  # text, style


@dataclass
class Ink:
    """Everything an element needs to become flowables: brand, styles, fonts and the current scale."""

    brand: Brand
    styles: StyleSheet
    faces: Mapping[str, Faces]
    project: Project
    scale: float = 1.0
    _palette: tuple = field(default=(), init=False)

    def __post_init__(self):
        self._palette = tuple(sorted(self.brand.colors.items()))

    def color(self, value: str):
        return color_of(value, self.brand.colors)

    def spec(self, name: str):
        return self.styles.specs[name]

    def paragraph_style(self, name: str):
        spec = self.spec(name)
        return paragraph_style(spec, self.scale, self.faces[spec.font].pick(spec.bold, spec.italic), self._palette)

    def space(self, points: float) -> float:
        return points * self.scale


# --- text -----------------------------------------------------------------------------------

def inline_markup(node, ink: Ink, style_name: str) -> str:
    """Turn an element's mixed content into ReportLab paragraph markup, escaping every text.

    Content text can contain '<', '&' or anything else: it is escaped here, so it is always
    printed literally.  Each piece of text is checked against the face it will be drawn in.
    """
    spec = ink.spec(style_name)
    faces = ink.faces[spec.font]

    def walk(element, bold: bool, italic: bool) -> str:
        parts = [_text(element.text, faces.pick(bold, italic), spec.upper)]
        for child in element:
            if child.tag == "b":
                parts.append(f"<b>{walk(child, True, italic)}</b>")
            elif child.tag == "i":
                parts.append(f"<i>{walk(child, bold, True)}</i>")
            elif child.tag == "a":
                href = escape(child.get("href", ""), {'"': "&quot;"})
                color = child.get("color")
                colored = f' color="#{ink.color(color).hexval()[2:]}"' if color else ""
                parts.append(f'<a href="{href}"{colored}>{walk(child, bold, italic)}</a>')
            elif child.tag == "br":
                parts.append("<br/>")
            parts.append(_text(child.tail, faces.pick(bold, italic), spec.upper))
        return "".join(parts)

    return walk(node, spec.bold, spec.italic)


def _text(text: str | None, font_name: str, upper: bool) -> str:
    if not text:
        return ""
    if upper:
        text = text.upper()
    check_glyphs(text, font_name)
    return escape(text)


def _style_or_fallback(ink: Ink, *names: str) -> str:
    """The first of names the layout's style sheet defines, else 'body' (which it must)."""
    return next((name for name in names if name in ink.styles.specs), "body")


def _face(ink: Ink, style_name: str) -> str:
    spec = ink.spec(style_name)
    return ink.faces[spec.font].pick(spec.bold, spec.italic)


# --- elements -------------------------------------------------------------------------------

SPACE_ATTRS = (
    Attr("space-before", "space", "space above, in points or with a unit (scales with the text)", default="0"),
    Attr("space-after", "space", "space below (scales with the text)", default="0"),
)


class Element:
    tag: ClassVar[str] = ""
    doc: ClassVar[str] = ""
    attrs: ClassVar[tuple[Attr, ...]] = ()
    #: 'blocks', 'inline', 'none', or a tuple of the only child tags allowed
    content: ClassVar[Any] = "blocks"
    #: where it may stand: 'block' (among blocks), 'inline' (inside text), 'page' (directly in <page>), 'root'
    place: ClassVar[str] = "block"
    default_style: ClassVar[str | None] = None

    @classmethod
    def values(cls, node) -> dict[str, Any]:
        """Parsed attribute values with defaults (the tree was already checked)."""
        result = {}
        for attr in cls.attrs:
            raw = node.get(attr.name, attr.default)
            result[attr.name.replace("-", "_")] = None if raw is None else attr.parse(raw)
        return result

    @classmethod
    def build(cls, node, ink: Ink) -> list:
        return []


def build_blocks(parent, ink: Ink) -> list:
    """Flowables for every block child of parent, in order."""
    out = []
    for child in parent:
        if isinstance(child.tag, str):
            out.extend(ELEMENTS[child.tag].build(child, ink))
    return out


def _spacing(values, ink):
    return {"space_before": ink.space(values["space_before"]), "space_after": ink.space(values["space_after"])}


class TextBlock(Element):
    attrs = (Attr("style", "style", "name of a style in the layout's styles.yaml"),)
    content = "inline"

    @classmethod
    def style_name(cls, node, ink: Ink) -> str:
        name = node.get("style") or cls.default_style
        if node.get("style") is None and name not in ink.styles.specs:
            name = "body"
        if name not in ink.styles.specs:
            raise AttrError(f"style '{name}' is not in {ink.styles.source}{did_you_mean(name, ink.styles.specs)}")
        return name

    keep_with_next: ClassVar[bool] = False  # headings stay on the same page as what follows

    @classmethod
    def build(cls, node, ink):
        name = cls.style_name(node, ink)
        paragraph = Paragraph(inline_markup(node, ink, name), ink.paragraph_style(name))
        paragraph.keepWithNext = cls.keep_with_next
        return [paragraph]


class P(TextBlock):
    tag, doc, default_style = "p", "A paragraph of text. May hold <b>, <i>, <a> and <br/>.", "body"


class H1(TextBlock):
    keep_with_next = True
    tag, doc, default_style = "h1", "The main title (style h1).", "h1"


class H2(TextBlock):
    keep_with_next = True
    tag, doc, default_style = "h2", "A section heading (style h2).", "h2"


class H3(TextBlock):
    keep_with_next = True
    tag, doc, default_style = "h3", "A small heading (style h3).", "h3"


class Li(TextBlock):
    tag, doc, default_style = "li", "One list item, inside <ul>.", "li"
    attrs = TextBlock.attrs + (Attr("bullet", "text", "the bullet character", default="•"),)

    @classmethod
    def build(cls, node, ink):
        name = cls.style_name(node, ink)
        bullet = node.get("bullet", "•")
        check_glyphs(bullet, _face(ink, name))
        style = ink.paragraph_style(name)
        return [Paragraph(inline_markup(node, ink, name), style, bulletText=escape(bullet))]


class Ul(Element):
    tag, doc = "ul", "A bulleted list of <li> items."
    content = ("li",)

    @classmethod
    def build(cls, node, ink):
        return build_blocks(node, ink)


class B(Element):
    tag, doc, content, place = "b", "Bold text, inside a text element.", "inline", "inline"


class I(Element):  # noqa: E742 - the tag's own name
    tag, doc, content, place = "i", "Italic text, inside a text element.", "inline", "inline"


class A(Element):
    tag, doc, content, place = "a", "A clickable link, inside a text element.", "inline", "inline"
    attrs = (Attr("href", "url", "where it leads: https://…, mailto:… or tel:…", required=True),
             Attr("color", "color", "link colour: a brand colour name or #RRGGBB"))


class Br(Element):
    tag, doc, content, place = "br", "A line break, inside a text element.", "none", "inline"


class Spacer(Element):
    tag, doc, content = "spacer", "Empty vertical space.", "none"
    attrs = (Attr("height", "space", "how much space", required=True),)

    @classmethod
    def build(cls, node, ink):
        return [Gap(ink.space(cls.values(node)["height"]))]


class RuleElement(Element):
    tag, doc, content = "rule", "A horizontal line across the available width.", "none"
    attrs = (Attr("color", "color", "line colour", default="accent"),
             Attr("thickness", "length", "line thickness", default="0.75"),
             Attr("width", "width", "how much of the width it spans", default="100%")) + SPACE_ATTRS

    @classmethod
    def build(cls, node, ink):
        v = cls.values(node)
        return [Rule(ink.color(v["color"]), v["thickness"], width_fraction=v["width"], **_spacing(v, ink))]


class BoxElement(Element):
    tag, doc = "box", "A panel around blocks, with padding and an optional background and border."
    attrs = (Attr("background", "color", "fill colour"),
             Attr("border", "color", "border colour"),
             Attr("padding", "space", "space inside the edges", default="8"),
             Attr("radius", "length", "corner rounding", default="4")) + SPACE_ATTRS

    @classmethod
    def build(cls, node, ink):
        v = cls.values(node)
        return [Box(build_blocks(node, ink), padding=ink.space(v["padding"]),
                    background=ink.color(v["background"]) if v["background"] else None,
                    border=ink.color(v["border"]) if v["border"] else None, radius=v["radius"], **_spacing(v, ink))]


class ColumnsElement(Element):
    tag, doc, content = "columns", "Side-by-side <column>s, tops aligned.", ("column",)
    attrs = (Attr("gap", "space", "space between columns", default="14"),) + SPACE_ATTRS

    @classmethod
    def build(cls, node, ink):
        v = cls.values(node)
        columns = [(Column.values(c)["width"], Stack(build_blocks(c, ink))) for c in node if isinstance(c.tag, str)]
        return [Columns(columns, ink.space(v["gap"]), **_spacing(v, ink))]


class Column(Element):
    tag, doc = "column", "One column inside <columns>; holds blocks."
    attrs = (Attr("width", "width", "share of the width, like 40%; columns without a width share the rest"),)


class PointCard(Element):
    tag, doc = "point-card", "A numbered card for one pressure point; the number matches its marker on <body-map>."
    attrs = (Attr("n", "text", "the number shown in the badge", required=True),
             Attr("title", "text", "the card's title", required=True),
             Attr("title-style", "style", "style of the title", default="card-title"),
             Attr("background", "color", "card fill colour", default="light"),
             Attr("badge", "color", "badge colour", default="accent"),
             Attr("padding", "space", "space inside the card", default="8")) + SPACE_ATTRS

    @classmethod
    def build(cls, node, ink):
        v = cls.values(node)
        title_style = _style_or_fallback(ink, v["title_style"], "h3")
        face = ink.faces["body"].bold
        check_glyphs(v["n"], face)
        title = Paragraph(_text(v["title"], _face(ink, title_style), ink.spec(title_style).upper),
                          ink.paragraph_style(title_style))
        size = ink.paragraph_style(title_style).fontSize * 1.5
        badge = Badge(v["n"], size, ink.color(v["badge"]), ink.color("paper"), face)
        head = Beside(badge, title, gap=size * 0.4)
        return [Box([head, Gap(ink.space(3))] + build_blocks(node, ink), padding=ink.space(v["padding"]),
                    background=ink.color(v["background"]), radius=4, **_spacing(v, ink))]


class BodyMapElement(Element):
    tag, doc, content = "body-map", "A body outline (layouts/art/body-VIEW.svg) with numbered <marker>s.", ("marker",)
    attrs = (Attr("view", "text", "which art: back for layouts/art/body-back.svg", required=True),
             Attr("width", "length", "width of the figure", default="2in"),
             Attr("height", "length", "height of the figure (default keeps the art's proportions)"),
             Attr("marker-size", "length", "diameter of the markers", default="14"),
             Attr("marker", "color", "marker colour", default="accent"),
             Attr("align", "choice", "placement in the available width", default="center",
                  choices=("left", "center", "right"))) + SPACE_ATTRS

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
    attrs = (Attr("n", "text", "the number shown", required=True),
             Attr("x", "number", "0 = left edge of the art, 1 = right edge", required=True),
             Attr("y", "number", "0 = top of the art, 1 = bottom", required=True))


class Img(Element):
    tag, doc, content = "img", "A picture from layouts/ or handouts/ (SVG, PNG or JPEG).", "none"
    attrs = (Attr("src", "file", "file path inside the folder", required=True),
             Attr("folder", "choice", "where src is: layouts/ (art) or handouts/ (the spa's own pictures)",
                  default="layouts", choices=("layouts", "handouts")),
             Attr("width", "length", "width", required=True),
             Attr("height", "length", "height (default keeps proportions)"),
             Attr("align", "choice", "placement", default="center", choices=("left", "center", "right"))) + SPACE_ATTRS

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
    attrs = (Attr("href", "url", "the address it encodes", required=True),
             Attr("size", "length", "width and height", default="0.9in"),
             Attr("color", "color", "colour of the dark squares", default="ink"),
             Attr("align", "choice", "placement", default="left", choices=("left", "center", "right"))) + SPACE_ATTRS

    @classmethod
    def build(cls, node, ink):
        v = cls.values(node)
        return [QrCode(v["href"], v["size"], ink.color(v["color"]), v["align"], **_spacing(v, ink))]


class Disclaimer(Element):
    tag, doc, content = "disclaimer", "The brand's standing disclaimer (every page must have one).", "none"
    attrs = (Attr("style", "style", "style of the text", default="disclaimer"),) + SPACE_ATTRS

    @classmethod
    def build(cls, node, ink):
        v = cls.values(node)
        name = _style_or_fallback(ink, v["style"])
        spec = ink.spec(name)
        paragraph = Paragraph(_text(ink.brand.disclaimer, _face(ink, name), spec.upper), ink.paragraph_style(name))
        return [Gap(ink.space(v["space_before"])), paragraph, Gap(ink.space(v["space_after"]))]


class BrandHeader(Element):
    tag, doc, content, place = "brand-header", "The brand band across the top of the page: logo, name, tagline, phone.", "none", "page"
    attrs = (Attr("height", "length", "height of the band", default="0.9in"),
             Attr("background", "color", "band colour", default="primary"),
             Attr("text", "color", "text colour on the band", default="paper"),
             Attr("show-tagline", "choice", "print the tagline", default="yes", choices=("yes", "no")),
             Attr("show-phone", "choice", "print the phone number at the right", default="yes", choices=("yes", "no")))


class Fit(Element):
    tag, doc, place = "fit", "The body of the page. Its text shrinks to fit the page, never below the layout's minimum size.", "page"
    attrs = (Attr("min-body-size", "number", "smallest body size in points; overrides the style sheet"),)


class Flow(Element):
    tag, place = "flow", "page"
    doc = ("The body of a booklet section, instead of <fit>: it keeps its design size and runs over "
           "as many pages as it needs; headings stay with what follows them.")


class TocEntry(Element):
    tag, doc, content = "toc-entry", "A line of the table of contents: its text, dot leaders and page number, linked to the page.", "inline"
    attrs = (Attr("page", "text", "the page number to show", required=True),
             Attr("target", "name", "the bookmark the line links to", required=True),
             Attr("style", "style", "style of the line", default="toc")) + SPACE_ATTRS

    @classmethod
    def build(cls, node, ink):
        v = cls.values(node)
        name = _style_or_fallback(ink, v["style"])
        style = ink.paragraph_style(name)
        check_glyphs(v["page"], style.fontName)
        title = Paragraph(inline_markup(node, ink, name), style)
        return [TocLine(title, v["page"], v["target"], style, **_spacing(v, ink))]


class Footer(Element):
    tag, doc, place = "footer", "Blocks pinned to the bottom of the page (contact, disclaimer); not scaled.", "page"


class Page(Element):
    tag, doc, place = "page", "The root: one page. Holds <brand-header>, one <fit> (or, in a booklet section, one <flow>), then <footer>.", "root"
    content = ("brand-header", "fit", "flow", "footer")
    attrs = (Attr("size", "choice", "paper size", default="letter", choices=("letter", "a4", "half-letter", "a5")),
             Attr("background", "color", "colour of the whole page; runs into the bleed in print-shop copies"),
             Attr("orientation", "choice", "page orientation", default="portrait", choices=("portrait", "landscape")),
             Attr("margin", "length", "margin around the content", default="0.6in"))


ELEMENTS: dict[str, type[Element]] = {cls.tag: cls for cls in (
    Page, BrandHeader, Fit, Footer, H1, H2, H3, P, Ul, Li, B, I, A, Br, Spacer, RuleElement, BoxElement,
    ColumnsElement, Column, PointCard, BodyMapElement, Marker, Img, Qr, Disclaimer, Flow, TocEntry)}


# --- checking -------------------------------------------------------------------------------

def check_tree(root, *, needs_disclaimer: bool = True, may_flow: bool = False) -> list[tuple[int, str, str]]:
    """Every problem in a rendered layout tree, as (line, tag, message)."""
    problems: list[tuple[int, str, str]] = []
    if root.tag != "page":
        problems.append((root.sourceline, root.tag, f"the layout must start with <page>, not <{root.tag}>"))
        return problems
    _check(root, None, problems)
    for flow in (c for c in root if c.tag == "flow" and not may_flow):
        problems.append((flow.sourceline, "flow", "<flow> is only for booklet sections; a one-page handout uses <fit>"))
    bodies = [c for c in root if c.tag in ("fit", "flow")]
    if len(bodies) != 1:
        problems.append((root.sourceline, "page", f"<page> needs exactly one <fit> or <flow>, found {len(bodies)}"))
    if needs_disclaimer and not any(True for _ in root.iter("disclaimer")):
        problems.append((root.sourceline, "page", "the page has no <disclaimer/>; every handout must carry the disclaimer"))
    return problems


def _check(node, parent_cls, problems) -> None:
    if not isinstance(node.tag, str):  # comments and processing instructions
        return
    line, tag = node.sourceline, node.tag
    cls = ELEMENTS.get(tag)
    if cls is None:
        problems.append((line, tag, f"<{tag}> is not a layout element{did_you_mean(tag, ELEMENTS)}"))
        return
    if parent_cls is not None:
        allowed = parent_cls.content
        if isinstance(allowed, tuple):
            ok = tag in allowed
        elif allowed == "inline":
            ok = cls.place == "inline"
        elif allowed == "blocks":
            ok = cls.place == "block"
        else:
            ok = False
        if not ok:
            problems.append((line, tag, f"<{tag}> cannot go inside <{parent_cls.tag}>"))
            return
    declared = {a.name: a for a in cls.attrs}
    for name, raw in node.attrib.items():
        attr = declared.get(name)
        if attr is None:
            problems.append((line, tag, f"<{tag}> has no attribute '{name}'{did_you_mean(name, declared)}"))
            continue
        try:
            attr.parse(raw)
        except AttrError as err:
            problems.append((line, tag, f"<{tag} {name}>: {err}"))
    for attr in cls.attrs:
        if attr.required and attr.name not in node.attrib:
            problems.append((line, tag, f"<{tag}> needs the attribute '{attr.name}' ({attr.doc})"))
    if cls.content != "inline" and (node.text or "").strip():
        problems.append((line, tag, f"text directly inside <{tag}>; put it in a <p>"))
    for child in node:
        if cls.content != "inline" and (child.tail or "").strip():
            problems.append((child.sourceline, tag, f"text directly inside <{tag}>; put it in a <p>"))
        _check(child, cls, problems)


# --- reference ------------------------------------------------------------------------------

def reference_markdown() -> str:
    """The element reference for layout designers, generated from the declarations above."""
    out = ["# Layout elements", "",
           "Generated from `spapress/elements.py` by `python make_pdfs.py --elements`; do not edit by hand.", ""]
    code = lambda text: re.sub(r"(<[a-z0-9/-]+>)", r"`\1`", text)  # noqa: E731 - keep tags literal
    for tag, cls in ELEMENTS.items():
        out.append(f"## `<{tag}>`")
        out.append("")
        out.append(code(cls.doc))
        out.append("")
        if isinstance(cls.content, tuple):
            holds = ", ".join(f"<{t}>" for t in cls.content)
        else:
            holds = {"blocks": "block elements", "inline": "text with <b>, <i>, <a>, <br/>", "none": "nothing (empty)"}[cls.content]
        out.append(f"Holds: {code(holds)}.")
        out.append("")
        if cls.attrs:
            out.append("| attribute | type | required | default | meaning |")
            out.append("|---|---|---|---|---|")
            for a in cls.attrs:
                kind = " \\| ".join(a.choices) if a.choices else a.kind
                out.append(f"| `{a.name}` | {kind} | {'yes' if a.required else 'no'} | {a.default or ''} | {a.doc} |")
            out.append("")
    return "\n".join(out)
