"""Group commit (clients/commits.py): writes from many threads share transactions on a real
SQLite file; a write that fails is undone alone, and a transaction that fails takes none of
its writes with it. Then the same through Records.keep: a batch's sheets, kept from eight
threads at once, each get their own version and file."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import closing, contextmanager
from datetime import date, datetime, timezone

import pytest

from spapress.clients.commits import GroupCommit
from spapress.clients.records import Records
from spapress.clients.visits import Visit


class Table:
    """A SQLite file with one table, and a count of the transactions that committed."""

    def __init__(self, path, fail_commit: bool = False):
        self.path, self.fail_commit, self.commits = path, fail_commit, 0
        with closing(sqlite3.connect(path)) as db:
            db.execute("CREATE TABLE rows (n INTEGER PRIMARY KEY)")
            db.commit()
        self.lock = threading.Lock()
        self.group = GroupCommit(self.lock, self.transaction)

    @contextmanager
    def transaction(self):
        with closing(sqlite3.connect(self.path, isolation_level=None)) as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
                if self.fail_commit:
                    raise OSError("disk full")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
            self.commits += 1

    def rows(self) -> list[int]:
        with closing(sqlite3.connect(self.path)) as db:
            return [n for (n,) in db.execute("SELECT n FROM rows ORDER BY n")]


def insert(n: int):
    def write(db):
        if n % 10 == 7:
            db.execute("INSERT INTO rows VALUES (?)", (1000 + n,))  # done, then undone with its failure
            raise ValueError(f"row {n} refused")
        db.execute("INSERT INTO rows VALUES (?)", (n,))
        return n * 2
    return write


def run_threads(table: Table, count: int) -> dict[int, object]:
    """Each of `count` threads hands in one write at once; what each thread got back or raised."""
    said: dict[int, object] = {}
    start = threading.Barrier(count)

    def one(n: int) -> None:
        start.wait()
        try:
            said[n] = table.group.run(insert(n))
        except Exception as err:  # noqa: BLE001 - what the thread heard is the point
            said[n] = err

    threads = [threading.Thread(target=one, args=(n,)) for n in range(count)]
    with table.lock:  # hold the writer a moment, so the writes pile up as in a busy batch
        for thread in threads:
            thread.start()
        while len(table.group._handed_in) < count:
            threading.Event().wait(0.001)
    for thread in threads:
        thread.join()
    return said


def test_writes_from_many_threads_share_commits_and_a_failed_one_is_undone_alone(tmp_path):
    table = Table(tmp_path / "t.sqlite3")
    said = run_threads(table, 40)
    failed = {n for n in range(40) if n % 10 == 7}
    assert table.rows() == [n for n in range(40) if n not in failed]  # no trace of the failed writes
    assert all(isinstance(said[n], ValueError) and str(said[n]) == f"row {n} refused" for n in failed)
    assert all(said[n] == n * 2 for n in range(40) if n not in failed)
    assert table.commits == 1  # forty writes, one commit: they were all waiting when the writer was free


def test_a_transaction_that_fails_keeps_none_of_its_writes_and_tells_every_thread(tmp_path):
    table = Table(tmp_path / "t.sqlite3", fail_commit=True)
    said = run_threads(table, 12)
    assert table.rows() == []
    assert all(isinstance(said[n], (OSError, ValueError)) for n in range(12))
    assert sum(isinstance(said[n], OSError) for n in range(12)) == 12 - 1  # row 7 heard its own refusal


def test_a_batch_kept_from_eight_threads_gives_each_sheet_its_own_version_and_file(tmp_path):
    records = Records(tmp_path / "clients")
    now = datetime(2026, 11, 24, 15, 0, tzinfo=timezone.utc)
    visits = [Visit(name=f"Client {n % 30}", email=None, date=date(2026, 11, 24), therapist="Sam",
                    sheet="stress-relief-points", layout=None, picks=(), note=None, where=f"row {n}")
              for n in range(90)]   # each client three times, with different bytes each time
    kept: list = [None] * len(visits)
    start = threading.Barrier(8)

    def keep(part: int) -> None:
        start.wait()
        for n in range(part, len(visits), 8):
            kept[n] = records.keep(visits[n], b"%PDF-1.4 sheet " + str(n).encode(), "content", now)

    threads = [threading.Thread(target=keep, args=(part,)) for part in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(new for _, new in kept)
    paths = [version.path for version, _ in kept]
    assert len(set(paths)) == 90 and all(path.read_bytes().startswith(b"%PDF-1.4 sheet ") for path in paths)
    for client in range(30):
        versions = sorted(version.version for version, _ in kept if version.client == f"Client {client}")
        assert versions == [1, 2, 3]
    assert [p.name for p in (tmp_path / "clients" / "2026-11-24").iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("count", [1, 2])
def test_a_lone_write_commits_on_its_own(tmp_path, count):
    table = Table(tmp_path / "t.sqlite3")
    assert [table.group.run(insert(n)) for n in range(count)] == [n * 2 for n in range(count)]
    assert table.rows() == list(range(count)) and table.commits == count
