"""Register the brand's TrueType families with ReportLab and check text against their glyphs."""

from __future__ import annotations

import marshal
import struct
import zlib
from dataclasses import dataclass
from fnmatch import fnmatch
from functools import lru_cache, partial
from pathlib import Path
from weakref import WeakKeyDictionary

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import (TTEncoding, TTFError, TTFNameBytes, TTFont, TTFontFace,
                                       unShapedFontGlob)

from ..content.model import FontFamily
from .. import cache
from .inputs import InputProblem, check_font


class FontProblem(Exception):
    """A font file cannot be used, or text needs a glyph the font lacks (then `char` is that character)."""

    def __init__(self, message: str, char: str | None = None):
        super().__init__(message)
        self.char = char


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
        check_font(path)
        font = _load_font(name, path)
    except InputProblem as err:
        raise FontProblem(f"font file {path.name} cannot be used: it {err.message}") from None
    except (TTFError, OSError, ValueError, struct.error) as err:
        raise FontProblem(f"font file {path.name} cannot be used: {err}") from None
    font._press_path = path
    font.face.makeSubset = _remembered(font.face.makeSubset)
    pdfmetrics.registerFont(font)
    return name


def _load_font(name: str, path: Path) -> TTFont:
    """The font file as a ReportLab TrueType font whose subsets hold only the glyphs used. Its
    parsed tables (what ReportLab reads from the file before it can measure a word) come from
    the on-disk cache when this file was parsed before by the same software, else are parsed
    here and kept there."""
    data = path.read_bytes()
    entry = cache.entry_name("font", data)
    face = _cached_face(entry, path, data)
    if face is None:
        font = TTFont(name, str(path), asciiReadable=False)
        _keep_face(entry, font.face)
        return font
    return _CachedFont(name, face)


class _CachedFont(TTFont):
    """A TTFont built around a face read from the cache (TTFont's own constructor parses the file)."""

    def __init__(self, name: str, face: TTFontFace):
        self.fontName = name
        self.face = face
        self.encoding = TTEncoding()
        self.state = WeakKeyDictionary()
        self._asciiReadable = False
        self.shapable = not any(fnmatch(name, pattern) for pattern in unShapedFontGlob)


_NOT_KEPT = ("_ttf_data", "_pdfScale")  # the file's bytes (read again) and a function (made again)


def _keep_face(entry: str, face: TTFontFace) -> None:
    names = {key: value.ustr for key, value in vars(face).items() if isinstance(value, TTFNameBytes)}
    plain = {key: value for key, value in vars(face).items() if key not in _NOT_KEPT and key not in names}
    try:
        data = marshal.dumps((cache.FORMAT, names, plain))
    except ValueError:  # something marshal cannot hold: this face is simply parsed each run
        return
    if marshal.loads(data)[2] == plain:
        cache.write(entry, data)


def _cached_face(entry: str, path: Path, data: bytes) -> TTFontFace | None:
    raw = cache.read(entry)
    if raw is None:
        return None
    try:
        version, names, plain = marshal.loads(raw)  # plain data only: marshal builds no other objects
    except (ValueError, EOFError, TypeError):
        return None
    if version != cache.FORMAT or not isinstance(names, dict) or not isinstance(plain, dict):
        return None
    face = TTFontFace.__new__(TTFontFace)
    face.__dict__.update(plain)
    face.__dict__.update({key: TTFNameBytes(value.encode("utf-8")) for key, value in names.items()})
    face._ttf_data = data
    face.filename = str(path)
    per_em = face.unitsPerEm
    face._pdfScale = (lambda x: x) if per_em == 1000 else partial(_scaled, 1000 / per_em)
    return face


def _scaled(factor: float, value: float) -> float:
    return value * factor


SUBSETS_KEPT = 16  # per face: the glyph subsets of recent PDFs, a few hundred KB at most


def _remembered(make_subset):
    """A face's makeSubset that makes each subset (a list of glyph codes) once: it depends on
    nothing else, so PDFs that use the same glyphs in the same order (every copy of a handout,
    the headings of a batch) share the work and come out byte for byte the same."""
    by_glyphs = lru_cache(maxsize=SUBSETS_KEPT)(lambda glyphs: make_subset(list(glyphs)))
    return lambda subset: by_glyphs(tuple(subset))


@lru_cache(maxsize=None)
def register_family(family: FontFamily) -> Faces:
    """Register (once per process) the four files of a family; bold/italic tags then find them."""
    faces = Faces(*(_register_file(p) for p in (family.regular, family.bold, family.italic, family.bold_italic)))
    for bold, italic, name in ((0, 0, faces.regular), (1, 0, faces.bold), (0, 1, faces.italic), (1, 1, faces.bold_italic)):
        addMapping(faces.regular, bold, italic, name)
    return faces


_BREAKS = frozenset(map(ord, "\n\t\r"))


@lru_cache(maxsize=None)
def _glyphs(font_name: str) -> frozenset[int]:
    return frozenset(pdfmetrics.getFont(font_name).face.charToGlyph)


@lru_cache(maxsize=2048)  # the same texts are checked on every page and at every size tried
def first_missing(text: str, font_names: tuple[str, ...]) -> str | None:
    """The first character of text that one of the fonts cannot draw (line breaks and tabs aside)."""
    codes = set(map(ord, text)) - _BREAKS
    lacking = set().union(*(codes - _glyphs(name) for name in font_names))
    return next((char for char in text if ord(char) in lacking), None) if lacking else None


def font_label(font_name: str) -> str:
    """The font's own name, as a person would recognise it."""
    label = pdfmetrics.getFont(font_name).face.name
    return label.decode("latin-1") if isinstance(label, bytes) else str(label)


def check_glyphs(text: str, font_name: str) -> None:
    """Fail, naming the character, when the font cannot draw some of text."""
    char = first_missing(text, (font_name,))
    if char is not None:
        raise FontProblem(f"the character '{char}' (U+{ord(char):04X}) is not in the font {font_label(font_name)}; "
                          f"remove it or choose a font that has it", char)
