"""The checks' own reading of content streams (render/preflight/operators.py) against pypdf's,
on the press's real PDFs and on streams with every kind of token ReportLab and others write."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, ContentStream, DictionaryObject

from spapress.render.preflight.operators import operations


def plain(value):
    """A pypdf operand as the press's reader gives it: numbers as floats, names as text,
    strings as bytes, arrays as lists, dictionaries as None."""
    if isinstance(value, ArrayObject):
        return [plain(item) for item in value]
    if isinstance(value, DictionaryObject):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    original = getattr(value, "original_bytes", None)
    if original is not None:
        return bytes(original)
    return str(value)


def by_pypdf(reader: PdfReader, contents) -> list:
    ops = []
    for operands, operator in ContentStream(contents, reader).operations:
        if operator in (b"INLINE IMAGE", "INLINE IMAGE"):
            operator = b"EI"
        ops.append(([plain(o) for o in operands], operator.decode("latin-1")))
    return ops


def test_every_page_the_press_builds_reads_as_pypdf_reads_it(site):
    assert site.run("--large-print", "--impose", "-q").code == 0
    pdfs = sorted(site.out.rglob("*.pdf"))
    assert len(pdfs) >= 10
    pages = 0
    for pdf in pdfs:
        reader = PdfReader(io.BytesIO(pdf.read_bytes()))
        for page in reader.pages:
            contents = page.get_contents()
            assert operations(contents.get_data()) == by_pypdf(reader, contents), pdf.name
            pages += 1
    assert pages >= 20


@pytest.mark.parametrize("stream, expected", [
    (rb"BT /F1 12 Tf (a\(b\)c) Tj ET", [([], "BT"), (["/F1", 12.0], "Tf"), ([b"a(b)c"], "Tj"), ([], "ET")]),
    (rb"(\101\102\n\\) Tj", [([b"AB\n\\"], "Tj")]),
    (rb"(nested (paren) inside) Tj", [([b"nested (paren) inside"], "Tj")]),
    (b"(line \\\ncontinued) Tj", [([b"line continued"], "Tj")]),
    (rb"(odd \q escape) Tj", [([b"odd q escape"], "Tj")]),
    (rb"[(A) -250.5 (B)] TJ", [([[b"A", -250.5, b"B"]], "TJ")]),
    (rb"<48 65 6c6C 6> Tj", [([b"Hell`"], "Tj")]),
    (rb"() Tj", [([b""], "Tj")]),
    (rb"/F#31 12 Tf (a\8b) Tj", [(["/F1", 12.0], "Tf"), ([b"a8b"], "Tj")]),
    (b".5 -.25 +3 rg % a comment\nq", [([0.5, -0.25, 3.0], "rg"), ([], "q")]),
    (rb"/Span << /ActualText (x) /N << /D 1 >> >> BDC EMC", [(["/Span", None], "BDC"), ([], "EMC")]),
    (b"q BI /W 1 /H 1 /BPC 8 /CS /G ID \x00\xff EI Q", [([], "q"), ([], "BI"),
                                                     (["/W", 1.0, "/H", 1.0, "/BPC", 8.0, "/CS", "/G"], "ID"),
                                                     ([], "Q")]),
    (b"1 0 0 1 0 0 cm T* ' 0 0 (x) \" d0", [([1.0, 0.0, 0.0, 1.0, 0.0, 0.0], "cm"), ([], "T*"), ([], "'"),
                                             ([0.0, 0.0, b"x"], '"'), ([], "d0")]),
])
def test_each_kind_of_token(stream, expected):
    assert operations(stream) == expected


@pytest.mark.parametrize("stream", [rb"(never closed Tj", rb"[(A) Tj", rb"<< /A 1 BDC", rb"] Tj"])
def test_a_damaged_stream_is_read_as_far_as_it_goes_without_an_error(stream):
    assert isinstance(operations(stream), list)


def test_the_quick_reading_and_the_careful_one_agree_on_thousands_of_made_up_streams():
    import random

    from spapress.render.preflight import operators

    pieces = [b"1", b"0", b"-2.5", b".5", b"3.", b"+4", b"/F1", b"/A#31", b"(x)", b"(a\\(b)", b"(\\101)", b"<4142>",
              b"[", b"]", b"cm", b"Tj", b"TJ", b"q", b"re", b"T*", b"'", b'"', b"d0", b"0g", b"%c\n", b"()",
              b"(a\\\\)", b"\x00", b"\t"]
    chance = random.Random(7)
    compared = 0
    for _ in range(5000):
        stream = b"".join(chance.choice(pieces) + chance.choice([b" ", b"", b"\n"]) for _ in range(chance.randint(1, 25)))
        try:
            quick = operators._quick(stream)
        except operators._Unusual:
            continue
        assert quick == list(operators._careful(stream)), stream
        compared += 1
    assert compared > 1000


def test_hostile_runs_of_digits_numbers_and_spaces_are_read_in_time_proportional_to_their_length():
    """Each pattern matches a run one way only, so a hostile PDF reads in a moment: a
    300,000-digit run that is not a number (followed by a letter), 40,000 numbers with no
    operator after them, and a trailer with 60 spaces before a stray character. Patterns that
    could split a run several ways took minutes on the first two and for ever on the last."""
    import subprocess
    import sys

    from conftest import REPO

    code = ("from spapress.render.preflight.operators import operations\n"
            "from spapress.render.preflight.pages import _PlainPdf, _NotPlain\n"
            "digits = b'1' * 300_000\n"
            "print(list(operations(digits + b'x Tj 1 0 0 rg'))[-1][1])\n"
            "try:\n    _PlainPdf(b'%PDF-1.4\\n1 0 obj [ ' + digits + b' R ] endobj\\ntrailer << >>').pages()\n"
            "except (_NotPlain, ValueError):\n    print('handed on')\n"
            "print(len(operations(b'1 ' * 40_000)[-1][0]) if operations(b'1 ' * 40_000) else 'none')\n"
            "try:\n    _PlainPdf(b'%PDF-1.4\\nxref\\n0 1\\n0000000000 65535 f \\ntrailer\\n<< /Size 1' + b' ' * 60 + b'} >>').pages()\n"
            "except (_NotPlain, ValueError):\n    print('refused')\n")
    run = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=30)
    assert run.stdout.split() == ["rg", "handed", "on", "none", "refused"], run.stderr
