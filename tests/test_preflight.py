"""Checks before print: each one fails on a small layout made to break it, and passes on its fix.

Every test builds a one-off sheet through a layout folder of its own (layouts/probe/) and
reads what the build said; --strict must refuse it and write nothing.
"""

from __future__ import annotations

import io

import re

import pytest
from reportlab.pdfgen.canvas import Canvas

from conftest import tool
from spapress.render.flowables import QrCode
from spapress.render.preflight import Subject, check
from spapress.render.preflight.contrast import ratio
from spapress.render.preflight.drawn import read_pdf
from spapress.render.preflight.reading import grade_of, syllables
from spapress.render.preflight.sizes import body_size

SHEET = """\
title: Probe
layout: probe
paper: letter
sections:
  - topics: [what-are-pressure-points]
"""

STYLES = """\
body_size: {body}
min_body_size: {body}
styles:
  body: {{font: body, size: {body}, color: ink}}
  h2: {{parent: body, bold: true, size: 14, color: primary}}
  pale: {{parent: body, color: "#8A8A8A"}}
  pale-large: {{parent: body, size: 20, color: "#8A8A8A"}}
  tiny: {{parent: body, size: 6.5}}
  disclaimer: {{parent: body}}
"""

SAFETY = "<h2>Aftercare and safety</h2><p>Stop if it hurts. Drink water after a session.</p>"


def probe(site, body: str, *, size: float = 10, footer: str = "<footer><disclaimer/></footer>", strict: bool = True,
          safety: str = SAFETY):
    """Build a sheet whose layout puts `body` (and the safety block) in <fit>; return the run."""
    site.write("layouts/probe/styles.yaml", STYLES.format(body=size))
    site.write("layouts/probe/sheet.xml.j2", f'<page size="letter"><fit>{safety}{body}</fit>{footer}</page>\n')
    site.write("handouts/sheets/probe.yaml", SHEET)
    return site.run("probe", *(["--strict"] if strict else []))


def refused(run) -> list[str]:
    """The findings of a --strict build that was refused, after checking nothing was written."""
    assert run.code == 2, run.out + run.err
    lines = run.err.strip().splitlines()
    assert lines[-1].endswith("found before print (--strict); no PDF was written or changed."), run.err
    return lines[:-1]


def test_a_clean_layout_passes_strict_and_is_written(site):
    run = probe(site, "<p>Short plain words.</p>")
    assert (run.code, run.err) == (0, ""), run.err
    assert site.pdf("probe").is_file()


def test_pale_text_fails_contrast_but_the_same_colour_large_passes(site):
    run = probe(site, '<p style="pale">Grey words on white paper.</p>')
    [line] = refused(run)
    assert line.startswith("layouts/probe/styles.yaml: 'probe' page 1: \"Grey words on white paper.\" (10 pt) is "
                           "#8A8A8A on #FFFFFF, contrast 3.5:1, needs 4.5:1; use a darker colour for the text or a lighter one "
                           "for what is behind it"), line
    assert not site.pdf("probe").exists()
    assert probe(site, '<p style="pale-large">Grey words on white paper.</p>').code == 0


def test_white_numbers_on_a_pale_badge_fail_contrast(site):
    run = probe(site, '<point-card n="1" title="Card" badge="#D8B98A"><p>Inside.</p></point-card>')
    [line] = refused(run)
    assert "\"1\" (bold 8.7 pt) is #FFFFFF on #D8B98A, contrast 1.9:1, needs 4.5:1" in line, line
    run = probe(site, '<point-card n="1" title="Card" badge="primary" title-style="body"><p>Inside.</p></point-card>')
    assert run.code == 0, run.err


def test_markers_on_the_body_diagram_are_checked(site):
    markers = '<marker n="2" x="0.5" y="0.3"/>'
    run = probe(site, f'<body-map view="back" width="2in" marker-size="14" marker="#E0C9A0">{markers}</body-map>')
    [line] = refused(run)
    assert "\"2\" (bold 8.12 pt) is #FFFFFF on #E0C9A0" in line, line


def test_small_body_text_and_tiny_text_are_refused(site):
    lines = refused(probe(site, "<p>Running text set small enough to strain the eyes of a reader.</p>", size=8.5))
    assert any(line.endswith("'probe' body text is 8.5 pt; it must be at least 9 pt: raise the layout's body sizes "
                             "or min_body_size, or shorten the text so it need not shrink") for line in lines), lines
    [line] = refused(probe(site, '<p style="tiny">Fine print.</p>'))
    assert line == ("layouts/probe/styles.yaml: 'probe' page 1: \"Fine print.\" is 6.5 pt; nothing may be printed "
                    "under 7 pt: raise the size of its style")


def test_a_small_qr_code_is_refused(site):
    [line] = refused(probe(site, '<qr href="https://www.facesspa.com/book" size="0.9in"/>'))
    assert line == ("layouts/probe: 'probe' page 1: the QR code is 17.9 mm across; it must be at least 20 mm: "
                    "make the <qr> size larger")
    assert probe(site, '<qr href="https://www.facesspa.com/book" size="1.05in"/>').code == 0


class TightQr(QrCode):
    """A QR code drawn with only two modules of margin, as the press once did."""

    QUIET = 2


def qr_pdf(code: QrCode, background=None) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(300, 300), invariant=1)
    if background:
        canvas.setFillColor(background)
        canvas.rect(0, 0, 300, 300, stroke=0, fill=1)
    code.wrap(200, 200)
    code.drawOn(canvas, 50, 50)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def test_a_qr_code_without_its_four_module_margin_is_found():
    subject = lambda data: Subject("qr", data, "handouts/sheets/qr.yaml", "layouts/probe", "")  # noqa: E731
    tight = check(subject(qr_pdf(TightQr("https://www.facesspa.com/book", 100, (0, 0, 0)), background=(0.2, 0.3, 0.3))))
    assert any("the QR code has a light margin of 2.0 modules; it needs 4 all round" in f.message for f in tight.findings)
    roomy = check(subject(qr_pdf(QrCode("https://www.facesspa.com/book", 100, (0, 0, 0)), background=(0.2, 0.3, 0.3))))
    assert not any("QR" in f.message for f in roomy.findings), roomy.findings


def test_text_printed_over_the_margin_of_a_qr_code_narrows_it():
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(300, 300), invariant=1)
    code = QrCode("https://www.facesspa.com/book", 100, (0, 0, 0))
    code.wrap(200, 200)
    code.drawOn(canvas, 50, 50)
    canvas.drawString(52, 52, "x")  # inside the white square, beside the code
    canvas.save()
    found = check(Subject("qr", buffer.getvalue(), "c.yaml", "layouts/probe", "")).findings
    assert any("light margin of" in f.message for f in found), found


@pytest.mark.parametrize("text, what, shown", [
    ("Call us on (402)<br/>384-8400 any day.", "phone number", '"(402) 384-8400" is split over two lines ("(402)" / "384-8400")'),
    ("Hold it for 1–2<br/>min. then let go.", "duration", '"1–2 min." is split over two lines ("1–2" / "min.")'),
    ("A visit costs $<br/>85 for an hour.", "price", '"$ 85" is split over two lines ("$" / "85")'),
])
def test_numbers_split_over_two_lines_are_found(site, text, what, shown):
    [line] = refused(probe(site, f"<p>{text}</p>"))
    assert line == (f"handouts/sheets/probe.yaml: 'probe' page 1: the {what} {shown}; write its spaces as "
                    f"non-breaking spaces (U+00A0) so it stays on one line"), line


def test_non_breaking_spaces_keep_a_phone_number_on_one_line(site):
    # The same sentence after lead-ins of every length: in a narrow column some wrap inside the number.
    column = '<column width="22%">{}</column>'
    paragraph = "<p>{lead} call (402){{space}}384-8400 today.</p>"
    columns = "<columns>" + "".join(column.format("".join(paragraph.format(lead="a" * n) for n in range(start, start + 7)))
                                    for start in (1, 8, 15, 22)) + "</columns>"
    assert refused(probe(site, columns.format(space="<br/>")))
    assert probe(site, columns.format(space="\u00a0")).code == 0


def test_a_page_without_the_safety_block_is_found(site):
    lines = refused(probe(site, "<p>Nothing about safety here, in plain text.</p>", safety=""))
    assert lines[0] == ("handouts/sheets/probe.yaml: 'probe' has no safety block (a heading with the word \"safety\" "
                    "in it); include the aftercare and safety block")


def test_a_pdf_without_the_disclaimer_text_is_found(site):
    assert probe(site, "<p>Plain.</p>").code == 0
    data = site.pdf("probe").read_bytes()
    found = check(Subject("probe", data, "handouts/sheets/probe.yaml", "layouts/probe", "A disclaimer never printed.")).findings
    assert [str(f) for f in found] == ["layouts/probe: 'probe' does not print the brand's disclaimer; keep a "
                                       "<disclaimer/> where it can be read"]


def test_hard_reading_is_reported_with_its_hardest_sentences(site):
    hard = ("Notwithstanding considerable individual variability, therapeutic manipulation of musculoskeletal "
            "tissue demonstrably ameliorates generalised physiological discomfort.")
    [line] = refused(probe(site, f"<p>{hard}</p><p>Rest well.</p>"))
    assert line.startswith("handouts/sheets/probe.yaml: 'probe' reads at grade "), line
    assert f"(aim: 6 or below); shorten and simplify its hardest sentences first: \"{hard}\" (grade" in line
    check_run = site.run("probe", "--check")
    assert "checked probe.pdf (1 page, body text 10 pt, reading grade " in check_run.out, check_run.out


def test_without_strict_findings_are_warnings_and_the_pdf_is_written(site):
    run = probe(site, '<p style="pale">Grey words.</p>', strict=False)
    assert run.code == 0
    assert run.err.endswith("1 problem found before print; the PDFs were made anyway (--strict refuses them).\n")
    assert site.pdf("probe").is_file()


def test_reading_grade_arithmetic():
    assert [syllables(w) for w in ("cat", "massage", "shoulders", "gentle", "tired", "relaxation")] == [1, 2, 2, 2, 1, 4]
    assert round(grade_of(100, 10, 130), 2) == round(0.39 * 10 + 11.8 * 1.3 - 15.59, 2)
    assert round(ratio((1, 1, 1), (0, 0, 0)), 1) == 21.0


def test_the_client_command_refuses_a_failing_sheet_with_strict(site):
    probe(site, '<p style="pale">Grey words.</p>', strict=False)
    args = ["client", "probe", "--name", "Ana Lima", "--therapist", "Sam", "--date", "2026-11-24"]
    run = site.run(*args, "--strict")
    assert run.code == 2
    assert run.err.startswith("make_pdfs.py: error: layouts/probe/styles.yaml: 'ana-lima-probe.pdf' page 1: "), run.err
    assert run.err.rstrip().endswith("; --strict refuses the sheet")
    assert not (site.root / "clients").exists() or not list((site.root / "clients").rglob("*.pdf"))
    run = site.run(*args)
    assert run.code == 0 and "contrast 3.5:1" in run.err, run.err
    assert list((site.root / "clients").rglob("*.pdf"))


def test_large_print_copies_are_two_pages_at_most_with_big_type(site):
    run = site.run("stress-relief-points", "--large-print")
    assert run.code == 0, run.err
    assert "built build/large-print/stress-relief-points.pdf (2 pages, body text 14 pt): new" in run.out, run.out
    pages = read_pdf((site.out / "large-print" / "stress-relief-points.pdf").read_bytes())
    assert len(pages) == 2 and body_size(pages) >= 14
    assert min(run.size for page in pages for run in page.runs) >= 14
    tool("qpdf", "--check", str(site.out / "large-print" / "stress-relief-points.pdf"))
    assert site.pdf("stress-relief-points").is_file()  # the standard copy as well, still one page
    assert "built build/stress-relief-points.pdf (1 page," in run.out


def test_a_client_sheet_in_large_print(site):
    run = site.run("client", "stress-relief-points", "--name", "Ana Lima", "--therapist", "Sam", "--date", "2026-11-24",
                   "--point", "top-of-shoulders:2:3", "--large-print")
    assert run.code == 0, run.err
    [pdf] = (site.root / "clients").rglob("*.pdf")
    pages = read_pdf(pdf.read_bytes())
    assert 1 <= len(pages) <= 2 and min(r.size for p in pages for r in p.runs) >= 14
    both = site.run("client", "stress-relief-points", "--name", "Bo", "--therapist", "Sam", "--large-print",
                    "--layout", "calm")
    assert (both.code, both.err) == (2, "make_pdfs.py: error: argument --large-print: not allowed with --layout "
                                        "(choose one)\n")


@pytest.mark.parametrize("sheet", ["self-massage-tools", "why-backs-get-tense"])
def test_large_print_says_its_own_room_for_the_note_and_a_note_that_long_fits(site, sheet):
    visit = ("client", sheet, "--name", "Ana Lima", "--therapist", "Sam", "--date", "2026-11-24")
    standard, large = site.run(*visit), site.run(*visit, "--large-print")
    room = [int(re.search(r"room for the note: (\d+) characters", run.out).group(1)) for run in (standard, large)]
    assert room[1] != room[0] and room[1] > 0, (standard.out, large.out)
    long_note = ("W" * 9 + " ") * (room[1] // 10)
    made = site.run(*visit, "--large-print", "--note", long_note[:room[1]].strip())
    assert made.code == 0, made.err


@pytest.mark.parametrize("sheet", ["stress-relief-points", "self-massage-tools"])
def test_the_booking_qr_code_scans_from_a_72_dpi_picture(site, tmp_path, sheet):
    assert site.run(sheet).code == 0
    tool("pdftoppm", "-r", "72", "-png", "-singlefile", str(site.pdf(sheet)), str(tmp_path / "page"))
    assert tool("zbarimg", "-q", "--raw", str(tmp_path / "page.png")).strip() == "https://www.facesspa.com/book"


def test_many_pdfs_are_checked_on_every_core_with_the_same_findings_in_order(site):
    """Eight or more PDFs are checked by worker processes: the findings and grades come back
    exactly as checking them one by one gives them, each with its own PDF."""
    from spapress.cli.preflight import POOL_FROM, check_all

    probe(site, "<p style='pale'>Pale words on the page.</p>", strict=False)
    pale = site.pdf("probe").read_bytes()
    assert site.run("-q").code == 0
    clean = site.pdf("stress-relief-points").read_bytes()
    subjects = [Subject(f"pdf-{n}", pale if n % 3 == 0 else clean, "handouts/sheets/x.yaml", "layouts/probe",
                        "") for n in range(POOL_FROM + 4)]
    pooled = check_all(subjects)
    assert pooled == [check(subject) for subject in subjects]
    assert [bool(result.findings) for result in pooled] == [n % 3 == 0 for n in range(len(subjects))]
    assert all(f"'pdf-{n}'" in str(result.findings[0]) for n, result in enumerate(pooled) if result.findings)
