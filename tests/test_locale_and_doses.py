"""The brand's locale (dates, paper), dose ranges from content, the room for the note, and the
mail password kept in a keychain (a file keychain in a temporary folder, never the real one)."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from datetime import date
from pathlib import Path

import pypdf

from conftest import REPO, single_problem, tool
from test_email import MailServer, free_port, settings
from spapress.clients.frontdesk import FrontDesk
from spapress.content.locales import long_date, read_date
from spapress.content.model import Project

DAY = "2026-11-24"
SIZES = {"letter": [612, 792], "a4": [595, 842], "half-letter": [396, 612], "a5": [420, 595]}


def text_of(path) -> str:
    return " ".join(pypdf.PdfReader(path).pages[0].extract_text().split())


def size_of(path) -> list[int]:
    return [round(float(v)) for v in pypdf.PdfReader(path).pages[0].mediabox[2:]]


def client(site, *more: str):
    return site.run("client", "stress-relief-points", "--name", "Ana Lima", "--therapist", "Sam", *more)


def test_dates_are_written_and_read_in_the_locale():
    assert long_date(date(2026, 11, 24), "en-US") == "November 24, 2026"
    assert long_date(date(2026, 11, 24), "en-GB") == "24 November 2026"
    assert read_date("11/24/2026", "en-US") == read_date("2026-11-24", "en-US") == date(2026, 11, 24)
    assert read_date("24/11/2026", "en-GB") == date(2026, 11, 24)
    assert read_date("11/24/26", "en-US") == date(2026, 11, 24)
    for wrong in ("13/24/2026", "24/11/2026", "2/30/2026", "1/2/3", "11/24", "20261124"):
        assert read_date(wrong, "en-US") is None, wrong


def test_a_us_date_is_accepted_and_printed_the_us_way(site):
    run = client(site, "--date", "11/24/2026")
    assert run.code == 0, run.err
    assert "November 24, 2026 · with Sam" in text_of(site.path(f"clients/{DAY}/ana-lima-stress-relief-points.pdf"))
    bad = client(site, "--date", "13/24/2026")
    assert bad.code == 2 and len(bad.err.strip().splitlines()) == 1
    today = date.today()
    assert bad.err.strip() == (f"make_pdfs.py: error: argument --date: '13/24/2026' is not a date; write it like "
                               f"'{today.month}/{today.day}/{today.year}' or '{today.isoformat()}'")


def test_every_starter_handout_is_letter_for_a_us_brand_and_a4_for_a_british_one(site):
    run = site.run("--out", str(site.root / "us"))
    assert run.code == 0, run.err
    for pdf in (site.root / "us").glob("*.pdf"):
        assert size_of(pdf) == SIZES["letter"], pdf.name
    assert size_of(site.root / "us/booklets/back-care-at-home.pdf") == SIZES["half-letter"]
    site.edit("handouts/brand.yaml", "locale: en-US", "locale: en-GB")
    run = site.run("--out", str(site.root / "uk"))
    assert run.code == 0, run.err
    sheets = sorted((site.root / "uk").glob("*.pdf"))
    assert len(sheets) == 4
    for pdf in sheets:
        assert size_of(pdf) == SIZES["a4"], pdf.name
        assert "No syntax or stream encoding errors" in tool("qpdf", "--check", str(pdf))
    assert size_of(site.root / "uk/booklets/back-care-at-home.pdf") == SIZES["a5"]
    made = client(site, "--date", "24/11/2026", "--out", str(site.root / "uk-clients"))
    assert made.code == 0, made.err
    sheet = site.root / f"uk-clients/{DAY}/ana-lima-stress-relief-points.pdf"
    assert size_of(sheet) == SIZES["a4"] and "24 November 2026 · with Sam" in text_of(sheet)


def test_the_brand_can_choose_a4_paper_and_an_unknown_locale_is_refused(site):
    site.edit("handouts/brand.yaml", "locale: en-US", "locale: en-US\npaper: a4")
    assert site.run("stress-relief-points").code == 0
    assert size_of(site.pdf("stress-relief-points")) == SIZES["a4"]
    site.edit("handouts/brand.yaml", "locale: en-US", "locale: english")
    line = next(n for n, text in enumerate(site.path("handouts/brand.yaml").read_text().splitlines(), 1)
                if text.startswith("locale:"))
    assert single_problem(site.run("--check")) == \
        f"handouts/brand.yaml:{line}: 'english' is not a locale with a country; write it like en-US or en-GB"


def test_a_dose_outside_the_range_is_refused_naming_the_range(site):
    run = client(site, "--date", DAY, "--point", "top-of-shoulders:90:12")
    assert run.code == 2
    assert run.err.strip() == ("make_pdfs.py: error: argument --point: 90 minutes for 'top-of-shoulders' is outside "
                               "its range of 1–2 minutes; give 1–2")
    run = client(site, "--date", DAY, "--technique", "kneading:5:6")
    assert run.err.strip() == ("make_pdfs.py: error: argument --technique: 6 times a day for 'kneading' is outside "
                               "its range of 1–4 times a day; give 1–4")
    assert not site.path("clients").exists()


def test_the_card_shows_the_picked_dose_so_plan_and_card_agree(site):
    run = client(site, "--date", DAY, "--point", "top-of-shoulders:1.5:2")
    assert run.code == 0, run.err
    text = text_of(site.path(f"clients/{DAY}/ana-lima-stress-relief-points.pdf"))
    assert "Top of the shoulders: 1.5 minutes, twice a day" in text        # the plan
    assert "for 1.5 minutes, twice a day." in text                          # the card
    assert "1–2 min" not in text


def test_an_upside_down_dose_range_in_content_is_refused_at_its_line(site):
    site.edit("handouts/points/top-of-shoulders.yaml", "minutes: 1-2", "minutes: 5-2")
    line = next(n for n, text in enumerate(site.path("handouts/points/top-of-shoulders.yaml").read_text().splitlines(), 1)
                if text.startswith("minutes:"))
    assert single_problem(site.run("--check")) == (f"handouts/points/top-of-shoulders.yaml:{line}: the range 5-2 is upside "
                                                   f"down; write the smaller number first: 2-5")
    site.edit("handouts/points/top-of-shoulders.yaml", "minutes: 5-2", "times_a_day: 3-1")
    assert "the range 3-1 is upside down" in single_problem(site.run("--check"))


def test_a_note_within_the_stated_room_always_fits(site):
    desk = FrontDesk(Project(site.root, site.path("handouts"), site.path("layouts"), site.path("clients")), None)
    checker = desk.checker()
    visit, problems = checker.visit({"name": "Ana Lima", "therapist": "Sam", "date": DAY,
                                     "handout": "stress-relief-points", "points": "top-of-shoulders:2:3 base-of-spine",
                                     "techniques": "kneading:5"}, "test")
    assert problems == []
    room = desk.note_room(visit)
    assert 0 <= room <= 400
    randomly = random.Random(7)
    letters = "abcdefghijklmnopqrstuvwxyzMWQ@%&0123456789—.,'"
    notes = ["W" * room, "m" * room, ("Mmm " * 200)[:room]]
    for _ in range(4):
        words = []
        while len(" ".join(words)) < room:
            words.append("".join(randomly.choice(letters) for _ in range(randomly.randint(1, 14))))
        notes.append(" ".join(words)[:room].strip())
    for note in notes:
        if not note:
            continue
        made = desk.make(visit.__class__(**{**visit.__dict__, "note": note}))
        assert made.problem is None, (len(note), note[:30], made.problem)
    if room < 400:   # a note well past the room does not fit, and the refusal says the room
        long_note = ("W" * 9 + " ") * 40
        run = client(site, "--date", DAY, "--point", "top-of-shoulders:2:3", "--point", "base-of-spine",
                     "--technique", "kneading:5", "--note", long_note[:400])
        assert run.code == 2 and f"this sheet has room for {room})" in run.err


KEYCHAIN_ENV = {"PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring"}


def _press(site, home: Path, *argv: str, password: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "SPAPRESS_SMTP_PASSWORD"}
    env.update(KEYCHAIN_ENV, XDG_DATA_HOME=str(home / "data"), XDG_CONFIG_HOME=str(home / "config"), HOME=str(home))
    code = "import sys; from pathlib import Path; from spapress.cli import main; " \
           "sys.exit(main(sys.argv[2:], project=Path(sys.argv[1])))"
    return subprocess.run([sys.executable, "-c", code, str(site.root), *argv], input=password, text=True,
                          capture_output=True, cwd=REPO, env=env, timeout=120)


def test_email_setup_keeps_the_password_in_the_keychain_and_sending_uses_it(site, tmp_path):
    from aiosmtpd.smtp import AuthResult

    port = free_port()
    settings(site, port, "  username: frontdesk\n")
    secret = "Keychain-Only-9"
    home = tmp_path / "home"
    home.mkdir()
    setup = _press(site, home, "email-setup", password=secret + "\n")
    assert setup.returncode == 0, setup.stderr
    assert setup.stdout.strip() == (f"the password for frontdesk at 127.0.0.1:{port} is kept in this computer's "
                                    f"keychain")
    stored = [p for p in home.rglob("*") if p.is_file()]
    assert stored and all(site.root not in p.parents for p in stored)

    def check(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == b"frontdesk" and auth_data.password == secret.encode()
        return AuthResult(success=ok)

    with MailServer(port, authenticator=check, auth_require_tls=False) as server:
        sent = _press(site, home, "client", "stress-relief-points", "--name", "Ana Lima", "--therapist", "Sam",
                      "--date", DAY, "--email", "ana@example.com", "--send")
    assert sent.returncode == 0, sent.stderr
    assert len(server.messages) == 1
    for path in site.root.rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path
    assert secret not in setup.stdout + setup.stderr + sent.stdout + sent.stderr
    empty = _press(site, home, "email-setup", password="\n")
    assert empty.returncode == 2 and empty.stderr.strip().endswith("make_pdfs.py: error: no password typed; nothing was kept")


def test_email_setup_without_a_login_says_what_to_set_up(site):
    settings(site, free_port())
    run = site.run("email-setup")
    assert run.code == 2
    assert run.err.strip() == ("make_pdfs.py: error: the mail server in delivery.yaml has no 'username:', so it needs "
                               "no password; add the login name first if it asks for one")


def test_a_file_keyring_found_by_default_is_never_given_the_password(site, tmp_path):
    """keyrings.alt (a test extra) makes a plain-text file the default keyring; the press refuses it
    unless it was asked for by name, so a front-desk computer never keeps the password in a file."""
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("SPAPRESS_SMTP_PASSWORD", "PYTHON_KEYRING_BACKEND")}
    env.update(XDG_DATA_HOME=str(home / "data"), XDG_CONFIG_HOME=str(home / "config"), HOME=str(home))
    code = ("import keyring; from keyrings.alt.file import PlaintextKeyring; keyring.set_keyring(PlaintextKeyring()); "
            "from spapress.clients.keychain import save_password, stored_password; "
            "from spapress.errors import NeedsSetup\n"
            "try:\n    save_password('mail.example.com', 587, 'desk', 'Not-In-A-File-7')\n"
            "except NeedsSetup as err:\n    print(err)\n"
            "print(stored_password('mail.example.com', 587, 'desk'))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, env=env, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == ["this computer has no keychain that keeps the password safely (only a file); "
                                       "set the environment variable instead", "None"]
    assert not any("Not-In-A-File-7" in p.read_text(errors="replace") for p in home.rglob("*") if p.is_file())
