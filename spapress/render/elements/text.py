"""Text elements: paragraphs, headings, lists, and the inline <b>, <i>, <a> and <br/>."""

from __future__ import annotations

from typing import ClassVar
from ..markup import escape

from ...content.schema import did_you_mean
from ...content.rules import LINK
from ..fonts import check_glyphs
from ..paragraphs import KeptParagraph
from .base import COLOR, STYLE, TEXT, Attr, AttrError, Element, Ink, _face, build_blocks, inline_markup

class TextBlock(Element):
    attrs = (Attr("style", STYLE, "name of a style in the layout's styles.yaml"),)
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
        paragraph = KeptParagraph(inline_markup(node, ink, name), ink.paragraph_style(name))
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
    attrs = TextBlock.attrs + (Attr("bullet", TEXT, "the bullet character", default="•"),)

    @classmethod
    def build(cls, node, ink):
        name = cls.style_name(node, ink)
        bullet = node.get("bullet", "•")
        check_glyphs(bullet, _face(ink, name))
        style = ink.paragraph_style(name)
        return [KeptParagraph(inline_markup(node, ink, name), style, bulletText=escape(bullet))]


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
    attrs = (Attr("href", LINK, "where it leads: https://…, mailto:… or tel:…", required=True),
             Attr("color", COLOR, "link colour: a brand colour name or #RRGGBB"))


class Br(Element):
    tag, doc, content, place = "br", "A line break, inside a text element.", "none", "inline"


