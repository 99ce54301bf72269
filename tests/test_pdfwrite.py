"""The quicker routines that write PDF objects (render/pdfwrite.py) write exactly the bytes
ReportLab's own write, and stand aside when they would not."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from reportlab.pdfbase import pdfdoc

from spapress.content.load import load_library
from spapress.content.model import Project
from spapress.render import pdfwrite
from spapress.render.sheets import Press

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def reportlab_own_routines():
    pdfdoc.format = pdfwrite._original["format"]
    pdfdoc.PDFArray.format = pdfwrite._original["array"]
    pdfdoc.PDFDictionary.format = pdfwrite._original["dictionary"]
    try:
        yield
    finally:
        assert pdfwrite.install()


def every_handout() -> dict[str, bytes]:
    project = Project(ROOT, ROOT / "handouts", ROOT / "layouts", ROOT / "unused")
    library = load_library(project)
    press = Press(project, library)
    return {sheet_id: press.make_sheet(sheet).data for sheet_id, sheet in sorted(library.sheets.items())}


def test_the_quicker_routines_are_in_use_and_write_every_handout_byte_for_byte_as_reportlab():
    assert pdfwrite.install() and pdfdoc.format is pdfwrite._format
    quick = every_handout()
    with reportlab_own_routines():
        assert pdfdoc.format is not pdfwrite._format
        own = every_handout()
    assert len(own) >= 4 and quick == own


def test_a_routine_that_writes_differently_is_not_installed(monkeypatch):
    with reportlab_own_routines():
        monkeypatch.setattr(pdfwrite, "_array_format", lambda self, document, IND=b"\n ": b"[ ]")
        assert not pdfwrite.install()
        assert pdfdoc.PDFArray.format is pdfwrite._original["array"]
        assert pdfdoc.format is pdfwrite._original["format"]
        monkeypatch.undo()
