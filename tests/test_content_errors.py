"""Every kind of content mistake gets one located, actionable line and exit status 2."""

from __future__ import annotations

from conftest import single_problem
from spapress.clients.settings import SETTINGS
from spapress.content.load import BOOKLET, SHEET
from spapress.content.schema import describe
from spapress.render.styles import STYLE

GOOD_POINT = """\
name: Between the shoulder blades
region: Upper back
summary: Eases a tight upper back.
where: Beside the spine, level with the shoulder blades.
how_to_find: Slide a thumb in from the edge of the blade.
work_with: Thumb
motion: Small circles
pressure: Steady
duration: 1 minute
helps: [Upper-back ache]
"""


def test_yaml_syntax_error_names_file_and_line(site):
    site.write("handouts/points/broken.yaml", GOOD_POINT + "cautions: [unclosed\n")
    line = single_problem(site.run("--check"))
    assert line.startswith("handouts/points/broken.yaml:12: YAML syntax error")


def test_unknown_key_suggests_the_right_one(site):
    site.write("handouts/points/typo.yaml", GOOD_POINT.replace("duration:", "duraton:"))
    assert single_problem(site.run("--check")) == \
        "handouts/points/typo.yaml:9: unknown key 'duraton' (did you mean 'duration'?)"


def test_missing_required_field(site):
    site.write("handouts/points/short.yaml", GOOD_POINT.replace("how_to_find: Slide a thumb in from the edge of the blade.\n", ""))
    assert single_problem(site.run("--check")) == \
        "handouts/points/short.yaml:1: missing required key 'how_to_find' (how to find it by touch)"


def test_wrong_type_asks_for_quotes(site):
    site.write("handouts/points/number.yaml", GOOD_POINT.replace("duration: 1 minute", "duration: 2"))
    assert single_problem(site.run("--check")) == \
        "handouts/points/number.yaml:9: expected text, got a number; put the value in quotes"


def test_wrong_type_list_expected(site):
    site.write("handouts/points/list.yaml", GOOD_POINT.replace("helps: [Upper-back ache]", "helps: Upper-back ache"))
    assert single_problem(site.run("--check")) == \
        "handouts/points/list.yaml:10: expected a list (lines starting with '- '), got text"


def test_unknown_reference_suggests_the_id(site):
    site.edit("handouts/sheets/stress-relief-points.yaml", "top-of-shoulders,", "top-of-shoulder,")
    line = single_problem(site.run("--check"))
    assert line.startswith("handouts/sheets/stress-relief-points.yaml:")
    assert "unknown point 'top-of-shoulder' (did you mean 'top-of-shoulders'?)" in line
    number = int(line.split(":")[1])
    text = site.path("handouts/sheets/stress-relief-points.yaml").read_text().splitlines()
    assert "top-of-shoulder," in text[number - 1]


def test_duplicate_id_across_subfolders(site):
    site.write("handouts/points/extra/top-of-shoulders.yaml", GOOD_POINT)
    line = single_problem(site.run("--check"))
    assert line.startswith("handouts/points/top-of-shoulders.yaml:1: duplicate id 'top-of-shoulders'")
    assert "handouts/points/extra/top-of-shoulders.yaml" in line


def test_id_that_is_not_a_safe_file_name(site):
    site.write("handouts/points/Upper Back!.yaml", GOOD_POINT)
    assert single_problem(site.run("--check")) == (
        "handouts/points/Upper Back!.yaml:1: 'Upper Back!.yaml' is not a valid id: use lower-case letters, "
        "digits and hyphens, e.g. 'upper-back.yaml'")


def test_duplicate_key_in_one_file(site):
    site.write("handouts/points/twice.yaml", GOOD_POINT + "name: Again\n")
    assert single_problem(site.run("--check")) == "handouts/points/twice.yaml:11: 'name' is given twice; keep one"


def test_invalid_colour(site):
    site.edit("handouts/brand.yaml", '"#2F5D62"', '"#2F5D6"')
    line = single_problem(site.run("--check"))
    assert line.startswith("handouts/brand.yaml:")
    assert "'#2F5D6' is not a valid colour; write it like '#2F5D62'" in line


def test_a_value_not_among_the_choices_lists_them(site):
    site.edit("handouts/sheets/stress-relief-points.yaml", "layout: classic\n", "layout: classic\npaper: a3\n")
    assert single_problem(site.run("--check")) == \
        "handouts/sheets/stress-relief-points.yaml:5: 'a3' is not one of letter, a4"
    site.edit("handouts/sheets/stress-relief-points.yaml", "paper: a3", "paper: lettr")
    assert single_problem(site.run("--check")) == \
        "handouts/sheets/stress-relief-points.yaml:5: 'lettr' is not one of letter, a4 (did you mean 'letter'?)"


def test_a_style_colour_is_checked_like_a_layout_colour(site):
    site.edit("layouts/classic/styles.yaml", "color: primary, space_after: 2}", "color: teal, space_after: 2}")
    assert single_problem(site.run("--check")) == (
        "layouts/classic/styles.yaml:8: 'teal' is not a brand colour name (primary, accent, ink, muted, light, paper) "
        "or #RRGGBB")


def test_a_bad_style_is_one_problem_not_one_per_child(site):
    site.edit("layouts/classic/styles.yaml", "detail: {parent: body, size: 9.5,", "detail: {parent: body, size: 200,")
    assert single_problem(site.run("--check")) == \
        "layouts/classic/styles.yaml:16: 200 is out of range; use a number from 4 to 96"


def test_the_reference_shows_type_requirement_default_and_meaning():
    assert "- `paper` (letter | a4, optional): letter or a4; default: the brand's paper" in describe(SHEET)
    assert "- `title` (text, required): the booklet's title, on the cover and at the foot of every page" in describe(BOOKLET)
    assert "- `contents` (yes | no, optional, default: yes): include a table of contents" in describe(BOOKLET)
    assert "- `bleed` (number, optional, default: 0.125): bleed for the print-shop copy, in inches" in describe(BOOKLET)
    assert "- `color` (brand colour, optional, default: ink): a brand colour name or #RRGGBB" in describe(STYLE)
    assert "  - `timeout` (number, optional, default: 20): seconds to wait for the server" in describe(SETTINGS)


def test_missing_logo_file(site):
    site.path("handouts/logo.svg").unlink()
    line = single_problem(site.run("--check"))
    assert line.startswith("handouts/brand.yaml:")
    assert "logo file 'logo.svg' not found in handouts/" in line


def test_logo_outside_the_content_folder_is_refused(site):
    site.edit("handouts/brand.yaml", "logo: logo.svg", "logo: ../../etc/passwd.svg")
    assert "must be a file inside handouts/" in single_problem(site.run("--check"))


def test_missing_font_file(site):
    site.path("layouts/fonts/NotoSans-Italic.ttf").unlink()
    line = single_problem(site.run("--check"))
    assert line.startswith("handouts/brand.yaml:")
    assert "font file 'NotoSans-Italic.ttf' not found in layouts/fonts/" in line


def test_control_character_is_refused(site):
    site.write("handouts/points/bell.yaml", GOOD_POINT.replace("Eases a tight upper back.", '"Eases a\\a tight back."'))
    assert single_problem(site.run("--check")) == (
        "handouts/points/bell.yaml:3: contains the control character U+0007; delete it (it is invisible in most editors)")


def test_unknown_layout(site):
    site.edit("handouts/sheets/stress-relief-points.yaml", "layout: classic", "layout: clasic")
    line = single_problem(site.run("--check"))
    assert "unknown layout 'clasic' (did you mean 'classic'?)" in line


def test_out_of_range_marker_position(site):
    site.edit("handouts/points/top-of-shoulders.yaml", "x: 0.36", "x: 1.36")
    assert "1.36 is out of range; use a number from 0 to 1" in single_problem(site.run("--check"))


def test_template_syntax_error_names_template_line(site):
    site.edit("layouts/classic/sheet.xml.j2", "{% if sheet.subtitle %}", "{% if sheet.subtitle %")
    line = single_problem_any(site.run("--check"))
    assert line.startswith("layouts/classic/sheet.xml.j2:9: template syntax error")


def test_template_undefined_variable_names_template_line(site):
    site.edit("layouts/classic/sheet.xml.j2", "{{ sheet.title }}", "{{ sheet.titel }}")
    line = single_problem_any(site.run("--check"))
    assert line.startswith("layouts/classic/sheet.xml.j2:8: ")
    assert "sheet has no field 'titel' (did you mean 'title'?)" in line


def test_all_problems_are_reported_at_once(site):
    site.write("handouts/points/a.yaml", GOOD_POINT.replace("duration:", "duraton:"))
    site.write("handouts/techniques/b.yaml", "name: [unclosed\n")
    run = site.run("--check")
    assert run.code == 2
    assert "handouts/points/a.yaml:9:" in run.err
    assert "handouts/techniques/b.yaml:2: YAML syntax error" in run.err
    assert "2 problems found" in run.err
    assert "Traceback" not in run.err


def test_broken_content_leaves_earlier_pdfs_intact(site):
    assert site.run("-q").code == 0
    before = {p.name: p.read_bytes() for p in site.out.glob("*.pdf")}
    stamps = {p.name: p.stat().st_mtime_ns for p in site.out.glob("*.pdf")}
    site.edit("handouts/points/top-of-shoulders.yaml", "duration:", "duraton:")
    assert site.run().code == 2
    assert {p.name: p.read_bytes() for p in site.out.glob("*.pdf")} == before
    assert {p.name: p.stat().st_mtime_ns for p in site.out.glob("*.pdf")} == stamps
    assert not list(site.out.glob(".*.tmp"))


def single_problem_any(run) -> str:
    """Template problems repeat once per sheet using the layout; they must all be the same line."""
    assert run.code == 2, run.out
    lines = run.err.strip().splitlines()[:-1]
    assert len(set(lines)) == 1, run.err
    return lines[0]
