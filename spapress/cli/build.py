"""make_pdfs.py [ID ...]: bring the handouts and booklets in build/ up to date, and say what was done."""

from __future__ import annotations

import time
from pathlib import Path

from ..content.model import Project
from ..errors import PressError
from .preflight import COPY_ENDINGS, LARGE_PRINT, built_subjects, check_all, large_print_folder, say
from .common import (EXIT_OK, EXIT_PROBLEM, EXIT_STOPPED, PROG, Parser, folder_options, positive,
                     project_paths, report_error)


def parser(stdout, commands: dict[str, str]) -> Parser:
    listed = "".join(f"  python make_pdfs.py {name:<21}{about}\n" for name, about in commands.items())
    made = Parser(
        prog=PROG, out=stdout,
        description="Build the spa's PDF handouts and booklets from the content in handouts/ and the layouts in layouts/.",
        epilog="Examples:\n  python make_pdfs.py                      bring every handout and booklet in build/ up to date\n"
               "  python make_pdfs.py stress-relief-points build one handout\n"
               "  python make_pdfs.py back-care-at-home --print-shop\n"
               "                                           build a booklet, also with bleed for a print shop\n"
               "  python make_pdfs.py --check              check all content and layouts, write nothing\n"
               "  python make_pdfs.py --force              rebuild everything, changed or not\n"
               + (f"\nOther commands (each has its own --help):\n{listed}" if listed else "") + "\n"
               "Only handouts and booklets whose content, brand, layout, fonts or art changed since the last\n"
               "build are made again; each is listed with the reason. Those whose file was deleted are removed.\n\n"
               "Exit status: 0 when everything was built, 2 when something needs fixing (each problem is\n"
               "printed as file:line: message, and no PDF is written or changed) or when another build is\n"
               "running in the same output folder.")
    made.add_argument("ids", nargs="*", metavar="ID",
                      help="handouts or booklets to build (file names in handouts/sheets/ or handouts/booklets/ without .yaml); default: all")
    made.add_argument("--check", action="store_true", help="check content, layouts and fit without writing any PDF")
    made.add_argument("--impose", action="store_true",
                      help="also write each booklet two-up for an office printer (ID-imposed.pdf)")
    made.add_argument("--print-shop", action="store_true",
                      help="also write each booklet with bleed and crop marks for a print shop (ID-print-shop.pdf)")
    made.add_argument("--force", action="store_true", help="rebuild every handout and booklet even if nothing changed")
    made.add_argument("--large-print", action="store_true",
                      help="also write every handout in large print (14 pt and up, one or two pages) to OUT/large-print/ID.pdf")
    made.add_argument("--strict", action="store_true",
                      help="treat the checks before print (contrast, type sizes, QR codes, disclaimer and safety "
                           "block, numbers split over lines, reading grade) as errors: write nothing if any fails")
    made.add_argument("--jobs", "-j", metavar="N", type=positive, help="processes making handouts and booklets at once (default: one per core)")
    folder_options(made, "folder for the PDFs (default: build/ in the project)")
    made.add_argument("--quiet", "-q", action="store_true", help="print nothing when all goes well")
    made.add_argument("--elements", action="store_true", help="print the layout element reference (Markdown) and exit")
    made.add_argument("--content-format", action="store_true", help="print the content format reference (Markdown) and exit")
    return made


def run(argv: list[str], *, root: Path, stdout, stderr, commands: dict[str, str]) -> int:
    args = parser(stdout, commands).parse_args(argv)
    if args.elements or args.content_format:
        from .reference import content_reference, elements_reference
        print(elements_reference() if args.elements else content_reference(), file=stdout)
        return EXIT_OK
    return build_and_report(project_paths(root, args), args.ids, check=args.check, force=args.force, jobs=args.jobs,
                            quiet=args.quiet, stdout=stdout, stderr=stderr, impose=args.impose,
                            print_shop=args.print_shop, strict=args.strict, large_print=args.large_print)


def build_and_report(paths: Project, ids: list[str] | None, *, check: bool = False, force: bool = False,
                     jobs: int | None = None, quiet: bool = False, stdout, stderr,
                     impose: bool = False, print_shop: bool = False, strict: bool = False,
                     large_print: bool = False) -> int:
    """Run one build and print what it did (or every problem); returns the exit status.

    The checks before print run on every PDF made; with strict, every requested PDF is made
    and checked first, and nothing is written unless all pass."""
    from ..builds.incremental import build, load_content

    started = time.perf_counter()
    progress = Progress(stderr, started) if not quiet else None
    runs = [(paths, None)] + ([(large_print_folder(paths), LARGE_PRINT)] if large_print else [])
    library = None  # loaded only when there is something to check: a build with nothing to do stays quick
    wanted = {layout: ids or None for _, layout in runs}
    try:
        if large_print and ids:  # large-print copies are of handouts only: booklet ids go to the main run
            library = load_content(paths)
            wanted[LARGE_PRINT] = [i for i in ids if i in library.sheets] or None
            if wanted[LARGE_PRINT] is None:
                runs = runs[:1]
        if strict and not check:  # make and check everything asked for, before anything is written
            trial = [(where, layout, build(where, wanted[layout], write=False, workers=jobs, progress=progress,
                                           impose=impose, print_shop=print_shop, layout=layout))
                     for where, layout in runs]
            if progress:
                progress.clear()
            library = library or _read_by(trial) or load_content(paths)
            if say(list(_checked(library, trial).values()), stderr, strict=True):
                return EXIT_PROBLEM
        reports = [(where, layout, build(where, wanted[layout], write=not check, force=force, workers=jobs,
                                         progress=progress, impose=impose, print_shop=print_shop, layout=layout))
                   for where, layout in runs]
        checked = {}
        if any(report.built for _, _, report in reports) and not (strict and not check):
            library = library or _read_by(reports) or load_content(paths)
            checked = _checked(library, reports)
    except PressError as err:
        return report_error(err, stderr)
    except OSError as err:  # the disk, not the content: full, read-only, or changed under us
        where = paths.show(Path(err.filename)) if err.filename else paths.show(paths.out)
        print(f"{PROG}: error: cannot write {where}: {err.strerror}; "
              f"each PDF is either as it was or complete and new", file=stderr)
        return EXIT_PROBLEM
    except KeyboardInterrupt:
        if progress:
            progress.clear()
        print(f"{PROG}: stopped; each PDF is either as it was or complete and new", file=stderr)
        return EXIT_STOPPED
    finally:
        if progress:
            progress.clear()
    found = say(list(checked.values()), stderr, strict=strict and check)
    if strict and check and found:
        return EXIT_PROBLEM
    report = _combined([report for _, _, report in reports])
    if quiet:
        return EXIT_OK
    seconds = time.perf_counter() - started
    if check:
        for item in report.built:
            shown = item.path.name if item.path.parent.name != LARGE_PRINT else f"{LARGE_PRINT}/{item.path.name}"
            print(f"checked {shown} "
                  f"({_pages(item.pdf)}{_grade(checked, item)})", file=stdout)
        print(f"{_made(report)} checked in {seconds:.2f} s", file=stdout)
        return EXIT_OK
    for item in report.built:
        verb = "built" if item.why in ("new", "--force", "newly asked for") else "rebuilt"
        same = "; it came out the same, so the file was left as it was" if item.same else ""
        print(f"{verb} {paths.show(item.path)} ({_pages(item.pdf)}): {item.why}{same}", file=stdout)
    for path, why in report.removed:
        print(f"removed {paths.show(path)}: {why}", file=stdout)
    removed = f", {len(report.removed)} removed" if report.removed else ""
    print(f"{_made(report)} built, {len(report.unchanged)} unchanged{removed}, 0 failed in {seconds:.2f} s",
          file=stdout)
    return EXIT_OK


def _read_by(reports):
    """The content a build already read, so the checks need not read it again."""
    return next((report.library for _, _, report in reports if report.library is not None), None)


def _checked(library, reports) -> dict:
    """The checks before print on every reading copy the builds made, by (subject name, content file)."""
    checked = {}
    for where, layout, report in reports:
        subjects = built_subjects(where, library, report.built, layout)
        for subject, result in zip(subjects, check_all(subjects)):
            checked[(subject.name, subject.content)] = result
    return checked


def _combined(reports):
    """One report of the main build and the large-print build."""
    from ..builds.incremental import BuildReport

    if len(reports) == 1:
        return reports[0]
    return BuildReport(tuple(b for r in reports for b in r.built), tuple(u for r in reports for u in r.unchanged),
                       tuple(x for r in reports for x in r.removed))


def _grade(checked, item) -> str:
    """', reading grade G' for a handout or booklet that was checked."""
    if item.path.name.endswith(COPY_ENDINGS):
        return ""
    name = item.id if item.path.parent.name != LARGE_PRINT else f"{item.id} (large print)"
    for (checked_name, _), result in checked.items():
        if checked_name == name and result.reading is not None:
            return f", reading grade {result.reading.grade:g}"
    return ""


def _made(report) -> str:
    """'4 handouts', '1 booklet' or '4 handouts and 1 booklet'."""
    sheets, booklets = report.made_of("sheet"), report.made_of("booklet")
    said = [f"{sheets} handout{'s' if sheets != 1 else ''}"] if sheets or not booklets else []
    said += [f"{booklets} booklet{'s' if booklets != 1 else ''}"] if booklets else []
    return " and ".join(said)


def _pages(pdf) -> str:
    if pdf.description:
        return pdf.description
    return f"{pdf.pages} page{'s' if pdf.pages != 1 else ''}, body text {pdf.body_size:g} pt"


class Progress:
    """A one-line counter on a terminal, shown only once a build has run for about a second."""

    DELAY = 1.0

    def __init__(self, stream, started: float):
        self.stream, self.started, self.shown = stream, started, False
        self.live = getattr(stream, "isatty", lambda: False)()

    def __call__(self, done: int, total: int) -> None:
        if self.live and (self.shown or time.perf_counter() - self.started >= self.DELAY):
            self.shown = True
            print(f"\rmaking handouts: {done} of {total}", end="", file=self.stream, flush=True)

    def clear(self) -> None:
        if self.shown:
            print("\r\033[K", end="", file=self.stream, flush=True)
            self.shown = False
