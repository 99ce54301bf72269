"""Each layout element, rendered through a small layout of its own and read back from the PDF."""

from __future__ import annotations

import pytest

import re

import pypdf

from reportlab.lib.units import toLength

from conftest import REPO, single_problem, tool
from spapress.cli.reference import PAGES, elements_reference
from spapress.content.rules import length_in_points
from spapress.render.elements import ELEMENTS

SHEET = """\
title: Element test
layout: probe
paper: {paper}
sections:
  - points: [top-of-shoulders, base-of-spine]
"""


def probe(site, body: str, *, paper: str = "letter", footer: str = "<footer><disclaimer/></footer>", header: str = "") -> pypdf.PdfReader:
    """Build a one-off sheet whose layout puts `body` inside <fit>; return the PDF."""
    site.write("layouts/probe/styles.yaml", (REPO / "layouts/classic/styles.yaml").read_text())
    site.write("layouts/probe/sheet.xml.j2",
               f'<page size="{{{{ paper }}}}">{header}<fit>{body}</fit>{footer}</page>\n')
    site.write("handouts/sheets/probe.yaml", SHEET.format(paper=paper))
    run = site.run("probe", "-q")
    assert run.code == 0, run.err
    return pypdf.PdfReader(site.pdf("probe"))


def text_of(reader: pypdf.PdfReader) -> str:
    return " ".join(reader.pages[0].extract_text().split())


def fonts_used(reader: pypdf.PdfReader) -> set[str]:
    fonts = reader.pages[0]["/Resources"]["/Font"]
    return {str(fonts[name].get_object()["/BaseFont"]).split("+")[-1] for name in fonts}


def links(reader: pypdf.PdfReader) -> list[str]:
    return [a.get_object()["/A"]["/URI"] for a in reader.pages[0].get("/Annots", [])]


def test_headings_and_paragraphs_use_their_styles(site):
    reader = probe(site, "<h1>Big title</h1><h2>Section</h2><h3>Small</h3><p>Plain <b>bold</b> and <i>italic</i></p>")
    assert "Big title Section Small Plain bold and italic" in text_of(reader)
    assert {"NotoSerif-Bold", "NotoSans-Bold", "NotoSans-Regular", "NotoSans-Italic"} <= fonts_used(reader)


def test_link_is_clickable(site):
    reader = probe(site, '<p>Visit <a href="https://example.com/book">our page</a></p>')
    assert links(reader) == ["https://example.com/book"]


def test_list_items_have_bullets(site):
    reader = probe(site, "<ul><li>First</li><li bullet=\"2.\">Second</li></ul>")
    assert re.search(r"• First 2\. Second", text_of(reader))


def test_columns_put_text_side_by_side(site):
    reader = probe(site, '<columns><column width="50%"><p>LEFTSIDE</p></column><column><p>RIGHTSIDE</p></column></columns>')
    positions = {}

    def visit(text, cm, tm, font, size):
        if text.strip() in ("LEFTSIDE", "RIGHTSIDE"):  # page position = text matrix placed by the CTM
            positions[text.strip()] = (tm[4] * cm[0] + tm[5] * cm[2] + cm[4], tm[4] * cm[1] + tm[5] * cm[3] + cm[5])

    reader.pages[0].extract_text(visitor_text=visit)
    left, right = positions["LEFTSIDE"], positions["RIGHTSIDE"]
    assert abs(left[1] - right[1]) < 1          # same line
    assert right[0] - left[0] > 200             # second column well to the right


def test_box_spacer_rule_and_img_render(site):
    reader = probe(site, '<box background="light" border="accent"><p>Inside the box</p></box><spacer height="20"/>'
                         '<rule color="primary"/><img src="art/body-back.svg" width="1in"/>')
    assert "Inside the box" in text_of(reader)


def test_point_card_and_body_map_show_matching_numbers(site):
    reader = probe(site, '<columns><column width="30%"><body-map view="back" width="1.5in">'
                         '<marker n="1" x="0.3" y="0.2"/><marker n="2" x="0.5" y="0.5"/></body-map></column>'
                         '<column><point-card n="1" title="Top of the shoulders"><p>Card text</p></point-card>'
                         '<point-card n="2" title="Base of the spine"><p>More</p></point-card></column></columns>')
    words = text_of(reader)
    assert "1 Top of the shoulders" in words and "2 Base of the spine" in words
    assert words.count("1") >= 2 and words.count("2") >= 2   # badge on card and marker on the map


def test_qr_code_decodes_to_its_link(site, tmp_path):
    reader = probe(site, '<qr href="https://example.com/q?x=1" size="1.2in"/>')
    assert links(reader) == ["https://example.com/q?x=1"]
    tool("pdftoppm", "-r", "150", "-png", str(site.pdf("probe")), str(tmp_path / "page"))
    assert tool("zbarimg", "-q", "--raw", str(tmp_path / "page-1.png")).strip() == "https://example.com/q?x=1"


def test_brand_header_prints_name_tagline_and_phone(site):
    reader = probe(site, "<p>Body</p>", header='<brand-header/>')
    words = text_of(reader)
    assert "Faces Spa" in words and "(402) 384-8400" in words


def test_page_sizes(site):
    assert [round(float(v)) for v in probe(site, "<p>x</p>", paper="a4").pages[0].mediabox[2:]] == [595, 842]
    assert [round(float(v)) for v in probe(site, "<p>x</p>", paper="letter").pages[0].mediabox[2:]] == [612, 792]


def test_unknown_element_suggests_a_known_one(site):
    site.write("layouts/probe/styles.yaml", (REPO / "layouts/classic/styles.yaml").read_text())
    site.write("layouts/probe/sheet.xml.j2", '<page>\n<fit>\n<colums>Hi</colums>\n</fit>\n<footer><disclaimer/></footer>\n</page>\n')
    site.write("handouts/sheets/probe.yaml", SHEET.format(paper="a4"))
    assert single_problem(site.run("probe", "--check")) == \
        "layouts/probe/sheet.xml.j2:3: <colums> is not a layout element (did you mean 'columns'?)"


def test_bad_attribute_value_is_located(site):
    site.write("layouts/probe/styles.yaml", (REPO / "layouts/classic/styles.yaml").read_text())
    site.write("layouts/probe/sheet.xml.j2", '<page>\n<fit>\n<p>Hi</p>\n<spacer height="lots"/>\n</fit>\n<footer><disclaimer/></footer>\n</page>\n')
    site.write("handouts/sheets/probe.yaml", SHEET.format(paper="a4"))
    assert single_problem(site.run("probe", "--check")) == (
        "layouts/probe/sheet.xml.j2:4: <spacer height>: 'lots' is not a length; write it like 12, 12pt, 0.5in or 10mm")


@pytest.mark.parametrize("element, message", [
    ('<rule thickness="2em"/>', "<rule thickness>: '2em' is not a length; write it like 12, 12pt, 0.5in or 10mm"),
    ('<spacer height="-4pt"/>', "<spacer height>: '-4pt' must not be negative"),
    ('<rule width="40"/>', "<rule width>: '40' is not a width; write a percentage like 40%"),
    ('<rule width="140%"/>', "<rule width>: '140%' must be between 1% and 100%"),
    ('<qr href="ftp://example.com/x"/>', "<qr href>: 'ftp://example.com/x' is not a valid web, mailto: or tel: address; "
                                         "write it like 'https://example.com/book', 'mailto:hello@example.com' or "
                                         "'tel:+1 402 384 8400'"),
    ('<p><a href="mailto:ana@example">Ana</a></p>', "<a href>: 'mailto:ana@example' is not a valid web, mailto: or tel: "
                                                   "address; write it like 'https://example.com/book', "
                                                   "'mailto:hello@example.com' or 'tel:+1 402 384 8400'"),
    ('<rule color="teal"/>', "<rule color>: 'teal' is not a brand colour name (primary, accent, ink, muted, light, paper) "
                             "or #RRGGBB"),
    ('<box background="#12345"><p>x</p></box>', "<box background>: '#12345' is not a brand colour name (primary, accent, "
                                                "ink, muted, light, paper) or #RRGGBB"),
    ('<qr href="https://example.com" align="middle"/>', "<qr align>: 'middle' is not one of left, center, right"),
    ('<body-map view="back"><marker n="1" x="left" y="0.5"/></body-map>', "<marker x>: 'left' is not a number"),
    ('<img src="../secret.png" width="1in"/>', "<img src>: '../secret.png' must be a file inside layouts/ "
                                               "(no '..', drive letters or absolute paths)"),
])
def test_each_bad_attribute_value_is_one_located_line(site, element, message):
    site.write("layouts/probe/styles.yaml", (REPO / "layouts/classic/styles.yaml").read_text())
    site.write("layouts/probe/sheet.xml.j2", f'<page>\n<fit>\n<p>Hi</p>\n{element}\n</fit>\n<footer><disclaimer/></footer>\n</page>\n')
    site.write("handouts/sheets/probe.yaml", SHEET.format(paper="a4"))
    assert single_problem(site.run("probe", "--check")) == f"layouts/probe/sheet.xml.j2:4: {message}"


@pytest.mark.parametrize("text", ["12", "12pt", "0.5in", "10mm", "1cm", "2.5cm", "3i", "2pica", "-1", "1e1", " 7 ", "0"])
def test_lengths_are_read_as_reportlab_reads_them(text):
    assert length_in_points(text) == toLength(text)


def test_the_reference_shows_each_attribute_type_from_its_check():
    reference = elements_reference()
    assert "| `align` | left \\| center \\| right | no | left | placement |" in reference
    assert "| `href` | web, mailto: or tel: address | yes |  | the address it encodes |" in reference
    assert "| `color` | brand colour | no | accent | line colour |" in reference
    assert "| `thickness` | length | no | 0.75 | line thickness |" in reference


def test_a_page_without_disclaimer_is_refused(site):
    site.write("layouts/probe/styles.yaml", (REPO / "layouts/classic/styles.yaml").read_text())
    site.write("layouts/probe/sheet.xml.j2", "<page>\n<fit><p>Hi</p></fit>\n</page>\n")
    site.write("handouts/sheets/probe.yaml", SHEET.format(paper="a4"))
    assert "every handout must carry the disclaimer" in single_problem(site.run("probe", "--check"))


def test_every_element_is_in_the_reference():
    reference = elements_reference()
    for tag in ELEMENTS:
        assert f"## `<{tag}>`" in reference


@pytest.mark.parametrize("page", sorted(PAGES))
def test_reference_docs_are_current(page):
    assert (REPO / "docs" / page).read_text(encoding="utf-8") == PAGES[page]() + "\n", \
        f"docs/{page} is stale: run python make_pdfs.py reference"
