"""Making outputs: a Press turns one loaded library into PDFs, one target at a time or on all cores.

Importing this module loads ReportLab and svglib, so a build imports it only when something
is stale.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import threading
from contextlib import closing
from dataclasses import replace
from typing import Callable, Iterator

from .booklet import make_booklet
from .compose import ComposedPdf, Metadata, Overflow, compose_page
from .depends import IMPOSED, PRINT_SHOP, Target
from .elements import AttrError, Ink
from .errors import ContentError, Problem
from .fonts import FontProblem, register_family
from .layout import SHEET_TEMPLATE, render_page, sheet_context
from .model import ClientCard, Library, Project, Sheet
from .styles import StyleSheet, load_style_sheet


class Press:
    """Makes handout PDFs from one loaded library; caches style sheets and fonts between sheets."""

    def __init__(self, project: Project, library: Library):
        self.project, self.library = project, library
        self._styles: dict[str, StyleSheet] = {}

    def styles(self, layout: str) -> StyleSheet:
        if layout not in self._styles:
            path = self.project.layouts / layout / "styles.yaml"
            if not path.is_file():
                raise ContentError([Problem(self.project.show(path), None, "style sheet not found; every layout needs a styles.yaml")])
            self._styles[layout] = load_style_sheet(path, self.project.show(path))
        return self._styles[layout]

    def faces(self):
        brand = self.library.brand
        try:
            return {"body": register_family(brand.body_font), "heading": register_family(brand.heading_font)}
        except FontProblem as err:
            raise ContentError([Problem(brand.source, None, str(err))]) from None

    def ink(self, layout: str) -> Ink:
        """What a layout's elements draw with: the brand, the layout's styles and the fonts."""
        return Ink(self.library.brand, self.styles(layout), self.faces(), self.project)

    def make_sheet(self, sheet: Sheet, client: ClientCard | None = None) -> ComposedPdf:
        """One sheet as PDF bytes (personalised when client is given); failures are ContentErrors."""
        template = f"{sheet.layout}/{SHEET_TEMPLATE}"
        root = render_page(self.project, template, sheet_context(self.library, sheet, client))
        try:
            return compose_page(root, self.ink(sheet.layout), self._metadata(sheet))
        except Overflow as err:
            raise ContentError([Problem(sheet.source, None, f"'{sheet.id}' {err}")]) from None
        except FontProblem as err:
            raise ContentError([self.locate_glyph(err, self.sources_of(sheet), sheet.source)]) from None
        except AttrError as err:
            raise ContentError([Problem(self.project.show(self.project.layouts / template), None, str(err))]) from None

    def _metadata(self, sheet: Sheet) -> Metadata:
        brand = self.library.brand
        names = [self.library.items(s.kind)[i] for s in sheet.sections if s.kind != "topics" for i in s.ids]
        keywords = tuple(dict.fromkeys(["massage", "self-care", *(item.name for item in names)]))
        return Metadata(title=sheet.title, author=brand.name,
                        subject=sheet.subtitle or f"A handout from {brand.name}",
                        keywords=keywords, language=brand.language)

    def sources_of(self, sheet: Sheet) -> list[str]:
        """The content files whose text a sheet shows."""
        sources = [sheet.source, self.library.brand.source]
        return sources + [self.library.items(s.kind)[i].source for s in sheet.sections for i in s.ids]

    def locate_glyph(self, err: FontProblem, sources: list[str], fallback: str) -> Problem:
        """Point at the content file and line holding the character the font lacks."""
        char = str(err).split("'")[1] if "'" in str(err) else ""
        for shown in dict.fromkeys(sources):
            path = self.project.root / shown
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except OSError:
                continue
            for number, line in enumerate(lines, 1):
                if char and char in line:
                    return Problem(shown, number, str(err))
        return Problem(fallback, None, str(err))


def _make_booklet(press: Press, target: Target) -> tuple[ComposedPdf, ...]:
    """The booklet's copies in the order of target.outputs: reading, then imposed, then print shop."""
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


# How each kind of target is made, given a Press for the library: one ComposedPdf per output,
# in the order of Target.outputs. A new kind of output adds its maker here and its targets
# in depends.plan.
MAKERS: dict[str, Callable[[Press, Target], tuple[ComposedPdf, ...]]] = {
    "sheet": lambda press, target: (press.make_sheet(press.library.sheets[target.id]),),
    "booklet": _make_booklet,
}

POOL_MIN_WORK = 8      # in handouts' worth: below this, starting worker processes costs more than it saves
BOOKLET_WORK = 8       # a booklet takes about as long as eight handouts
PR_SET_PDEATHSIG = 1   # prctl option from <linux/prctl.h>


# What a pool's workers make things with, set just before they are forked: (press, make).
_SHARED: tuple[Press, Callable] | None = None


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _start_worker(parent: int) -> None:
    """Pool initializer. Ctrl+C is the build's to handle (it stops the pool); and a worker ends as
    soon as its build does, even one killed outright (Linux's parent-death signal)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: workers then end when they next report back
        pass
    if os.getppid() != parent:  # the build died before the line above took effect
        os._exit(1)


def _make_one(press: Press, target: Target) -> tuple[str, tuple[ComposedPdf, ...] | None, list[Problem]]:
    """(target key, its PDFs or None, the problems found)."""
    try:
        return target.key, MAKERS[target.kind](press, target), []
    except ContentError as err:
        return target.key, None, err.problems


def _in_worker(item):
    press, make = _SHARED
    return make(press, item)  # the worker's own copy of press, so its caches serve every item it makes


def each_made(press: Press, make: Callable, items: list, *, workers: int, pool: bool) -> Iterator:
    """make(press, item) for every item, yielded as each is done: one after another here, or with
    pool, on `workers` forked processes (they inherit the loaded library, imported modules and
    registered fonts instead of redoing them). Forking needs a process running no other thread."""
    global _SHARED
    if not (pool and workers > 1 and len(items) > 1 and threading.active_count() == 1
            and "fork" in multiprocessing.get_all_start_methods()):
        yield from (make(press, item) for item in items)
        return
    _SHARED = (press, make)
    gc.freeze()  # what the workers inherit is never garbage: spare their collector scanning it
    try:
        with multiprocessing.get_context("fork").Pool(workers, _start_worker, (os.getpid(),)) as processes:
            chunk = max(1, min(4, len(items) // (workers * 8)))  # small: no worker idles long at the end
            yield from processes.imap_unordered(_in_worker, items, chunksize=chunk)
    finally:
        _SHARED = None
        gc.unfreeze()


def make_all(project: Project, library: Library, targets: list[Target], workers: int | None = None,
             progress: Callable[[int, int], None] | None = None,
             on_made: Callable[[str, tuple[ComposedPdf, ...]], None] | None = None) -> dict[str, tuple[ComposedPdf, ...]]:
    """Make every target, on all cores when there are enough; raise ContentError with every problem.

    on_made, if given, sees each target's PDFs as soon as they exist (while others are still
    being made), and progress(done, total) is called after each target.
    """
    problems: list[Problem] = []
    made: dict[str, tuple[ComposedPdf, ...]] = {}
    targets = sorted(targets, key=lambda t: t.kind != "booklet")  # the longest first, so no worker waits on one at the end
    work = sum(BOOKLET_WORK if target.kind == "booklet" else 1 for target in targets)
    results = each_made(Press(project, library), _make_one, targets, workers=workers or cores(),
                        pool=work >= POOL_MIN_WORK)
    with closing(results):  # an interrupted build stops its workers at once
        for done, (key, pdfs, found) in enumerate(results, 1):
            problems.extend(found)
            if pdfs is not None:
                made[key] = pdfs
                if on_made and not problems:
                    on_made(key, pdfs)
            if progress:
                progress(done, len(targets))
    if problems:
        raise ContentError(problems)
    return made
