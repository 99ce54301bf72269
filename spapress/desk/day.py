"""The day's visits as the desk app holds them: what was typed for each, and what has been done.

Each visit has a random id, so an address like /visit/3vQ… says nothing about the client. They
live in this process only; the files made and the send log are the lasting record.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path

from .actions import PICK_KINDS, Visit


@dataclass
class DeskVisit:
    id: str
    values: dict                            # the form's fields as typed (see form_values)
    kept: Path | None = None                # the sheet as last written to the clients folder
    printed: int = 0                        # how many times it was printed
    emailed: dict | None = None             # the values the emailed sheet was made from
    waiting: bool = False                   # an email waits in the outbox
    source: str = ""                        # 'visits.csv row 3', or '' when typed at the desk
    said: list[str] = field(default_factory=list)   # what was done, newest last
    preview: bytes | None = None            # the last preview picture (PNG)
    room: int | None = None                 # characters of note the sheet has room for, once measured
    needs_correction: bool = False          # the sheet differs from the version emailed last (the records say)
    corrected: int = 0                      # corrected versions emailed

    @property
    def changed_since_email(self) -> bool:
        return self.needs_correction

    def status(self) -> list[str]:
        done = []
        if self.kept:
            done.append("sheet made")
        if self.printed:
            done.append("printed")
        if self.emailed is not None:
            done.append("emailed")
        if self.corrected:
            done.append("corrected")
        if self.waiting:
            done.append("email waiting")
        if self.changed_since_email:
            done.append("changed, correction not sent")
        return done


EMPTY = {"name": "", "email": "", "therapist": "", "date": "", "handout": "", "note": "",
         **{kind: [] for kind in PICK_KINDS}}


def form_values(visit: Visit) -> dict:
    """A checked visit (from a day's file) as the form shows it."""
    values = {"name": visit.name, "email": visit.email or "", "therapist": visit.therapist,
              "date": visit.date.isoformat(), "handout": visit.sheet, "note": visit.note or ""}
    for kind in PICK_KINDS:
        values[kind] = [":".join([pick.id, "" if pick.minutes is None else f"{pick.minutes:g}",
                                  "" if pick.times_per_day is None else str(pick.times_per_day)]).rstrip(":")
                        for pick in visit.picks if pick.kind == kind]
    if visit.layout:
        values["layout"] = visit.layout
    return values


class Day:
    """The visits of this session of the app, in the order they were added."""

    def __init__(self):
        self._visits: dict[str, DeskVisit] = {}
        self.problems: list[str] = []       # rows of the day's file that could not be read
        self.loaded_from: str | None = None
        self._lock = threading.Lock()

    def add(self, values: dict, source: str = "") -> DeskVisit:
        with self._lock:
            visit = DeskVisit(secrets.token_urlsafe(12), dict(values), source=source)
            self._visits[visit.id] = visit
            return visit

    def get(self, visit_id: str) -> DeskVisit | None:
        return self._visits.get(visit_id)

    def all(self) -> list[DeskVisit]:
        return list(self._visits.values())
