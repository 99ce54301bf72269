"""Client sheets: a handout made for one visit, with the client block and only the items picked.

The picked items replace the handout's own sections (points, then techniques, then tools,
each in the order given); the handout's title, layout, paper and closing stay. The one-page
promise holds as for any handout: a sheet that cannot fit is refused, not split.
"""

from __future__ import annotations

import copy
import hashlib
from contextlib import closing
from dataclasses import dataclass, replace
from functools import lru_cache, partial
from itertools import islice
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ..builds.pool import cores, each_made
from ..content.locales import long_date
from ..content.model import Library, Section, Sheet
from ..errors import ContentError
from ..render.context import ClientCard, PlanLine
from ..render.sheets import Press
from .names import readable_stem
from .visits import PICK_KINDS, Visit, dose_text

HEADINGS = {"points": "Your points", "techniques": "Your techniques", "tools": "Your tools"}
POOL_FROM = 12  # batches at least this long are shared between processes
WINDOW = 256    # visits read, and their paths planned, at a time


@dataclass(frozen=True)
class ClientPdf:
    """A finished client sheet, or why it could not be made."""

    visit: Visit
    path: Path
    data: bytes | None
    problem: str | None
    content_hash: str = ""      # what it was made from (content, layout), for the records
    version: int = 0            # once kept: its version number (records.py), else 0
    record: int | None = None   # once kept: its id in the records
    body_size: float = 0.0      # the body text size the page was set at


def personal_sheet(library: Library, visit: Visit) -> Sheet:
    """The handout the visit names, with the visit's picks in place of its sections."""
    sheet = library.sheets[visit.sheet]
    if visit.layout:
        sheet = replace(sheet, layout=visit.layout)
    if not visit.picks:
        # The client block takes the place of the handout's opening lines.
        return replace(sheet, subtitle=None, intro=None)
    sections = []
    for kind in PICK_KINDS:
        ids = tuple(p.id for p in visit.picks if p.kind == kind)
        if ids:
            sections.append(Section(kind=kind, ids=ids, heading=HEADINGS[kind], line=0, id_lines=(0,) * len(ids)))
    return replace(sheet, subtitle=None, intro=None, sections=tuple(sections))


def client_card(library: Library, visit: Visit) -> ClientCard:
    plan = tuple(PlanLine(p.kind, library.items(p.kind)[p.id].name, dose_text(p)) for p in visit.picks)
    return ClientCard(name=visit.name, date=long_date(visit.date, library.brand.locale),
                      therapist=visit.therapist, note=visit.note, plan=plan)


def personal_library(library: Library, visit: Visit) -> Library:
    """The library as this client's sheet shows it: a point picked with a dose shows that dose as
    its duration, so the card and the plan never say two different things."""
    dosed = {p.id: dose_text(p) for p in visit.picks if p.kind == "points" and dose_text(p)}
    if not dosed:
        return library
    points = {pid: replace(point, duration=dosed[pid]) if pid in dosed else point
              for pid, point in library.points.items()}
    return replace(library, points=points)


def client_pdf_path(folder: Path, visit: Visit) -> Path:
    """clients/DATE/NAME-HANDOUT.pdf with the name made readable ASCII; the front desk asks the
    records instead (records.py), which keep two clients' files apart and add versions."""
    return folder / visit.date.isoformat() / f"{readable_stem(visit.name)[0] or 'client'}-{visit.sheet}.pdf"


def content_hash(press: Press, sheet: Sheet) -> str:
    """A hash of every file a sheet was made from: its content files, the brand and its layout."""
    digest = hashlib.sha256()
    files = [press.project.root / shown for shown in dict.fromkeys(press.sources_of(sheet))]
    layout = press.project.layouts / sheet.layout
    files += sorted(p for p in layout.rglob("*") if p.is_file()) if layout.is_dir() else []
    for path in files:
        digest.update(path.as_posix().encode("utf-8") + b"\0")
        try:
            stat = path.stat()
            digest.update(_file_digest(path, stat.st_mtime_ns, stat.st_size))
        except OSError:
            digest.update(b"missing")
    return digest.hexdigest()


@lru_cache(maxsize=1024)  # a batch's sheets are made from the same few files: each is read once while unchanged
def _file_digest(path: Path, mtime_ns: int, size: int) -> bytes:
    return hashlib.sha256(path.read_bytes()).digest()


def make_client_pdf(press: Press, visit: Visit, folder: Path, path: Path | None = None,
                    hashes: dict | None = None) -> ClientPdf:
    """One client sheet as bytes, or the reason it cannot be made, said in terms of the visit.
    `hashes` keeps a batch's content hashes: its sheets are all made from the library loaded at
    its start, so each set of files is hashed once per batch rather than once per sheet."""
    path = path or client_pdf_path(folder, visit)
    sheet = personal_sheet(press.library, visit)
    library = personal_library(press.library, visit)
    if library is not press.library:
        press = copy.copy(press)  # the same fonts and style sheets, with this client's doses on the cards
        press.library = library
    try:
        pdf = press.make_sheet(sheet, client_card(library, visit))
    except ContentError as err:
        return ClientPdf(visit, path, None, "; ".join(_for_a_client(p) for p in err.problems))
    if hashes is None:
        digest = content_hash(press, sheet)
    else:
        made_from = (tuple(press.sources_of(sheet)), sheet.layout)
        if made_from not in hashes:
            hashes[made_from] = content_hash(press, sheet)
        digest = hashes[made_from]
    return ClientPdf(visit, path, pdf.data, None, digest, body_size=pdf.body_size)


def _for_a_client(problem) -> str:
    """A sheet that does not fit is the picks' doing, so say what to change in those terms."""
    if "does not fit" not in problem.message:
        return str(problem)
    return problem.message.split("; shorten", 1)[0] + "; pick fewer items or shorten the note"


def _make_job(state: tuple[Press, dict], job: tuple[int, Visit, Path, Path]) -> tuple[int, ClientPdf]:
    press, hashes = state
    index, visit, folder, path = job
    return index, make_client_pdf(press, visit, folder, path, hashes)


def _batch_state(project, library) -> tuple[Press, dict]:
    """What a spawned worker makes a batch's sheets with: its own press and content hashes."""
    return Press(project, library), {}


def make_many(press: Press, visits: Iterable[Visit], folder: Path,
              planned: Callable[[list[Visit]], list[Path]] | None = None, count: int | None = None) -> Iterator[ClientPdf]:
    """Client sheets for a batch, yielded in the visits' order as they are made; long batches use
    one process per core. visits is a list, or any iterable with count (about how many); they
    are read WINDOW at a time as the making needs them. planned(window) says where each would go
    (the records' planned paths), by default client_pdf_path. Only sheets made ahead of the one
    awaited are held, so a caller that writes each sheet out as it comes, from visits it reads
    as they are asked for, runs a batch of any size in bounded memory."""
    planned = planned or (lambda window: [client_pdf_path(folder, visit) for visit in window])
    count = len(visits) if count is None else count
    remaining = iter(visits)
    first = list(islice(remaining, WINDOW))
    if len(first) < WINDOW:  # that is all of them: no pool for a batch whose rows turned out few
        count = len(first)
    first_paths = planned(first)
    # Make the first sheet of each layout here, so every worker starts with its templates compiled
    # (a layout first met after the first window is compiled by each worker: the same bytes).
    ahead: dict[int, ClientPdf] = {}
    seen_layouts: set[str] = set()
    hashes: dict = {}
    for index, visit in enumerate(first):
        layout = visit.layout or press.library.sheets[visit.sheet].layout
        if layout not in seen_layouts:
            seen_layouts.add(layout)
            ahead[index] = make_client_pdf(press, visit, folder, first_paths[index], hashes)
    made_here = frozenset(ahead)

    def jobs() -> Iterator[tuple[int, Visit, Path, Path]]:
        yield from ((index, visit, folder, path) for index, (visit, path) in enumerate(zip(first, first_paths))
                    if index not in made_here)
        index = len(first)
        while window := list(islice(remaining, WINDOW)):
            for visit, path in zip(window, planned(window)):
                yield index, visit, folder, path
                index += 1

    recipe = partial(_batch_state, press.project, press.library)  # the library the visits were checked against
    awaited = 0
    with closing(each_made((press, hashes), _make_job, jobs(), workers=cores(), pool=count >= POOL_FROM,
                           recipe=recipe, count=count - len(made_here))) as results:
        for index, made in results:
            ahead[index] = made
            while awaited in ahead:
                yield ahead.pop(awaited)
                awaited += 1
    while awaited in ahead:
        yield ahead.pop(awaited)
        awaited += 1
