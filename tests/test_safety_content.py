"""Safety as content: every handout and client sheet carries the aftercare-and-safety block in
body-size text; a client sheet with a short plan still looks finished; numbers that must stay
whole (phone numbers, "1–2 min") are never broken across lines."""

from __future__ import annotations

import re

import pypdf
import pytest

from conftest import REPO, Site
from spapress.content.load import load_library
from spapress.content.model import Project
from spapress.render.elements.base import keep_together

STARTER = sorted(p.stem for p in (REPO / "handouts/sheets").glob("*.yaml"))
DAY = "2026-11-24"


@pytest.fixture(scope="module")
def library():
    return load_library(Project(REPO, REPO / "handouts", REPO / "layouts", REPO / "build"))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Site:
    site = Site(tmp_path_factory.mktemp("safety") / "site")
    assert site.run(*STARTER, "-q").code == 0
    return site


def flat(text: str) -> str:
    return " ".join(text.split())


def sizes_of(page, text: str) -> set[float]:
    """The font sizes (in points, after the page's own scaling) that draw the given text."""
    found, runs = set(), []

    def visit(run, cm, tm, font, size):
        if run.strip():
            runs.append((run, round(size * tm[0] * cm[0], 1)))

    page.extract_text(visitor_text=visit)
    for run, size in runs:
        if flat(run) and flat(run) in text:
            found.add(size)
    return found


@pytest.mark.parametrize("sheet", STARTER)
def test_every_handout_carries_the_safety_block_in_readable_text(built, library, sheet):
    page = pypdf.PdfReader(built.pdf(sheet)).pages[0]
    text = flat(page.extract_text())
    safety = library.brand.safety
    assert safety.title in text
    for line in safety.lines:
        assert flat(line) in text, line
    sizes = sizes_of(page, " ".join(safety.lines))
    assert sizes and min(sizes) >= 9, f"the safety lines are drawn at {sorted(sizes)} pt"


def test_each_point_card_carries_its_own_cautions(built, library):
    text = flat(pypdf.PdfReader(built.pdf("stress-relief-points")).pages[0].extract_text())
    for point in library.points.values():
        assert point.cautions
        for caution in point.cautions:
            assert flat(caution) in text, caution


def client_text(site: Site, handout: str, *picks: str) -> str:
    run = site.run("client", handout, "--name", "Ana Lima", "--therapist", "Sam", "--date", DAY, *picks)
    assert run.code == 0, run.err
    path = site.path(f"clients/{DAY}/ana-lima-{handout}.pdf")
    return flat(pypdf.PdfReader(path).pages[0].extract_text())


@pytest.mark.parametrize("handout, picks", [
    ("self-massage-tools", ("--tool", "massage-ball:5")),                 # calm: the diagram in the sidebar
    ("stress-relief-points", ("--technique", "steady-pressure:3")),       # classic: the diagram beside the plan
])
def test_a_one_item_client_sheet_keeps_the_intro_the_diagram_and_the_safety_block(site, library, handout, picks):
    text = client_text(site, handout, *picks)
    sheet = library.sheets[handout]
    assert flat(sheet.intro) in text
    assert "Where to press" in text
    for point_id in (i for s in sheet.sections if s.kind == "points" for i in s.ids):
        assert library.points[point_id].name in text  # the diagram's legend names what it marks
    assert library.brand.safety.title in text


def test_a_long_client_plan_leaves_the_intro_out_to_make_room(site, library):
    text = client_text(site, "stress-relief-points", "--point", "top-of-shoulders:2:3", "--point", "base-of-spine:2",
                       "--technique", "steady-pressure:3")
    assert flat(library.sheets["stress-relief-points"].intro) not in text
    assert library.brand.safety.title in text
    assert "Top of the shoulders" in text and "Base of the spine" in text


@pytest.mark.parametrize("text, kept", [
    ("Call (402) 384-8400 today.", "(402)\u00a0384-8400"),
    ("Call +44 20 7946 0958.", "+44\u00a020\u00a07946\u00a00958"),
    ("Hold for 1–2 min.", "1–2\u00a0min."),
    ("every 4–6 weeks", "4–6\u00a0weeks"),
    ("5 minutes, 3 times a day", "5\u00a0minutes, 3\u00a0times"),
])
def test_numbers_that_must_stay_whole_get_non_breaking_spaces(text, kept):
    assert kept in keep_together(text)


def test_ordinary_numbers_may_still_break():
    assert keep_together("steps 1 2 3 and 24 November 2026") == "steps 1 2 3 and 24 November 2026"


@pytest.mark.parametrize("sheet", STARTER)
def test_no_line_of_a_handout_ends_inside_a_phone_number_or_a_duration(built, sheet):
    lines = [line.strip() for line in pypdf.PdfReader(built.pdf(sheet)).pages[0].extract_text().splitlines()]
    for line, following in zip(lines, lines[1:]):
        assert not (re.search(r"\(\d{3}\)$", line) and re.match(r"\d", following)), (line, following)
        assert not (re.search(r"\d$", line) and re.match(r"(min|minutes?|weeks?|days?|times)\b", following)), (line, following)
