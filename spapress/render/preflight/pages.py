"""A PDF's pages as the checks need them: size, fonts and the decoded content stream.

The press's own PDFs (ReportLab's, and pypdf's imposed copies) are plain: numbered objects, a
trailer, page streams compressed with Flate. Those are read here directly, which takes a
fraction of the time and memory pypdf needs just to load. Anything else (object streams,
encryption, filters other than Flate and ASCII85, a damaged file) is handed to pypdf, which
reads every PDF; the checks see the same PageParts either way.
"""

from __future__ import annotations

import base64
import re
import zlib
from dataclasses import dataclass

from .operators import NUMBER, WHITE, hex_string, name_of


@dataclass(frozen=True)
class FontParts:
    base_font: str
    first_char: int
    widths: tuple[float, ...]
    to_unicode: bytes | None   # the decoded ToUnicode map, if any


@dataclass(frozen=True)
class PageParts:
    media_box: tuple[float, ...]
    fonts: dict            # resource name ('/F1') -> FontParts
    contents: bytes | None


def read_pages(data: bytes) -> list[PageParts]:
    try:
        return _PlainPdf(data).pages()
    except (_NotPlain, zlib.error, ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
        return _pages_by_pypdf(data)   # pypdf says best what is wrong with a damaged file


class _NotPlain(Exception):
    """Something the direct reading does not handle: pypdf reads the file instead."""


@dataclass(frozen=True)
class _Ref:
    number: int


@dataclass(frozen=True)
class _Stream:
    info: dict
    raw: bytes


# White space and comments before a token are skipped one way only ("[ws]*(%comment[ws]*)*"):
# a pattern that could split a run of spaces several ways took seconds on a few dozen of them.
_TOKEN = re.compile(rb"[%s]*(?:%%[^\r\n]*[%s]*)*(?:(<<|>>|\[|\]|\()|(<[0-9A-Fa-f%s]*>)|(/[^%s()<>\[\]{}/%%]*)"
                    rb"|(%s)|([A-Za-z]+))" % (WHITE, WHITE, WHITE, WHITE, NUMBER))
_OBJECT = re.compile(rb"[%s]*(\d+)[%s]+\d+[%s]+obj\b" % (WHITE, WHITE, WHITE))
# An array of plain numbers (a font's widths, a media box), up to its "]": read in one go, where
# reading it token by token would look past every number for an "N G R" reference.
# Each number is followed by white space or the "]", and its digits match one way only, so a
# long run that is not such an array fails in time proportional to its length.
_NUMBERS_ARRAY = re.compile(rb"[%s]*(?:%s(?:[%s]+%s)*)?[%s]*\]" % (WHITE, NUMBER, WHITE, NUMBER, WHITE))
_NUMBER = re.compile(NUMBER)
_XREF = re.compile(rb"xref[%s]+" % WHITE)
_SECTION = re.compile(rb"(\d+)[ ]+(\d+)[%s]+" % WHITE)
_ENTRY = re.compile(rb"(\d{10}) \d{5} ([nf])")
_STRING = re.compile(rb"(?:[^\\()]|\\.)*\)", re.S)
_INHERITED = ("/Resources", "/MediaBox")


class _PlainPdf:
    def __init__(self, data: bytes):
        self.data = data
        self.offsets = self._cross_references()
        self.objects: dict[int, object] = {}

    def _cross_references(self) -> dict[int, int]:
        """Where each object starts, from the one classic cross-reference table the file ends with."""
        start = self.data.rfind(b"startxref")
        found = re.match(rb"startxref[%s]+(\d+)" % WHITE, self.data[start:start + 40]) if start >= 0 else None
        table = _XREF.match(self.data, int(found.group(1))) if found else None
        if table is None:
            raise _NotPlain   # a cross-reference stream (PDF 1.5 and later)
        offsets, at = {}, table.end()
        while (section := _SECTION.match(self.data, at)) is not None:
            first, count = int(section.group(1)), int(section.group(2))
            at = section.end()
            for number in range(first, first + count):
                entry = _ENTRY.match(self.data, at)
                if entry is None:
                    raise _NotPlain
                if entry.group(2) == b"n":
                    offsets[number] = int(entry.group(1))
                at = entry.end()
                while self.data[at:at + 1] in (b" ", b"\r", b"\n"):
                    at += 1
        self.trailer_at = at
        return offsets

    def pages(self) -> list[PageParts]:
        if not self.data.startswith(b"trailer", self.trailer_at):
            raise _NotPlain
        info, _ = self._value(self.trailer_at + len(b"trailer"))
        if not isinstance(info, dict) or "/Encrypt" in info or "/Prev" in info:
            raise _NotPlain
        root = self.get(info.get("/Root"))
        found: list[PageParts] = []
        self._walk(self.get(root.get("/Pages")) if isinstance(root, dict) else None, {}, found, 0)
        return found

    def _walk(self, node, inherited: dict, found: list, depth: int) -> None:
        if not isinstance(node, dict) or depth > 64:
            raise _NotPlain
        here = dict(inherited, **{key: node[key] for key in _INHERITED if key in node})
        if node.get("/Type") == "/Pages":
            for kid in self.get(node.get("/Kids")) or []:
                self._walk(self.get(kid), here, found, depth + 1)
            return
        media = tuple(float(self.get(v)) for v in self.get(here.get("/MediaBox")) or ())
        resources = self.get(here.get("/Resources")) or {}
        fonts = {name: self._font(self.get(font)) for name, font in (self.get(resources.get("/Font")) or {}).items()}
        contents = self.get(node.get("/Contents"))
        parts = contents if isinstance(contents, list) else [contents] if contents is not None else []
        streams = [self._decoded(self.get(part)) for part in parts]
        found.append(PageParts(media, fonts, b"\n".join(streams) if streams else None))

    def _font(self, font) -> FontParts:
        if not isinstance(font, dict):
            raise _NotPlain
        cmap = self.get(font.get("/ToUnicode"))
        return FontParts(str(font.get("/BaseFont", "")), int(self.get(font.get("/FirstChar", 0))),
                         tuple(float(self.get(w)) for w in self.get(font.get("/Widths")) or ()),
                         self._decoded(cmap) if cmap is not None else None)

    def _decoded(self, stream) -> bytes:
        if not isinstance(stream, _Stream):
            raise _NotPlain
        filters = self.get(stream.info.get("/Filter"))
        data = stream.raw
        for name in filters if isinstance(filters, list) else [filters] if filters else []:
            if name == "/FlateDecode" and "/DecodeParms" not in stream.info:
                data = zlib.decompress(data)
            elif name == "/ASCII85Decode":
                data = base64.a85decode(data.strip().removesuffix(b"~>"), ignorechars=WHITE)
            else:
                raise _NotPlain
        return data

    def get(self, value):
        """A value with an indirect reference followed to the object it names."""
        for _ in range(32):
            if not isinstance(value, _Ref):
                return value
            value = self._object(value.number)
        raise _NotPlain

    def _object(self, number: int):
        if number not in self.objects:
            if number not in self.offsets:
                raise _NotPlain
            header = _OBJECT.match(self.data, self.offsets[number])
            if header is None or int(header.group(1)) != number:
                raise _NotPlain
            value, at = self._value(header.end())
            if isinstance(value, dict):
                keyword = _TOKEN.match(self.data, at)
                if keyword is not None and keyword.group(5) == b"stream":
                    value = self._stream(value, keyword.end())
            self.objects[number] = value
        return self.objects[number]

    def _stream(self, info: dict, at: int) -> _Stream:
        if self.data[at:at + 2] == b"\r\n":
            at += 2
        elif self.data[at:at + 1] in (b"\n", b"\r"):
            at += 1
        length = self.get(info.get("/Length"))
        if not isinstance(length, float) or at + int(length) > len(self.data):
            raise _NotPlain
        return _Stream(info, self.data[at:at + int(length)])

    def _value(self, at: int):
        """The value starting at `at` and where it ends; 'N G R' is a reference."""
        token = _TOKEN.match(self.data, at)
        if token is None:
            raise _NotPlain
        bracket, hexa, name, number, word = token.groups()
        at = token.end()
        if number is not None:
            after = _TOKEN.match(self.data, at)
            if after is not None and after.group(4) is not None and "." not in number.decode():
                ref = _TOKEN.match(self.data, after.end())
                if ref is not None and ref.group(5) == b"R":
                    return _Ref(int(number)), ref.end()
            return float(number), at
        if name is not None:
            return name_of(name), at
        if hexa is not None:
            return hex_string(hexa[1:-1]), at
        if bracket == b"(":
            string = _STRING.match(self.data, at)
            if string is None:
                raise _NotPlain   # parentheses nested inside: not in anything the checks read
            return string.group()[:-1], string.end()
        if bracket == b"[":
            numbers = _NUMBERS_ARRAY.match(self.data, at)
            if numbers is not None:
                return [float(n) for n in _NUMBER.findall(numbers.group())], numbers.end()
            items = []
            while (close := _TOKEN.match(self.data, at)) is not None and close.group(1) != b"]":
                item, at = self._value(at)
                items.append(item)
            if close is None:
                raise _NotPlain
            return items, close.end()
        if bracket == b"<<":
            entries = {}
            while (close := _TOKEN.match(self.data, at)) is not None and close.group(1) != b">>":
                key, at = self._value(at)
                if not isinstance(key, str):
                    raise _NotPlain
                entries[key], at = self._value(at)
            if close is None:
                raise _NotPlain
            return entries, close.end()
        if word in (b"true", b"false"):
            return word == b"true", at
        if word == b"null":
            return None, at
        raise _NotPlain


def _pages_by_pypdf(data: bytes) -> list[PageParts]:
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    pages = []
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        fonts = {}
        for name, font in (resources.get("/Font") or {}).items():
            font = font.get_object()
            cmap = font["/ToUnicode"].get_object().get_data() if "/ToUnicode" in font else None
            fonts[str(name)] = FontParts(str(font.get("/BaseFont", "")), int(font.get("/FirstChar", 0)),
                                         tuple(float(w) for w in font.get("/Widths", [])), cmap)
        contents = page.get_contents()
        pages.append(PageParts(tuple(float(v) for v in page.mediabox), fonts,
                               contents.get_data() if contents is not None else None))
    return pages
