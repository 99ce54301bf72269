"""The shipped starter library, built end to end and checked with real PDF readers."""

from __future__ import annotations

import pypdf
import pytest

from conftest import REPO, Site, tool

STARTER = sorted(p.stem for p in (REPO / "handouts/sheets").glob("*.yaml"))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Site:
    site = Site(tmp_path_factory.mktemp("starter") / "site")
    run = site.run()
    assert run.code == 0, run.err
    assert f"{len(STARTER)} handouts and 1 booklet built, 0 unchanged" in run.out
    return site


def test_starter_library_has_the_four_guides():
    assert {"stress-relief-points", "self-massage-tools", "partner-back-massage", "why-backs-get-tense"} <= set(STARTER)


@pytest.mark.parametrize("sheet", STARTER)
def test_each_handout_is_one_valid_page(built, sheet):
    path = built.pdf(sheet)
    assert len(pypdf.PdfReader(path).pages) == 1
    assert "No syntax or stream encoding errors" in tool("qpdf", "--check", str(path))


@pytest.mark.parametrize("sheet", STARTER)
def test_each_handout_embeds_every_font(built, sheet):
    rows = tool("pdffonts", str(built.pdf(sheet))).splitlines()[2:]
    assert rows, "no fonts listed"
    for row in rows:
        name, emb = row.split()[0], row.split()[-5]
        assert emb == "yes", f"{name} is not embedded"
        assert "+" in name, f"{name} is not subset"
        assert "Helvetica" not in name


@pytest.mark.parametrize("sheet", STARTER)
def test_each_handout_has_metadata(built, sheet):
    reader = pypdf.PdfReader(built.pdf(sheet))
    source = (REPO / "handouts/sheets" / f"{sheet}.yaml").read_text(encoding="utf-8")
    assert reader.metadata.title and reader.metadata.title in source
    assert reader.metadata.author == "Faces Spa"
    assert reader.metadata.subject
    assert "massage" in reader.metadata["/Keywords"]
    assert reader.trailer["/Root"]["/Lang"] == "en-US"


@pytest.mark.parametrize("sheet", STARTER)
def test_each_handout_has_booking_qr_link_disclaimer_and_phone(built, sheet, tmp_path):
    path = built.pdf(sheet)
    tool("pdftoppm", "-r", "150", "-png", str(path), str(tmp_path / "page"))
    assert tool("zbarimg", "-q", "--raw", str(tmp_path / "page-1.png")).strip() == "https://www.facesspa.com/book"
    reader = pypdf.PdfReader(path)
    uris = [a.get_object()["/A"]["/URI"] for a in reader.pages[0]["/Annots"]]
    assert "https://www.facesspa.com/book" in uris
    text = " ".join(reader.pages[0].extract_text().split())
    assert "(402) 384-8400" in text
    assert "not medical advice" in text


def test_rebuild_is_byte_identical(built, tmp_path):
    again = tmp_path / "again"
    assert built.run("--out", str(again), "-q").code == 0
    for sheet in STARTER:
        assert (again / f"{sheet}.pdf").read_bytes() == built.pdf(sheet).read_bytes(), sheet


def test_build_some_by_id(site):
    run = site.run("why-backs-get-tense")
    assert run.code == 0
    assert [p.name for p in site.out.glob("*.pdf")] == ["why-backs-get-tense.pdf"]


def every_path(site: Site) -> dict[str, tuple[int, int]]:
    """Size and modification time of every file and folder in the site, build/ included."""
    return {p.relative_to(site.root).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns) for p in site.root.rglob("*")}


def test_check_exits_0_and_writes_nothing(site):
    assert site.run("why-backs-get-tense").code == 0  # a build folder with a manifest, which --check leaves alone
    before = every_path(site)
    for argv in (["--check"], ["--check", "--out", str(site.root / "elsewhere")]):
        run = site.run(*argv)
        assert run.code == 0, run.err
        assert f"{len(STARTER)} handouts and 1 booklet checked in " in run.out
        assert every_path(site) == before, argv


def test_check_with_a_problem_exits_2_and_writes_nothing(site):
    assert site.run("why-backs-get-tense").code == 0
    site.edit("handouts/points/top-of-shoulders.yaml", "duration:", "duraton:")
    before = every_path(site)
    run = site.run("--check")
    assert run.code == 2
    assert "handouts/points/top-of-shoulders.yaml:9: unknown key 'duraton'" in run.err
    assert every_path(site) == before


def test_unknown_id_is_a_one_line_usage_error(site):
    run = site.run("why-backs-get-tens")
    assert run.code == 2
    assert run.err.strip() == ("make_pdfs.py: error: argument ID: no handout or booklet 'why-backs-get-tens' "
                               "(did you mean 'why-backs-get-tense'?); known: " + ", ".join(STARTER + ["back-care-at-home"]))


def test_bad_option_is_a_one_line_usage_error(site):
    run = site.run("--colour", "red")
    assert run.code == 2
    assert run.err.strip() == "make_pdfs.py: error: unrecognized arguments: --colour (see --help)"


def test_missing_content_folder_names_the_argument(site):
    run = site.run("--content", "nowhere")
    assert (run.code, run.err.strip()) == (2, "make_pdfs.py: error: argument --content: folder 'nowhere' not found")


def test_help_explains_every_option(site):
    run = site.run("--help")
    assert (run.code, run.err) == (0, "")
    shown = run.out
    for option in ("--check", "--out", "--content", "--layouts", "ID"):
        assert option in shown


@pytest.mark.parametrize("layout", ["classic", "calm"])
@pytest.mark.parametrize("paper,size", [("letter", [612, 792]), ("a4", [595, 842])])
def test_both_layouts_work_on_both_papers(site, layout, paper, size):
    sheet = "handouts/sheets/stress-relief-points.yaml"
    text = site.path(sheet).read_text(encoding="utf-8")
    text = "\n".join(f"layout: {layout}" if line.startswith("layout:") else line for line in text.splitlines())
    site.write(sheet, text + f"\npaper: {paper}\n")
    run = site.run("stress-relief-points")
    assert run.code == 0, run.err
    reader = pypdf.PdfReader(site.pdf("stress-relief-points"))
    assert len(reader.pages) == 1
    assert [round(float(v)) for v in reader.pages[0].mediabox[2:]] == size


def test_pdfs_are_readable_like_any_new_file(site):
    import os

    mask = os.umask(0o022)
    os.umask(mask)
    assert site.run("why-backs-get-tense", "-q").code == 0
    assert site.pdf("why-backs-get-tense").stat().st_mode & 0o777 == 0o666 & ~mask
