"""The command line: the only place that reads argv, prints, and chooses exit codes."""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path

from .commands import COMMANDS
from .errors import ContentError, UsageError
from .model import Project

EXIT_OK, EXIT_PROBLEM = 0, 2
EXIT_STOPPED = 130  # the shell's code for Ctrl+C


class Parser(argparse.ArgumentParser):
    """argparse that reports a bad argument in one line instead of usage plus message."""

    def error(self, message):
        raise UsageError(f"{message} (see --help)")


def _parser() -> argparse.ArgumentParser:
    commands = "".join(f"  python make_pdfs.py {name:<21}{about}\n" for name, (_, about) in COMMANDS.items())
    parser = Parser(
        prog="make_pdfs.py",
        description="Build the spa's PDF handouts and booklets from the content in handouts/ and the layouts in layouts/.",
        epilog="Examples:\n  python make_pdfs.py                      bring every handout and booklet in build/ up to date\n"
               "  python make_pdfs.py stress-relief-points build one handout\n"
               "  python make_pdfs.py back-care-at-home --print-shop\n"
               "                                           build a booklet, also with bleed for a print shop\n"
               "  python make_pdfs.py --check              check all content and layouts, write nothing\n"
               "  python make_pdfs.py --force              rebuild everything, changed or not\n"
               + (f"\nOther commands (each has its own --help):\n{commands}" if commands else "") + "\n"
               "Only handouts and booklets whose content, brand, layout, fonts or art changed since the last\n"
               "build are made again; each is listed with the reason. Those whose file was deleted are removed.\n\n"
               "Exit status: 0 when everything was built, 2 when something needs fixing (each problem is\n"
               "printed as file:line: message, and no PDF is written or changed) or when another build is\n"
               "running in the same output folder.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("ids", nargs="*", metavar="ID",
                        help="handouts or booklets to build (file names in handouts/sheets/ or handouts/booklets/ without .yaml); default: all")
    parser.add_argument("--check", action="store_true", help="check content, layouts and fit without writing any PDF")
    parser.add_argument("--impose", action="store_true",
                        help="also write each booklet two-up for an office printer (ID-imposed.pdf)")
    parser.add_argument("--print-shop", action="store_true",
                        help="also write each booklet with bleed and crop marks for a print shop (ID-print-shop.pdf)")
    parser.add_argument("--force", action="store_true", help="rebuild every handout and booklet even if nothing changed")
    parser.add_argument("--jobs", "-j", metavar="N", type=_positive, help="processes making handouts and booklets at once (default: one per core)")
    parser.add_argument("--out", metavar="DIR", type=Path, help="folder for the PDFs (default: build/ in the project)")
    parser.add_argument("--content", metavar="DIR", type=Path, help="content folder (default: handouts/ in the project)")
    parser.add_argument("--layouts", metavar="DIR", type=Path, help="layouts folder (default: layouts/ in the project)")
    parser.add_argument("--quiet", "-q", action="store_true", help="print nothing when all goes well")
    parser.add_argument("--elements", action="store_true", help="print the layout element reference (Markdown) and exit")
    parser.add_argument("--content-format", action="store_true", help="print the content format reference (Markdown) and exit")
    return parser


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not '{text}'")
    return int(text)


def main(argv: list[str] | None = None, *, project: Path | None = None, stdout=None, stderr=None) -> int:
    """Run the command line; returns the exit status instead of exiting, so tests can call it."""
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    root = (project or Path.cwd()).resolve()
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in COMMANDS:
            return _run_command(argv[0], argv[1:], root, stdout, stderr)
        args = _parser().parse_args(argv)
        if args.elements or args.content_format:
            from .elements import reference_markdown
            from .load import content_reference
            print(reference_markdown() if args.elements else content_reference(), file=stdout)
            return EXIT_OK
        paths = project_paths(root, args)
        return build_and_report(paths, args.ids, check=args.check, force=args.force, jobs=args.jobs,
                                quiet=args.quiet, stdout=stdout, stderr=stderr,
                                impose=args.impose, print_shop=args.print_shop)
    except UsageError as err:
        print(f"make_pdfs.py: error: {err}", file=stderr)
        return EXIT_PROBLEM
    except ContentError as err:
        return _report_problems(err, stderr)


def build_and_report(paths: Project, ids: list[str] | None, *, check: bool = False, force: bool = False,
                     jobs: int | None = None, quiet: bool = False, stdout, stderr,
                     impose: bool = False, print_shop: bool = False) -> int:
    """Run one build and print what it did (or every problem); returns the exit status."""
    from .build import build  # imported here: ReportLab loads only when something must be made

    started = time.perf_counter()
    progress = _Progress(stderr, started) if not quiet else None
    try:
        report = build(paths, ids, write=not check, force=force, workers=jobs, progress=progress,
                       impose=impose, print_shop=print_shop)
    except UsageError as err:
        print(f"make_pdfs.py: error: {err}", file=stderr)
        return EXIT_PROBLEM
    except ContentError as err:
        return _report_problems(err, stderr)
    except OSError as err:  # the disk, not the content: full, read-only, or changed under us
        where = paths.show(Path(err.filename)) if err.filename else paths.show(paths.out)
        print(f"make_pdfs.py: error: cannot write {where}: {err.strerror}; "
              f"each PDF is either as it was or complete and new", file=stderr)
        return EXIT_PROBLEM
    except KeyboardInterrupt:
        if progress:
            progress.clear()
        print("make_pdfs.py: stopped; each PDF is either as it was or complete and new", file=stderr)
        return EXIT_STOPPED
    finally:
        if progress:
            progress.clear()
    if quiet:
        return EXIT_OK
    seconds = time.perf_counter() - started
    if check:
        for item in report.built:
            print(f"checked {item.path.name} ({_pages(item.pdf)})", file=stdout)
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


def _report_problems(err: ContentError, stderr) -> int:
    for problem in err.problems:
        print(problem, file=stderr)
    count = len(err.problems)
    print(f"{count} problem{'s' if count != 1 else ''} found; no PDF was written or changed.", file=stderr)
    return EXIT_PROBLEM


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


class _Progress:
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


def _run_command(name: str, argv: list[str], root: Path, stdout, stderr) -> int:
    """Hand over to a sub-command; its UsageError and ContentError are reported by main()."""
    module, function = COMMANDS[name][0].split(":")
    run = getattr(importlib.import_module(module, __package__), function)
    return run(argv, root=root, stdout=stdout, stderr=stderr)


def project_paths(root: Path, args) -> Project:
    """The project's folders from --content/--layouts/--out (or their defaults), checked."""
    def folder(value: Path | None, default: str, name: str, must_exist: bool) -> Path:
        path = (value if value is not None else root / default)
        path = path if path.is_absolute() else Path.cwd() / path
        if must_exist and not path.is_dir():
            raise UsageError(f"argument {name}: folder '{value if value is not None else default}' not found")
        if not must_exist and path.exists() and not path.is_dir():
            raise UsageError(f"argument {name}: '{value}' is a file, not a folder")
        return path

    return Project(root=root,
                   content=folder(args.content, "handouts", "--content", True),
                   layouts=folder(args.layouts, "layouts", "--layouts", True),
                   out=folder(args.out, "build", "--out", False))
