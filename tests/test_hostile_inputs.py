"""Hostile and broken input files: each is one line naming the file (and line), exit status 2,
no traceback, earlier PDFs untouched, in bounded memory. The files are made here, small:
a 1 KB alias bomb, a PNG whose header claims ten billion pixels, a template that includes
itself."""

from __future__ import annotations

import io
import random
import re
import struct
import subprocess
import sys
import zlib

import pytest

from conftest import single_problem
from spapress.content.rules import ID, Length, RelativeFile
from spapress.content.schema import INVALID

SHEET = "handouts/sheets/stress-relief-points.yaml"
POINT = "handouts/points/top-of-shoulders.yaml"
HANDOUT = "stress-relief-points"

# Runs the command line in a child process under a 2 GB address-space ceiling (so a bomb that
# is not stopped fails there instead of starving the machine) and reports its peak memory.
_MEASURED = """
import io, resource, sys
from pathlib import Path
resource.setrlimit(resource.RLIMIT_AS, (2 * 1024 ** 3, 2 * 1024 ** 3))
from spapress.cli import main
err = io.StringIO()
try:
    code = main(sys.argv[2:], project=Path(sys.argv[1]), stdout=io.StringIO(), stderr=err)
except BaseException as exc:
    code = f"crashed: {type(exc).__name__}"
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(f"{code} {peak}")
print(err.getvalue(), end="")
"""
MEMORY_BOUND_MB = 500


def measured(site, *argv: str) -> tuple[str, int]:
    """(the one problem line, peak MB) of the command run in a child process."""
    result = subprocess.run([sys.executable, "-c", _MEASURED, str(site.root), *argv],
                            capture_output=True, text=True, timeout=60, check=False)
    first, *lines = result.stdout.splitlines()
    code, peak = first.split()
    assert code == "2", result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert len(lines) == 2 and lines[-1].endswith("no PDF was written or changed."), result.stdout
    return lines[0], int(peak)


def built(site) -> bytes:
    """Build the handout now, while everything is good; its bytes, to compare after a failure."""
    assert site.run(HANDOUT).code == 0
    return site.pdf(HANDOUT).read_bytes()


def png(width: int, height: int, rows: int = 1, colour: bytes = b"\0\0\0") -> bytes:
    """A PNG whose header claims width x height pixels, with only `rows` rows of data (a few KB)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    pixels = zlib.compress((b"\0" + colour * width) * rows, 9)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))


def alias_bomb(last: str = "i") -> str:
    """Nine levels of nine aliases each: 1 KB of YAML that expands to 387 million strings."""
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def use_logo(site, name: str) -> None:
    site.edit("handouts/brand.yaml", "logo: logo.svg", f"logo: {name}")


# --- content YAML -------------------------------------------------------------------------------

def test_an_alias_bomb_used_as_a_key_is_refused_at_once(site):
    site.write("handouts/points/bomb.yaml", alias_bomb() + "? *i\n: x\n")
    line, peak = measured(site, "--check")
    assert line == ("handouts/points/bomb.yaml:2: '*a' repeats another part of the file (a YAML alias), "
                    "which content files may not use; write the value out in full")
    assert peak < MEMORY_BOUND_MB


def test_an_alias_bomb_used_as_the_paper_is_refused_at_once(site):
    before = built(site)
    text = site.path(SHEET).read_text(encoding="utf-8").replace("paper: a4", "paper: *i")
    site.write(SHEET, alias_bomb() + text)
    line, peak = measured(site, HANDOUT)
    assert line.startswith("handouts/sheets/stress-relief-points.yaml:2: '*a' repeats another part of the file")
    assert peak < MEMORY_BOUND_MB
    assert site.pdf(HANDOUT).read_bytes() == before


def test_a_merge_key_alias_is_refused_too(site):
    site.write("handouts/points/merge.yaml", "base: &base {name: x}\nother:\n  <<: *base\n")
    assert single_problem(site.run("--check")).startswith("handouts/points/merge.yaml:3: '*base' repeats another part")


@pytest.mark.parametrize("flow", [True, False])
def test_yaml_nested_hundreds_of_levels_deep_is_one_line(site, flow):
    depth = 300
    if flow:
        text = "name: " + "[" * depth + "]" * depth + "\n"
    else:
        text = "".join(f"{'  ' * level}k{level}:\n" for level in range(depth)) + "  " * depth + "x: 1\n"
    site.write("handouts/points/deep.yaml", text)
    line = single_problem(site.run("--check"))
    assert re.fullmatch(r"handouts/points/deep\.yaml:\d+: nested more than 32 levels deep; "
                        r"content files need only a few levels", line), line


def test_a_50_mb_content_file_is_refused_without_reading_it(site):
    with open(site.path("handouts/points/huge.yaml"), "wb") as handle:
        handle.write(b"name: x\n")
        handle.write((b"# " + b"x" * 1022 + b"\n") * (50 * 1024))
    line, peak = measured(site, "--check")
    assert line == "handouts/points/huge.yaml: is larger than 1,024 KB; is it the right file? Split it into smaller files"
    assert peak < MEMORY_BOUND_MB


# --- pictures, art and fonts --------------------------------------------------------------------

def test_a_decompression_bomb_png_logo_is_one_line(site):
    before = built(site)
    site.path("handouts/logo.png").write_bytes(png(100_000, 100_000))
    use_logo(site, "logo.png")
    line, peak = measured(site, HANDOUT)
    assert line == ("handouts/logo.png: is a picture of hundreds of millions of pixels, more than the 25 megapixels "
                    "a handout can use; save a smaller copy (300 dpi at the printed size is plenty)")
    assert peak < MEMORY_BOUND_MB
    assert site.pdf(HANDOUT).read_bytes() == before


def test_a_picture_over_the_pixel_budget_is_refused_before_it_is_decoded(site):
    site.path("handouts/cover.png").write_bytes(png(6_000, 6_000))
    site.edit("handouts/booklets/back-care-at-home.yaml", "title:", "cover_art: cover.png\ntitle:")
    line, peak = measured(site, "back-care-at-home")
    assert line.startswith("handouts/cover.png: is a picture of 6,000 x 6,000 pixels, more than the 25 megapixels")
    assert peak < MEMORY_BOUND_MB


def test_a_picture_cut_short_is_one_line(site):
    from PIL import Image
    noise = Image.frombytes("RGB", (200, 200), random.Random(1).randbytes(200 * 200 * 3))
    whole = io.BytesIO()
    noise.save(whole, "PNG")
    site.path("handouts/logo.png").write_bytes(whole.getvalue()[:len(whole.getvalue()) // 2])
    use_logo(site, "logo.png")
    line = single_problem(site.run(HANDOUT))
    assert line.startswith("handouts/logo.png: cannot be read as a picture (it may be cut short"), line


@pytest.mark.parametrize("content, message", [
    (png(10, 10), r"handouts/logo\.svg:1: is not SVG art: it is not well-formed XML \(.*\); save it again as SVG from the drawing program"),
    (b"just some words", r"handouts/logo\.svg:1: is not SVG art: it is not well-formed XML .*"),
    (b"<html><body>hello</body></html>", r"handouts/logo\.svg:1: is not SVG art: its outermost element is not <svg>"),
    (b"", r"handouts/logo\.svg: is an empty file, not SVG art"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" width="0" height="0"/>',
     r"handouts/logo\.svg: has no size \(width 0, height 0\); give the <svg> a width, height or viewBox larger than zero"),
])
def test_a_logo_that_is_not_usable_svg_is_one_line(site, content, message):
    before = built(site)
    site.path("handouts/logo.svg").write_bytes(content)
    line = single_problem(site.run(HANDOUT))
    assert re.fullmatch(message, line), line
    assert site.pdf(HANDOUT).read_bytes() == before


def test_zero_size_body_art_is_one_line(site):
    art = site.path("layouts/art/body-back.svg")
    text = art.read_text(encoding="utf-8")
    text = re.sub(r'(<svg[^>]*?) width="[^"]*"', r'\1 width="0"', text, count=1)
    text = re.sub(r'(<svg[^>]*?) height="[^"]*"', r'\1 height="0"', text, count=1)
    art.write_text(re.sub(r'viewBox="[^"]*"', 'viewBox="0 0 0 0"', text, count=1), encoding="utf-8")
    assert single_problem(site.run(HANDOUT)) == (
        "layouts/art/body-back.svg: has no size (width 0, height 0); give the <svg> a width, height or viewBox larger than zero")


def test_a_50_mb_svg_is_refused_without_reading_it(site):
    with open(site.path("handouts/logo.svg"), "wb") as handle:
        handle.write(b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">')
        handle.write((b"<!-- " + b"x" * 1010 + b" -->\n") * (50 * 1024))
        handle.write(b"</svg>")
    line, peak = measured(site, HANDOUT)
    assert line == "handouts/logo.svg: is larger than 5 MB, too large for SVG art; save a smaller copy"
    assert peak < MEMORY_BOUND_MB


@pytest.mark.parametrize("damage, message", [
    (lambda data: data[:5000], "it is cut short (its '"),
    (lambda data: data[:len(data) // 2], "it is cut short (its '"),
    (lambda data: b"this is a text file, not a font\n", "it is not a TrueType font file"),
])
def test_a_font_file_that_is_not_a_whole_font_is_one_line(site, damage, message):
    before = built(site)
    font = site.path("layouts/fonts/NotoSans-Regular.ttf")
    font.write_bytes(damage(font.read_bytes()))
    line, _ = measured(site, HANDOUT)  # a fresh process: this one has the good font registered
    assert line.startswith(f"handouts/brand.yaml: font file NotoSans-Regular.ttf cannot be used: {message}"), line
    assert site.pdf(HANDOUT).read_bytes() == before


# --- templates ------------------------------------------------------------------------------------

def test_a_latin_1_byte_in_a_template_names_its_line(site):
    template = site.path("layouts/classic/sheet.xml.j2")
    data = template.read_bytes()
    template.write_bytes(data.replace(b"</page>", b"<!-- caf\xe9 --></page>"))
    line_number = data[:data.index(b"</page>")].count(b"\n") + 1
    assert single_problem(site.run(HANDOUT)) == (
        f"layouts/classic/sheet.xml.j2:{line_number}: is not UTF-8 text (invalid continuation byte at byte "
        f"{data.index(b'</page>') + 8}); save it as UTF-8")


def test_a_template_that_includes_itself_is_one_line(site):
    before = built(site)
    partial = site.path("layouts/partials/blocks.xml.j2")
    text = partial.read_text(encoding="utf-8") + '{% include "partials/blocks.xml.j2" %}\n'
    partial.write_text(text, encoding="utf-8")
    assert single_problem(site.run(HANDOUT)) == (
        f"layouts/partials/blocks.xml.j2:{text.count(chr(10))}: includes itself: templates that include each other "
        f"never end; remove the loop")
    assert site.pdf(HANDOUT).read_bytes() == before


def test_templates_that_include_each_other_are_one_line(site):
    site.write("layouts/partials/a.xml.j2", '{% include "partials/b.xml.j2" %}\n')
    site.write("layouts/partials/b.xml.j2", '\n{% include "partials/a.xml.j2" %}\n')
    site.edit("layouts/classic/sheet.xml.j2", "</page>", '{% include "partials/a.xml.j2" %}</page>')
    assert single_problem(site.run(HANDOUT)) == (
        "layouts/partials/b.xml.j2:2: includes 'partials/a.xml.j2', which leads back to it: templates that include "
        "each other never end; remove the loop")


def test_a_macro_that_calls_itself_without_end_is_one_line(site):
    template = site.path("layouts/classic/sheet.xml.j2")
    code = "{% macro again(n) %}{{ again(n + 1) }}{% endmacro %}{{ again(1) }}"
    text = template.read_text(encoding="utf-8").replace("</page>", code + "</page>")
    template.write_text(text, encoding="utf-8")
    line, peak = measured(site, HANDOUT)
    assert line == (f"layouts/classic/sheet.xml.j2:{text[:text.index(code)].count(chr(10)) + 1}: templates include or "
                    f"call each other without end (a template that includes itself, or a macro that calls itself); "
                    f"remove the loop")


@pytest.mark.parametrize("code, message", [
    ("{% for i in range(10**9) %}{% endfor %}",
     "range() of 1,000,000,000 numbers is more than a page needs (at most 100,000 in all); loop over the content instead"),
    ("{% for i in range(90000) %}{% for j in range(90000) %}{% endfor %}{% endfor %}",
     "range() of 90,000 numbers is more than a page needs (at most 100,000 in all); loop over the content instead"),
    ('{{ "x" * 10**9 }}', "repeating something 1,000,000,000 times makes it longer than a page can be"),
    ("{{ 10 ** 10000000000 }}", "10 ** 10000000000 is a number far larger than a page needs"),
    ("{% for i in range(99999) %}<!-- {{ i }} {{ brand.disclaimer }} -->{% endfor %}",
     "the page it writes is longer than 2,000,000 characters; look for a loop that never ends or repeats too often"),
])
def test_a_template_that_would_run_away_is_stopped_with_one_line(site, code, message):
    template = site.path("layouts/classic/sheet.xml.j2")
    text = template.read_text(encoding="utf-8").replace("</page>", code + "</page>")
    template.write_text(text, encoding="utf-8")
    line_number = text[:text.index(code)].count("\n") + 1
    line, peak = measured(site, HANDOUT)
    # Output that grows too long is stopped between template lines: the file is named, not a line.
    where = "" if message.startswith("the page") else f":{line_number}"
    assert line == f"layouts/classic/sheet.xml.j2{where}: {message}"
    assert peak < MEMORY_BOUND_MB


def test_a_50_mb_template_is_refused_without_reading_it(site):
    template = site.path("layouts/classic/sheet.xml.j2")
    with open(template, "ab") as handle:
        handle.write((b"{# " + b"x" * 1018 + b" #}\n") * (50 * 1024))
    line, peak = measured(site, HANDOUT)
    assert line == "layouts/classic/sheet.xml.j2: template is larger than 256 KB; is it the right file?"
    assert peak < MEMORY_BOUND_MB


# --- nothing from outside the project -------------------------------------------------------------

@pytest.mark.parametrize("href", ["../outside.png", "../../outside.png", "/etc/hostname", "file:///etc/hostname",
                                  "https://example.com/logo.png", "C:/Windows/logo.png"])
def test_an_svg_may_not_draw_a_picture_from_outside(site, href):
    before = built(site)
    site.path("outside.png").write_bytes(png(10, 10, rows=10))
    logo = site.path("handouts/logo.svg")
    text = logo.read_text(encoding="utf-8").replace("</svg>", f'  <image href="{href}" width="10" height="10"/>\n</svg>')
    logo.write_text(text, encoding="utf-8")
    line_number = text.splitlines().index(f'  <image href="{href}" width="10" height="10"/>') + 1
    assert single_problem(site.run(HANDOUT)) == (
        f"handouts/logo.svg:{line_number}: refers to '{href}', outside the handouts and layouts folders; "
        f"copy it into the project and refer to it by a relative name")
    assert site.pdf(HANDOUT).read_bytes() == before


def test_an_svg_may_not_draw_a_picture_through_a_link_out(site):
    site.path("outside.png").write_bytes(png(10, 10, rows=10))
    site.path("handouts/pictures").mkdir()
    site.path("handouts/pictures/leaf.png").symlink_to(site.path("outside.png"))
    logo = site.path("handouts/logo.svg")
    logo.write_text(logo.read_text(encoding="utf-8").replace(
        "</svg>", '<image xmlns:xlink="http://www.w3.org/1999/xlink" xlink:href="pictures/leaf.png" width="9" height="9"/></svg>'),
        encoding="utf-8")
    assert re.fullmatch(r"handouts/logo\.svg:\d+: refers to 'pictures/leaf\.png', outside the handouts and layouts "
                        r"folders; .*", single_problem(site.run(HANDOUT)))


def test_a_picture_embedded_in_an_svg_is_held_to_the_pixel_budget(site):
    import base64
    data = base64.b64encode(png(100_000, 100_000)).decode()
    logo = site.path("handouts/logo.svg")
    logo.write_text(logo.read_text(encoding="utf-8").replace(
        "</svg>", f'<image href="data:image/png;base64,{data}" width="9" height="9"/></svg>'), encoding="utf-8")
    line, peak = measured(site, HANDOUT)
    assert re.fullmatch(r"handouts/logo\.svg:\d+: an embedded picture: is a picture of hundreds of millions of pixels, .*", line)
    assert peak < MEMORY_BOUND_MB


@pytest.mark.parametrize("what", ["logo", "cover art", "font", "body art"])
def test_a_link_out_of_the_project_is_refused(site, what):
    outside = site.root / "elsewhere"
    outside.mkdir()
    if what == "logo":
        (outside / "logo.svg").write_bytes(site.path("handouts/logo.svg").read_bytes())
        site.path("handouts/logo.svg").unlink()
        site.path("handouts/logo.svg").symlink_to(outside / "logo.svg")
        expected = "handouts/brand.yaml:7: logo file 'logo.svg' is a link to a file outside handouts/; copy the file itself into handouts/"
    elif what == "cover art":
        (outside / "cover.svg").write_bytes(site.path("handouts/logo.svg").read_bytes())
        site.path("handouts/cover.svg").symlink_to(outside / "cover.svg")
        site.edit("handouts/booklets/back-care-at-home.yaml", "title:", "cover_art: cover.svg\ntitle:")
        expected = ("handouts/booklets/back-care-at-home.yaml:1: cover art 'cover.svg' is a link to a file outside handouts/; "
                    "copy the file itself into handouts/")
    elif what == "font":
        font = site.path("layouts/fonts/NotoSans-Bold.ttf")
        (outside / font.name).write_bytes(font.read_bytes())
        font.unlink()
        font.symlink_to(outside / font.name)
        number = next(n for n, text in enumerate(site.path("handouts/brand.yaml").read_text(encoding="utf-8").splitlines(), 1)
                      if text.startswith("  body:"))
        expected = (f"handouts/brand.yaml:{number}: font file 'NotoSans-Bold.ttf' is a link to a file outside "
                    f"layouts/fonts/; copy the file itself into layouts/fonts/")
    else:
        art = site.path("layouts/art/body-back.svg")
        (outside / art.name).write_bytes(art.read_bytes())
        art.unlink()
        art.symlink_to(outside / art.name)
        expected = ("layouts/art/body-back.svg: is a link to a file outside the handouts and layouts folders; "
                    "copy the file itself into the project")
    assert single_problem(site.run("back-care-at-home" if what == "cover art" else HANDOUT)) == expected


def test_a_picture_the_logo_draws_is_a_build_input(site):
    site.path("handouts/pictures").mkdir()
    site.path("handouts/pictures/leaf.png").write_bytes(png(8, 8, rows=8))
    logo = site.path("handouts/logo.svg")
    logo.write_text(logo.read_text(encoding="utf-8").replace(
        "</svg>", '<image href="pictures/leaf.png" x="0" y="0" width="40" height="40"/></svg>'), encoding="utf-8")
    first = built(site)
    assert "rebuilt" not in site.run(HANDOUT).out  # nothing changed: nothing made
    site.path("handouts/pictures/leaf.png").write_bytes(png(8, 8, rows=8, colour=b"\xff\0\0"))
    run = site.run(HANDOUT)
    assert run.code == 0, run.err
    assert f"rebuilt build/{HANDOUT}.pdf" in run.out and "pictures/leaf.png changed" in run.out, run.out
    assert site.pdf(HANDOUT).read_bytes() != first


# --- names ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["con", "nul", "aux", "prn", "com1", "lpt9"])
def test_ids_windows_keeps_for_devices_are_refused(site, name):
    site.write(f"handouts/topics/{name}.yaml", "title: A topic\nbody: [Some words.]\n")
    assert single_problem(site.run("--check")) == (
        f"handouts/topics/{name}.yaml:1: '{name}.yaml' cannot be used: Windows keeps the name '{name}' for a device; rename the file")


def test_reserved_names_are_recognised_in_any_case_and_with_an_extension():
    from spapress.content.rules import windows_reserved

    for name in ("con", "CON", "Nul.txt", "com1.pdf", "LPT9", "aux.tar.gz", "conin$"):
        assert windows_reserved(name), name
    for name in ("console", "con-tips", "com10", "lpt", "nullify", "icon"):
        assert not windows_reserved(name), name
    problems = []
    assert ID("nul", 3, lambda line, message: problems.append((line, message))) is INVALID
    assert [line for line, _ in problems] == [3]


@pytest.mark.parametrize("given, message", [
    ("C:\\logo.svg", "'C:\\logo.svg' must be a file inside handouts/ (no '..', drive letters or absolute paths)"),
    ("C:logo.svg", "'C:logo.svg' must be a file inside handouts/ (no '..', drive letters or absolute paths)"),
    ("d:/pictures/logo.svg", "'d:/pictures/logo.svg' must be a file inside handouts/ (no '..', drive letters or absolute paths)"),
    ("/etc/logo.svg", "'/etc/logo.svg' must be a file inside handouts/ (no '..', drive letters or absolute paths)"),
    ("\\\\server\\share\\logo.svg", "'\\\\server\\share\\logo.svg' must be a file inside handouts/ (no '..', drive letters or absolute paths)"),
    ("pictures/con.svg", "'con.svg' cannot be a file name on Windows; rename the file"),
    ("logo.svg:hidden", "'logo.svg:hidden' cannot be a file name on Windows; rename the file"),
])
def test_a_file_name_must_stay_inside_its_folder_on_every_system(given, message):
    problems = []
    check = RelativeFile("handouts", (".svg", ".png", ".hidden"))
    check(given, 7, lambda line, text: problems.append((line, text)))
    assert problems == [(7, message)]


def test_a_windows_drive_path_as_the_logo_is_one_line(site):
    use_logo(site, "'C:\\Users\\desk\\logo.svg'")
    assert single_problem(site.run("--check")) == (
        "handouts/brand.yaml:7: 'C:\\Users\\desk\\logo.svg' must be a file inside handouts/ "
        "(no '..', drive letters or absolute paths)")


@pytest.mark.parametrize("text", ["nan", "inf", "-inf", "NaN", "infpt", "nanin", "1e999", "1e999mm"])
def test_a_length_must_be_a_finite_number(text):
    problems = []
    assert Length()(text, 4, lambda line, message: problems.append(message)) is INVALID
    assert problems == [f"'{text}' is not a length; write it like 12, 12pt, 0.5in or 10mm"]


def test_a_nan_length_in_a_template_is_one_line(site):
    site.edit("layouts/classic/sheet.xml.j2", 'width="1.7in"', 'width="nan"')
    line = single_problem(site.run(HANDOUT))
    assert re.fullmatch(r"layouts/classic/sheet\.xml\.j2:\d+: <body-map width>: 'nan' is not a length; .*", line), line


# --- what is echoed back to the terminal ------------------------------------------------------------

@pytest.mark.parametrize("printer", ["\x1b[2J\x1b[31mDesk", "Desk\x1b]0;owned\x07", "Desk\r\nprinted ok"])
def test_a_printer_name_with_control_characters_is_shown_escaped(site, monkeypatch, printer):
    monkeypatch.chdir(site.root)
    run = site.run("print", "x.pdf", "--printer", printer)
    assert run.code == 2
    assert not re.search(r"[\x00-\x1f\x7f]", run.err.rstrip("\n")), repr(run.err)
    assert run.err.count("\n") == 1
    shown = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in printer)
    assert f"argument --printer: '{shown}' is not a printer name" in run.err


def test_an_id_with_an_escape_sequence_is_echoed_escaped(site):
    run = site.run("stress-relief\x1b[8m-points")
    assert run.code == 2
    assert "\x1b" not in run.err and "stress-relief\\x1b[8m-points" in run.err, repr(run.err)


def test_a_content_problem_quoting_control_characters_is_shown_escaped(site):
    site.write("handouts/points/odd\x1b[31m.yaml", "name: x\n")
    run = site.run("--check")
    assert run.code == 2
    assert "\x1b" not in run.err and "odd\\x1b[31m.yaml" in run.err, repr(run.err)


@pytest.mark.parametrize("argv", [["--printer", "Desk"], []])
def test_a_stopped_print_system_is_said_so(site, monkeypatch, tmp_path, argv):
    assert site.run(HANDOUT).code == 0
    monkeypatch.setenv("CUPS_SERVER", str(tmp_path / "no-scheduler-here.sock"))
    run = site.run("print", HANDOUT, *argv)
    assert run.code == 2
    assert run.err.strip() == (f"build/{HANDOUT}.pdf: not printed: the print system (CUPS) is not running; "
                               f"start it, or ask whoever looks after this computer")

