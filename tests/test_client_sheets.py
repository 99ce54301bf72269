"""Client sheets from the command line and from batch files, read back with pypdf and qpdf."""

from __future__ import annotations

import re

import pypdf
import pytest

from conftest import single_problem, tool, without_findings
from spapress.clients.visits import VISIT

DAY = "2026-11-24"
ANA = ("client", "stress-relief-points", "--name", "Ana Lima", "--therapist", "Sam", "--date", DAY,
       "--point", "top-of-shoulders:2:3", "--technique", "kneading:5", "--note", "Ease off the left shoulder for two days.")


def text_of(path) -> str:
    """The page's text with runs of white space made single, as a reader sees it."""
    return " ".join(pypdf.PdfReader(path).pages[0].extract_text().split())


def client_pdf(site, stem: str):
    return site.path(f"clients/{DAY}/{stem}.pdf")


def usage_error(run) -> str:
    assert run.code == 2, run.out + run.err
    lines = run.err.strip().splitlines()
    assert len(lines) == 1, run.err
    assert lines[0].startswith("make_pdfs.py: error: ")
    return lines[0].removeprefix("make_pdfs.py: error: ")


def test_client_sheet_is_personal_one_page_and_valid(site):
    run = site.run(*ANA)
    assert run.code == 0, run.err
    path = client_pdf(site, "ana-lima-stress-relief-points")
    assert re.fullmatch(rf"made clients/{DAY}/ana-lima-stress-relief-points\.pdf \(room for the note: \d+ characters, "
                        r"40 used\)", run.out.strip()), run.out
    reader = pypdf.PdfReader(path)
    assert len(reader.pages) == 1
    assert "No syntax or stream encoding errors" in tool("qpdf", "--check", str(path))
    text = text_of(path)
    for expected in ("Made for Ana Lima", "November 24, 2026 · with Sam", "Top of the shoulders: 2 minutes, 3 times a day",
                     "Kneading: 5 minutes", "From Sam: Ease off the left shoulder for two days.",
                     "Your points", "Your techniques"):
        assert expected in text
    # Only the picked items: the handout's own topics and its other point are left out.
    assert "Working the points safely" not in text and "Base of the spine" not in text
    assert not site.path("build").exists()


def test_without_picks_the_handout_keeps_its_sections_and_can_change_layout(site):
    run = site.run("client", "self-massage-tools", "--name", "Bo", "--therapist", "Kim", "--date", DAY, "--layout", "classic")
    assert run.code == 0, run.err
    text = text_of(client_pdf(site, "bo-self-massage-tools"))
    assert "Made for Bo" in text and "Your plan" not in text
    assert "Massage ball" in text and "Foam roller" in text and "Base of the spine" in text


def test_same_visit_gives_the_same_bytes(site):
    assert site.run(*ANA).code == 0
    first = client_pdf(site, "ana-lima-stress-relief-points").read_bytes()
    assert site.run(*ANA).code == 0
    assert client_pdf(site, "ana-lima-stress-relief-points").read_bytes() == first


@pytest.mark.parametrize("hostile", [
    "<font size=90>Ana</font>", "{{ 7*7 }}", "{% include 'classic/sheet.xml.j2' %}", "&amp; &lt;", "</para><para>",
    "Ana ]]> <!-- x --> <?xml?>", "Zoë Łukasiewicz-Ωmega Жанна",
])
def test_hostile_text_is_printed_literally(site, hostile):
    run = site.run("client", "stress-relief-points", "--name", hostile, "--therapist", hostile, "--date", DAY,
                   "--point", "base-of-spine", "--note", f"Note: {hostile}")
    assert run.code == 0, run.err
    (path,) = site.path(f"clients/{DAY}").glob("*.pdf")
    text = text_of(path)
    assert f"Made for {hostile}" in text
    assert f"with {hostile}" in text
    assert f"From {hostile}: Note: {hostile}" in text
    assert "49" not in text


@pytest.mark.parametrize("flag, value, message", [
    ("--name", "Ana 😀", "argument --name: the character '😀' (U+1F600) is not in the handout font NotoSans-Regular; "
                         "write it with letters the font has"),
    ("--name", "שרה כהן", "argument --name: the character 'ש' (U+05E9) is not in the handout font NotoSans-Regular; "
                         "write it with letters the font has"),
    ("--note", "Rest\u202e the shoulder", "argument --note: contains the invisible formatting character U+202E; delete it"),
    ("--name", "Ana\x07Lima", "argument --name: contains the control character U+0007; delete it (it is invisible in most editors)"),
    ("--therapist", "Sam\r\nBcc: x@example.com", "argument --therapist: contains the control character U+000D; delete it "
                                                  "(it is invisible in most editors)"),
    ("--name", "A" * 300, "argument --name: is 300 characters long; keep it under 80"),
    ("--note", "x" * 401, "argument --note: is 401 characters long; keep it under 400"),
    ("--date", "24/11/2026", "argument --date: '24/11/2026' is not a date; write it like '"),
    ("--date", "2026-02-30", "argument --date: '2026-02-30' is not a date; write it like '"),
    ("--date", "20261124", "argument --date: '20261124' is not a date; write it like '"),
    ("--point", "top-of-shoulder:2", "argument --point: no point 'top-of-shoulder' (did you mean 'top-of-shoulders'?)"),
    ("--point", "base-of-spine:200", "argument --point: minutes for 'base-of-spine': 200 is out of range; use 0.5 to 120"),
    ("--point", "base-of-spine:2:x", "argument --point: times a day for 'base-of-spine': 'x' is not a whole number"),
    ("--point", "../../etc/passwd", "argument --point: '../../etc/passwd' is not ID or ID:MINUTES or ID:MINUTES:TIMES-A-DAY"),
    ("--layout", "../classic", "argument --layout: no layout '../classic'"),
    ("--email", "ana@example.com\r\nBcc: all@example.com", "argument --email: contains a line break; give exactly one address"),
    ("--email", "ana@example.com, eve@example.com", "argument --email: 'ana@example.com, eve@example.com' is more than one address"),
    ("--email", "ana@example.com\nbob@example.com", "argument --email: contains a line break"),
])
def test_bad_client_input_is_refused_in_one_line(site, flag, value, message):
    earlier = site.run(*ANA)
    assert earlier.code == 0
    before = {p: p.read_bytes() for p in site.path("clients").rglob("*") if p.is_file()}
    argv = [a for a in ANA]
    argv += [flag, value]
    if flag in ("--name", "--therapist", "--date", "--note"):  # replace, not repeat
        index = ANA.index(flag)
        argv = list(ANA[:index]) + [flag, value] + list(ANA[index + 2:])
    error = usage_error(site.run(*argv))
    assert error.startswith(message), error
    assert {p: p.read_bytes() for p in site.path("clients").rglob("*") if p.is_file()} == before


def test_unknown_handout_is_refused_with_a_suggestion(site):
    error = usage_error(site.run("client", "stress-relief-point", "--name", "Ana", "--therapist", "Sam"))
    assert error.startswith("argument HANDOUT: no handout 'stress-relief-point' (did you mean 'stress-relief-points'?)")


def test_path_characters_in_a_name_never_reach_the_file_name(site):
    run = site.run("client", "stress-relief-points", "--name", "../../etc/passwd", "--therapist", "Sam", "--date", DAY)
    assert run.code == 0, run.err
    made = [p.relative_to(site.root).as_posix() for p in site.root.rglob("*.pdf")]
    assert made == [f"clients/{DAY}/etc-passwd-stress-relief-points.pdf"]
    assert "Made for ../../etc/passwd" in text_of(site.root / made[0])


def test_a_name_with_no_letters_for_a_file_name_still_gets_one(site):
    run = site.run("client", "stress-relief-points", "--name", "—·—", "--therapist", "Sam", "--date", DAY)
    assert run.code == 0, run.err
    (made,) = site.path(f"clients/{DAY}").glob("*.pdf")
    assert re.fullmatch(r"client-[0-9a-f]{6}-stress-relief-points\.pdf", made.name), made.name


def test_a_sheet_too_long_for_one_page_is_refused_not_split(site):
    everything = ["--technique", "gliding", "--technique", "kneading", "--technique", "stroking",
                  "--technique", "deep-tissue-focus", "--technique", "steady-pressure", "--tool", "foam-roller",
                  "--tool", "massage-ball", "--point", "top-of-shoulders", "--point", "base-of-spine"]
    run = site.run("client", "why-backs-get-tense", "--name", "Ana", "--therapist", "Sam", "--date", DAY,
                   "--note", "Long note. " * 36, *everything)
    error = usage_error(run)
    assert re.match(r"'why-backs-get-tense' does not fit on one page: even at the minimum body size \(9 pt\) it is "
                    r"[\d.]+ in \(\d+%\) too long; pick fewer items or shorten the note "
                    r"\(the note is 395 characters; this sheet has room for \d+\)$", error), error
    assert not site.path("clients").exists() or not list(site.path("clients").rglob("*.pdf"))


def test_client_help_lists_the_options(site):
    run = site.run("client", "--help")
    assert (run.code, run.err) == (0, "")
    shown = run.out
    for option in ("--name", "--therapist", "--point", "--technique", "--tool", "--note", "--send", "--dry-run", "--print"):
        assert option in shown


def test_client_help_and_batch_help_come_from_the_visit_fields(site):
    shown = " ".join(site.run("client", "--help").out.split())
    for name, spec in VISIT.fields.items():
        assert spec.doc in shown, name
    batch_help = " ".join(site.run("clients", "--help").out.split())
    assert "Columns (CSV) or keys (YAML): name, therapist, handout (required); email, date, layout, points, " \
           "techniques, tools, note." in batch_help


# --- batches --------------------------------------------------------------------------------

CSV = (
    "name,email,date,therapist,handout,points,techniques,note\n"
    f"Ana Lima,ana@example.com,{DAY},Sam,stress-relief-points,top-of-shoulders:2:3,kneading:5,Rest the shoulder.\n"
    f"Bo Chen,bo@example.com,{DAY},Kim,stress-relief-points,base-of-spine:oops,,\n"
    f"\"Cy <b>Diaz</b>\",cy@example.com,{DAY},Kim,self-massage-tools,,,\"Two lines,\nkept literal\"\n"
)


def test_a_batch_with_one_bad_row_makes_the_others(site):
    site.write("today.csv", CSV)
    run = site.run("clients", str(site.path("today.csv")))
    assert run.code == 2
    assert without_findings(run.err).strip().splitlines() == [
        "today.csv:3: row 2 (Bo Chen): points: minutes for 'base-of-spine': 'oops' is not a number",
        "2 of 3 client sheets made; 1 row needs fixing (see above)",
    ]
    assert sorted(p.name for p in site.path(f"clients/{DAY}").glob("*.pdf")) == [
        "ana-lima-stress-relief-points.pdf", "cy-b-diaz-b-self-massage-tools.pdf"]
    assert "Made for Cy <b>Diaz</b>" in text_of(client_pdf(site, "cy-b-diaz-b-self-massage-tools"))


def test_batch_problems_name_the_row_and_line(site):
    site.write("today.csv", "Name,Therapist,Handout,Pionts\nAna,Sam,stress-relief-points,x\n")
    run = site.run("clients", str(site.path("today.csv")))
    assert run.code == 2
    assert run.err.strip().splitlines() == [  # every header problem at once, before any row
        "today.csv:1: has no date column ('date'); give the date of every visit with --date YYYY-MM-DD",
        "today.csv:1: unknown column 'Pionts' (did you mean 'points'?)",
        "2 problems found; no PDF was written or changed."]
    site.write("today.csv", "name,therapist\nAna,Sam\n")
    assert single_problem(site.run("clients", str(site.path("today.csv")))).startswith(
        "today.csv:1: the columns fit no import profile in handouts/imports/; closest: the press's own format "
        "(--profile press) lacks 'handout';")
    site.write("today.csv", f"name,therapist,handout,date,booking-ref\nAna,Sam,nope,{DAY},77\n\nBo,,stress-relief-points,{DAY},78\n")
    run = site.run("clients", str(site.path("today.csv")))
    assert without_findings(run.err).strip().splitlines()[:2] == [
        "today.csv:2: row 1 (Ana): handout: no handout 'nope'; known: partner-back-massage, self-massage-tools, "
        "stress-relief-points, why-backs-get-tense",
        "today.csv:4: row 2 (Bo): therapist: is missing; give who treated the client",
    ]


def test_a_yaml_batch_points_at_the_line_of_the_bad_key(site):
    site.write("today.yaml", f"""\
- name: Ana Lima
  therapist: Sam
  handout: stress-relief-points
  date: {DAY}
  points: [top-of-shoulders:2:3, base-of-spine:1]
- name: Bo Chen
  therapist: Kim
  handout: stress-relief-points
  date: 2026-13-01
- name: "{{{{ 7*7 }}}}"
  therapist: Kim
  handout: why-backs-get-tense
  date: {DAY}
""")
    run = site.run("clients", str(site.path("today.yaml")))
    assert run.code == 2
    today = __import__('datetime').date.today()
    assert without_findings(run.err).splitlines()[0] == "today.yaml:9: row 2 (Bo Chen): date: '2026-13-01' is not a date; write it like " \
                                      f"'{today.month}/{today.day}/{today.year}' or '{today.isoformat()}'"
    assert "Top of the shoulders: 2 minutes, 3 times a day" in text_of(client_pdf(site, "ana-lima-stress-relief-points"))
    assert "Made for {{ 7*7 }}" in text_of(client_pdf(site, "7-7-why-backs-get-tense"))


def test_a_batch_refuses_the_same_sheet_twice(site):
    row = f"Ana,Sam,stress-relief-points,{DAY}\n"
    site.write("today.csv", "name,therapist,handout,date\n" + row + row)
    run = site.run("clients", str(site.path("today.csv")))
    assert without_findings(run.err).splitlines()[0] == "today.csv:3: row 2 (Ana): row: same client, date and handout as row 1; remove one"


def test_a_long_batch_shared_between_processes_matches_single_sheets(site):
    names = [f"Client {n}" for n in range(14)]
    site.write("today.csv", "name,therapist,handout,date,points\n" + "".join(
        f"{name},Sam,stress-relief-points,{DAY},top-of-shoulders:2:3\n" for name in names))
    run = site.run("clients", str(site.path("today.csv")))
    assert run.code == 0, run.err
    assert run.out.strip().splitlines()[-1] == "14 of 14 client sheets made"
    batch_copy = client_pdf(site, "client-7-stress-relief-points").read_bytes()
    single = site.run("client", "stress-relief-points", "--name", "Client 7", "--therapist", "Sam", "--date", DAY,
                      "--point", "top-of-shoulders:2:3")
    assert single.code == 0
    assert client_pdf(site, "client-7-stress-relief-points").read_bytes() == batch_copy


def test_a_batch_records_what_each_sheet_was_made_from_as_a_single_sheet_does(site):
    """A batch hashes each set of files once; the records must still say, sheet by sheet, the
    same as a sheet made on its own: equal for one handout and picks, different for another."""
    import sqlite3

    handouts = ("stress-relief-points", "self-massage-tools")
    site.write("today.csv", "name,therapist,handout,date\n" + "".join(
        f"Client {n},Sam,{handouts[n % 2]},{DAY}\n" for n in range(14)))
    assert site.run("clients", str(site.path("today.csv"))).code == 0
    single = site.run("client", "self-massage-tools", "--name", "Ana Lima", "--therapist", "Sam", "--date", DAY)
    assert single.code == 0, single.err
    with sqlite3.connect(site.path("clients/records.sqlite3")) as db:
        rows = db.execute("SELECT client, handout, content_hash FROM sheets").fetchall()
    hashes = {handout: {digest for _, h, digest in rows if h == handout} for handout in handouts}
    assert len(rows) == 15 and all(len(found) == 1 for found in hashes.values()), rows
    assert hashes[handouts[0]] != hashes[handouts[1]]
