"""Checks before print: what a finished PDF actually draws, held to the press's standards.

    drawn.py     the PDF read back: text shown (size, face, colour, box) and shapes filled, in order
    pages.py     a PDF's pages, fonts and content streams (read directly; pypdf for anything unusual)
    operators.py a content stream as (operands, operator) pairs, read quickly with regular expressions
    contrast.py  WCAG AA contrast of every text against what is painted beneath it
    sizes.py     running text at 9 pt or more, nothing under 7 pt
    qr.py        QR codes at least 20 mm across with a 4-module light margin
    breaks.py    phone numbers, prices and durations never split over two lines
    presence.py  the disclaimer and the safety block are printed
    reading.py   the Flesch–Kincaid reading grade and the hardest sentences

check() runs them all on one PDF and returns findings, each a one-line message naming the
file to change. The command line shows them as warnings, or as errors with --strict.
May import spapress.errors and content/ (and pypdf, for PDFs the press did not write); it never
imports ReportLab.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .breaks import broken
from .contrast import low_contrast
from .drawn import read_pdf
from .presence import has_disclaimer, has_safety_block
from .qr import poor_codes
from .reading import AIM, Reading, reading
from .sizes import too_small


@dataclass(frozen=True)
class Subject:
    """One PDF to check, and the files a finding should send a person to."""

    name: str          # how to name it: 'stress-relief-points'
    data: bytes | None  # the PDF, or None to read it from `path` when it is checked
    content: str       # the content file (sheet, booklet) shown, for wording and missing parts
    layout: str        # the layout's folder shown (layouts/classic), for colours, sizes and QR codes
    disclaimer: str    # the brand's disclaimer, which must be printed
    path: Path | None = None


@dataclass(frozen=True)
class Finding:
    file: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.message}"


@dataclass(frozen=True)
class Checked:
    findings: tuple[Finding, ...]
    reading: Reading | None


def check(subject: Subject) -> Checked:
    """Every finding on one PDF, and its reading grade."""
    pages = read_pdf(subject.data if subject.data is not None else subject.path.read_bytes())
    name, layout, content = subject.name, subject.layout, subject.content
    found: list[Finding] = []
    found += [Finding(f"{layout}/styles.yaml", f"'{name}' {m}") for m in low_contrast(pages)]
    found += [Finding(f"{layout}/styles.yaml", f"'{name}' {m}") for m in too_small(pages)]
    found += [Finding(layout, f"'{name}' {m}") for m in poor_codes(pages)]
    if not has_disclaimer(pages, subject.disclaimer):
        found.append(Finding(layout, f"'{name}' does not print the brand's disclaimer; keep a <disclaimer/> "
                                     f"where it can be read"))
    if not has_safety_block(pages):
        found.append(Finding(content, f"'{name}' has no safety block (a heading with the word \"safety\" in it); "
                                      f"include the aftercare and safety block"))
    found += [Finding(content, f"'{name}' {m}") for m in broken(pages)]
    grade = reading(pages)
    if grade is not None and grade.grade > AIM:
        hardest = "; ".join(f"\"{sentence}\" (grade {g:g})" for g, sentence in grade.hardest)
        found.append(Finding(content, f"'{name}' reads at grade {grade.grade:g} (aim: {AIM:g} or below); "
                                      f"shorten and simplify its hardest sentences first: {hardest}"))
    return Checked(tuple(found), grade)


__all__ = ["AIM", "Checked", "Finding", "Reading", "Subject", "check"]
