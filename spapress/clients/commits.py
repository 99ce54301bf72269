"""Group commit: writes handed in by many threads, committed together whenever the writer is free.

A thread hands in its write and waits its turn at the writer's lock. Whichever thread gets the
lock runs every write handed in so far, each inside a savepoint (a write that fails undoes only
itself, and only its thread hears of it), and commits them in one transaction. A commit's
flushes to disk take about as long for twenty writes as for one, so a batch's writing threads
share them instead of queueing for one each. A write is done, and its thread told, only once
its transaction has committed.
"""

from __future__ import annotations

import sqlite3
import threading
from contextlib import AbstractContextManager
from typing import Any, Callable, TypeVar

T = TypeVar("T")


class _Write:
    def __init__(self, write: Callable[[sqlite3.Connection], Any]):
        self.write = write
        self.result: Any = None
        self.error: BaseException | None = None
        self.finished = False


class GroupCommit:
    """Runs writes in shared transactions. `lock` is the writer's (other transactions take it
    too); `transaction()` opens one write transaction and commits it on leaving."""

    def __init__(self, lock: threading.Lock,
                 transaction: Callable[[], AbstractContextManager[sqlite3.Connection]]):
        self._lock, self._transaction = lock, transaction
        self._handed_in: list[_Write] = []
        self._handing_in = threading.Lock()

    def run(self, write: Callable[[sqlite3.Connection], T]) -> T:
        """write(db) inside a committed transaction, perhaps shared with other threads' writes."""
        mine = _Write(write)
        with self._handing_in:
            self._handed_in.append(mine)
        with self._lock:
            if not mine.finished:  # no other thread has taken it along: take every write waiting
                with self._handing_in:
                    writes, self._handed_in = self._handed_in, []
                self._commit(writes)
        if mine.error is not None:
            raise mine.error
        return mine.result

    def _commit(self, writes: list[_Write]) -> None:
        try:
            with self._transaction() as db:
                for each in writes:
                    db.execute("SAVEPOINT one_write")
                    try:
                        each.result = each.write(db)
                    except Exception as err:  # this write only: undone, and its thread told
                        db.execute("ROLLBACK TO one_write")
                        each.error = err
                    db.execute("RELEASE one_write")
        except BaseException as err:  # the transaction did not commit: none of its writes happened
            for each in writes:
                each.error, each.result = each.error or err, None
            raise
        finally:
            for each in writes:
                each.finished = True
