"""Client records: versions kept, corrections sent as corrections, history, reprint, resend and purge,
against a real SMTP server (aiosmtpd) on loopback."""

from __future__ import annotations

import io
import sqlite3
import subprocess
import sys
import textwrap
from email import message_from_bytes, policy

import pypdf
import pytest

from conftest import REPO
from test_email import MailServer, free_port, pdf_of, settings
import test_print
from test_print import pdfs_in

DAY = "2026-11-24"
ANA = ("client", "stress-relief-points", "--name", "Ana Lima", "--therapist", "Sam", "--date", DAY,
       "--point", "top-of-shoulders:2:3", "--email", "ana@example.com")
LEFT = ("--note", "Ease off the LEFT shoulder for two days.")
RIGHT = ("--note", "Ease off the RIGHT shoulder for two days.")


def text_of(data: bytes) -> str:
    return " ".join(pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text().split())


def one_line(run) -> str:
    assert run.code == 2, run.out + run.err
    lines = run.err.strip().splitlines()
    assert len(lines) == 1, run.err
    return lines[0]


@pytest.fixture
def port():
    return free_port()


def test_a_correction_is_sent_once_marked_and_the_first_sheet_is_kept(site, port):
    settings(site, port)
    first_pdf = site.path(f"clients/{DAY}/ana-lima-stress-relief-points.pdf")
    with MailServer(port) as server:
        assert site.run(*ANA, *LEFT, "--send").code == 0
        again = site.run(*ANA, *LEFT, "--send")          # the identical sheet: never delivered twice
        assert again.code == 0 and "already sent on" in again.out
        given = first_pdf.read_bytes()

        changed = site.run(*ANA, *RIGHT, "--send")       # a changed sheet is not slipped in as if new
        assert one_line(changed) == (
            f"make_pdfs.py: error: version 1 of stress-relief-points for Ana Lima on {DAY} was already emailed and "
            "this one is different; send it as a correction (add --correct)")
        assert sorted(p.name for p in first_pdf.parent.glob("*.pdf")) == [first_pdf.name]

        corrected = site.run(*ANA, *RIGHT, "--send", "--correct")
        assert corrected.code == 0, corrected.err
        assert corrected.out.splitlines()[0].startswith(
            f"made clients/{DAY}/ana-lima-stress-relief-points-v2.pdf (version 2; room for the note:")
        retried = site.run("outbox", "--retry")
        assert retried.out.splitlines()[0] == "the outbox is empty; nothing to send"
        unchanged = site.run(*ANA, *RIGHT, "--send", "--correct")
        assert one_line(unchanged) == (
            "make_pdfs.py: error: argument --correct: nothing changed: this sheet is the same as version 2 "
            f"(clients/{DAY}/ana-lima-stress-relief-points-v2.pdf); change the note or picks first")
    assert len(server.messages) == 2
    first, _ = pdf_of(server.messages[0][2])
    second, attachment = pdf_of(server.messages[1][2])
    assert second["Subject"] == "Correction: Your aftercare sheet from Faces Spa"
    assert second["Message-ID"] != first["Message-ID"]
    assert second["In-Reply-To"] == first["Message-ID"] and second["References"] == first["Message-ID"]
    body = second.get_body(("plain",)).get_content()
    assert body.startswith("This corrected sheet replaces the sheet sent on ")
    assert "(version 1); please use this one." in body.splitlines()[0]
    assert "RIGHT shoulder" in text_of(attachment.get_content())
    # The first sheet is still on disk, unchanged, and in the history as replaced.
    assert first_pdf.read_bytes() == given and "LEFT shoulder" in text_of(given)
    history = site.run("history", "Ana Lima")
    assert history.code == 0, history.err
    lines = history.out.splitlines()
    assert lines[0] == "Ana Lima: 2 sheet versions on record"
    assert lines[1].startswith(f"{DAY}  stress-relief-points  version 1  (replaced by a later version; made ")
    assert lines[2].startswith("    emailed to ana@example.com ") and lines[2].endswith("(delivered)")
    assert lines[3] == f"    clients/{DAY}/ana-lima-stress-relief-points.pdf"
    assert lines[4].startswith(f"{DAY}  stress-relief-points  version 2  (current; made ")
    assert lines[5].startswith("    emailed as a correction to ana@example.com ")


def test_a_correction_waiting_for_the_server_goes_exactly_once(site, port):
    settings(site, port)
    with MailServer(port) as server:
        assert site.run(*ANA, *LEFT, "--send").code == 0
    down = site.run(*ANA, *RIGHT, "--send", "--correct")
    assert down.code == 2 and "it waits in the outbox" in down.err
    assert "(waiting in the outbox)" in site.run("history", "Ana Lima").out
    with MailServer(port) as server:
        for _ in range(2):
            site.run("outbox", "--retry")
        assert site.run(*ANA, *RIGHT, "--send", "--correct").code == 2   # nothing changed: refused, not re-sent
    (message,) = [message_from_bytes(raw, policy=policy.default) for _, _, raw in server.messages]
    assert message["Subject"].startswith("Correction: ")
    assert "(delivered)" in site.run("history", "Ana Lima").out.splitlines()[-2]


def test_resend_delivers_exactly_the_kept_bytes_as_a_new_message(site, port):
    settings(site, port)
    with MailServer(port) as server:
        assert site.run(*ANA, *LEFT, "--send").code == 0
        kept = site.path(f"clients/{DAY}/ana-lima-stress-relief-points.pdf").read_bytes()
        resent = site.run("resend", "Ana Lima")
        assert resent.code == 0, resent.err
        assert resent.out.strip() == "emailed stress-relief-points to Ana Lima <ana@example.com>"
        elsewhere = site.run("resend", "Ana Lima", "--email", "ana.lima@example.org")
        assert elsewhere.code == 0, elsewhere.err
    assert [r for _, r, _ in server.messages] == [["ana@example.com"], ["ana@example.com"], ["ana.lima@example.org"]]
    ids = {pdf_of(raw)[0]["Message-ID"] for _, _, raw in server.messages}
    assert len(ids) == 3
    for _, _, raw in server.messages:
        assert pdf_of(raw)[1].get_content() == kept
    assert "emailed again (resent) to ana.lima@example.org" in site.run("history", "Ana Lima").out


def test_a_kept_sheet_changed_on_disk_is_not_resent_or_reprinted(site, port):
    settings(site, port)
    assert site.run(*ANA, *LEFT).code == 0
    path = site.path(f"clients/{DAY}/ana-lima-stress-relief-points.pdf")
    path.write_bytes(path.read_bytes() + b"%tampered\n")
    run = site.run("reprint", "Ana Lima", "--save", str(site.root / "copy.pdf"))
    assert one_line(run) == (f"make_pdfs.py: error: clients/{DAY}/ana-lima-stress-relief-points.pdf is not the file the "
                             "client was given (it was changed after it was made); it is not sent or printed")
    assert not (site.root / "copy.pdf").exists()


def test_history_and_reprint_across_several_days(site):
    made = {}
    for day, note in (("2026-11-20", "Day one."), ("2026-11-22", "Day two."), ("11/24/2026", "Day three.")):
        run = site.run("client", "stress-relief-points", "--name", "Ana Lima", "--therapist", "Sam", "--date", day,
                       "--note", note)
        assert run.code == 0, run.err
        made[note] = run.out.split()[1]
    assert site.run("client", "self-massage-tools", "--name", "Ana Lima", "--therapist", "Kim", "--date", "2026-11-22",
                    "--tool", "foam-roller:5:2").code == 0
    assert made["Day three."] == f"clients/{DAY}/ana-lima-stress-relief-points.pdf"
    history = site.run("history", "ana  LIMA")
    assert history.code == 0, history.err
    firsts = [line.split("  ")[:2] for line in history.out.splitlines() if line[:1].isdigit()]
    assert firsts == [["2026-11-20", "stress-relief-points"], ["2026-11-22", "self-massage-tools"],
                      ["2026-11-22", "stress-relief-points"], [DAY, "stress-relief-points"]]

    latest = site.run("reprint", "Ana Lima", "--save", str(site.root / "latest.pdf"))
    assert latest.code == 0, latest.err
    assert (site.root / "latest.pdf").read_bytes() == site.path(made["Day three."]).read_bytes()
    assert site.run("reprint", "Ana Lima", "--date", "11/20/2026", "--save", str(site.root / "first.pdf")).code == 0
    assert (site.root / "first.pdf").read_bytes() == site.path(made["Day one."]).read_bytes()
    assert "Day one." in text_of((site.root / "first.pdf").read_bytes())
    assert one_line(site.run("reprint", "Ana Lima", "--date", "2026-11-22", "--save", "x.pdf")) == (
        "make_pdfs.py: error: argument --handout: 'Ana Lima' got 2 handouts on 2026-11-22 (self-massage-tools, "
        "stress-relief-points); say which with --handout")
    assert "    downloaded " in site.run("history", "Ana Lima").out


def test_history_of_an_unknown_name_suggests_close_ones(site):
    assert site.run("client", "stress-relief-points", "--name", "Ana Lima", "--therapist", "Sam", "--date", DAY).code == 0
    assert one_line(site.run("history", "Anna Lima")) == \
        "make_pdfs.py: error: argument NAME: no sheets on record for 'Anna Lima'; did you mean 'Ana Lima'?"
    assert one_line(site.run("history", "Zed")) == "make_pdfs.py: error: argument NAME: no sheets on record for 'Zed'"


def test_purge_removes_old_sheets_messages_and_names_but_nothing_waiting(site, port):
    settings(site, port, "keep_client_files_days: 30\n")
    old = ("--therapist", "Sam", "--date", "2024-01-10")
    with MailServer(port) as server:
        assert site.run("client", "stress-relief-points", "--name", "Old Sent", *old, "--email", "old@example.com",
                        "--send").code == 0
        assert site.run(*ANA, "--send").code == 0   # recent: stays
    waiting = site.run("client", "stress-relief-points", "--name", "Old Waiting", *old, "--email", "wait@example.com",
                       "--send")
    assert waiting.code == 2 and "waits in the outbox" in waiting.err
    assert len(server.messages) == 2
    assert one_line(site.run("clients", "purge", "--older-than", "soon")) == (
        "make_pdfs.py: error: argument --older-than: 'soon' is not a number of days; give a whole number from 1 to "
        "36500, like 365")
    assert one_line(site.run("clients", "purge", "--older-than", "0")).startswith("make_pdfs.py: error: argument --older-than")

    stray = site.path("clients/2024-01-10/.old-sent-stress-relief-points.pdf.x1y2.tmp")  # a desk stopped mid-write
    stray.write_bytes(b"%PDF- Old Sent")
    recent_stray = site.path(f"clients/{DAY}/.ana-lima.pdf.z9.tmp")   # a desk may be writing it now
    recent_stray.write_bytes(b"%PDF-")
    run = site.run("clients", "purge")
    assert run.code == 0, run.err
    assert not stray.exists() and recent_stray.exists()
    recent_stray.unlink()
    assert run.out.splitlines()[0].startswith("purged what is older than 30 days (before ")
    assert run.out.splitlines()[0].endswith(": 1 sheet, 1 sent email, the names in 2 send-log entries")
    assert run.out.splitlines()[1] == "kept 1 older sheet whose email still waits in the outbox"
    assert not site.path("clients/2024-01-10/old-sent-stress-relief-points.pdf").exists()
    assert site.path("clients/2024-01-10/old-waiting-stress-relief-points.pdf").is_file()
    assert site.path(f"clients/{DAY}/ana-lima-stress-relief-points.pdf").is_file()
    (sent,) = site.path("clients/mail/sent/new").iterdir()
    assert b"ana@example.com" in sent.read_bytes()
    assert len(list(site.path("clients/mail/outbox/new").iterdir())) == 1
    for path in site.path("clients").rglob("*"):
        if path.is_file() and "outbox" not in path.parts:
            assert b"Old Sent" not in path.read_bytes() and b"old@example.com" not in path.read_bytes(), path
    with sqlite3.connect(site.path("clients/mail/send-log.sqlite3")) as db:
        rows = db.execute("SELECT client, recipient, result FROM attempts ORDER BY id").fetchall()
    assert rows[:2] == [("", "", "queued"), ("", "", "sent")]                       # anonymous counts stay
    assert ("Old Waiting", "wait@example.com", "waiting") in rows
    with sqlite3.connect(site.path("clients/records.sqlite3")) as db:
        assert db.execute("SELECT COUNT(*) FROM sheets").fetchone() == (3,)
        assert db.execute("SELECT COUNT(*) FROM sheets WHERE client IS NULL AND visit IS NULL").fetchone() == (1,)
    assert site.run("history", "Old Sent").code == 2
    with MailServer(port) as server:
        assert site.run("outbox", "--retry").code == 0
    assert [r for _, r, _ in server.messages] == [["wait@example.com"]]


def test_client_folders_and_files_are_owner_only(site):
    assert site.run(*ANA[:-2]).code == 0
    assert site.path("clients").stat().st_mode & 0o777 == 0o700
    assert site.path(f"clients/{DAY}").stat().st_mode & 0o777 == 0o700
    assert site.path(f"clients/{DAY}/ana-lima-stress-relief-points.pdf").stat().st_mode & 0o777 == 0o600


MAKER = textwrap.dedent("""
    import sys
    from datetime import date
    from pathlib import Path
    from spapress.clients.frontdesk import FrontDesk
    from spapress.content.model import Project
    root, tag = Path(sys.argv[1]), sys.argv[2]
    desk = FrontDesk(Project(root, root / "handouts", root / "layouts", root / "clients"), None)
    sys.stdout.write("ready\\n"); sys.stdout.flush(); sys.stdin.readline()
    for n in range(6):
        visit, problems = desk.checker().visit({"name": "Ana Lima", "therapist": "Sam", "date": "2026-11-24",
            "handout": "stress-relief-points", "points": "top-of-shoulders", "note": f"note {tag}{n}"}, "test")
        kept = desk.keep(desk.make(visit))
        print(kept.version, kept.path.name, flush=True)
""")


def test_two_desks_making_sheets_at_once_get_distinct_correct_versions(site):
    procs = [subprocess.Popen([sys.executable, "-c", MAKER, str(site.root), tag], cwd=REPO, text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for tag in ("a", "b")]
    for proc in procs:
        assert proc.stdout.readline() == "ready\n", proc.stderr.read()
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    outputs = [proc.communicate(timeout=120) for proc in procs]
    assert all(proc.returncode == 0 for proc in procs), [err for _, err in outputs]
    versions = sorted(int(line.split()[0]) for out, _ in outputs for line in out.splitlines())
    assert versions == list(range(1, 13))
    with sqlite3.connect(site.path("clients/records.sqlite3")) as db:
        rows = db.execute("SELECT version, path, visit FROM sheets").fetchall()
    assert len({path for _, path, _ in rows}) == 12
    for version, path, visit in rows:
        note = __import__("json").loads(visit)["note"]
        assert f"From Sam: {note}" in text_of(site.path(f"clients/{path}").read_bytes()), (version, path)


def test_a_batch_sent_again_with_one_changed_sheet_refuses_that_row_and_doubles_nothing(site, port):
    settings(site, port)
    rows = ("name,email,date,therapist,handout,note\n"
            f"Ana Lima,ana@example.com,{DAY},Sam,stress-relief-points,{{note}}\n"
            f"Bo Chen,bo@example.com,{DAY},Kim,self-massage-tools,\n")
    site.write("today.csv", rows.format(note="Left shoulder."))
    with MailServer(port) as server:
        assert site.run("clients", str(site.path("today.csv")), "--send").code == 0
        site.write("today.csv", rows.format(note="Right shoulder."))
        again = site.run("clients", str(site.path("today.csv")), "--send")
    assert again.code == 2
    assert again.err.strip().splitlines()[0] == (
        f"today.csv:2: row 1 (Ana Lima): sheet: version 1 of stress-relief-points for Ana Lima on {DAY} was already "
        "emailed and this one is different; send it as a correction")
    assert "row 2: self-massage-tools to <bo@example.com>: already sent on" in again.out
    assert len(server.messages) == 2


print_queue = pytest.fixture(scope="module")(test_print.cups.__wrapped__)  # the same private CUPS scheduler


def test_reprint_hands_the_printer_exactly_the_kept_bytes(site, print_queue):
    printer, _home = print_queue
    assert site.run(*ANA[:-2], *LEFT).code == 0
    assert site.run(*ANA[:-2], *RIGHT).code == 0     # version 2, the current one
    before = len(printer.jobs)
    run = site.run("reprint", "Ana Lima", "--version", "1", "--printer", "Desk")
    assert run.code == 0, run.err
    assert run.out.startswith(f"printed clients/{DAY}/ana-lima-stress-relief-points.pdf (request id is Desk-")
    (copy,) = pdfs_in(printer.wait_for(before + 1)[before])
    assert copy == site.path(f"clients/{DAY}/ana-lima-stress-relief-points.pdf").read_bytes()
    assert "LEFT shoulder" in text_of(copy)
    assert "    printed on Desk " in site.run("history", "Ana Lima").out


def test_threads_of_one_desk_keep_distinct_versions_and_leave_no_stray_files(site):
    """A batch keeps sheets from several threads at once: each gets its own version and file,
    owner-only, and nothing half-written (no temporary file) is left beside them."""
    from concurrent.futures import ThreadPoolExecutor
    from spapress.clients.frontdesk import FrontDesk
    from spapress.content.model import Project

    root = site.root
    desk = FrontDesk(Project(root, root / "handouts", root / "layouts", root / "clients"), None)
    visits = []
    for n in range(12):
        visit, problems = desk.checker().visit({"name": "Ana Lima", "therapist": "Sam", "date": DAY,
                                                "handout": "stress-relief-points", "note": f"note {n}"}, "test")
        assert not problems
        visits.append(visit)
    made = [desk.make(visit) for visit in visits]
    with ThreadPoolExecutor(8) as threads:
        kept = list(threads.map(desk.keep, made))
    assert sorted(k.version for k in kept) == list(range(1, 13))
    latest = next(n for n, k in enumerate(kept) if k.version == 12)
    assert desk.keep(made[latest]).version == 12   # the same bytes again: found, not kept twice
    folder = site.path(f"clients/{DAY}")
    files = sorted(p.name for p in folder.iterdir())
    assert len(files) == 12 and all(name.endswith(".pdf") and not name.startswith(".") for name in files), files
    for sheet, sent_in in zip(kept, made):
        assert sheet.path.read_bytes() == sent_in.data
        assert sheet.path.stat().st_mode & 0o777 == 0o600


def test_the_records_journal_is_emptied_after_each_commit_not_deleted(site):
    """A batch commits hundreds of times; a journal deleted each time is a file made and freed
    each time, which a disk without a journal of its own (ext4 here) then skips past for minutes
    on every new file. Emptied, it is one file for good, and the records stay whole."""
    site.write("today.csv", "name,therapist,handout,date\n" + "".join(
        f"Client {n},Sam,stress-relief-points,{DAY}\n" for n in range(3)))
    assert site.run("clients", str(site.path("today.csv"))).code == 0
    journal = site.path("clients/records.sqlite3-journal")
    assert journal.is_file() and journal.stat().st_size == 0
    with sqlite3.connect(site.path("clients/records.sqlite3")) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("SELECT COUNT(*) FROM sheets").fetchone() == (3,)
