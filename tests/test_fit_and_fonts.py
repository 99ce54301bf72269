"""The one-page promise, glyph checks, Unicode names and hostile text."""

from __future__ import annotations

import json
import re

import pypdf

from conftest import single_problem

LONG = "Slow breathing helps the shoulders drop and the jaw unclench before any pressure is applied. "


def body_size(run) -> float:
    return float(re.search(r"body text ([\d.]+) pt", run.out).group(1))


def test_long_content_shrinks_but_stays_on_one_page(site):
    site.edit("handouts/sheets/why-backs-get-tense.yaml", "intro: ", "intro: " + LONG * 9)
    run = site.run("why-backs-get-tense")
    assert run.code == 0, run.err
    assert 9 <= body_size(run) < 10
    assert len(pypdf.PdfReader(site.pdf("why-backs-get-tense")).pages) == 1


def test_too_long_content_fails_with_how_much(site):
    paragraph = json.dumps((LONG * 12).strip())
    site.write("handouts/topics/long.yaml", "title: Long\nbody:\n" + f"  - {paragraph}\n" * 6)
    site.edit("handouts/sheets/why-backs-get-tense.yaml", "sections:\n", "sections:\n  - topics: [long]\n")
    line = single_problem(site.run("why-backs-get-tense"))
    assert re.fullmatch(r"handouts/sheets/why-backs-get-tense\.yaml: 'why-backs-get-tense' does not fit on one page: "
                        r"even at the minimum body size \(9 pt\) it is [\d.]+ in \(\d+%\) too long; "
                        r"shorten the text or remove a section", line), line
    assert not site.pdf("why-backs-get-tense").exists()


def test_minimum_body_size_is_configurable_per_layout(site):
    site.edit("handouts/sheets/why-backs-get-tense.yaml", "intro: ", "intro: " + LONG * 11)
    site.edit("layouts/classic/styles.yaml", "min_body_size: 9", "min_body_size: 9.9")
    assert "minimum body size (9.9 pt)" in single_problem(site.run("why-backs-get-tense"))


def test_unicode_names_print_correctly(site):
    site.edit("handouts/sheets/why-backs-get-tense.yaml", "intro: ", "intro: Zoë Łucja Nguyễn José says hello. ")
    assert site.run("why-backs-get-tense").code == 0
    text = pypdf.PdfReader(site.pdf("why-backs-get-tense")).pages[0].extract_text()
    assert "Zoë Łucja Nguyễn José" in text


def test_missing_glyph_names_the_character_and_where_it_is(site):
    site.edit("handouts/sheets/why-backs-get-tense.yaml", "intro: ", "intro: Relax 😀 ")
    line = single_problem(site.run("why-backs-get-tense"))
    assert line.startswith("handouts/sheets/why-backs-get-tense.yaml:")
    assert "the character '😀' (U+1F600) is not in the font" in line
    assert "remove it or choose a font that has it" in line


def test_hostile_text_is_printed_literally(site):
    hostile = "<font size=90>big</font> {{ 7*7 }} {% include 'x' %} &amp; </para> <b>"
    site.edit("handouts/sheets/why-backs-get-tense.yaml", "title: ", f"title: {json.dumps(hostile)}\n# was: ")
    run = site.run("why-backs-get-tense")
    assert run.code == 0, run.err
    reader = pypdf.PdfReader(site.pdf("why-backs-get-tense"))
    text = " ".join(reader.pages[0].extract_text().split())
    assert hostile in text
    assert str(reader.metadata.title).startswith(hostile)


def test_a_page_shaped_like_one_fitted_before_still_gets_the_largest_size_that_fits(site):
    """Fitting starts where a page of the same shape ended (render/pages.py); whether this page
    needs more room or less, or cannot fit at all, the answer is the one a fresh search finds."""
    from spapress.clients.frontdesk import FrontDesk
    from spapress.content.model import Project
    from spapress.render import pages

    root = site.root
    desk = FrontDesk(Project(root, root / "handouts", root / "layouts", root / "clients"), None)

    def sheet(handout: str, sentences: int):
        visit, problems = desk.checker().visit({"name": "Ana Lima", "therapist": "Sam", "date": "2026-11-24",
                                                "handout": handout,
                                                "note": "Ease off the left shoulder today. " * sentences}, "test")
        assert not problems
        return desk.make(visit)

    asked = [("stress-relief-points", n) for n in (1, 10, 1, 7, 4, 10)] + \
            [("self-massage-tools", n) for n in (1, 10, 5, 1)] + [("why-backs-get-tense", n) for n in (10, 1)]
    remembered = [sheet(*one) for one in asked]
    fresh = []
    for one in asked:
        pages._ENDED_AT.clear()
        fresh.append(sheet(*one))
    assert [(m.body_size, m.problem, m.data) for m in remembered] == [(f.body_size, f.problem, f.data) for f in fresh]
    assert len({m.body_size for m in remembered if m.data}) >= 4   # the notes really asked for different sizes
    assert any(m.problem and "does not fit" in m.problem for m in remembered)
