"""Every starter handout and every page of the starter booklet, drawn by the real pdftoppm at
40 dpi and compared with its expected picture in tests/pictures/.

After an intended design change, make the expected pictures again, look at them, and commit them:

    .venv/bin/python tests/pictures/refresh.py

The comparison forgives what differs between rasterisers (anti-aliased edges, an edge a pixel
over) and catches what is drawn or left out: a box or card background, a rule, the brand band,
a body-map marker, the QR code. It is not a check of the wording.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageFilter

from conftest import REPO, Site, tool

PICTURES = Path(__file__).resolve().parent / "pictures"
EXPECTED = sorted(p.stem for p in PICTURES.glob("*.png"))
BOOKLET = "back-care-at-home"
DPI = 40
FLAT_TOLERANCE = 4     # gray levels a flat area may change by
EDGE_TOLERANCE = 2     # more per level of contrast nearby: anti-aliased edges differ most between rasterisers
CELL = 8               # pixels, 0.2 in: differences are judged per cell, so scattered pixels never add up
CELL_LIMIT = 5         # a cell differs when its pixels are on average more than this beyond tolerance
REFRESH = ".venv/bin/python tests/pictures/refresh.py"


def starter_pdfs(out: Path) -> list[Path]:
    """The starter handouts (every file in handouts/sheets/) and the booklet's reading copy."""
    sheets = sorted(p.stem for p in (REPO / "handouts/sheets").glob("*.yaml"))
    return [out / f"{sheet}.pdf" for sheet in sheets] + [out / "booklets" / f"{BOOKLET}.pdf"]


def render(pdfs: list[Path], folder: Path) -> dict[str, Path]:
    """Every page of every PDF drawn in gray at DPI, by the name of its expected picture:
    a one-page PDF by its own name, the pages of a longer one as NAME-01, NAME-02, ..."""
    drawn = {}
    for pdf in pdfs:
        pages = folder / pdf.stem
        pages.mkdir(parents=True)
        tool("pdftoppm", "-r", str(DPI), "-gray", str(pdf), str(pages / "page"))
        files = sorted(pages.glob("page-*.pgm"))
        if len(files) == 1:
            drawn[pdf.stem] = files[0]
        else:
            drawn.update((f"{pdf.stem}-{path.stem.removeprefix('page-')}", path) for path in files)
    return drawn


def beyond_tolerance(a: Image.Image, b: Image.Image) -> Image.Image:
    """How far each pixel of a lies outside the range of b's pixels within one pixel of it, less
    the tolerance there. Taken both ways round, it shows a drawing left out and one added."""
    darkest, lightest = b.filter(ImageFilter.MinFilter(3)), b.filter(ImageFilter.MaxFilter(3))
    tolerance = ImageChops.subtract(lightest, darkest).point(
        lambda contrast: min(255, FLAT_TOLERANCE + EDGE_TOLERANCE * contrast))
    outside = ImageChops.lighter(ImageChops.subtract(darkest, a), ImageChops.subtract(a, lightest))
    return ImageChops.subtract(outside, tolerance)


def compare(name: str, expected_path: Path, actual_path: Path, diff_folder: Path) -> str | None:
    """None when the page matches its expected picture; else what differs and where, with a
    picture of expected, actual and the differing cells written to diff_folder."""
    expected, actual = Image.open(expected_path).convert("L"), Image.open(actual_path).convert("L")
    if abs(expected.width - actual.width) > 1 or abs(expected.height - actual.height) > 1:
        return (f"{name}: the page is {actual.width}x{actual.height} px at {DPI} dpi, "
                f"its expected picture {expected.width}x{expected.height}")
    # Rounding may make one a pixel larger, and rasterisers disagree about the partly covered
    # pixels along the page's edges: compare what lies inside those.
    inside = (1, 1, min(expected.width, actual.width) - 1, min(expected.height, actual.height) - 1)
    expected, actual = expected.crop(inside), actual.crop(inside)
    excess = ImageChops.lighter(beyond_tolerance(expected, actual), beyond_tolerance(actual, expected))
    cells = excess.reduce(CELL)  # the average excess of each cell
    bad = cells.point(lambda level: 255 if level > CELL_LIMIT else 0)
    box = bad.getbbox()
    if box is None:
        return None
    diff = diff_folder / f"{name}-diff.png"
    save_diff(expected, actual, bad, diff)
    left, top, right, bottom = (edge * CELL / DPI for edge in box)
    return (f"{name} differs from tests/pictures/{name}.png in {bad.histogram()[255]} of "
            f"{cells.width * cells.height} cells of 0.2 in (worst {cells.getextrema()[1]} gray levels beyond "
            f"tolerance, limit {CELL_LIMIT}), from {left:.1f} to {right:.1f} in from the left and "
            f"{top:.1f} to {bottom:.1f} in from the top.\n"
            f"Expected, actual and the differing cells in red: {diff}\n"
            f"If the design changed on purpose, run {REFRESH} and look at the new pictures.")


def save_diff(expected: Image.Image, actual: Image.Image, bad_cells: Image.Image, path: Path) -> None:
    marked = Image.merge("RGB", [actual.point(lambda level: 128 + level // 2)] * 3)  # faded, so red stands out
    mask = bad_cells.resize((bad_cells.width * CELL, bad_cells.height * CELL), Image.Resampling.NEAREST)
    mask = mask.crop((0, 0, *actual.size))
    marked.paste((220, 0, 0), mask=mask.point(lambda level: level * 3 // 5))
    gap = 8
    sheet = Image.new("RGB", (3 * actual.width + 2 * gap, actual.height), (128, 128, 128))
    for index, panel in enumerate((expected.convert("RGB"), actual.convert("RGB"), marked)):
        sheet.paste(panel, (index * (actual.width + gap), 0))
    sheet.resize((sheet.width * 2, sheet.height * 2), Image.Resampling.NEAREST).save(path)


@pytest.fixture(scope="module")
def drawn(tmp_path_factory) -> dict[str, Path]:
    site = Site(tmp_path_factory.mktemp("pictures") / "site")
    run = site.run("-q")
    assert run.code == 0, run.err
    return render(starter_pdfs(site.out), tmp_path_factory.mktemp("drawn"))


def test_every_page_has_an_expected_picture(drawn):
    assert sorted(drawn) == EXPECTED, f"pages drawn and tests/pictures/ disagree; after a design change run {REFRESH}"


@pytest.mark.parametrize("name", EXPECTED)
def test_page_looks_as_expected(drawn, name, tmp_path):
    assert name in drawn, f"no page {name} was drawn"
    problem = compare(name, PICTURES / f"{name}.png", drawn[name], tmp_path)
    if problem:
        pytest.fail(problem, pytrace=False)


@pytest.mark.parametrize("layout,old,new", [
    ("partials/blocks.xml.j2", '<box background="light" border="accent"', '<box border="accent"'),
    ("classic/sheet.xml.j2", '<rule color="accent" thickness="1.5" width="12%"', '<rule color="paper" thickness="1.5" width="12%"'),
], ids=["safety box without its background", "title rule in white"])
def test_the_comparison_sees_a_faint_drawing_go(site, tmp_path, layout, old, new):
    site.edit(f"layouts/{layout}", old, new)
    assert site.run("-q", "why-backs-get-tense").code == 0
    page = render([site.pdf("why-backs-get-tense")], tmp_path / "drawn")["why-backs-get-tense"]
    problem = compare("why-backs-get-tense", PICTURES / "why-backs-get-tense.png", page, tmp_path)
    assert problem and problem.startswith("why-backs-get-tense differs from tests/pictures/why-backs-get-tense.png")
    assert (tmp_path / "why-backs-get-tense-diff.png").is_file()
