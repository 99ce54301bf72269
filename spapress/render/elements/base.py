"""The vocabulary's foundations: declared attributes, the Element base class, the Ink elements
draw with, and inline text (escaped, glyph-checked) shared by every element that prints text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, ClassVar, Mapping
from ..markup import escape

from ...content.load import BRAND_COLOR
from ...content.model import Brand, Project
from ...content.schema import AnyText, Check, Choice, NumberText
from ...content.rules import Length, Name, RelativeFile, Width
from ..fonts import Faces, check_glyphs
from ..styles import StyleSheet, color_of, paragraph_style

# The attribute types elements share, each a check from content/schema.py (links use its LINK).
TEXT, STYLE, NAME = AnyText(), AnyText("style"), Name()
LENGTH, SPACE = Length(), Length("space")  # a space scales with the text; a length does not
WIDTH, NUMBER = Width(), NumberText()
COLOR = BRAND_COLOR
LAYOUT_FILE = RelativeFile("layouts")
PLACEMENT = Choice(("left", "center", "right"))
YES_NO = Choice(("yes", "no"))


class AttrError(ValueError):
    """An attribute value is wrong; the message says what is expected."""


def _refuse(_line, message):
    raise AttrError(message)


@dataclass(frozen=True)
class Attr:
    """One declared attribute: `check` reads its text; `default` is text, read the same way."""

    name: str
    check: Check
    doc: str
    required: bool = False
    default: str | None = None

    def parse(self, raw: str) -> Any:
        """The attribute's value; AttrError says what is wrong with the text."""
        return self.check(raw.strip(), None, _refuse)


@dataclass
class Ink:
    """Everything an element needs to become flowables: brand, styles, fonts and the current scale."""

    brand: Brand
    styles: StyleSheet
    faces: Mapping[str, Faces]
    project: Project
    scale: float = 1.0
    # What one page's elements worked out that does not depend on the scale (their paragraph
    # markup), kept while fitting tries several scales: copies made with replace() share it.
    memo: dict = field(default_factory=dict, repr=False, compare=False)
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


def inline_markup(node, ink: Ink, style_name: str) -> str:
    """Turn an element's mixed content into ReportLab paragraph markup, escaping every text.

    Content text can contain '<', '&' or anything else: it is escaped here, so it is always
    printed literally.  Each piece of text is checked against the face it will be drawn in.
    """
    key = ("markup", node, style_name)
    if key not in ink.memo:
        ink.memo[key] = _markup(node, ink, style_name)
    return ink.memo[key]


def _markup(node, ink: Ink, style_name: str) -> str:
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


NBSP = "\u00a0"
# A run of digit groups separated by single spaces, such as (402) 384-8400 or +44 20 7946 0958.
_NUMBER_RUN = re.compile(r"(?<![\w(])[+(]?\d[\d)\-.]*(?: \(?\d[\d)\-.]*)+")
# A number (or range, such as 1–2 or 4-6) and the unit after it.
_QUANTITY = re.compile(r"(?<![\w.])(\$?\d[\d.,]*(?:[–-]\d[\d.,]*)?) (?=(?:min|mins|minutes?|hours?|hrs?|secs?|seconds?|"
                       r"days?|weeks?|months?|years?|times|pt|in|mm|cm|kg|lb|%|am|pm|a\.m\.|p\.m\.)(?!\w))")


def keep_together(text: str) -> str:
    """Text with non-breaking spaces where a line must not break: inside phone numbers (a run of
    digit groups holding at least seven digits) and between a number and its unit ("1–2 min")."""
    def phone(match):
        run = match.group(0)
        return run.replace(" ", NBSP) if sum(c.isdigit() for c in run) >= 7 else run

    return _QUANTITY.sub(lambda m: m.group(1) + NBSP, _NUMBER_RUN.sub(phone, text))


def _text(text: str | None, font_name: str, upper: bool) -> str:
    """Text as paragraph markup in font_name: kept together where it must not break, checked
    against the font's glyphs, escaped."""
    return _marked_up(text, font_name, upper) if text else ""


@lru_cache(maxsize=1024)  # every sheet of a batch sets the same handout texts again
def _marked_up(text: str, font_name: str, upper: bool) -> str:
    if upper:
        text = text.upper()
    text = keep_together(text)
    check_glyphs(text, font_name)
    return escape(text)


def _style_or_fallback(ink: Ink, *names: str) -> str:
    """The first of names the layout's style sheet defines, else 'body' (which it must)."""
    return next((name for name in names if name in ink.styles.specs), "body")


def _face(ink: Ink, style_name: str) -> str:
    spec = ink.spec(style_name)
    return ink.faces[spec.font].pick(spec.bold, spec.italic)


SPACE_ATTRS = (
    Attr("space-before", SPACE, "space above, in points or with a unit (scales with the text)", default="0"),
    Attr("space-after", SPACE, "space below (scales with the text)", default="0"),
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


# Every element class by its tag, filled in by the package (in the order the reference lists them).
ELEMENTS: dict[str, type[Element]] = {}
