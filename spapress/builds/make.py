"""Making build targets: each kind of target has a maker, and make_all runs them on the pool.

Importing this module loads ReportLab, so a build imports it only when something is stale.
"""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass, replace
from functools import partial
from typing import Callable

from ..content.model import Library, Project
from ..errors import ContentError, Problem
from ..render.pages import ComposedPdf
from ..render.sheets import Press
from .pool import cores, each_made
from .targets import IMPOSED, PRINT_SHOP, Target

POOL_MIN_WORK = 8      # in handouts' worth: below this, starting worker processes costs more than it saves
BOOKLET_WORK = 8       # a booklet takes about as long as eight handouts


def _make_booklet(press: Press, target: Target) -> tuple[ComposedPdf, ...]:
    """The booklet's copies in the order of target.outputs: reading, then imposed, then print shop."""
    from ..render.booklets import make_booklet  # loads pypdf: only when a booklet is made

    booklet = press.library.booklets[target.id]
    names = [path.name for path in target.outputs]
    made = make_booklet(press, booklet, impose_copy=any(n.endswith(IMPOSED) for n in names),
                        print_shop_copy=any(n.endswith(PRINT_SHOP) for n in names))
    pages = made.reading.pages
    copies = [replace(made.reading, description=f"booklet of {pages} pages")]
    if made.imposed is not None:
        sheets = -(-pages // 4)
        copies.append(ComposedPdf(made.imposed, sheets * 2, 0.0, f"{sheets} sheet{'s' if sheets != 1 else ''}, "
                                  "print double-sided, flip on short edge, fold, staple"))
    if made.print_shop is not None:
        copies.append(ComposedPdf(made.print_shop, pages, 0.0, f"for the print shop, {booklet.bleed:g} in bleed and crop marks"))
    return tuple(copies)


def _make_sheet(press: Press, target: Target) -> tuple[ComposedPdf, ...]:
    return (press.make_sheet(press.library.sheets[target.id]),)


# How each kind of target is made: one ComposedPdf per output, in the order of Target.outputs.
# A new kind of output adds its maker here and its targets in targets.plan.
MAKERS: dict[str, Callable[[Press, Target], tuple[ComposedPdf, ...]]] = {
    "sheet": _make_sheet,
    "booklet": _make_booklet,
}


@dataclass(frozen=True)
class Made:
    """One target's PDFs (one per output), or the problems that stopped it."""

    key: str
    pdfs: tuple[ComposedPdf, ...] | None
    problems: tuple[Problem, ...] = ()


def _make_one(press: Press, target: Target) -> Made:
    try:
        return Made(target.key, MAKERS[target.kind](press, target))
    except ContentError as err:
        return Made(target.key, None, tuple(err.problems))


def make_all(project: Project, library: Library, targets: list[Target], workers: int | None = None,
             progress: Callable[[int, int], None] | None = None,
             on_made: Callable[[str, tuple[ComposedPdf, ...]], None] | None = None) -> dict[str, tuple[ComposedPdf, ...]]:
    """Make every target, on all cores when there are enough; raise ContentError with every problem.

    on_made, if given, sees each target's PDFs as soon as they exist (while others are still
    being made), and the PDFs returned then carry no bytes (data is b""); progress(done, total)
    is called after each target.
    """
    problems: list[Problem] = []
    made: dict[str, tuple[ComposedPdf, ...]] = {}
    targets = sorted(targets, key=lambda t: t.kind != "booklet")  # the longest first, so no worker waits on one at the end
    work = sum(BOOKLET_WORK if target.kind == "booklet" else 1 for target in targets)
    # A spawned worker gets this very library, not one loaded afresh: content saved since the build
    # began must not reach some PDFs and not others, nor a half-saved file stop the workers.
    results = each_made(Press(project, library), _make_one, targets, workers=workers or cores(),
                        pool=work >= POOL_MIN_WORK, recipe=partial(Press, project, library))
    with closing(results):  # an interrupted build stops its workers at once
        for done, result in enumerate(results, 1):
            problems.extend(result.problems)
            if result.pdfs is not None:
                if on_made and not problems:
                    on_made(result.key, result.pdfs)
                # Once on_made has seen them, keep what the report needs but not the bytes: a build
                # of any size then holds only the PDFs being made.
                made[result.key] = tuple(replace(pdf, data=b"") for pdf in result.pdfs) if on_made else result.pdfs
            if progress:
                progress(done, len(targets))
    if problems:
        raise ContentError(problems)
    return made
