"""Client sheets: a handout made for one visit, with the client block and only the items picked.

The picked items replace the handout's own sections (points, then techniques, then tools,
each in the order given); the handout's title, layout, paper and closing stay. The one-page
promise holds as for any handout: a sheet that cannot fit is refused, not split.
"""

from __future__ import annotations

import re
import unicodedata
from contextlib import closing
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Iterator

from ..builds.pool import cores, each_made
from ..content.model import Library, Section, Sheet
from ..errors import ContentError
from ..render.context import ClientCard, PlanLine
from ..render.sheets import Press
from .visits import PICK_KINDS, Visit, dose_text

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
HEADINGS = {"points": "Your points", "techniques": "Your techniques", "tools": "Your tools"}
POOL_FROM = 12  # batches at least this long are shared between processes


@dataclass(frozen=True)
class ClientPdf:
    """A finished client sheet, or why it could not be made."""

    visit: Visit
    path: Path
    data: bytes | None
    problem: str | None


def personal_sheet(library: Library, visit: Visit) -> Sheet:
    """The handout the visit names, with the visit's picks in place of its sections."""
    sheet = library.sheets[visit.sheet]
    if visit.layout:
        sheet = replace(sheet, layout=visit.layout)
    if not visit.picks:
        return sheet
    sections = []
    for kind in PICK_KINDS:
        ids = tuple(p.id for p in visit.picks if p.kind == kind)
        if ids:
            sections.append(Section(kind=kind, ids=ids, heading=HEADINGS[kind], line=0, id_lines=(0,) * len(ids)))
    return replace(sheet, subtitle=None, intro=None, sections=tuple(sections))


def client_card(library: Library, visit: Visit) -> ClientCard:
    day = visit.date
    plan = tuple(PlanLine(p.kind, library.items(p.kind)[p.id].name, dose_text(p)) for p in visit.picks)
    return ClientCard(name=visit.name, date=f"{day.day} {MONTHS[day.month - 1]} {day.year}",
                      therapist=visit.therapist, note=visit.note, plan=plan)


def client_pdf_path(folder: Path, visit: Visit) -> Path:
    """clients/DATE/NAME-HANDOUT.pdf; the name is reduced to safe letters, never used as given."""
    return folder / visit.date.isoformat() / f"{safe_file_stem(visit.name)}-{visit.sheet}.pdf"


def make_client_pdf(press: Press, visit: Visit, folder: Path) -> ClientPdf:
    """One client sheet as bytes, or the reason it cannot be made, said in terms of the visit."""
    path = client_pdf_path(folder, visit)
    try:
        pdf = press.make_sheet(personal_sheet(press.library, visit), client_card(press.library, visit))
    except ContentError as err:
        return ClientPdf(visit, path, None, "; ".join(_for_a_client(p) for p in err.problems))
    return ClientPdf(visit, path, pdf.data, None)


def _for_a_client(problem) -> str:
    """A sheet that does not fit is the picks' doing, so say what to change in those terms."""
    if "does not fit" not in problem.message:
        return str(problem)
    return problem.message.split("; shorten", 1)[0] + "; pick fewer items or shorten the note"


def _make_job(press: Press, job: tuple[int, Visit, Path]) -> tuple[int, ClientPdf]:
    index, visit, folder = job
    return index, make_client_pdf(press, visit, folder)


def make_many(press: Press, visits: list[Visit], folder: Path) -> Iterator[ClientPdf]:
    """Client sheets for a batch, yielded in the visits' order as they are made; long batches use
    one process per core. Only sheets made ahead of the one awaited are held, so a caller that
    writes each sheet out as it comes runs a batch of any size in bounded memory."""
    # Make the first sheet of each layout here, so every worker starts with its templates compiled.
    ahead: dict[int, ClientPdf] = {}
    seen_layouts: set[str] = set()
    for index, visit in enumerate(visits):
        layout = visit.layout or press.library.sheets[visit.sheet].layout
        if layout not in seen_layouts:
            seen_layouts.add(layout)
            ahead[index] = make_client_pdf(press, visit, folder)
    jobs = [(index, visit, folder) for index, visit in enumerate(visits) if index not in ahead]
    recipe = partial(Press, press.project, press.library)  # the library the visits were checked against
    awaited = 0
    with closing(each_made(press, _make_job, jobs, workers=cores(), pool=len(visits) >= POOL_FROM,
                           recipe=recipe)) as results:
        for index, made in results:
            ahead[index] = made
            while awaited in ahead:
                yield ahead.pop(awaited)
                awaited += 1
    while awaited in ahead:
        yield ahead.pop(awaited)
        awaited += 1


# Letters that Unicode does not split into an ASCII letter plus an accent.
_UNDECOMPOSABLE = str.maketrans({"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "ß": "ss", "Æ": "AE", "æ": "ae",
                                 "Œ": "OE", "œ": "oe", "Đ": "D", "đ": "d", "Þ": "Th", "þ": "th", "ı": "i"})


def safe_file_stem(text: str, limit: int = 40) -> str:
    """A file-name part from a person's name: ASCII letters, digits and hyphens only."""
    text = text.translate(_UNDECOMPOSABLE)
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    stem = "-".join(filter(None, re.split(r"[^a-z0-9]+", folded)))[:limit].strip("-")
    return stem or "client"
