"""Register the brand's TrueType families with ReportLab and check text against their glyphs."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from .model import FontFamily


class FontProblem(Exception):
    """A font file cannot be used, or text needs a glyph the font lacks."""


@dataclass(frozen=True)
class Faces:
    """ReportLab names of a registered family, by style."""

    regular: str
    bold: str
    italic: str
    bold_italic: str

    def pick(self, bold: bool, italic: bool) -> str:
        return (self.bold_italic if italic else self.bold) if bold else (self.italic if italic else self.regular)


@lru_cache(maxsize=None)
def _register_file(path: Path) -> str:
    name = path.stem
    existing = pdfmetrics._fonts.get(name)
    if existing is not None and getattr(existing, "_press_path", None) != path:
        name = f"{path.stem}-{zlib.crc32(str(path).encode()):08x}"  # same file name, different file
    try:
        font = TTFont(name, str(path))
    except (TTFError, OSError, ValueError) as err:
        raise FontProblem(f"font file {path.name} cannot be used: {err}") from None
    font._press_path = path
    pdfmetrics.registerFont(font)
    return name


@lru_cache(maxsize=None)
def register_family(family: FontFamily) -> Faces:
    """Register (once per process) the four files of a family; bold/italic tags then find them."""
    faces = Faces(*(_register_file(p) for p in (family.regular, family.bold, family.italic, family.bold_italic)))
    for bold, italic, name in ((0, 0, faces.regular), (1, 0, faces.bold), (0, 1, faces.italic), (1, 1, faces.bold_italic)):
        addMapping(faces.regular, bold, italic, name)
    return faces


@lru_cache(maxsize=None)
def _glyphs(font_name: str) -> frozenset[int]:
    return frozenset(pdfmetrics.getFont(font_name).face.charToGlyph)


def check_glyphs(text: str, font_name: str) -> None:
    """Fail, naming the character, when the font cannot draw some of text."""
    have = _glyphs(font_name)
    for char in text:
        if ord(char) not in have and char not in "\n\t\r":
            label = pdfmetrics.getFont(font_name).face.name
            if isinstance(label, bytes):
                label = label.decode("latin-1")
            raise FontProblem(f"the character '{char}' (U+{ord(char):04X}) is not in the font {label}; "
                              f"remove it or choose a font that has it")
