"""Booklets that read as one booklet, on every paper a booklet can use: each point's card printed
once, no half-empty page in the middle of a section, a print-shop copy that folds, read back
with pypdf and the real pdftoppm."""

from __future__ import annotations

import re

import pypdf
import pytest
from PIL import Image

from conftest import REPO, Site, tool
from spapress.content.load import load_library
from spapress.content.model import Project

PAPERS = {"half-letter": (396, 612), "a5": (420, 595), "letter": (612, 792), "a4": (595, 842)}
STARTER = sorted(p.stem for p in (REPO / "handouts/booklets").glob("*.yaml"))
MOST_EMPTY = 0.40        # of an inside page that does not end a section
RUNNING_FOOT = 0.7       # inches at the foot of a page where the page number sits
DPI = 30


@pytest.fixture(scope="module", params=list(PAPERS))
def booklets(request, tmp_path_factory) -> tuple[str, Site]:
    """Every starter booklet built on one paper size, with its print-shop copy."""
    paper = request.param
    site = Site(tmp_path_factory.mktemp(f"booklets-{paper}") / "site")
    for booklet in STARTER:
        path = f"handouts/booklets/{booklet}.yaml"
        text = site.path(path).read_text(encoding="utf-8")
        text = re.sub(r"(?m)^(paper|impose|print_shop):.*\n", "", text)
        text += f"paper: {paper}\nprint_shop: yes\n" + ("impose: yes\n" if paper in ("half-letter", "a5") else "")
        site.write(path, text)
    run = site.run(*STARTER)
    assert run.code == 0, run.err
    return paper, site


def reading_copy(site: Site, booklet: str) -> pypdf.PdfReader:
    return pypdf.PdfReader(site.out / "booklets" / f"{booklet}.pdf")


def flat(text: str) -> str:
    return " ".join(text.split())


def library():
    return load_library(Project(REPO, REPO / "handouts", REPO / "layouts", REPO / "build"))


@pytest.mark.parametrize("booklet", STARTER)
def test_every_starter_booklet_builds_on_its_paper(booklets, booklet):
    paper, site = booklets
    reader = reading_copy(site, booklet)
    sizes = {tuple(round(float(v)) for v in page.mediabox[2:]) for page in reader.pages}
    assert sizes == {PAPERS[paper]}
    assert "No syntax or stream encoding errors" in tool("qpdf", "--check", str(site.out / "booklets" / f"{booklet}.pdf"))


@pytest.mark.parametrize("booklet", STARTER)
def test_each_point_card_is_printed_once_and_later_mentions_name_its_page(booklets, booklet):
    _, site = booklets
    pages = [flat(page.extract_text()) for page in reading_copy(site, booklet).pages]
    points = library().points
    shown = [point for point in points.values() if any(point.name in text for text in pages)]
    assert shown, "the booklet shows no point"
    for point in shown:
        finding = flat(point.how_to_find)[:40]
        holding = [number for number, text in enumerate(pages, 1) if finding in text]
        assert len(holding) == 1, f"the card of '{point.name}' is on pages {holding}"
        for text in pages:
            for page in re.findall(rf"{re.escape(point.name)} \([^)]*\): its card is on page (\d+)", text):
                assert int(page) == holding[0], f"'{point.name}' is said to be on page {page}, not {holding[0]}"


def empty_share(png: Image.Image) -> float:
    """How much of the page above the running foot is blank below its last drawn row."""
    page = png.convert("L")
    width, height = page.size
    body = height - int(RUNNING_FOOT * DPI)
    pixels = page.load()
    last = 0
    for y in range(body):
        edge = pixels[1, y]
        if any(abs(pixels[x, y] - edge) > 40 for x in range(2, width - 2)):
            last = y
    return (body - last) / body


@pytest.mark.parametrize("booklet", STARTER)
def test_no_inside_page_is_mostly_empty_unless_it_ends_a_section(booklets, booklet, tmp_path):
    _, site = booklets
    reader = reading_copy(site, booklet)
    starts = sorted(reader.get_destination_page_number(entry) for entry in reader.outline)
    last = len(reader.pages) - 1
    ends = {start - 1 for start in starts} | {last - 1}
    tool("pdftoppm", "-r", str(DPI), "-gray", str(site.out / "booklets" / f"{booklet}.pdf"), str(tmp_path / "p"))
    drawn = sorted(tmp_path.glob("p-*.pgm"))
    assert len(drawn) == len(reader.pages)
    for index in range(1, last):  # inside pages: not the covers
        if index in ends:
            continue
        share = empty_share(Image.open(drawn[index]))
        assert share <= MOST_EMPTY, f"page {index + 1} is {share:.0%} empty in the middle of a section"


@pytest.mark.parametrize("booklet", STARTER)
def test_print_shop_copy_folds_like_the_imposed_copy(booklets, booklet):
    paper, site = booklets
    reading = reading_copy(site, booklet)
    shop = pypdf.PdfReader(site.out / "booklets" / f"{booklet}-print-shop.pdf")
    count = len(reading.pages)
    assert len(shop.pages) % 4 == 0 and len(shop.pages) - count == -count % 4
    # Blank pages go just before the back cover, which stays last.
    assert flat(shop.pages[-1].extract_text()) == flat(reading.pages[-1].extract_text())
    for blank in shop.pages[count - 1:-1]:
        assert blank.extract_text().strip() == ""
    for page in shop.pages:
        assert (round(float(page.trimbox.width)), round(float(page.trimbox.height))) == PAPERS[paper]
    if paper in ("half-letter", "a5"):
        imposed = pypdf.PdfReader(site.out / "booklets" / f"{booklet}-imposed.pdf")
        assert len(imposed.pages) * 2 == len(shop.pages)


@pytest.mark.parametrize("booklet", STARTER)
def test_the_booklet_carries_the_safety_block_once(booklets, booklet):
    _, site = booklets
    safety = library().brand.safety
    pages = [flat(page.extract_text()) for page in reading_copy(site, booklet).pages]
    holding = [number for number, text in enumerate(pages, 1) if safety.title in text]
    assert len(holding) == 1
    for line in safety.lines:
        assert flat(line) in pages[holding[0] - 1]


def test_sections_open_without_the_brand_band(booklets):
    """One running style: no section page repeats the brand band's phone number at its top."""
    _, site = booklets
    brand = library().brand
    for booklet in STARTER:
        reader = reading_copy(site, booklet)
        for entry in reader.outline[:-1]:  # the back cover is the spa's own page
            if entry.title in ("Welcome", "Contents"):
                continue
            page = reader.pages[reader.get_destination_page_number(entry)]
            first_line = flat(page.extract_text()).split(entry.title)[0]
            assert brand.name not in first_line and brand.phone not in first_line, entry.title


@pytest.mark.parametrize("booklet", STARTER)
def test_no_heading_is_left_alone_at_the_foot_of_a_page(booklets, booklet):
    _, site = booklets
    lib = library()
    headings = {s.heading for sheet in lib.sheets.values() for s in sheet.sections if s.heading}
    headings |= {s.heading for b in lib.booklets.values() for part in b.sections if part.composed
                 for s in part.composed.sections if s.heading}
    headings |= {t.title for t in lib.topics.values()} | {t.name for t in (*lib.techniques.values(), *lib.tools.values())}
    reader = reading_copy(site, booklet)
    for number, page in enumerate(reader.pages[1:-1], 2):
        lines = [flat(line) for line in page.extract_text().splitlines() if flat(line)]
        body = [line for line in lines if not re.fullmatch(rf"(\d+ {re.escape(reader.metadata.title)}|"
                                                             rf"{re.escape(reader.metadata.title)} \d+)", line)]
        assert body and body[-1] not in headings, f"page {number} ends with the heading '{body[-1]}'"
