"""Booklets: contents, bookmarks, page numbers, imposition and the print-shop copy, read back with real tools."""

from __future__ import annotations

import io
import re

import pypdf
import pytest
from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen.canvas import Canvas

from conftest import REPO, Site, single_problem, tool
from spapress.render.impose import impose, pad_to_fold, saddle_stitch_sides

BOOKLET = "back-care-at-home"
HALF_LETTER = (396, 612)


@pytest.fixture(scope="module")
def starter(tmp_path_factory) -> Site:
    site = Site(tmp_path_factory.mktemp("booklet") / "site")
    run = site.run(BOOKLET, "--print-shop")
    assert run.code == 0, run.err
    return site


def booklet_pdf(site: Site, suffix: str = "") -> pypdf.PdfReader:
    return pypdf.PdfReader(site.out / "booklets" / f"{BOOKLET}{suffix}.pdf")


def flat(text: str) -> str:
    return " ".join(text.split())


def contents_lines(reader: pypdf.PdfReader) -> list[tuple[str, int]]:
    """(title, page) for every line of the contents page, read from the PDF's text."""
    page = next(p for p in reader.pages if "Contents" in p.extract_text())
    lines = [line.strip() for line in page.extract_text().splitlines()]
    # Each entry is read as its title line followed by a line holding only its page number.
    return [(title, int(number)) for title, number in zip(lines, lines[1:])
            if number.isdigit() and not title.isdigit() and title != "Contents"]


def test_starter_booklet_is_a_valid_booklet_of_at_least_eight_pages(starter):
    path = starter.out / "booklets" / f"{BOOKLET}.pdf"
    reader = pypdf.PdfReader(path)
    assert len(reader.pages) >= 8
    assert "No syntax or stream encoding errors" in tool("qpdf", "--check", str(path))
    assert {tuple(round(float(v)) for v in page.mediabox[2:]) for page in reader.pages} == {HALF_LETTER}
    assert reader.metadata.title == "Back care at home"
    assert reader.metadata.author == "Faces Spa"
    assert reader.trailer["/Root"]["/Lang"] == "en-US"
    for row in tool("pdffonts", str(path)).splitlines()[2:]:
        assert row.split()[-5] == "yes" and "Helvetica" not in row


def test_every_contents_entry_names_the_page_its_section_starts_on(starter):
    reader = booklet_pdf(starter)
    entries = contents_lines(reader)
    assert [title for title, _ in entries] == ["Why backs get tense", "Stress-relief points for your back",
                                               "Self-massage with simple tools", "Back massage with a partner",
                                               "Your home routine"]
    for title, page in entries:
        text = flat(reader.pages[page - 1].extract_text())
        assert title in text, f"'{title}' is not on page {page}"
        previous = flat(reader.pages[page - 2].extract_text())
        if not previous.startswith("Contents"):
            assert title not in previous, f"'{title}' starts before page {page}"


def test_contents_lines_link_to_their_pages(starter):
    reader = booklet_pdf(starter)
    contents_index = next(i for i, p in enumerate(reader.pages) if "Contents" in p.extract_text())
    pages = {title: page for title, page in contents_lines(reader)}
    targets = []
    for annotation in reader.pages[contents_index]["/Annots"]:
        link = annotation.get_object()
        page_refs = [page.indirect_reference for page in reader.pages]
        targets.append(page_refs.index(link["/Dest"][0]) + 1)
    assert sorted(targets) == sorted(pages.values())


def test_outline_has_every_section_at_its_page(starter):
    reader = booklet_pdf(starter)
    outline = {entry.title: reader.get_destination_page_number(entry) + 1 for entry in reader.outline}
    for title, page in contents_lines(reader):
        assert outline[title] == page
    assert outline["Contents"] == 3 and outline["Welcome"] == 2


def test_inside_pages_carry_the_running_title_and_their_number(starter):
    reader = booklet_pdf(starter)
    last = len(reader.pages)
    for number, page in enumerate(reader.pages, 1):
        lines = [flat(line) for line in page.extract_text().splitlines()]
        running = [line for line in lines if "Back care at home" in line and re.search(r"\b\d+\b", line)]
        if number in (1, last):
            assert not any(re.fullmatch(rf"(Back care at home\s+{number}|{number}\s+Back care at home)", line) for line in running)
        else:
            assert f"Back care at home {number}" in running or f"{number} Back care at home" in running, number


def test_back_cover_has_contact_qr_and_disclaimer(starter, tmp_path):
    reader = booklet_pdf(starter)
    text = flat(reader.pages[-1].extract_text())
    assert "(402) 384-8400" in text and "not medical advice" in text
    tool("pdftoppm", "-r", "150", "-png", "-f", str(len(reader.pages)), "-l", str(len(reader.pages)),
         str(starter.out / "booklets" / f"{BOOKLET}.pdf"), str(tmp_path / "back"))
    image = next(tmp_path.glob("back-*.png"))
    assert tool("zbarimg", "-q", "--raw", str(image)).strip() == "https://www.facesspa.com/book"


def test_print_shop_copy_has_bleed_trim_boxes_and_marks(starter):
    reader = booklet_pdf(starter, "-print-shop")
    assert len(reader.pages) == len(booklet_pdf(starter).pages)
    for page in reader.pages:
        trim, bleed, media = page.trimbox, page.bleedbox, page.mediabox
        assert (round(float(trim.width)), round(float(trim.height))) == HALF_LETTER
        assert round(float(bleed.width) - float(trim.width), 2) == 18.0  # 0.125 in each side
        assert round(float(bleed.height) - float(trim.height), 2) == 18.0
        assert float(bleed.left) == pytest.approx(float(trim.left) - 9)
        assert float(media.width) > float(bleed.width) + 20  # room for the crop marks
    assert "No syntax or stream encoding errors" in tool("qpdf", "--check", str(starter.out / "booklets" / f"{BOOKLET}-print-shop.pdf"))


def test_cover_colour_runs_into_the_bleed(starter, tmp_path):
    path = starter.out / "booklets" / f"{BOOKLET}-print-shop.pdf"
    tool("pdftoppm", "-r", "72", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "cover"))
    from PIL import Image

    image = Image.open(next(tmp_path.glob("cover-*.png"))).convert("RGB")
    trim = booklet_pdf(starter, "-print-shop").pages[0].trimbox
    inside_bleed = (round(float(trim.left)) - 4, image.height // 2)
    outside_bleed = (round(float(trim.left)) - 14, image.height // 2)
    assert image.getpixel(inside_bleed) == image.getpixel((image.width // 2, image.height // 2 + 150))
    assert image.getpixel(outside_bleed) == (255, 255, 255)


# --- imposition ------------------------------------------------------------------------------

def numbered_pdf(count: int) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(LETTER[1] / 2, LETTER[0]), invariant=1)  # half-letter
    for number in range(1, count + 1):
        canvas.drawString(72, 300, f"Page {number}")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def halves(path, side: int, width: float, height: float) -> tuple[str, str]:
    """The text on the left and right half of one printed side, read by pdftotext."""
    def read(x):
        return tool("pdftotext", "-f", str(side), "-l", str(side), "-x", str(x), "-y", "0", "-W", str(int(width / 2)),
                    "-H", str(int(height)), "-r", "72", str(path), "-").strip()
    return read(0), read(int(width / 2))


@pytest.mark.parametrize("count,expected", [
    (4, [("Page 4", "Page 1"), ("Page 2", "Page 3")]),
    (8, [("Page 8", "Page 1"), ("Page 2", "Page 7"), ("Page 6", "Page 3"), ("Page 4", "Page 5")]),
    (10, [("", "Page 1"), ("Page 2", ""), ("Page 10", "Page 3"), ("Page 4", "Page 9"),
          ("Page 8", "Page 5"), ("Page 6", "Page 7")]),
])
def test_imposition_order_on_every_half_sheet(tmp_path, count, expected):
    path = tmp_path / "imposed.pdf"
    path.write_bytes(impose(numbered_pdf(count)))
    reader = pypdf.PdfReader(path)
    assert len(reader.pages) == len(expected)
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (792, 612)  # Letter, landscape
    assert [halves(path, side, width, height) for side in range(1, len(expected) + 1)] == expected


def test_blank_pages_are_truly_blank(tmp_path):
    path = tmp_path / "imposed.pdf"
    path.write_bytes(impose(numbered_pdf(10)))
    reader = pypdf.PdfReader(path)
    # Side 1 holds blank page 12 at the left: nothing at all is drawn there.
    tool("pdftoppm", "-r", "20", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "side"))
    from PIL import Image

    image = Image.open(next(tmp_path.glob("side-*.png"))).convert("L")
    left = image.crop((0, 0, image.width // 2, image.height))
    assert left.getextrema() == (255, 255)
    assert reader.pages[0].extract_text().strip() == "Page 1"


def test_padding_and_order_rules():
    assert pad_to_fold([0, 1, 2, 3, 4], keep_last=False) == [0, 1, 2, 3, 4, None, None, None]
    assert pad_to_fold([0, 1, 2, 3, 4], keep_last=True) == [0, 1, 2, 3, None, None, None, 4]
    assert saddle_stitch_sides(list(range(1, 5))) == [(4, 1), (2, 3)]


def test_starter_booklet_imposed_keeps_the_back_cover_outside(starter):
    path = starter.out / "booklets" / f"{BOOKLET}-imposed.pdf"
    reading = booklet_pdf(starter)
    reader = pypdf.PdfReader(path)
    assert len(reader.pages) * 2 == len(reading.pages) + (-len(reading.pages) % 4)
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    left, right = halves(path, 1, width, height)
    assert "Scan to book" in left and "Back care at home" in right
    assert "No syntax or stream encoding errors" in tool("qpdf", "--check", str(path))


def test_booklets_rebuild_byte_identical(starter, tmp_path):
    assert starter.run(BOOKLET, "--print-shop", "-q", "--out", str(tmp_path)).code == 0
    for suffix in ("", "-imposed", "-print-shop"):
        name = f"{BOOKLET}{suffix}.pdf"
        assert (tmp_path / "booklets" / name).read_bytes() == (starter.out / "booklets" / name).read_bytes(), name


# --- mistakes --------------------------------------------------------------------------------

MINIMAL = """\
title: Test booklet
sections:
  - sheet: why-backs-get-tense
"""


def test_a_booklet_with_no_sections_is_refused(site):
    site.write("handouts/booklets/empty.yaml", "title: Empty\nsections: []\n")
    assert single_problem(site.run("--check")) == "handouts/booklets/empty.yaml:2: needs at least 1 item"


def test_unknown_handout_in_a_booklet_names_the_line(site):
    site.write("handouts/booklets/typo.yaml", MINIMAL.replace("why-backs-get-tense", "why-backs-get-tens"))
    assert single_problem(site.run("--check")) == (
        "handouts/booklets/typo.yaml:3: unknown handout 'why-backs-get-tens' (did you mean 'why-backs-get-tense'?); "
        "ids are file names in handouts/sheets/")


def test_a_composed_section_must_show_something(site):
    site.write("handouts/booklets/bare.yaml", "title: Bare\nsections:\n  - title: Nothing here\n")
    assert single_problem(site.run("--check")).startswith(
        "handouts/booklets/bare.yaml:3: the section 'Nothing here' has nothing in it")


def test_a_section_too_big_for_any_page_is_refused_and_nothing_is_written(site):
    site.run()
    before = {p: p.read_bytes() for p in site.out.rglob("*.pdf")}
    paragraph = "word " * 200
    site.write("handouts/topics/huge.yaml", "title: Huge\nbody:\n" + f"  - \"{paragraph}\"\n" * 8)
    site.write("handouts/booklets/big.yaml",
               "title: Big\nsections:\n  - title: One huge box\n    sections:\n      - topics: [huge]\n")
    site.edit("layouts/booklet/section.xml.j2", "{{ blocks.topic(item", "<box>{{ blocks.topic(item")
    site.edit("layouts/booklet/section.xml.j2", "section.items|length == 1)) }}", "section.items|length == 1)) }}</box>")
    run = site.run("big")
    line = single_problem(run)
    assert line.startswith("handouts/booklets/big.yaml:3: the section 'One huge box' has a block")
    assert "taller than a whole page" in line
    assert {p: p.read_bytes() for p in site.out.rglob("*.pdf")} == before


def test_imposing_a_letter_booklet_is_refused_at_the_paper_line(site):
    site.write("handouts/booklets/big-pages.yaml", MINIMAL + "paper: letter\nimpose: yes\n")
    assert single_problem(site.run("big-pages")) == (
        "handouts/booklets/big-pages.yaml:4: a Letter booklet cannot be imposed for an office printer: two Letter "
        "pages need a sheet twice as big; use paper: half-letter (or a5) for a folded booklet, or set impose: no")


def test_letter_and_a5_booklets_build(site):
    site.write("handouts/booklets/letter.yaml", MINIMAL + "paper: letter\n")
    site.write("handouts/booklets/small.yaml", MINIMAL + "paper: a5\nimpose: yes\n")
    assert site.run("letter", "small").code == 0
    assert [round(float(v)) for v in pypdf.PdfReader(site.out / "booklets/letter.pdf").pages[0].mediabox[2:]] == [612, 792]
    imposed = pypdf.PdfReader(site.out / "booklets/small-imposed.pdf")
    assert [round(float(v)) for v in imposed.pages[0].mediabox[2:]] == [842, 595]  # A4 landscape


def test_a_booklet_may_not_share_a_handouts_id(site):
    site.write("handouts/booklets/why-backs-get-tense.yaml", MINIMAL)
    assert single_problem(site.run("--check")) == (
        "handouts/booklets/why-backs-get-tense.yaml:1: a handout and a booklet are both called 'why-backs-get-tense'; rename one")


def test_hostile_booklet_text_is_printed_literally(site):
    hostile = "<b>{{ 7*7 }}</b> &amp; {% raw %}"
    site.write("handouts/booklets/odd.yaml", f"title: '{hostile}'\nwelcome: ['{hostile}']\n" + MINIMAL.split("\n", 1)[1])
    assert site.run("odd").code == 0
    reader = pypdf.PdfReader(site.out / "booklets/odd.pdf")
    assert hostile in flat(reader.pages[0].extract_text())
    assert hostile in flat(reader.pages[1].extract_text())
    assert reader.metadata.title == hostile


def test_the_starter_booklet_is_in_the_repository():
    assert (REPO / "handouts/booklets" / f"{BOOKLET}.yaml").is_file()


def test_cover_art_is_drawn_and_a_missing_picture_is_named(site):
    site.write("handouts/booklets/art.yaml", MINIMAL + "cover_art: logo.svg\n")
    assert site.run("art").code == 0
    site.write("handouts/booklets/art.yaml", MINIMAL + "cover_art: cover.svg\n")
    assert single_problem(site.run("art")) == "handouts/booklets/art.yaml:4: cover art 'cover.svg' not found in handouts/"


def test_welcome_and_contents_pages_are_optional(site):
    site.write("handouts/booklets/short.yaml", MINIMAL + "contents: no\n")
    assert site.run("short").code == 0
    reader = pypdf.PdfReader(site.out / "booklets/short.pdf")
    titles = [entry.title for entry in reader.outline]
    assert titles == ["Why backs get tense", "Contact Faces Spa"]
    assert "Why backs get tense" in flat(reader.pages[1].extract_text())  # straight after the cover
