"""Writing PDF objects out: ReportLab's own writer, with quicker paths for what every PDF of a
batch writes again and again, and Flate-only streams.

A client sheet's PDF holds a few hundred numbers (each embedded font's glyph widths) and a few
hundred dictionary keys. ReportLab formats each through a general routine that asks what kind
of thing it is five ways; here a number or a key goes straight to its bytes, and a stream
compressed before is not compressed again. Each quicker routine must give exactly what
ReportLab's gives: install() first writes sample objects both ways and keeps ReportLab's own
where any byte differs (a later ReportLab that writes differently is then simply not sped up).
"""

from __future__ import annotations

import zlib
from collections import OrderedDict
from functools import lru_cache

from reportlab import rl_config
from reportlab.pdfbase import pdfdoc

FLATE_LEVEL = 3  # zlib's default (6) makes a client sheet 3% smaller and takes four times as long

_original = {"format": pdfdoc.format, "array": pdfdoc.PDFArray.format, "dictionary": pdfdoc.PDFDictionary.format}
_fp_str = pdfdoc.fp_str


def _format(element, document, toplevel=0):
    """pdfdoc.format with numbers and bytes first: most of what a PDF holds."""
    kind = type(element)
    if kind is int or kind is float:
        return _fp_str(element).encode("latin-1")
    if kind is bytes:
        return element
    return _original["format"](element, document, toplevel)


@lru_cache(maxsize=1024)
def _name(key: str) -> bytes:
    """A dictionary key as written: the PDF name, escaped as PDFName escapes it."""
    return pdfdoc.pdfdocEnc(pdfdoc.PDFName(key))


def _dictionary_format(self, document, IND=b"\n "):
    values = self.dict
    keys = list(values.keys())
    if not isinstance(values, OrderedDict):
        keys.sort()
    lines = [_name(key) + b" " + _format(values[key], document) for key in keys]
    if (self.multiline and rl_config.pdfMultiLine) or self.multiline == "forced":
        joined = IND.join(lines)
    else:
        for index in reversed(range(6, len(lines), 6)):  # ReportLab breaks the line every six entries
            lines.insert(index, b"\n ")
        joined = b" ".join(lines)
    return b"<<\n" + joined + b"\n>>"


def _array_format(self, document, IND=b"\n "):
    items = [_format(element, document) for element in self.sequence]
    if (self.multiline and rl_config.pdfMultiLine) or self.multiline == "forced":
        joined = IND.join(items)
    else:
        for index in reversed(range(10, len(items), 10)):  # and an array's every ten items
            items.insert(index, b"\n ")
        joined = b" ".join(items)
    return b"[ " + joined + b" ]"


class _KeptFlate(pdfdoc.PDFStreamFilterZCompress):
    """ReportLab's Flate filter, remembering what it compressed last. A batch's PDFs embed the
    same font subsets and colour maps again and again; compressing each once gives the same
    bytes sooner. Installed in place of ReportLab's own (its modules look the filter up by name
    each time they write a stream)."""

    LARGEST = 256 * 1024   # bytes: a bigger stream (a page with a picture drawn inline) is not kept

    def encode(self, text):
        data = text.encode("utf8") if isinstance(text, str) else bytes(text)
        return _flate(data) if len(data) > self.LARGEST else _compressed(data)


def _flate(data: bytes) -> bytes:
    return zlib.compress(data, FLATE_LEVEL)


_compressed = lru_cache(maxsize=64)(_flate)


def _samples() -> list:
    """Objects like those a handout's PDF holds, for comparing two ways of writing them: with
    ReportLab's usual line breaks, and one per entry (as its pdfMultiLine setting asks, here
    asked of the objects themselves so that no setting of the whole process changes)."""
    widths = pdfdoc.PDFArray([0, 250, 333.5, 1000, -12, 0.001, 2 ** 31, 7.25, 600, 610, 620, 630, 640])
    named = pdfdoc.PDFDictionary({"Type": "/Font", "Widths": widths, "First Char": 0, "A(b)#%": b"raw",
                                  "Ratio": 0.3333333, "Name": pdfdoc.PDFString("caf\u00e9 (x)"),
                                  "Keys": pdfdoc.PDFArray(["/A", "/B"]), "Empty": pdfdoc.PDFArray([])})
    ordered = pdfdoc.PDFDictionary()
    ordered.dict = OrderedDict([("Z", 1), ("A", named), ("Q", 12.5)])
    compact = pdfdoc.PDFArrayCompact(list(range(25)))
    forced = pdfdoc.PDFDictionary({"Longer": 1, "B": 2, "C": widths, "D": 4, "E": 5, "F": 6, "G": 7})
    forced.multiline = "forced"
    lines = pdfdoc.PDFArray(list(range(12)) + [named])
    lines.multiline = "forced"
    return [widths, named, ordered, compact, forced, lines, pdfdoc.PDFArray([named, widths, 3, "x", b"y"])]


def _written(samples: list) -> list[bytes]:
    document = pdfdoc.PDFDocument(invariant=1)
    return [pdfdoc.format(sample, document) for sample in samples]


def install() -> bool:
    """Use the quicker routines if they write the samples exactly as ReportLab does; True if
    they are in use. Streams are Flate alone either way."""
    # Flate alone: ReportLab's default adds an ASCII85 layer on top, which makes each page stream
    # a quarter bigger and slower to write and to read back, for 7-bit safety no printer or
    # viewer has needed for decades. (Art drawn with pictures inside needs it back for a moment:
    # see flowables.render_drawing.)
    rl_config.useA85 = 0
    pdfdoc.PDFZCompress = _KeptFlate()
    if pdfdoc.format is _format:
        return True
    samples = _samples()
    try:
        expected = _written(samples)
        pdfdoc.format, pdfdoc.PDFArray.format, pdfdoc.PDFDictionary.format = _format, _array_format, _dictionary_format
        if _written(samples) != expected:
            raise ValueError("written differently")
    except Exception:  # any difference, or a ReportLab whose objects are built differently: its own way
        pdfdoc.format = _original["format"]
        pdfdoc.PDFArray.format, pdfdoc.PDFDictionary.format = _original["array"], _original["dictionary"]
        return False
    return True
