"""A day's appointments straight from the booking system: one realistic export per system,
written in the shape each one documents, read into visits (and for a few, into real sheets)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pypdf
import pytest

from conftest import REPO, single_problem
from spapress.clients.bookings import read_visits
from spapress.clients.frontdesk import FrontDesk
from spapress.content.model import Project

DAY = date(2026, 11, 24)
ZOE, BO = "Zoë Núñez", "Bo Chen"
NOTE = "Rest the left shoulder."
DEEP, SWEDISH = "why-backs-get-tense", "stress-relief-points"

# Each export: profile, header row, and four visits in the system's own words and date style:
# Zoë (deep tissue, with a note), Bo (relaxation, no email), Cy (cancelled), Di (no-show).
# The date column's cell is given as text; the Excel copies hold real dates instead.
EXPORTS = {
    "acuity": (["First Name", "Last Name", "Phone", "Email", "Type", "Calendar", "Start Time", "End Time", "Label", "Notes"], [
        ["Zoë", "Núñez", "555-0101", "zoe@example.com", "Deep Tissue Massage (90 min)", "Sam Reyes",
         "November 24, 2026 10:15 am", "November 24, 2026 11:45 am", "", NOTE],
        ["Bo", "Chen", "555-0102", "", "Swedish Massage (60 min)", "Kim Ito", "November 24, 2026 1:00 pm",
         "November 24, 2026 2:00 pm", "", ""],
        ["Cy", "Díaz", "", "cy@example.com", "Deep Tissue Massage (90 min)", "Sam Reyes", "November 24, 2026 3:00 pm",
         "", "Canceled", ""],
        ["Di", "Eze", "", "di@example.com", "Hot Stone Massage", "Kim Ito", "November 24, 2026 4:00 pm", "", "No-show", ""]],
        ("Canceled", "No-show")),
    "square": (["Date", "Time", "First Name", "Last Name", "Email", "Phone", "Service", "Staff", "Status", "Notes"], [
        ["11/24/2026", "10:15 AM", "Zoë", "Núñez", "zoe@example.com", "", "Deep Tissue 90", "Sam Reyes", "Accepted", NOTE],
        ["11/24/2026", "1:00 PM", "Bo", "Chen", "", "", "Swedish Massage", "Kim Ito", "Accepted", ""],
        ["11/24/2026", "3:00 PM", "Cy", "Díaz", "cy@example.com", "", "Deep Tissue 60", "Sam Reyes", "Cancelled by Customer", ""],
        ["11/24/2026", "4:00 PM", "Di", "Eze", "di@example.com", "", "Hot Stone", "Kim Ito", "No Show", ""]],
        ("Cancelled by Customer", "No Show")),
    "mindbody": (["Date", "Start Time", "Client", "Email", "Session Type", "Staff", "Status", "Notes"], [
        ["11/24/2026", "10:15 AM", "Núñez, Zoë", "zoe@example.com", "Deep Tissue Massage - 90", "Sam Reyes", "Completed", NOTE],
        ["11/24/2026", "1:00 PM", "Chen, Bo", "", "Swedish Massage - 60", "Kim Ito", "Booked", ""],
        ["11/24/2026", "3:00 PM", "Díaz, Cy", "cy@example.com", "Deep Tissue Massage - 60", "Sam Reyes", "Late Cancel", ""],
        ["11/24/2026", "4:00 PM", "Eze, Di", "di@example.com", "Hot Stone - 60", "Kim Ito", "No Show", ""]],
        ("Late Cancel", "No Show")),
    "vagaro": (["Appointment Date", "Customer", "Email", "Service", "Service Provider", "Status", "Price", "Notes"], [
        ["11/24/2026 10:15 AM", ZOE, "zoe@example.com", "Deep Tissue Massage", "Sam Reyes", "Show", "$120.00", NOTE],
        ["11/24/2026 1:00 PM", BO, "", "Swedish Massage", "Kim Ito", "Confirmed", "$90.00", ""],
        ["11/24/2026 3:00 PM", "Cy Díaz", "cy@example.com", "Deep Tissue Massage", "Sam Reyes", "Cancelled", "$120.00", ""],
        ["11/24/2026 4:00 PM", "Di Eze", "di@example.com", "Hot Stone", "Kim Ito", "No Show", "$100.00", ""]],
        ("Cancelled", "No Show")),
    "fresha": (["Ref #", "Client", "Email", "Service", "Scheduled date", "Time", "Team member", "Status", "Notes"], [
        ["1001", ZOE, "zoe@example.com", "Deep Tissue Massage 90min", "24 Nov 2026", "10:15", "Sam Reyes", "Completed", NOTE],
        ["1002", BO, "", "Relaxation Massage 60min", "24 Nov 2026", "13:00", "Kim Ito", "Confirmed", ""],
        ["1003", "Cy Díaz", "cy@example.com", "Deep Tissue Massage 60min", "24 Nov 2026", "15:00", "Sam Reyes", "Cancelled", ""],
        ["1004", "Di Eze", "di@example.com", "Hot Stone", "24 Nov 2026", "16:00", "Kim Ito", "No-show", ""]],
        ("Cancelled", "No-show")),
    "fresha-es": (["Ref. n.º", "Cliente", "Correo electrónico", "Servicio", "Fecha programada", "Miembro del equipo", "Estado", "Notas"], [
        ["1001", ZOE, "zoe@example.com", "Masaje de tejido profundo 90 min", "24/11/2026 10:15", "Sam Reyes", "Completada", NOTE],
        ["1002", BO, "", "Masaje relajante 60 min", "24/11/2026 13:00", "Kim Ito", "Confirmada", ""],
        ["1003", "Cy Díaz", "cy@example.com", "Masaje de tejido profundo 60 min", "24/11/2026 15:00", "Sam Reyes", "Cancelada", ""],
        ["1004", "Di Eze", "di@example.com", "Piedras calientes", "24/11/2026 16:00", "Kim Ito", "No se presentó", ""]],
        ("Cancelada", "No se presentó")),
    "fresha-it": (["Rif.", "Cliente", "Email", "Servizio", "Data programmata", "Membro del team", "Stato", "Note"], [
        ["1001", ZOE, "zoe@example.com", "Massaggio decontratturante 90 min", "24/11/2026", "Sam Reyes", "Completato", NOTE],
        ["1002", BO, "", "Massaggio rilassante 60 min", "24/11/2026", "Kim Ito", "Confermato", ""],
        ["1003", "Cy Díaz", "cy@example.com", "Massaggio decontratturante 60 min", "24/11/2026", "Sam Reyes", "Annullato", ""],
        ["1004", "Di Eze", "di@example.com", "Pietre calde", "24/11/2026", "Kim Ito", "Mancata presentazione", ""]],
        ("Annullato", "Mancata presentazione")),
    "fresha-fr": (["Réf.", "Client", "E-mail", "Prestation", "Date prévue", "Membre de l'équipe", "Statut", "Remarques"], [
        ["1001", ZOE, "zoe@example.com", "Massage des tissus profonds 90 min", "24/11/2026 10:15", "Sam Reyes", "Terminé", NOTE],
        ["1002", BO, "", "Massage relaxant 60 min", "24/11/2026 13:00", "Kim Ito", "Confirmé", ""],
        ["1003", "Cy Díaz", "cy@example.com", "Massage des tissus profonds 60 min", "24/11/2026 15:00", "Sam Reyes", "Annulé", ""],
        ["1004", "Di Eze", "di@example.com", "Pierres chaudes", "24/11/2026 16:00", "Kim Ito", "Absent", ""]],
        ("Annulé", "Absent")),
    "fresha-de": (["Ref.-Nr.", "Kunde", "E-Mail", "Dienstleistung", "Geplantes Datum", "Teammitglied", "Status", "Notizen"], [
        ["1001", ZOE, "zoe@example.com", "Tiefengewebsmassage 90 Min.", "24.11.2026 10:15", "Sam Reyes", "Abgeschlossen", NOTE],
        ["1002", BO, "", "Entspannungsmassage 60 Min.", "24.11.2026 13:00", "Kim Ito", "Bestätigt", ""],
        ["1003", "Cy Díaz", "cy@example.com", "Tiefengewebsmassage 60 Min.", "24.11.2026 15:00", "Sam Reyes", "Storniert", ""],
        ["1004", "Di Eze", "di@example.com", "Hot Stone", "24.11.2026 16:00", "Kim Ito", "Nicht erschienen", ""]],
        ("Storniert", "Nicht erschienen")),
    "boulevard": (["Appointment Date", "Client Name", "Client Email", "Service", "Provider", "Appointment State", "Appointment Notes"], [
        ["11/24/2026 10:15 AM", ZOE, "zoe@example.com", "Deep Tissue Massage 90", "Sam Reyes", "Completed", NOTE],
        ["11/24/2026 01:00 PM", BO, "", "Swedish Massage 60", "Kim Ito", "Confirmed", ""],
        ["11/24/2026 03:00 PM", "Cy Díaz", "cy@example.com", "Deep Tissue Massage 60", "Sam Reyes", "Canceled", ""],
        ["11/24/2026 04:00 PM", "Di Eze", "di@example.com", "Hot Stone", "Kim Ito", "No Show", ""]],
        ("Canceled", "No Show")),
    "jane": (["Start", "End", "Patient First Name", "Patient Last Name", "Patient Email", "Treatment", "Practitioner", "State", "Notes"], [
        ["Nov 24, 2026 10:15 AM", "Nov 24, 2026 11:45 AM", "Zoë", "Núñez", "zoe@example.com", "Deep Tissue Massage - 90 min",
         "Sam Reyes", "Arrived", NOTE],
        ["Nov 24, 2026 01:00 PM", "Nov 24, 2026 02:00 PM", "Bo", "Chen", "", "Relaxation Massage - 60 min", "Kim Ito", "Booked", ""],
        ["Nov 24, 2026 03:00 PM", "", "Cy", "Díaz", "cy@example.com", "Deep Tissue Massage - 60 min", "Sam Reyes",
         "Late Cancellation", ""],
        ["Nov 24, 2026 04:00 PM", "", "Di", "Eze", "di@example.com", "Hot Stone - 60 min", "Kim Ito", "No Show", ""]],
        ("Late Cancellation", "No Show")),
    "simplybook": (["Code", "Date", "Service", "Provider", "Client", "Client email", "Client phone", "Status", "Comment"], [
        ["a1b2", "2026-11-24 10:15:00", "Deep Tissue Massage", "Sam Reyes", ZOE, "zoe@example.com", "", "Confirmed", NOTE],
        ["a1b3", "2026-11-24 13:00:00", "Swedish Massage", "Kim Ito", BO, "", "", "Confirmed", ""],
        ["a1b4", "2026-11-24 15:00:00", "Deep Tissue Massage", "Sam Reyes", "Cy Díaz", "cy@example.com", "", "Canceled", ""],
        ["a1b5", "2026-11-24 16:00:00", "Hot Stone", "Kim Ito", "Di Eze", "di@example.com", "", "Not arrived", ""]],
        ("Canceled", "Not arrived")),
    "phorest": (["Appointment Date", "Time", "Client First Name", "Client Last Name", "Client Email", "Service Name",
                 "Staff Member", "Status", "Notes"], [
        ["24/11/2026", "10:15", "Zoë", "Núñez", "zoe@example.com", "Deep Tissue Massage 90 Mins", "Sam Reyes", "Paid", NOTE],
        ["24/11/2026", "13:00", "Bo", "Chen", "", "Swedish Massage 60 Mins", "Kim Ito", "Booked", ""],
        ["24/11/2026", "15:00", "Cy", "Díaz", "cy@example.com", "Deep Tissue Massage 60 Mins", "Sam Reyes", "Cancelled", ""],
        ["24/11/2026", "16:00", "Di", "Eze", "di@example.com", "Hot Stone", "Kim Ito", "No Show", ""]],
        ("Cancelled", "No Show")),
}
TITLES = {"acuity": "Acuity Scheduling", "mindbody": "Mindbody", "fresha-de": "Fresha (Deutsch)"}
EXCEL = ("mindbody", "vagaro", "fresha", "fresha-es", "fresha-it", "fresha-fr", "fresha-de")
DATE_HEADERS = {"Start Time", "Date", "Appointment Date", "Scheduled date", "Fecha programada", "Data programmata",
                "Date prévue", "Geplantes Datum", "Start"}


def write_csv(path, header, rows, delimiter=",", encoding="utf-8"):
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter, lineterminator="\r\n").writerows([header, *rows])
    path.write_bytes(text.getvalue().encode(encoding))
    return path


def write_xlsx(path, header, rows, title=None):
    """The export as Excel saves it: real dates in the date column, a report title above the header."""
    import openpyxl
    book = openpyxl.Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    sheet.append(header)
    column = next(i for i, h in enumerate(header) if h in DATE_HEADERS)
    for n, row in enumerate(rows):
        row = list(row)
        row[column] = datetime(2026, 11, 24, 10 + n, 15)
        sheet.append(row)
    book.save(path)
    return path


def export_file(tmp_path, system, kind="csv"):
    header, rows, _ = EXPORTS[system]
    if kind == "xlsx":
        return write_xlsx(tmp_path / f"{system}.xlsx", header, rows, title=f"Appointments {system}")
    return write_csv(tmp_path / f"{system}.csv", header, rows)


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    out = tmp_path_factory.mktemp("clients")
    return FrontDesk(Project(REPO, REPO / "handouts", REPO / "layouts", out), None)


def summary(imported):
    """What the import will make and skip, as comparable data."""
    made = [(r.visit.name, r.visit.date, r.visit.therapist, r.visit.sheet, r.visit.email, r.visit.note,
             tuple((p.kind, p.id, p.minutes, p.times_per_day) for p in r.visit.picks))
            for r in imported.rows if r.visit is not None]
    problems = [str(r.problem(imported.source)) for r in imported.rows if r.visit is None]
    return made, problems, [(s.number, s.name, s.reason) for s in imported.skipped]


DEEP_PICKS = (("techniques", "deep-tissue-focus", 5.0, None), ("techniques", "steady-pressure", 3.0, 2))
SWEDISH_PICKS = (("points", "top-of-shoulders", 2.0, 3), ("points", "base-of-spine", 1.0, 2))


@pytest.mark.parametrize("system, kind", [(s, "csv") for s in EXPORTS] + [(s, "xlsx") for s in EXCEL])
def test_each_booking_system_export_gives_exactly_the_right_visits(desk, tmp_path, system, kind):
    imported = read_visits(export_file(tmp_path, system, kind), desk.project, desk.checker())
    assert imported.profile.id == system
    made, problems, skipped = summary(imported)
    assert problems == []
    assert made == [(ZOE, DAY, "Sam Reyes", DEEP, "zoe@example.com", NOTE, DEEP_PICKS),
                    (BO, DAY, "Kim Ito", SWEDISH, None, None, SWEDISH_PICKS)]
    cancelled, no_show = EXPORTS[system][2]
    assert skipped == [(3, "Cy Díaz", f"status '{cancelled}'"), (4, "Di Eze", f"status '{no_show}'")]
    assert imported.notices == ()


@pytest.mark.parametrize("encoding, delimiter", [
    ("utf-8-sig", ","), ("utf-16", "\t"), ("cp1252", ";"), ("utf-16-le", ","), ("utf-8", "|"), ("cp1252", ",")])
def test_csv_in_any_common_encoding_and_separator(desk, tmp_path, encoding, delimiter):
    header, rows, _ = EXPORTS["square"]
    path = write_csv(tmp_path / "square.csv", header, rows, delimiter, encoding)
    made, problems, skipped = summary(read_visits(path, desk.project, desk.checker()))
    assert [m[0] for m in made] == [ZOE, BO] and problems == [] and len(skipped) == 2


def test_headers_match_ignoring_case_accents_and_spacing(desk, tmp_path):
    header = ["REF", "client", "e mail", "PRESTATION", "date prevue", "Membre de l’equipe ", "statut", "remarques"]
    header[5] = "membre de l equipe"
    _, rows, _ = EXPORTS["fresha-fr"]
    imported = read_visits(write_csv(tmp_path / "rdv.csv", header, rows), desk.project, desk.checker())
    assert imported.profile.id == "fresha-fr"
    assert [m[0] for m in summary(imported)[0]] == [ZOE, BO]


def text_of(path) -> str:
    return " ".join(pypdf.PdfReader(path).pages[0].extract_text().split())


@pytest.mark.parametrize("system, kind", [("acuity", "csv"), ("mindbody", "xlsx"), ("fresha-de", "csv")])
def test_real_sheets_from_an_export(site, system, kind):
    path = export_file(site.root, system, kind)
    run = site.run("clients", str(path))
    assert run.code == 0, run.err
    cancelled, no_show = EXPORTS[system][2]
    assert run.out.splitlines() == [
        f"skipped row 3 (Cy Díaz): status '{cancelled}'",
        f"skipped row 4 (Di Eze): status '{no_show}'",
        "made clients/2026-11-24/zoe-nunez-why-backs-get-tense.pdf",
        "made clients/2026-11-24/bo-chen-stress-relief-points.pdf",
        "2 of 2 client sheets made; 2 rows skipped"]
    assert sorted(p.name for p in site.path("clients/2026-11-24").iterdir()) == [
        "bo-chen-stress-relief-points.pdf", "zoe-nunez-why-backs-get-tense.pdf"]
    zoe = text_of(site.path("clients/2026-11-24/zoe-nunez-why-backs-get-tense.pdf"))
    for expected in (f"Made for {ZOE}", "November 24, 2026 · with Sam Reyes", f"From Sam Reyes: {NOTE}",
                     "Deep-tissue focus: 5 minutes"):
        assert expected in zoe
    bo = text_of(site.path("clients/2026-11-24/bo-chen-stress-relief-points.pdf"))
    assert f"Made for {BO}" in bo and "Top of the shoulders: 2 minutes, 3 times a day" in bo


def test_review_says_what_will_happen_and_makes_nothing(site):
    path = export_file(site.root, "acuity")
    run = site.run("clients", str(path), "--review", "--print")
    assert run.code == 0, run.err
    assert run.out.splitlines() == [
        "acuity.csv: Acuity Scheduling export, CSV (UTF-8, comma between cells); 4 visits",
        f"  row 1 ({ZOE}), 2026-11-24, with Sam Reyes: why-backs-get-tense for 'Deep Tissue Massage (90 min)': make, print",
        f"  row 2 ({BO}), 2026-11-24, with Kim Ito: stress-relief-points for 'Swedish Massage (60 min)': make, print "
        "(no email address)",
        "  row 3 (Cy Díaz): skip, status 'Canceled'",
        "  row 4 (Di Eze): skip, status 'No-show'",
        "to make: 2; to print: 2; to email: 0; skipped: 2; need fixing: 0",
        "nothing was made, printed or sent (--review)"]
    assert not site.path("clients").exists()


def test_services_without_a_rule_are_listed_and_get_the_default_or_nothing(site):
    header, rows, _ = EXPORTS["vagaro"]
    rows = [rows[0], [*rows[1][:3], "Gift Card Purchase", *rows[1][4:]], [*rows[0][:1], "Ed Fox", "", "Facial", *rows[0][4:]]]
    path = write_csv(site.root / "vagaro.csv", header, rows)
    run = site.run("clients", str(path), "--review")
    assert "service 'Gift Card Purchase' matches no rule in handouts/services.yaml (row 2): given the default " \
           "handout stress-relief-points" in run.out.splitlines()
    assert "service 'Facial' matches no rule in handouts/services.yaml (row 3): given the default handout " \
           "stress-relief-points" in run.out.splitlines()
    site.edit("handouts/services.yaml", "default: stress-relief-points", "")
    run = site.run("clients", str(path))
    assert run.code == 0, run.err
    assert "skipped row 2 (Bo Chen): no handout for the service 'Gift Card Purchase' in handouts/services.yaml" in run.out
    assert run.out.splitlines()[-1] == "1 of 1 client sheet made; 2 rows skipped"


def test_a_new_profile_written_as_yaml_imports_a_made_up_system(site):
    site.write("handouts/imports/lotus-desk.yaml", """\
title: Lotus Desk
columns:
  name: Guest
  date: Visit day
  therapist: Therapist on duty
  service: Treatment
  status: Booking state
date_format: "%d-%m-%Y"
skip_status: [Void, Did not come]
""")
    site.write("handouts/services.yaml", """\
services:
  - match: "*back*"
    handout: why-backs-get-tense
    techniques: [kneading:4:2]
""")
    path = write_csv(site.root / "lotus.csv", ["Guest", "Visit day", "Treatment", "Therapist on duty", "Booking state", "Room"], [
        ["Ana Lima", "24-11-2026", "Back Ritual", "Sam", "Done", "2"],
        ["Ian Wu", "24-11-2026", "Back Ritual", "Sam", "Did not come", "3"],
        ["Ola Nowak", "24-11-2026", "Foot Ritual", "Kim", "Done", "1"]])
    run = site.run("clients", str(path))
    assert run.code == 0, run.err
    assert run.out.splitlines() == [
        "skipped row 2 (Ian Wu): status 'Did not come'",
        "skipped row 3 (Ola Nowak): no handout for the service 'Foot Ritual' in handouts/services.yaml",
        "made clients/2026-11-24/ana-lima-why-backs-get-tense.pdf",
        "1 of 1 client sheet made; 2 rows skipped"]
    assert "Kneading: 4 minutes, twice a day" in text_of(site.path("clients/2026-11-24/ana-lima-why-backs-get-tense.pdf"))


def test_a_file_without_a_status_column_says_so_once(site):
    site.write("today.csv", "name,therapist,handout,date\nAna,Sam,stress-relief-points,2026-11-24\n"
                            "Bo,Sam,stress-relief-points,2026-11-24\n")
    run = site.run("clients", str(site.path("today.csv")), "--review")
    assert [line for line in run.out.splitlines() if "status" in line] == [
        "today.csv has no status column, so cancelled and no-show visits cannot be told apart; take them out of "
        "the file before sending"]


def test_dates_are_never_guessed_and_never_today_in_silence(site):
    header, rows, _ = EXPORTS["phorest"]
    rows = [[*rows[0][:0], "11/24/2026", *rows[0][1:]], [" ", *rows[1][1:]]]
    path = write_csv(site.root / "phorest.csv", header, rows)
    run = site.run("clients", str(path))
    assert run.code == 2
    assert run.err.splitlines() == [
        "phorest.csv:2: row 1 (Zoë Núñez): date: '11/24/2026' is not a date written as Phorest writes it, like '24/11/2026'",
        "phorest.csv:3: row 2 (Bo Chen): date: is missing; fill it in, or give the date of every visit with --date YYYY-MM-DD",
        "0 of 2 client sheets made; 2 rows need fixing (see above)"]
    run = site.run("clients", str(path), "--date", "2026-11-24")
    assert run.code == 2 and "made clients/2026-11-24/bo-chen-stress-relief-points.pdf" in run.out
    header = [h for h in header if h != "Appointment Date"]
    path = write_csv(site.root / "phorest.csv", header, [r[1:] for r in EXPORTS["phorest"][1]])
    assert single_problem(site.run("clients", str(path))) == (
        "phorest.csv:1: has no date column ('Appointment Date'); give the date of every visit with --date YYYY-MM-DD")
    run = site.run("clients", str(path), "--date", "2026-11-25", "--review")
    assert run.code == 0 and f"  row 1 ({ZOE}), 2026-11-25, with Sam Reyes" in run.out
    site.write("today.yaml", "- name: Ana\n  therapist: Sam\n  handout: stress-relief-points\n")
    assert site.run("clients", str(site.path("today.yaml"))).err.splitlines()[0] == (
        "today.yaml:1: row 1 (Ana): date: is missing; add 'date: YYYY-MM-DD', or give the date of every visit with "
        "--date YYYY-MM-DD")


def test_a_file_that_fits_no_profile_names_the_closest_and_what_they_lack(site):
    path = write_csv(site.root / "export.csv", ["First Name", "Last Name", "Email", "Start Time", "Type", "Notes"],
                     [["Ana", "Lima", "", "November 24, 2026 10:15 am", "Swedish", ""]])
    assert single_problem(site.run("clients", str(path))) == (
        "export.csv:1: the columns fit no import profile in handouts/imports/; closest: Acuity Scheduling "
        "(--profile acuity) lacks 'Calendar'; Square Appointments (--profile square) lacks 'Staff', "
        "'Service', 'Status'; Fresha (--profile fresha) lacks 'Client', 'Team member', 'Service', 'Status'; rename the columns, choose with --profile, or add a profile "
        "(see docs/booking-exports.md)")
    run = site.run("clients", str(path), "--profile", "square")
    assert run.code == 2 and run.err.splitlines() == [
        "export.csv:1: has no date column ('Date'); give the date of every visit with --date YYYY-MM-DD",
        "export.csv:1: lacks the Square Appointments columns 'Staff', 'Service', 'Status'",
        "2 problems found; no PDF was written or changed."]


def usage_error(run) -> str:
    assert run.code == 2, run.out + run.err
    (line,) = run.err.strip().splitlines()
    return line.removeprefix("make_pdfs.py: error: ")


@pytest.mark.parametrize("name, content, problem", [
    ("today.csv", b"", "today.csv: is empty; export the day's appointments from the booking system again"),
    ("today.csv", b"\r\n \r\n", "today.csv: is empty; export the day's appointments from the booking system again"),
    ("today.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500),
     "today.xls: is an old Excel .xls file; open it in Excel and save it as .xlsx or as CSV UTF-8"),
    ("today.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500),
     "today.csv: is an old Excel .xls file; open it in Excel and save it as .xlsx or as CSV UTF-8"),
    ("today.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(40),
     "today.csv: is not a table: it holds binary data, not text; export the appointments as CSV or Excel (.xlsx)"),
    ("today.csv", "Dear team\nsee you tomorrow at ten.\nAna\n".encode(),
     "today.csv: is not a table: no line has commas, semicolons, tabs or bars between columns; export the "
     "appointments as CSV or Excel (.xlsx)"),
    ("today.xlsx", b"PK\x03\x04not really a zip",
     "today.xlsx: cannot be opened as an Excel .xlsx file: it is damaged or not a workbook; open it in Excel and "
     "save it again, or export the appointments as CSV"),
])
def test_a_file_that_is_not_a_usable_table_is_refused_in_one_line(site, name, content, problem):
    path = site.root / name
    path.write_bytes(content)
    assert single_problem(site.run("clients", str(path))) == problem
    assert not site.path("clients").exists()


@pytest.mark.parametrize("file, old, new, problem", [
    ("handouts/imports/acuity.yaml", "optional:", "optinal:",
     "handouts/imports/acuity.yaml:13: unknown key 'optinal' (did you mean 'optional'?)"),
    ("handouts/imports/acuity.yaml", '"%B %d, %Y %H:%M", ', '"%B %d, %Y %H:%M", "%B %q %Y", ',
     "handouts/imports/acuity.yaml:14: '%B %q %Y' is not a date format: '%q' is not one of %d %m %b %B %Y %y %H %I %M %S "
     "%p %a %A %j"),
    ("handouts/imports/square.yaml", '["%m/%d/%Y", ', '["%m/%d/%Y", "%d/%m/%Y", ',
     "handouts/imports/square.yaml:14: mixes day-first and month-first formats; day and month order is never "
     "guessed: keep one order"),
    ("handouts/imports/square.yaml", '["%m/%d/%Y", ', '["%m/%Y", ',
     "handouts/imports/square.yaml:14: '%m/%Y' is not a date format: it needs a day (%d), a month (%m, %b or %B) and "
     "a year (%Y or %y)"),
    ("handouts/services.yaml", "handout: self-massage-tools", "handout: self-massage-tool",
     "handouts/services.yaml:17: no handout 'self-massage-tool' (did you mean 'self-massage-tools'?); known: "
     "partner-back-massage, self-massage-tools, stress-relief-points, why-backs-get-tense"),
    ("handouts/services.yaml", "tools: [foam-roller:3:1", "tools: [foam-rollers:3:1",
     "handouts/services.yaml:18: no tool 'foam-rollers' (did you mean 'foam-roller'?); known: foam-roller, massage-ball"),
])
def test_a_bad_profile_or_services_file_is_one_line_at_its_line(site, file, old, new, problem):
    site.edit(file, old, new)
    path = export_file(site.root, "square")
    assert single_problem(site.run("clients", str(path))) == problem
    assert not site.path("clients").exists()


def test_an_unknown_profile_is_an_argument_error(site):
    path = export_file(site.root, "square")
    assert usage_error(site.run("clients", str(path), "--profile", "squre")).startswith(
        "argument --profile: no import profile 'squre'; known: acuity, boulevard, fresha,")
    assert usage_error(site.run("clients", str(path), "--date", "24/11/2026")).startswith(
        "argument --date: '24/11/2026' is not a date; write it as YYYY-MM-DD")


def test_send_prints_the_review_first_and_never_mails_skipped_visits(site):
    from test_email import MailServer, free_port, settings
    port = free_port()
    settings(site, port)
    path = export_file(site.root, "jane")
    with MailServer(port) as server:
        run = site.run("clients", str(path), "--send")
    assert run.code == 2  # Bo has no address to send to
    lines = run.out.splitlines()
    assert lines[:6] == [
        "jane.csv: Jane export, CSV (UTF-8, comma between cells); 4 visits",
        f"  row 1 ({ZOE}), 2026-11-24, with Sam Reyes: why-backs-get-tense for 'Deep Tissue Massage - 90 min': "
        "make, email to zoe@example.com",
        "  row 2 (Bo Chen): needs fixing (see the problems below)",
        "  row 3 (Cy Díaz): skip, status 'Late Cancellation'",
        "  row 4 (Di Eze): skip, status 'No Show'",
        "to make: 1; to print: 0; to email: 1; skipped: 2; need fixing: 1"]
    assert lines[6:] == ["made clients/2026-11-24/zoe-nunez-why-backs-get-tense.pdf",
                         f"row 1: emailed why-backs-get-tense to {ZOE} <zoe@example.com>"]
    assert "jane.csv:3: row 2 (Bo Chen): email: is missing; it is needed to send the sheet" in run.err.splitlines()
    assert [recipients for _, recipients, _ in server.messages] == [["zoe@example.com"]]


def test_hostile_text_in_an_export_is_shown_literally_never_interpreted(site):
    header, rows, _ = EXPORTS["vagaro"]
    rows = [["11/24/2026", "<b>{{ 7*7 }}</b>", "", "\x1b[2J Facial\x07", "Sam Reyes", "Show", "", ""],
            ["11/24/2026", "Eve\x1b[31m", "", "Swedish", "Sam Reyes", "\x1b[0mCancelled", "", ""]]
    path = write_csv(site.root / "vagaro.csv", header, rows)
    run = site.run("clients", str(path), "--review")
    assert "\x1b" not in run.out + run.err and "\x07" not in run.out + run.err
    assert "  row 1 (<b>{{ 7*7 }}</b>), 2026-11-24, with Sam Reyes: stress-relief-points for '?[2J Facial?': make " \
           "(no email address)" in run.out.splitlines()
    assert "vagaro.csv:3: row 2: name: contains the control character U+001B; delete it (it is invisible in most " \
           "editors)" in run.err.splitlines()


def test_with_a_profile_matched_other_columns_are_ignored_without_misleading_hints(desk, tmp_path):
    header, rows, _ = EXPORTS["fresha-it"]
    header = [*header[:-1], "Nome", "Cognome", "Telefono"]  # no Note column; the client's name split out again
    rows = [[*row[:-1], *row[1].split(" ", 1), "333 1234567"] for row in rows]
    imported = read_visits(write_csv(tmp_path / "appuntamenti.csv", header, rows), desk.project, desk.checker())
    made, problems, skipped = summary(imported)
    assert problems == [] and [(m[0], m[3], m[5]) for m in made] == [(ZOE, DEEP, None), (BO, SWEDISH, None)]


def test_csv_text_is_split_into_lines_as_a_file_opened_with_newline_blank_would_be():
    """The reader walks the text line by line instead of copying it into io.StringIO; every mix
    of line endings, quotes and unusual separators reads the same either way."""
    import csv
    import io
    import random

    from spapress.clients.bookings.reader import _LINE

    def parse(lines):
        reader = csv.reader(lines, strict=False)
        try:
            return [(reader.line_num, row) for row in reader]
        except csv.Error as err:
            return str(err)

    pieces = ["a", "b", ",", '"', "\r", "\n", "\r\n", " ", "é", "\u2028", "\x85", "\t", "\x0c"]
    chosen = random.Random(7)
    for _ in range(3000):
        text = "".join(chosen.choice(pieces) for _ in range(chosen.randint(0, 30)))
        assert parse(m.group() for m in _LINE.finditer(text)) == parse(io.StringIO(text, newline="")), repr(text)
