"""A day's export is read row by row as the making asks for it (cli/clients.py, clients/sheets.py,
builds/pool.py): rows are reported in the file's order whatever lies between them, and what is
read ahead of the sheet being made stays small however long the file."""

from __future__ import annotations

import io
import sqlite3

from conftest import without_findings

from spapress.builds import pool
from spapress.cli import main
from spapress.clients import sheets
from spapress.clients.frontdesk import FirstRows

DAY = "2026-11-24"


def export(rows: int, *, bad: set[int] = frozenset(), repeat: dict[int, int] | None = None) -> str:
    """A file of visits in the press's own format; row n (from 1) is client n, with a bad date
    on the rows in `bad`, and the row in `repeat` for the same client as the row it names."""
    repeat = repeat or {}
    lines = ["name,therapist,handout,date"]
    for n in range(1, rows + 1):
        lines.append(f"Client {repeat.get(n, n)},Sam,stress-relief-points,{'2026-13-01' if n in bad else DAY}")
    return "\n".join(lines) + "\n"


def test_rows_are_reported_in_order_across_many_windows(site, monkeypatch):
    monkeypatch.setattr(sheets, "WINDOW", 4)  # 40 rows: ten windows of rows read as the making needs them
    site.write("today.csv", export(40, bad={2, 3, 17, 40}, repeat={31: 5}))
    said = io.StringIO()  # what a person sees: both streams, as they were written
    code = main(["clients", str(site.path("today.csv"))], project=site.root, stdout=said, stderr=said)
    assert code == 2
    lines = without_findings(said.getvalue()).strip().splitlines()
    assert lines[0].startswith("today.csv has no status column")  # said before anything is made
    problems = {2: "today.csv:3: row 2 (Client 2): date: ", 3: "today.csv:4: row 3 (Client 3): date: ",
                17: "today.csv:18: row 17 (Client 17): date: ", 40: "today.csv:41: row 40 (Client 40): date: ",
                31: "today.csv:32: row 31 (Client 5): row: same client, date and handout as row 5; remove one"}
    expected = [problems[n] if n in problems else f"made clients/{DAY}/client-{n}-stress-relief-points.pdf"
                for n in range(1, 41)]
    assert [line[:len(want)] for line, want in zip(lines[1:41], expected)] == expected  # every row in its place
    assert lines[41:] == ["35 of 40 client sheets made; 5 rows need fixing (see above)"]


def test_the_review_of_a_long_export_lists_every_row_in_order(site, monkeypatch):
    monkeypatch.setattr(sheets, "WINDOW", 4)
    site.write("today.csv", export(12, bad={1, 12}, repeat={7: 2}))
    run = site.run("clients", str(site.path("today.csv")), "--review")
    assert run.code == 2
    lines = run.out.strip().splitlines()
    assert lines[0].endswith("; 12 visits")
    assert [line.split(":")[0].strip() for line in lines[1:13]] == [
        "row 1 (Client 1)", "row 2 (Client 2), 2026-11-24, with Sam", "row 3 (Client 3), 2026-11-24, with Sam",
        "row 4 (Client 4), 2026-11-24, with Sam", "row 5 (Client 5), 2026-11-24, with Sam",
        "row 6 (Client 6), 2026-11-24, with Sam", "row 7 (Client 2)", "row 8 (Client 8), 2026-11-24, with Sam",
        "row 9 (Client 9), 2026-11-24, with Sam", "row 10 (Client 10), 2026-11-24, with Sam",
        "row 11 (Client 11), 2026-11-24, with Sam", "row 12 (Client 12)"]
    assert lines[-1] == "nothing was made, printed or sent (--review)"
    assert lines[-2] == "to make: 9; to print: 0; to email: 0; skipped: 0; need fixing: 3"
    assert [line.split(":", 2)[1] for line in run.err.strip().splitlines()] == ["2", "8", "13"]
    assert not site.path("clients").exists() or not any(site.path("clients").rglob("*.pdf"))


def test_visits_are_read_only_as_the_making_needs_them(site, monkeypatch):
    """make_many, on the pool, takes visits from an iterator a window at a time: when the first
    sheet comes back only the first windows have been read, not the whole batch."""
    from spapress.clients.frontdesk import FrontDesk
    from spapress.clients.visits import Visit
    from spapress.content.model import Project
    import dataclasses
    import datetime

    monkeypatch.setattr(sheets, "WINDOW", 8)
    monkeypatch.setattr(sheets, "cores", lambda: 2)  # two workers, whatever this machine has
    root = site.root
    desk = FrontDesk(Project(root=root, content=root / "handouts", layouts=root / "layouts", out=root / "clients"), None)
    visit, problems = desk.checker().visit({"name": "Client 0", "therapist": "Sam", "handout": "stress-relief-points",
                                            "date": datetime.date(2026, 11, 24)}, "test")
    assert not problems and isinstance(visit, Visit)
    read = []

    def visits(count: int):
        for n in range(count):
            read.append(n)
            yield dataclasses.replace(visit, name=f"Client {n}")

    made = desk.make_many(visits(400), 400)
    first = next(made)
    assert first.problem is None and first.visit.name == "Client 0"
    ahead = 2 * (pool.AHEAD + 1) * pool.chunk_size(400, 2)
    assert len(read) <= 2 * sheets.WINDOW + ahead < 400, len(read)
    names = [first.visit.name] + [sheet.visit.name for sheet in made]
    assert names == [f"Client {n}" for n in range(400)] and len(read) == 400



def test_the_repeat_check_goes_on_in_memory_when_sqlite_cannot_keep_it(tmp_path):
    """A database SQLite will not write to (read-only here) from the start, or from part-way
    through: every repeat is still found."""
    stored = tmp_path / "seen.sqlite3"
    with sqlite3.connect(stored) as db:
        db.execute("CREATE TABLE target (digest BLOB PRIMARY KEY, row INTEGER) WITHOUT ROWID")
        db.execute("INSERT INTO target VALUES (?, ?)", (b"a" * 16, 1))  # kept before SQLite stopped taking more
    db.close()
    read_only = lambda: sqlite3.connect(f"file:{stored}?mode=ro", uri=True)  # noqa: E731
    part_way = FirstRows(read_only)
    assert part_way.db is not None  # the table is there, so it starts on disk
    assert part_way.first(b"b" * 16, 2) is None  # the insert fails: on in memory, with row 1 brought along
    assert part_way.db is None and part_way.first(b"a" * 16, 3) == 1 and part_way.first(b"b" * 16, 4) == 2

    empty = tmp_path / "empty.sqlite3"
    sqlite3.connect(empty).close()
    from_start = FirstRows(lambda: sqlite3.connect(f"file:{empty}?mode=ro", uri=True))
    assert from_start.db is None and from_start.memory == {}  # no table could be made
    assert from_start.first(b"c" * 16, 1) is None and from_start.first(b"c" * 16, 9) == 1

    on_disk = FirstRows()
    assert [on_disk.first(d, n) for n, d in enumerate([b"x" * 16, b"y" * 16, b"x" * 16], 1)] == [None, None, 1]
    assert on_disk.memory is None
    on_disk.close()
