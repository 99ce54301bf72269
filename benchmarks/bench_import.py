"""Speed of a day's appointments from a booking system's export, in figures anyone can reproduce.

    python benchmarks/bench_import.py [--rows N] [--rounds N]

Writes an Acuity Scheduling CSV export and a Mindbody Excel export of N appointments
(default 1,000; every tenth one cancelled), then prints for each: the time to read and check
the file in a warm process (no sheets made), and the wall time of `make_pdfs.py clients FILE`
from a cold start until every sheet is written, as sheets a second. Sheets are made on every
core, the way the front desk's command makes them.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from spapress.clients.bookings import read_visits  # noqa: E402
from spapress.clients.frontdesk import FrontDesk  # noqa: E402
from spapress.content.model import Project  # noqa: E402

SERVICES = ("Deep Tissue Massage (90 min)", "Swedish Massage (60 min)", "Couples Massage", "Hot Stone Massage",
            "Facial")
FIRST = ("Zoë", "Ana", "Bo", "Cy", "Di", "Éva", "Jon", "Kai", "Lía", "Mo")


def visits(rows: int):
    """(first, last, email, service, therapist, start, status, note) for each appointment."""
    for n in range(rows):
        start = datetime(2026, 11, 24, 8 + n % 10, (n * 7) % 60)
        yield (FIRST[n % len(FIRST)], f"Núñez {n}", f"client{n}@example.com" if n % 4 else "",
               SERVICES[n % len(SERVICES)], ("Sam Reyes", "Kim Ito")[n % 2], start,
               "Canceled" if n % 10 == 9 else "", "Drink water and rest." if n % 3 == 0 else "")


def write_acuity(path: Path, rows: int) -> int:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["First Name", "Last Name", "Phone", "Email", "Type", "Calendar", "Start Time", "Label", "Notes"])
        for first, last, email, service, therapist, start, status, note in visits(rows):
            writer.writerow([first, last, "", email, service, therapist,
                             start.strftime("%B %d, %Y %I:%M %p").lower().capitalize(), status, note])
    return sum(1 for v in visits(rows) if not v[6])


def write_mindbody(path: Path, rows: int) -> int:
    import openpyxl
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["Appointments"])
    sheet.append(["Date", "Client", "Email", "Session Type", "Staff", "Status", "Notes"])
    for first, last, email, service, therapist, start, status, note in visits(rows):
        sheet.append([start, f"{last}, {first}", email, service, therapist,
                      "Cancelled" if status else "Booked", note])
    book.save(path)
    return sum(1 for v in visits(rows) if not v[6])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1000, help="appointments in the export (default 1000)")
    parser.add_argument("--rounds", type=int, default=2, help="cold runs of each export; the best is shown")
    args = parser.parse_args()
    make_pdfs = str(ROOT / "make_pdfs.py")
    print(f"{os.cpu_count()} cores; {args.rows} appointments per export, every tenth cancelled")
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        exports = {"Acuity Scheduling CSV": (folder / "acuity.csv", write_acuity),
                   "Mindbody Excel": (folder / "mindbody.xlsx", write_mindbody)}
        desk = FrontDesk(Project(ROOT, ROOT / "handouts", ROOT / "layouts", folder / "warm"), None)
        for label, (path, write) in exports.items():
            sheets = write(path, args.rows)
            started = time.perf_counter()
            imported = read_visits(path, desk.project, desk.checker())
            reading = time.perf_counter() - started
            made = sum(1 for row in imported.rows if row.visit is not None)
            assert made == sheets and not any(row.problems for row in imported.rows), "the export did not read cleanly"
            best = None
            for round_ in range(args.rounds):
                out = folder / f"out-{path.stem}-{round_}"
                started = time.perf_counter()
                subprocess.run([sys.executable, make_pdfs, "clients", str(path), "--out", str(out)],
                               check=True, stdout=subprocess.DEVNULL)
                took = time.perf_counter() - started
                assert len(list(out.rglob("*.pdf"))) == sheets
                best = took if best is None else min(best, took)
            print(f"{label}: read and checked in {reading * 1000:.0f} ms; {sheets} sheets from a cold start in "
                  f"{best:.2f} s = {sheets / best:.0f} sheets/s (target >= 100 sheets/s)")


if __name__ == "__main__":
    main()
