"""A layout's style sheet (YAML, with `parent:` inheritance) turned into ReportLab paragraph styles."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Mapping as TMapping

from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

from ..errors import ContentError, Problem
from ..content.load import BRAND_COLOR
from ..content.schema import INVALID, Choice, Field, Flag, Mapping, Number, Text, did_you_mean
from ..content.yamlsrc import YamlSyntaxError, read_yaml

ALIGNMENTS = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT, "justify": TA_JUSTIFY}

# A key a style leaves out comes from its parent; a style without a parent starts from these defaults.
STYLE = Mapping({
    "parent": Field(Text(40), required=False, doc="another style this one starts from"),
    "font": Field(Choice(("body", "heading")), required=False, default="body", doc="which brand family"),
    "bold": Field(Flag(), required=False, default=False, doc="bold type"),
    "italic": Field(Flag(), required=False, default=False, doc="italic type"),
    "size": Field(Number(4, 96), required=False, default=10.0, doc="font size in points"),
    "leading": Field(Number(0.8, 3), required=False, default=1.35, doc="line height as a multiple of size"),
    "color": Field(BRAND_COLOR, required=False, default="ink", doc="a brand colour name or #RRGGBB"),
    "align": Field(Choice(tuple(ALIGNMENTS)), required=False, default="left", doc="left, center, right or justify"),
    "space_before": Field(Number(0, 72), required=False, default=0.0, doc="points of space above"),
    "space_after": Field(Number(0, 72), required=False, default=0.0, doc="points of space below"),
    "indent": Field(Number(0, 72), required=False, default=0.0, doc="left indent in points"),
    "upper": Field(Flag(), required=False, default=False, doc="print in capitals"),
})
ROOT = {name: spec.default for name, spec in STYLE.fields.items() if name != "parent"}


class _NamedStyles(Mapping):
    """Any names are allowed here; each value is checked against STYLE separately."""

    label = "named styles"

    def __call__(self, value, line, report):
        if not isinstance(value, dict) or not value:
            report(line, "expected named styles (name: {size: ..., ...})")
            return INVALID
        return value


STYLE_SHEET = Mapping({
    "body_size": Field(Number(5, 30), doc="the body size the layout is designed at, in points"),
    "min_body_size": Field(Number(4, 30), required=False, default=9.0,
                           doc="smallest body size allowed when shrinking to fit one page"),
    "pages": Field(Number(1, 2), required=False, default=1.0,
                   doc="pages a handout in this layout may run to (1 or 2, printed both sides); with 2 the body "
                       "is a <flow> that keeps the design size instead of a <fit> that shrinks"),
    "styles": Field(_NamedStyles(), doc="named styles; 'body' is required"),
})

REQUIRED_STYLES = ("body",)


@dataclass(frozen=True)
class StyleSpec:
    """A fully resolved style (inheritance applied), before scaling."""

    font: str
    bold: bool
    italic: bool
    size: float
    leading: float
    color: str
    align: str
    space_before: float
    space_after: float
    indent: float
    upper: bool


@dataclass(frozen=True)
class StyleSheet:
    source: str
    body_size: float
    min_body_size: float
    specs: TMapping[str, StyleSpec]
    pages: int = 1  # the most pages a handout in this layout may run to

    def spec(self, name: str) -> StyleSpec:
        return self.specs[name]


def load_style_sheet(path: Path, shown: str) -> StyleSheet:
    """Read and resolve a layout's styles.yaml; raise ContentError with every problem."""
    problems: list[Problem] = []
    report = lambda line, message: problems.append(Problem(shown, line, message))  # noqa: E731
    try:
        raw = read_yaml(path, shown, keep=True)
    except YamlSyntaxError as err:
        raise ContentError([err.problem]) from None
    if not isinstance(raw, dict):
        raise ContentError([Problem(shown, 1, "must be a mapping with body_size, min_body_size and styles")])
    styles_raw = raw.get("styles")
    top = STYLE_SHEET(raw, 1, report)
    specs: dict[str, StyleSpec] = {}
    if top is not INVALID:
        checked = {}  # name -> (the keys it gives, or INVALID when they were reported, its line)
        for name, value in styles_raw.items():
            data = STYLE(value, styles_raw.key_lines.get(name), report)
            given = INVALID if data is INVALID else {key: data[key] for key in value}
            checked[name] = (given, styles_raw.key_lines.get(name))
        for name in REQUIRED_STYLES:
            if name not in styles_raw:
                report(styles_raw.line, f"missing the required style '{name}'")
        for name in checked:
            spec = _resolve(name, checked, report, ())
            if spec is not None:
                specs[name] = spec
        if top["min_body_size"] > top["body_size"]:
            report(raw.key_lines.get("min_body_size"), "min_body_size is larger than body_size; lower it")
    if problems:
        raise ContentError(problems)
    return StyleSheet(shown, top["body_size"], top["min_body_size"], specs, int(top["pages"]))


def _resolve(name, checked, report, chain) -> StyleSpec | None:
    """The style with its parents' keys filled in; None if it or a parent has a problem (already reported)."""
    data, line = checked[name]
    if data is INVALID:
        return None
    parent = data.get("parent")
    if parent in chain + (name,):
        report(line, f"style '{name}' inherits from itself through '{parent}'")
        return None
    if parent is None:
        base = dict(ROOT)
    elif parent not in checked:
        report(line, f"style '{name}' has unknown parent '{parent}'{did_you_mean(parent, checked)}")
        return None
    else:
        resolved = _resolve(parent, checked, report, chain + (name,))
        if resolved is None:
            return None
        base = dict(resolved.__dict__)
    base.update({k: v for k, v in data.items() if k != "parent"})
    return StyleSpec(**base)


def color_of(value: str, palette: TMapping[str, str]):
    """A brand colour name or hex string as a ReportLab colour."""
    return HexColor(palette.get(value, value))


@lru_cache(maxsize=4096)
def paragraph_style(spec: StyleSpec, scale: float, font_name: str, palette_items: tuple) -> ParagraphStyle:
    """The ReportLab style for spec at a scale; cached because fitting asks for it many times."""
    palette = dict(palette_items)
    size = round(spec.size * scale, 2)
    return ParagraphStyle(
        name="press",
        fontName=font_name,
        fontSize=size,
        leading=round(size * spec.leading, 2),
        textColor=color_of(spec.color, palette),
        alignment=ALIGNMENTS[spec.align],
        spaceBefore=spec.space_before * scale,
        spaceAfter=spec.space_after * scale,
        leftIndent=spec.indent * scale,
        bulletFontName=font_name,
        bulletFontSize=size,
        bulletIndent=0,
        bulletColor=color_of(spec.color, palette),
        splitLongWords=1,
        allowWidows=1,
    )
