"""The checks' own reading of a PDF's pages (render/preflight/pages.py): the same sizes, fonts
and streams as pypdf reads for every PDF the press writes, pypdf itself for anything else,
and pypdf not even loaded for the press's own files."""

from __future__ import annotations

import io
import subprocess
import sys

from pypdf import PdfReader, PdfWriter

from conftest import REPO
from spapress.render.preflight.pages import _pages_by_pypdf, _PlainPdf, read_pages


def test_every_pdf_the_press_writes_reads_as_pypdf_reads_it(site):
    assert site.run("--large-print", "--impose", "--print-shop", "-q").code == 0
    pdfs = sorted(site.out.rglob("*.pdf"))
    assert any(p.name.endswith("-imposed.pdf") for p in pdfs) and any("booklets" in p.parts for p in pdfs)
    for pdf in pdfs:
        data = pdf.read_bytes()
        own = _PlainPdf(data).pages()   # read directly, not handed on
        assert own == _pages_by_pypdf(data), pdf.name
        assert all(page.contents for page in own), pdf.name
        assert pdf.name.endswith("-imposed.pdf") or all(page.fonts for page in own), pdf.name


def test_a_pdf_rewritten_by_pypdf_or_with_a_password_reads_the_same(site):
    """A password (encryption) is handed to pypdf; a file pypdf rewrote is read directly."""
    assert site.run("stress-relief-points", "-q").code == 0
    data = site.pdf("stress-relief-points").read_bytes()
    for password in (None, "secret"):
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
        if password:
            writer.encrypt(user_password="", owner_password=password)
        else:
            writer.compress_identical_objects()
        out = io.BytesIO()
        writer.write(out)
        pages = read_pages(out.getvalue())
        assert [p.contents for p in pages] == [p.contents for p in _pages_by_pypdf(data)]


def test_the_press_reads_its_own_pdfs_without_loading_pypdf(site):
    assert site.run("stress-relief-points", "-q").code == 0
    code = ("import sys; from pathlib import Path; from spapress.render.preflight import Subject, check; "
            f"found = check(Subject('s', Path(r'{site.pdf('stress-relief-points')}').read_bytes(), 'c', 'l', '')); "
            "print(found.reading is not None, 'pypdf' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert run.stdout.split() == ["True", "False"], run.stderr
